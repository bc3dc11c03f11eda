"""``Case.workdays_used`` (cases migration 0004), written by the case services from the clocks:
working days from acceptance (not counted) to the decision (counted), less special procedures."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.cases.helpers import AT, file_case
from zhengwu.assessment import selectors
from zhengwu.cases import services
from zhengwu.cases.models import Case


def test_working_days_used_through_the_services(clerk, reviewer, travel, item):
    travel(AT("2025-09-30 10:00"))
    case = file_case(clerk)
    assert Case.objects.get(pk=case.pk).workdays_used is None

    def act(moment, who, action, data=None):
        travel(AT(moment))
        return services.act(actor=who, number=case.number, action=action, data=data or {})

    act("2025-10-09 09:30", clerk, "accept")
    assert Case.objects.get(pk=case.pk).workdays_used is None
    act("2025-10-13 09:00", reviewer, "suspend", {"procedure": "inspection", "reason": "检验"})
    act("2025-10-16 09:00", reviewer, "resume")
    act("2025-10-21 15:00", reviewer, "decide", {"outcome": "grant"})
    stored = Case.objects.get(pk=case.pk)
    # (10-09, 10-21]: 10-10, 10-11 (调休 Saturday), 10-13 ... 10-17, 10-20, 10-21 = 9 working
    # days, less 10-13, 10-14, 10-15 under inspection = 6.
    assert stored.workdays_used == 6
    assert stored.completion == "early"  # promised 10 + 3 suspended → due 2025-10-27

    (row,) = [
        r
        for r in selectors.table(
            start=dt.date(2025, 10, 1), end=dt.date(2025, 10, 31), group="item",
            department_ids=None,
        )
    ]  # fmt: skip
    assert (row.indicators["promised_speedup"].numerator,
            row.indicators["promised_speedup"].denominator) == (4, 10)  # fmt: skip


@pytest.mark.parametrize("outcome", ["grant", "deny"])
def test_decided_on_the_acceptance_day_used_nothing(clerk, reviewer, travel, item, outcome):
    travel(AT("2025-10-09 09:00"))
    case = file_case(clerk)
    services.act(actor=clerk, number=case.number, action="accept", data={})
    data = {"outcome": outcome} if outcome == "grant" else {"outcome": "deny", "reason": "不符"}
    services.act(actor=reviewer, number=case.number, action="decide", data=data)
    assert Case.objects.get(pk=case.pk).workdays_used == 0
