"""Stored days win over the package; edits are logged and announced; the cache follows the data."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengwu.workdays import add_workdays, is_workday, loader, services, sources
from zhengwu.workdays.models import CalendarChange, CalendarDay

pytestmark = pytest.mark.django_db

D = dt.date


def test_a_stored_day_wins_over_the_package():
    assert add_workdays(D(2025, 9, 30), 20) == D(2025, 11, 4)
    # a local order: 2025-10-09 (a working Thursday) becomes a day off
    CalendarDay.objects.create(date=D(2025, 10, 9), is_workday=False, name="台风停工")
    assert not is_workday(D(2025, 10, 9))
    assert add_workdays(D(2025, 9, 30), 20) == D(2025, 11, 5)
    info = loader.day_info(D(2025, 10, 9))
    assert info.name == "台风停工" and info.source == sources.STORED
    # and a package holiday made a working day
    CalendarDay.objects.create(date=D(2025, 10, 8), is_workday=True)
    assert add_workdays(D(2025, 9, 30), 1) == D(2025, 10, 8)


def test_the_previous_test_left_nothing_behind():
    """The override above was rolled back with its test: the package decides again."""
    assert is_workday(D(2025, 10, 9))
    assert not is_workday(D(2025, 10, 8))
    assert add_workdays(D(2025, 9, 30), 20) == D(2025, 11, 4)


def test_set_day_logs_and_announces(admin_user, announcements, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.set_day(
            day=D(2026, 3, 2), is_workday=False, name="防汛", actor=admin_user, reason="县政府通知"
        )
    assert not is_workday(D(2026, 3, 2))
    change = CalendarChange.objects.get()
    assert change.kind == "edit" and change.date == D(2026, 3, 2) and change.year == 2026
    assert change.before == {"is_workday": True, "name": "", "provisional": False}
    assert change.after == {"is_workday": False, "name": "防汛", "provisional": False}
    assert change.actor == admin_user and change.reason == "县政府通知"
    assert announcements == [([2026], "edit")]

    with django_capture_on_commit_callbacks(execute=True):
        assert services.clear_day(day=D(2026, 3, 2), actor=admin_user) is True
    assert is_workday(D(2026, 3, 2))
    removed = CalendarChange.objects.filter(kind="delete").get()
    assert removed.before["is_workday"] is False and removed.after["is_workday"] is True
    assert announcements[-1] == ([2026], "edit")
    assert services.clear_day(day=D(2026, 3, 2)) is False


def test_an_override_inside_an_imported_year_still_wins(provisional_2027):
    from zhengwu.workdays import schedule as sched

    schedule, errors = sched.parse(2027, holidays_text="2027-02-05,2027-02-11,春节")
    assert not errors
    services.import_year(year=2027, schedule=schedule)
    services.set_day(day=D(2027, 2, 11), is_workday=True, name="提前复工")
    assert is_workday(D(2027, 2, 11))
    assert not is_workday(D(2027, 2, 10))


def test_changes_in_another_process_are_seen_through_the_stamp(settings):
    """Rows written behind the cache's back (no signals: bulk_create, another process) are seen
    at the next stamp check."""
    settings.WORKDAYS_RECHECK_SECONDS = 0
    assert is_workday(D(2025, 11, 3))
    CalendarDay.objects.bulk_create([CalendarDay(date=D(2025, 11, 3), is_workday=False)])
    assert not is_workday(D(2025, 11, 3))


def test_without_a_recheck_the_cache_serves_between_checks(settings):
    settings.WORKDAYS_RECHECK_SECONDS = 3600
    loader.invalidate()
    assert is_workday(D(2025, 11, 3))
    CalendarDay.objects.bulk_create([CalendarDay(date=D(2025, 11, 3), is_workday=False)])
    assert is_workday(D(2025, 11, 3))  # not seen yet: no signal, no check due
    loader.invalidate()
    assert not is_workday(D(2025, 11, 3))


@pytest.mark.django_db(transaction=True)
def test_committed_changes_and_flushes_are_followed():
    """Transactional tests commit and then flush the tables: no stale calendar survives."""
    services.set_day(day=D(2025, 11, 3), is_workday=False, name="x")
    assert not is_workday(D(2025, 11, 3))


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_the_package_decides_again():
    assert is_workday(D(2025, 11, 3))


def test_set_day_refuses_what_does_not_fit():
    from zhengwu.core.errors import ValidationFailed
    from zhengwu.workdays.errors import CalendarRangeError

    with pytest.raises(ValidationFailed) as caught:
        services.set_day(day=D(2026, 3, 2), is_workday=False, name="长" * 61)
    assert "name" in caught.value.errors
    with pytest.raises(CalendarRangeError):
        services.set_day(day=D(2003, 3, 3), is_workday=False)
    with pytest.raises(CalendarRangeError):
        services.plan_import(year=99999, schedule=None)
    assert not CalendarDay.objects.exists()
