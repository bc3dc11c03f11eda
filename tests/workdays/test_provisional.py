"""Provisional years and entering a year's official schedule."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengwu.workdays import add_workdays, is_workday, loader, services, sources, workdays_between
from zhengwu.workdays import schedule as sched
from zhengwu.workdays.models import CalendarChange, CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

D = dt.date

# A 2027 schedule as the State Council might publish it (the test needs one, any plausible one).
SCHEDULE_2027 = """\
kind,start,end,name
holiday,2027-01-01,2027-01-03,元旦
holiday,2027-02-05,2027-02-12,春节
workday,2027-02-13,,春节调休上班
holiday,2027-04-03,2027-04-05,清明节
holiday,2027-05-01,2027-05-05,劳动节
workday,2027-04-25,,劳动节调休上班
holiday,2027-06-09,2027-06-11,端午节
holiday,2027-09-15,2027-09-17,中秋节
holiday,2027-10-01,2027-10-07,国庆节
workday,2027-09-26,,国庆节调休上班
workday,2027-10-09,,国庆节调休上班
"""


def parsed_2027() -> sched.Schedule:
    schedule, errors = sched.parse(2027, file=SCHEDULE_2027.encode())
    assert not errors, errors.by_field
    return schedule


def test_a_provisional_year_says_so(provisional_2027):
    assert loader.year_status(2027) == sources.PROVISIONAL
    due = add_workdays(D(2027, 3, 1), 10)
    assert due.provisional is True
    assert is_workday(D(2027, 3, 1)).provisional is True
    assert workdays_between(D(2027, 3, 1), D(2027, 3, 31)).provisional is True


def test_provisional_only_when_the_span_reaches_the_provisional_year(provisional_2027):
    inside_2026 = add_workdays(D(2026, 12, 1), 10)
    assert inside_2026.year == 2026 and inside_2026.provisional is False
    crossing = add_workdays(D(2026, 12, 20), 20)
    assert crossing.year == 2027 and crossing.provisional is True
    assert workdays_between(D(2026, 12, 1), D(2026, 12, 31)).provisional is False
    assert workdays_between(D(2026, 12, 1), D(2027, 1, 4)).provisional is True


def test_a_provisional_year_has_the_statutory_holidays_and_no_makeup_days(provisional_2027):
    """元旦 1, 春节 4, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3 days, lunar dates computed, a day
    falling on a weekend given on the next weekday; no Saturday or Sunday works."""
    days = [D(2027, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    assert not any(is_workday(d) for d in days if d.weekday() >= 5)
    statutory = {
        D(2027, 1, 1): "元旦",
        D(2027, 2, 5): "农历除夕",  # 春节: 除夕 and the first three days of the lunar year
        D(2027, 2, 6): "春节",
        D(2027, 2, 7): "春节",
        D(2027, 2, 8): "春节",
        D(2027, 4, 5): "清明节",
        D(2027, 5, 1): "劳动节",
        D(2027, 5, 2): "劳动节",
        D(2027, 6, 9): "端午节",  # 五月初五
        D(2027, 9, 15): "中秋节",  # 八月十五
        D(2027, 10, 1): "国庆节",
        D(2027, 10, 2): "国庆节",
        D(2027, 10, 3): "国庆节",
    }
    for day, name in statutory.items():
        info = loader.day_info(day)
        assert not info.is_workday and info.name == name, day
    # weekend holidays are given on the following weekdays
    for day in (D(2027, 2, 9), D(2027, 2, 10), D(2027, 5, 3), D(2027, 5, 4), D(2027, 10, 4)):
        assert not is_workday(day), day
    weekday_holidays = [d for d in days if d.weekday() < 5 and not is_workday(d)]
    assert len(weekday_holidays) == 13


def test_importing_the_official_schedule_flips_the_year(
    provisional_2027, announcements, django_capture_on_commit_callbacks, admin_user
):
    before = add_workdays(D(2027, 2, 4), 1)
    assert before.provisional is True
    assert before == D(2027, 2, 11)  # provisional: 2/5-2/10 off, no make-up day
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.import_year(
            year=2027, schedule=parsed_2027(), actor=admin_user, notice="国办发明电〔2026〕1号"
        )
    assert loader.year_status(2027) == sources.OFFICIAL
    after = add_workdays(D(2027, 2, 4), 1)
    assert after.provisional is False
    assert after == D(2027, 2, 13)  # the make-up Saturday
    # what changed is logged, day by day, and the year
    changed = {c.date for c in plan.changes}
    assert D(2027, 2, 11) in changed and D(2027, 2, 13) in changed
    logged = CalendarChange.objects.filter(year=2027, kind=CalendarChange.Kind.IMPORT)
    assert {c.date for c in logged if c.date} == changed
    year_entry = logged.get(date=None)
    assert year_entry.before["status"] == "provisional"
    assert year_entry.after["status"] == "official"
    assert year_entry.actor == admin_user
    entry = logged.get(date=D(2027, 2, 13))
    assert entry.before["is_workday"] is False and entry.before["provisional"] is True
    assert entry.after["is_workday"] is True and entry.after["provisional"] is False
    assert announcements == [([2027], "import")]
    stored = CalendarYear.objects.get(year=2027)
    assert stored.status == "official" and stored.is_imported and stored.imported_by == admin_user
    # the schedule's days are stored, weekends inside holidays included
    # 3 + 8 + 3 + 5 + 3 + 3 + 7 holiday days and 4 make-up days
    assert CalendarDay.objects.filter(date__year=2027, source="import").count() == 36


def test_no_announcement_before_the_commit(provisional_2027, announcements):
    services.import_year(year=2027, schedule=parsed_2027())
    assert announcements == []  # the test's transaction never commits


def test_preview_writes_nothing(provisional_2027):
    plan = services.plan_import(year=2027, schedule=parsed_2027())
    assert plan.became_official and plan.changes
    assert not CalendarDay.objects.exists()
    assert not CalendarChange.objects.exists()
    assert loader.year_status(2027) == sources.PROVISIONAL


def test_an_imported_year_ignores_the_package(announcements):
    """Re-entering 2026 by hand (here: with 国庆 one day shorter) wins over the package."""
    schedule, errors = sched.parse(
        2026,
        holidays_text="2026-01-01,2026-01-03,元旦\n2026-10-01,2026-10-06,国庆节",
        workdays_text="2026-01-04",
    )
    assert not errors
    plan = services.import_year(year=2026, schedule=schedule)
    assert is_workday(D(2026, 10, 7))
    assert is_workday(D(2026, 2, 17))  # no 春节 in this (made-up) schedule: the package is ignored
    assert not is_workday(D(2026, 2, 14))  # nor its make-up Saturday
    assert {c.date for c in plan.changes} >= {D(2026, 10, 7), D(2026, 2, 17), D(2026, 2, 14)}


def test_reimporting_replaces_the_year(provisional_2027):
    services.import_year(year=2027, schedule=parsed_2027())
    smaller, errors = sched.parse(2027, holidays_text="2027-01-01,2027-01-01,元旦")
    assert not errors
    plan = services.import_year(year=2027, schedule=smaller)
    assert not plan.became_official
    assert is_workday(D(2027, 2, 8))
    assert CalendarDay.objects.filter(date__year=2027).count() == 1


def test_an_import_from_the_package_marks_the_year_without_changing_days(
    announcements, django_capture_on_commit_callbacks
):
    schedule = sched.from_package(2026)
    with django_capture_on_commit_callbacks(execute=True):
        plan = services.import_year(year=2026, schedule=schedule)
    assert plan.changes == ()
    assert announcements == [([2026], "import")]
    assert add_workdays(D(2026, 2, 13), 7) == D(2026, 3, 2)
