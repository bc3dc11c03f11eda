"""The calendar against the State Council's official 2025 and 2026 schedules, day by day."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.workdays import official
from zhengwu.workdays import (
    add_workdays,
    is_workday,
    loader,
    next_workday,
    sources,
    workdays_between,
)

pytestmark = pytest.mark.django_db

HOLIDAY_CASES = [(day, year) for year in (2025, 2026) for day in official.holiday_days(year)]
MAKEUP_CASES = [(day, year) for year in (2025, 2026) for day in official.MAKEUP[year]]


@pytest.mark.parametrize(("day", "year"), HOLIDAY_CASES, ids=[str(d) for d, _ in HOLIDAY_CASES])
def test_every_official_holiday_is_a_day_off(day, year):
    flag = is_workday(day)
    assert not flag
    assert flag.provisional is False


@pytest.mark.parametrize(("day", "year"), MAKEUP_CASES, ids=[str(d) for d, _ in MAKEUP_CASES])
def test_every_official_makeup_day_is_a_working_weekend_day(day, year):
    assert day.weekday() >= 5
    flag = is_workday(day)
    assert flag
    assert flag.provisional is False
    assert loader.day_info(day).is_makeup


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_day_of_the_year_matches_the_notice(year):
    wrong = [
        d for d in official.days_of(year) if bool(is_workday(d)) != official.expected_workday(d)
    ]
    assert wrong == []


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_package_carries_the_notice(year):
    """What the installed holidays package yields agrees with the notice (verified, not assumed):
    its days off are the notice's holidays that fall on weekdays, its make-up days the notice's."""
    assert year in sources.package_official_years()
    off, makeup = sources.package_schedule(year)
    weekday_holidays = {d for d in official.holiday_days(year) if d.weekday() < 5}
    assert {d for d in off if d.weekday() < 5} == weekday_holidays
    assert set(makeup) == set(official.MAKEUP[year])
    assert loader.year_status(year) == sources.OFFICIAL


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # DOMAIN.md §2
        (dt.date(2025, 9, 30), 20, dt.date(2025, 11, 4)),
        (dt.date(2026, 2, 13), 7, dt.date(2026, 3, 2)),
        # around the notices' edges
        (dt.date(2025, 9, 26), 1, dt.date(2025, 9, 28)),  # make-up Sunday
        (dt.date(2025, 9, 30), 1, dt.date(2025, 10, 9)),
        (dt.date(2025, 10, 10), 1, dt.date(2025, 10, 11)),  # make-up Saturday
        (dt.date(2025, 1, 24), 1, dt.date(2025, 1, 26)),
        (dt.date(2025, 1, 27), 1, dt.date(2025, 2, 5)),
        (dt.date(2025, 4, 30), 1, dt.date(2025, 5, 6)),
        (dt.date(2025, 12, 31), 1, dt.date(2026, 1, 4)),  # make-up Sunday of 元旦 2026
        (dt.date(2026, 2, 13), 1, dt.date(2026, 2, 14)),
        (dt.date(2026, 2, 14), 1, dt.date(2026, 2, 24)),
        (dt.date(2026, 2, 27), 1, dt.date(2026, 2, 28)),
        (dt.date(2026, 9, 30), 1, dt.date(2026, 10, 8)),
        (dt.date(2026, 10, 9), 1, dt.date(2026, 10, 10)),
        (dt.date(2025, 9, 30), 0, dt.date(2025, 9, 30)),
        (dt.date(2025, 10, 1), 0, dt.date(2025, 10, 1)),  # n = 0 returns the start, even a holiday
        (dt.date(2025, 10, 1), 5, dt.date(2025, 10, 14)),  # the start (a holiday) is not counted
    ],
)
def test_add_workdays(start, n, due):
    result = add_workdays(start, n)
    assert result == due
    assert result.date == due
    assert result.provisional is False
    assert workdays_between(start, result) == n


def test_between_counts_end_not_start():
    assert workdays_between(dt.date(2025, 9, 30), dt.date(2025, 11, 4)) == 20
    assert workdays_between(dt.date(2025, 9, 30), dt.date(2025, 10, 8)) == 0
    assert workdays_between(dt.date(2025, 10, 8), dt.date(2025, 10, 9)) == 1
    assert workdays_between(dt.date(2025, 11, 4), dt.date(2025, 9, 30)) == -20
    assert workdays_between(dt.date(2025, 1, 1), dt.date(2025, 1, 1)) == 0
    # 261 weekdays, 18 (2025) / 19 (2026) weekday holidays, 5 / 6 make-up days: 248 each
    assert workdays_between(dt.date(2024, 12, 31), dt.date(2025, 12, 31)) == 248
    assert workdays_between(dt.date(2025, 12, 31), dt.date(2026, 12, 31)) == 248
    for year in (2025, 2026):
        assert sum(official.expected_workday(d) for d in official.days_of(year)) == 248


def test_next_workday():
    assert next_workday(dt.date(2025, 9, 30)) == dt.date(2025, 10, 9)
    assert next_workday(dt.date(2025, 10, 9)) == dt.date(2025, 10, 10)
    assert next_workday(dt.date(2025, 10, 9), inclusive=True) == dt.date(2025, 10, 9)
    assert next_workday(dt.date(2025, 10, 4), inclusive=True) == dt.date(2025, 10, 9)


def test_names_come_from_the_package_in_chinese():
    assert loader.day_info(dt.date(2026, 2, 17)).name == "春节"
    assert loader.day_info(dt.date(2025, 10, 1)).name == "国庆节"
    info = loader.day_info(dt.date(2026, 2, 14))
    assert info.is_workday and info.is_makeup and info.source == sources.PACKAGE
