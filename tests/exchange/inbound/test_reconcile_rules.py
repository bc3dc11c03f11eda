"""The reconciliation rules over a hand-made calendar (no database)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhengwu.exchange.reconcile_rules import (
    CenterCase,
    Dates,
    Kind,
    Match,
    classify,
    is_clean,
    out_of_order,
)
from zhengwu.workdays.rules import WorkCalendar

D = dt.date
FIRST = D(2026, 3, 2)  # a Monday; Mon..Fri work, weekends rest, for eight weeks
FLAGS = ([True] * 5 + [False, False]) * 8
CALENDAR = WorkCalendar(FIRST, FLAGS, [False] * len(FLAGS))
CENTER = Dates(D(2026, 3, 9), D(2026, 3, 10), D(2026, 3, 20), D(2026, 3, 23))


def judge(record: Dates, case: CenterCase | None, how=Match.NUMBER, number="N1", margin=1):
    return classify(
        record_number=number,
        record=record,
        case=case,
        matched_by=how if case else None,
        calendar=CALENDAR,
        margin_workdays=margin,
    )


def case(state="delivered", dates=CENTER, number="N1"):
    return CenterCase(number=number, state=state, dates=dates)


def test_a_record_with_its_cases_dates_is_not_flagged():
    assert judge(CENTER, case()) is None
    assert is_clean(CENTER, case())


def test_no_case_here_is_off_system_with_the_records_dates_as_evidence():
    verdict = judge(CENTER, None)
    assert verdict.kind is Kind.OFF_SYSTEM
    assert verdict.evidence["department_dates"]["accepted"] == "2026-03-10"


@pytest.mark.parametrize(
    ("accepted", "kind"),
    [
        (D(2026, 3, 9), Kind.DOUBLE_INTAKE),  # one working day earlier: within the margin
        (D(2026, 3, 6), Kind.RETROACTIVE),  # Fri → Tue: two working days
        (D(2026, 3, 11), Kind.DOUBLE_INTAKE),  # later at the department: accepted twice
    ],
)
def test_an_acceptance_dated_differently(accepted, kind):
    record = Dates(D(2026, 3, 6), accepted, CENTER.decided, CENTER.delivered)
    verdict = judge(record, case())
    assert verdict.kind is kind
    if kind is Kind.RETROACTIVE:
        assert verdict.evidence["step"] == "accepted" and verdict.evidence["gap_workdays"] == 2


def test_a_received_day_earlier_than_the_margin_is_retroactive():
    record = Dates(D(2026, 3, 2), CENTER.accepted, CENTER.decided, CENTER.delivered)
    verdict = judge(record, case())
    assert verdict.kind is Kind.RETROACTIVE and verdict.evidence["step"] == "received"
    assert verdict.evidence["gap_workdays"] == 5
    assert judge(record, case(), margin=5) is None


def test_accepted_under_another_number_is_double_intake():
    verdict = judge(CENTER, case(), how=Match.ATTRIBUTES, number="DEPT-7")
    assert verdict.kind is Kind.DOUBLE_INTAKE and verdict.evidence["reason"] == "numbers"
    only_received = Dates(CENTER.received)
    assert judge(only_received, case(), how=Match.ATTRIBUTES, number="DEPT-7") is None


def test_steps_out_of_order_contradict_the_trail():
    record = Dates(D(2026, 3, 9), D(2026, 3, 10), D(2026, 3, 5))
    assert out_of_order(record) == ("accepted", "decided")
    verdict = judge(record, case())
    assert verdict.kind is Kind.TRAIL_CONFLICT and verdict.evidence["steps"] == [
        "accepted",
        "decided",
    ]


@pytest.mark.parametrize(
    ("state", "record", "step"),
    [
        ("refused", Dates(D(2026, 3, 9), D(2026, 3, 10)), "accepted"),
        ("withdrawn", Dates(D(2026, 3, 9), D(2026, 3, 10), D(2026, 3, 20)), "decided"),
    ],
)
def test_a_step_the_trail_never_had_contradicts_it(state, record, step):
    center = Dates(D(2026, 3, 9), D(2026, 3, 10) if state == "withdrawn" else None)
    verdict = judge(record, case(state, center))
    assert verdict.kind is Kind.TRAIL_CONFLICT and verdict.evidence["steps"] == [step]


days = st.none() | st.dates(min_value=D(2026, 3, 2), max_value=D(2026, 4, 24))


@given(days, days, days, days, st.sampled_from(["accepted", "delivered", "refused"]))
def test_a_clean_record_is_never_flagged(received, accepted, decided, delivered, state):
    """What the service counts without reading (``is_clean``) would not have been flagged."""
    dates = Dates(received or D(2026, 3, 2), accepted, decided, delivered)
    center = case(state, dates)
    if out_of_order(dates) is None and state != "refused":
        assert is_clean(dates, center) and judge(dates, center) is None
