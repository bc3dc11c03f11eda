"""The report functions the assessment reports rely on: counts by level and kind over a period
of days, optionally for some departments, and the most irregular cases."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.cases.helpers import AT, applicant_payload, file_case
from zhengwu.supervision import selectors
from zhengwu.supervision.models import CaseWarning, Irregularity

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat


@pytest.fixture
def cases(item, clerk, travel):
    travel(AT("2025-10-09 09:00"))
    return [file_case(clerk, applicant=applicant_payload(n)) for n in range(1, 4)]


def _warning(case, level, day, period=0):
    return CaseWarning.objects.create(
        case=case,
        department=case.department,
        level=level,
        period=period,
        due=D(day),
        raised_on=D(day),
        raised_at=AT(f"{day} 07:00"),
        sweep="t",
        case_received_at=case.received_at,
    )


def _irregularity(case, kind, day, key="1"):
    return Irregularity.objects.create(
        case=case,
        department=case.department,
        kind=kind,
        key=key,
        detected_on=D(day),
        detected_at=AT(f"{day} 07:00"),
    )


def test_warning_counts_by_level_in_the_period(cases, other_department):
    a, b, c = cases
    _warning(a, "yellow", "2025-10-01")
    _warning(a, "red", "2025-10-15")
    _warning(b, "red", "2025-10-31")
    _warning(c, "statutory_overdue", "2025-11-01")
    counts = selectors.warning_counts(start=D("2025-10-01"), end=D("2025-10-31"))
    assert counts == {"yellow": 1, "red": 2, "statutory_overdue": 0}
    assert selectors.warning_counts(
        start=D("2025-10-01"), end=D("2025-12-31"), department_ids=[other_department.pk]
    ) == {"yellow": 0, "red": 0, "statutory_overdue": 0}
    assert (
        selectors.warning_counts(
            start=D("2025-10-01"), end=D("2025-12-31"), department_ids={a.department_id}
        )["statutory_overdue"]
        == 1
    )


def test_irregularity_counts_most_first_with_labels(cases):
    a, b, _c = cases
    _irregularity(a, "retroactive", "2025-10-10", "2")
    _irregularity(a, "retroactive", "2025-10-11", "3")
    _irregularity(b, "deemed_acceptance", "2025-10-12")
    _irregularity(b, "retroactive", "2025-11-12", "4")  # outside
    rows = selectors.irregularity_counts(start=D("2025-10-01"), end=D("2025-10-31"))
    assert rows[0][0] == "retroactive" and rows[0][2] == 2
    assert rows[1][0] == "deemed_acceptance" and rows[1][2] == 1
    assert {r[0] for r in rows} == {
        "deemed_acceptance",
        "retroactive",
        "repeat_supplement",
        "step_timeout",
        "no_certificate",
        "rectification_overdue",
        "no_decision_power",
        # the reconciliation's discrepancies (exchange), counted beside them
        "reconciliation_off_system",
        "reconciliation_double_intake",
        "reconciliation_retroactive",
        "reconciliation_trail_conflict",
    }
    assert all(isinstance(r[1], str) and r[1] for r in rows)


def test_top_irregular_cases(cases):
    a, b, _c = cases
    _irregularity(a, "retroactive", "2025-10-10", "2")
    _irregularity(a, "repeat_supplement", "2025-10-11", "3")
    _irregularity(b, "deemed_acceptance", "2025-10-12")
    top = selectors.top_irregular_cases(start=D("2025-10-01"), end=D("2025-10-31"), limit=1)
    assert len(top) == 1
    first = top[0]
    assert first["number"] == a.number and first["count"] == 2
    assert first["department"] == a.department.name
    assert first["detected_on"] == D("2025-10-11")
    assert first["kinds"] == ["retroactive", "repeat_supplement"]
    assert (
        selectors.top_irregular_cases(start=D("2025-10-01"), end=D("2025-10-31"), department_ids=[])
        == []
    )
