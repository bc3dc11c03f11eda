"""Dates outside 2004-01-01 .. 31 December of the fifth year after today are refused."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from zhengwu.core import clock
from zhengwu.core.errors import DomainError, ValidationFailed
from zhengwu.workdays import (
    CalendarRangeError,
    add_workdays,
    is_workday,
    loader,
    next_workday,
    workdays_between,
)

pytestmark = pytest.mark.django_db

D = dt.date
SHANGHAI = clock.LOCAL_TZ


def test_before_2004_is_refused():
    with pytest.raises(CalendarRangeError) as caught:
        add_workdays(D(2003, 12, 31), 1)
    error = caught.value
    assert isinstance(error, DomainError)
    assert error.code == "workdays_out_of_range"
    assert error.status == 422
    assert error.field == "start"
    assert add_workdays(D(2004, 1, 1), 0) == D(2004, 1, 1)
    assert is_workday(D(2004, 1, 2))


@time_machine.travel(dt.datetime(2025, 6, 1, 12, 0, tzinfo=SHANGHAI), tick=False)
def test_more_than_five_years_ahead_is_refused():
    assert loader.supported_range() == (D(2004, 1, 1), D(2030, 12, 31))
    assert is_workday(D(2030, 12, 31)) is not None
    with pytest.raises(CalendarRangeError) as caught:
        is_workday(D(2031, 1, 1))
    assert caught.value.field == "date"
    with pytest.raises(CalendarRangeError) as caught:
        workdays_between(D(2030, 1, 1), D(2031, 1, 1))
    assert caught.value.field == "end"
    with pytest.raises(CalendarRangeError) as caught:
        add_workdays(D(2030, 12, 20), 30)  # the answer would lie past the end
    assert caught.value.field == "days"
    with pytest.raises(CalendarRangeError):
        next_workday(D(2030, 12, 31))


def test_the_range_follows_the_clock():
    with time_machine.travel(dt.datetime(2027, 3, 1, tzinfo=SHANGHAI), tick=False):
        assert add_workdays(D(2032, 6, 1), 1) == D(2032, 6, 2)
    with time_machine.travel(dt.datetime(2024, 3, 1, tzinfo=SHANGHAI), tick=False):
        with pytest.raises(CalendarRangeError):
            add_workdays(D(2032, 6, 1), 1)
        with pytest.raises(CalendarRangeError):
            add_workdays(D(2030, 1, 2), 1)
        assert add_workdays(D(2029, 6, 1), 1) == D(2029, 6, 4)


def test_the_range_moves_at_new_year_in_shanghai():
    # 2025-12-31 16:00 UTC is 2026-01-01 00:00 in Shanghai
    with time_machine.travel(dt.datetime(2025, 12, 31, 15, 59, tzinfo=dt.UTC), tick=False):
        with pytest.raises(CalendarRangeError):
            is_workday(D(2031, 1, 2))
    with time_machine.travel(dt.datetime(2025, 12, 31, 16, 0, tzinfo=dt.UTC), tick=False):
        assert is_workday(D(2031, 1, 2))


def test_clock_frozen_moves_the_range_in_its_context_only():
    with clock.frozen(dt.datetime(2020, 5, 1, tzinfo=SHANGHAI)):
        with pytest.raises(CalendarRangeError):
            add_workdays(D(2026, 1, 5), 1)
        assert add_workdays(D(2025, 12, 1), 1) == D(2025, 12, 2)
    with time_machine.travel(dt.datetime(2026, 5, 1, tzinfo=SHANGHAI), tick=False):
        assert add_workdays(D(2026, 1, 5), 1) == D(2026, 1, 6)


def test_the_message_is_chinese_and_names_the_range():
    with time_machine.travel(dt.datetime(2025, 6, 1, tzinfo=SHANGHAI), tick=False):
        with translation.override("zh-hans"):
            with pytest.raises(CalendarRangeError) as caught:
                add_workdays(D(2003, 5, 1), 3)
            payload = caught.value.payload()
    assert payload["code"] == "workdays_out_of_range"
    assert "2003年5月1日" in payload["message"]
    assert "2004年1月1日" in payload["message"] and "2030年12月31日" in payload["message"]
    assert "超出" in payload["message"]
    assert payload["errors"] == {"start": [payload["message"]]}


def test_bad_arguments_are_refused():
    with pytest.raises(ValidationFailed) as caught:
        add_workdays(D(2025, 9, 30), -1)
    assert "days" in caught.value.errors
    with pytest.raises(TypeError):
        add_workdays(dt.datetime(2025, 9, 30, 12, tzinfo=dt.UTC), 1)
    with pytest.raises(TypeError):
        add_workdays("2025-09-30", 1)
