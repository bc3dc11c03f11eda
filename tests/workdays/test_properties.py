"""Properties of the real calendar (package + database) over 2004-2026."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhengwu.workdays import add_workdays, is_workday, next_workday, workdays_between

pytestmark = pytest.mark.django_db

starts = st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2026, 6, 30))
counts = st.integers(min_value=0, max_value=120)
quick = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@quick
@given(starts, counts, counts)
def test_monotone_in_n(start, n, m):
    a, b = sorted((n, m))
    assert add_workdays(start, a) <= add_workdays(start, b)
    if a < b:
        assert add_workdays(start, a) < add_workdays(start, b)


@quick
@given(starts, counts)
def test_between_inverts_add(start, n):
    due = add_workdays(start, n)
    assert workdays_between(start, due) == n
    if n:
        assert is_workday(due)
        assert workdays_between(start, due - dt.timedelta(days=1)) == n - 1


@quick
@given(starts, counts, counts)
def test_add_composes(start, n, m):
    assert add_workdays(add_workdays(start, n), m) == add_workdays(start, n + m)


@quick
@given(starts, st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2026, 6, 30)))
def test_between_is_additive_and_antisymmetric(a, b):
    mid = min(a, b) + (max(a, b) - min(a, b)) / 2
    assert workdays_between(a, b) == -workdays_between(b, a)
    assert workdays_between(min(a, b), max(a, b)) == workdays_between(
        min(a, b), mid
    ) + workdays_between(mid, max(a, b))


@quick
@given(starts)
def test_next_workday_is_add_one(day):
    assert next_workday(day) == add_workdays(day, 1)
    assert next_workday(day, inclusive=True) == (day if is_workday(day) else add_workdays(day, 1))


def test_a_makeup_saturday_counts():
    friday, saturday = dt.date(2026, 2, 13), dt.date(2026, 2, 14)
    assert saturday.weekday() == 5
    assert is_workday(saturday)
    assert workdays_between(friday, saturday) == 1
    assert add_workdays(friday, 1) == saturday
    # an ordinary Saturday does not
    assert workdays_between(dt.date(2026, 3, 6), dt.date(2026, 3, 7)) == 0
