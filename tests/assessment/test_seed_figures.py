"""The county figures the platform is built to reproduce (DOMAIN.md): 网办率 0.48 % (75 applications
online of 15,527 received) and 并联审批使用率 2.1 % (6 of 290 applications for items that allow
parallel approval), counted from case rows by the indicators API, not only by the formula."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.assessment.conftest import SCJ_ITEM, SCJ_PARALLEL
from tests.assessment.test_indicators import bearer
from zhengwu.cases.models import Case
from zhengwu.core import clock

pytestmark = pytest.mark.django_db

YEAR = 2025
RECEIVED = 15_527
ONLINE = 75
PARALLEL_ITEM_CASES = 290
PARALLEL = 6


def bulk_cases(items, applicant, window) -> None:
    """The year's applications as the services leave them, inserted in bulk: 290 for an item that
    allows parallel approval (6 of them accepted into it), the rest for another item; 75 filed
    online, spread over the year."""
    now = clock.now()
    first = dt.date(YEAR, 1, 1)
    rows = []
    for n in range(RECEIVED):
        service_item = items[SCJ_PARALLEL if n < PARALLEL_ITEM_CASES else SCJ_ITEM]
        online = n % (RECEIVED // ONLINE) == 1 and n // (RECEIVED // ONLINE) < ONLINE
        received = first + dt.timedelta(days=n % 365)
        rows.append(
            Case(
                number=f"S{YEAR}{n:010d}",
                item=service_item,
                item_version=service_item.current_version,
                department=service_item.department,
                applicant=applicant,
                channel="online" if online else "window",
                window=None if online else window,
                state="accepted",
                received_at=now,
                received_on=received,
                intake_due=received,
                accepted_on=received,
                parallel=n < PARALLEL,
                level="normal",
                clocks_on=received,
                created_at=now,
                updated_at=now,
            )
        )
    Case.objects.bulk_create(rows, batch_size=2_000)


def test_the_seed_figures_from_case_rows_through_the_api(
    client, items, applicant, windows, staff, department
):
    bulk_cases(items, applicant, windows["SCJ"])
    assert Case.objects.filter(channel="online").count() == ONLINE
    response = client.get(
        f"/api/v1/indicators?from={YEAR}-01-01&to={YEAR}-12-31&group=department",
        **bearer(staff["leader"]),
    )
    assert response.status_code == 200
    row = next(r for r in response.json()["rows"] if r["key"] == department.pk)
    online = row["indicators"]["online_rate"]
    assert (online["numerator"], online["denominator"]) == (75, 15_527)
    assert online["display"] == "0.48%"
    parallel = row["indicators"]["parallel_rate"]
    assert (parallel["numerator"], parallel["denominator"]) == (6, 290)
    assert parallel["display"] == "2.07%"  # 2.1 % to one place
    assert parallel["value"] == pytest.approx(6 / 290)
