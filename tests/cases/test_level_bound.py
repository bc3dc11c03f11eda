"""Lists of cases at warning levels go through the due date each level implies
(``clocks.promised_due_bound``, ``selectors.at_levels``): the bound must never drop a case the
stored level puts in the list, however stale the stored clocks are (real database)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.cases.helpers import AT, applicant_payload, file_case
from zhengwu.cases import services
from zhengwu.cases.clocks import Level, promised_due_bound
from zhengwu.cases.models import Case
from zhengwu.cases.selectors import at_levels
from zhengwu.supervision.sweep import refresh_levels
from zhengwu.workdays.loader import get_calendar

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat
LEVEL_SETS = (
    [Level.YELLOW],
    [Level.RED],
    [Level.STATUTORY_OVERDUE],
    [Level.RED, Level.STATUTORY_OVERDUE],
    [Level.NORMAL],
)


def test_bounds_on_the_2025_calendar(travel):
    calendar = get_calendar()
    # Red and past the statutory limit: the promised due date has passed.
    assert promised_due_bound([Level.RED], D("2025-09-30"), calendar) == D("2025-09-30")
    assert promised_due_bound([Level.STATUTORY_OVERDUE], D("2025-09-30"), calendar) == D(
        "2025-09-30"
    )
    # Yellow on the last working day before National Day: the second working day after it is
    # 10 October (1-8 October off, the 9th the first working day back).
    assert promised_due_bound([Level.YELLOW], D("2025-09-30"), calendar) == D("2025-10-10")
    assert promised_due_bound([Level.YELLOW, Level.RED], D("2025-09-30"), calendar) == D(
        "2025-10-10"
    )
    # Normal bounds nothing.
    assert promised_due_bound([Level.NORMAL], D("2025-09-30"), calendar) is None
    assert promised_due_bound([Level.RED, Level.NORMAL], D("2025-09-30"), calendar) is None
    assert promised_due_bound(["nonsense"], D("2025-09-30"), calendar) is None


def _same_for_every_level(day: dt.date) -> None:
    cases = Case.objects.all()
    for levels in LEVEL_SETS:
        stored = set(cases.filter(level__in=[str(v) for v in levels]).values_list("id", flat=True))
        bounded = set(at_levels(cases, levels, today=day).values_list("id", flat=True))
        assert bounded == stored, (day, levels)


def test_bounded_lists_equal_the_stored_levels_with_stale_clocks(item, clerk, reviewer, travel):
    """Cases accepted on different days, one suspended across National Day; the levels are
    brought up to date on some days only, and every list is checked on every later day (the
    stored levels then lag behind, as before the day's first sweep)."""
    travel(AT("2025-09-22 10:00"))
    filed = [file_case(clerk, applicant=applicant_payload(n)) for n in range(1, 9)]
    for n, case in enumerate(filed):
        travel(AT(f"2025-09-{22 + n % 4:02d} 11:00"))
        services.act(actor=clerk, number=case.number, action="accept")
    travel(AT("2025-09-26 15:00"))
    services.act(
        actor=reviewer,
        number=filed[0].number,
        action="suspend",
        data={"procedure": "inspection", "reason": "现场检验"},
    )
    calendar = get_calendar()
    day = D("2025-09-26")
    seen = set()
    while day <= D("2025-11-20"):
        if calendar.is_workday(day) and day.day % 3:
            travel(dt.datetime.combine(day, dt.time(7, 0), tzinfo=AT("2025-01-01 00:00").tzinfo))
            refresh_levels()
        seen |= set(Case.objects.values_list("level", flat=True))
        for later in (day, day + dt.timedelta(days=1), day + dt.timedelta(days=9)):
            _same_for_every_level(later)
        day += dt.timedelta(days=1)
    # The walk went through every level.
    assert {"normal", "yellow", "red", "statutory_overdue"} <= seen


def test_the_open_states_are_stated_once_in_a_warning_list(item, clerk, supervisor):
    """A condition written twice makes PostgreSQL count its selectivity twice and pick a plan
    for a handful of rows (nested loops over thousands)."""
    from zhengwu.cases import queues
    from zhengwu.cases.selectors import CaseFilters, filtered

    lists = [
        queues.queryset(user, queues.BY_KEY[key])
        for user in (clerk, supervisor)
        for key in ("due_soon", "overdue")
    ]
    lists.append(filtered(supervisor, CaseFilters(level="red", open_only=True)))
    for queryset in lists:
        sql = str(queryset.query)
        assert sql.count('"state" IN') == 1, sql
    # Not a warning level: the open condition stays.
    normal = filtered(supervisor, CaseFilters(level="normal", open_only=True))
    assert str(normal.query).count('"state" IN') == 1
