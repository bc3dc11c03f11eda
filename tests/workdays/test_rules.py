"""The pure arithmetic (rules.py) against a day-by-day reference, without Django or a database."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhengwu.workdays.rules import (
    NegativeCount,
    OutOfRange,
    WorkCalendar,
    WorkdayCount,
    WorkdayDate,
    WorkdayFlag,
)

FIRST = dt.date(2030, 1, 1)


def reference_add(flags, prov, i, n):
    """The n-th working day after index i, walking day by day; None past the end."""
    if n == 0:
        return i, False
    touched = False
    j = i
    while n:
        j += 1
        if j >= len(flags):
            return None
        touched = touched or prov[j]
        n -= flags[j]
    return j, touched


calendars = st.integers(min_value=1, max_value=120).flatmap(
    lambda size: st.tuples(
        st.lists(st.booleans(), min_size=size, max_size=size),
        st.lists(st.booleans(), min_size=size, max_size=size),
    )
)


@settings(max_examples=300, deadline=None)
@given(calendars, st.data())
def test_add_matches_a_day_by_day_walk(cal_flags, data):
    flags, prov = cal_flags
    cal = WorkCalendar(FIRST, flags, prov)
    i = data.draw(st.integers(0, len(flags) - 1))
    n = data.draw(st.integers(0, len(flags) + 2))
    start = FIRST + dt.timedelta(days=i)
    expected = reference_add(flags, prov, i, n)
    if expected is None:
        with pytest.raises(OutOfRange) as caught:
            cal.add(start, n)
        assert caught.value.field == "days"
    else:
        j, touched = expected
        result = cal.add(start, n)
        assert result == FIRST + dt.timedelta(days=j)
        assert result.provisional is touched


@settings(max_examples=300, deadline=None)
@given(calendars, st.data())
def test_between_counts_the_half_open_span(cal_flags, data):
    flags, prov = cal_flags
    cal = WorkCalendar(FIRST, flags, prov)
    i = data.draw(st.integers(0, len(flags) - 1))
    j = data.draw(st.integers(0, len(flags) - 1))
    lo, hi = min(i, j), max(i, j)
    count = sum(flags[lo + 1 : hi + 1])
    touched = any(prov[lo + 1 : hi + 1])
    result = cal.between(FIRST + dt.timedelta(days=i), FIRST + dt.timedelta(days=j))
    assert result == (count if j >= i else -count)
    assert result.provisional is touched


@settings(max_examples=200, deadline=None)
@given(calendars, st.data())
def test_is_workday_and_next_workday(cal_flags, data):
    flags, prov = cal_flags
    cal = WorkCalendar(FIRST, flags, prov)
    i = data.draw(st.integers(0, len(flags) - 1))
    day = FIRST + dt.timedelta(days=i)
    flag = cal.is_workday(day)
    assert bool(flag) is flags[i]
    assert flag.provisional is prov[i]
    expected = reference_add(flags, prov, i, 1)
    if expected is None:
        with pytest.raises(OutOfRange):
            cal.next_workday(day)
    else:
        assert cal.next_workday(day) == FIRST + dt.timedelta(days=expected[0])
    if flags[i]:
        assert cal.next_workday(day, inclusive=True) == day


def test_truncated_view_shares_the_tables_and_moves_the_end():
    flags = [True] * 30
    cal = WorkCalendar(FIRST, flags)
    short = cal.truncated(FIRST + dt.timedelta(days=9))
    assert short.last == FIRST + dt.timedelta(days=9)
    assert short.add(FIRST, 9) == FIRST + dt.timedelta(days=9)
    with pytest.raises(OutOfRange):
        short.add(FIRST, 10)
    with pytest.raises(OutOfRange):
        short.is_workday(FIRST + dt.timedelta(days=10))
    assert cal.add(FIRST, 10) == FIRST + dt.timedelta(days=10)
    with pytest.raises(ValueError):
        cal.truncated(FIRST + dt.timedelta(days=30))


def test_out_of_range_names_the_field():
    cal = WorkCalendar(FIRST, [True] * 10)
    before = FIRST - dt.timedelta(days=1)
    with pytest.raises(OutOfRange) as caught:
        cal.add(before, 1)
    assert (caught.value.field, caught.value.day) == ("start", before)
    with pytest.raises(OutOfRange) as caught:
        cal.between(FIRST, FIRST + dt.timedelta(days=10))
    assert caught.value.field == "end"
    with pytest.raises(OutOfRange) as caught:
        cal.is_workday(before)
    assert caught.value.field == "date"


def test_bad_inputs_never_answer():
    cal = WorkCalendar(FIRST, [True] * 10)
    with pytest.raises(NegativeCount):
        cal.add(FIRST, -1)
    with pytest.raises(TypeError):
        cal.add(dt.datetime(2030, 1, 2, 10, 0), 1)
    with pytest.raises(TypeError):
        cal.add(FIRST, 1.5)
    with pytest.raises(TypeError):
        cal.is_workday(dt.datetime(2030, 1, 2))


def test_workday_date_behaves_as_a_date():
    due = WorkdayDate(2025, 11, 4, provisional=True)
    assert due == dt.date(2025, 11, 4)
    assert due.date == dt.date(2025, 11, 4) and type(due.date) is dt.date
    assert due.provisional is True
    day, provisional = due
    assert (day, provisional) == (dt.date(2025, 11, 4), True)
    shifted = due + dt.timedelta(days=1)
    assert type(shifted) is dt.date and shifted == dt.date(2025, 11, 5)
    assert type(due - dt.timedelta(days=1)) is dt.date
    assert due - dt.date(2025, 11, 1) == dt.timedelta(days=3)
    assert dt.date(2025, 11, 10) - due == dt.timedelta(days=6)
    assert type(due.replace(day=1)) is dt.date
    assert str(due) == "2025-11-04"
    assert pickle.loads(pickle.dumps(due)).provisional is True  # noqa: S301 - our own bytes
    assert hash(due) == hash(dt.date(2025, 11, 4))


def test_count_and_flag_behave_as_int_and_bool():
    count = WorkdayCount(20, provisional=False)
    assert count == 20 and count + 1 == 21 and count.value == 20
    assert tuple(count) == (20, False)
    with pytest.raises(AttributeError):
        count.provisional = True
    assert pickle.loads(pickle.dumps(WorkdayCount(3, True))).provisional is True  # noqa: S301
    yes, no = WorkdayFlag(True), WorkdayFlag(False, provisional=True)
    assert yes and not no
    assert yes == True  # noqa: E712 - the flag compares like the bool it stands for
    assert no == False  # noqa: E712
    assert no.provisional is True and no.value is False
    assert tuple(no) == (False, True)
    with pytest.raises(AttributeError):
        yes.value = False
