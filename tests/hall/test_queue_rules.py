"""The queue's pure rules: opening, priorities, the steps of a number, slots, the percentile."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengwu.hall import queue_rules as rules

HOURS = rules.Hours(dt.time(9), dt.time(17), dt.time(12), dt.time(13, 30))


def test_open_on_working_days_in_hours_only():
    assert rules.is_open(HOURS, workday=True, at=dt.time(9, 0))
    assert rules.is_open(HOURS, workday=True, at=dt.time(12, 30))  # numbers in the lunch break
    assert not rules.is_open(HOURS, workday=True, at=dt.time(8, 59))
    assert not rules.is_open(HOURS, workday=True, at=dt.time(17, 0))
    assert not rules.is_open(HOURS, workday=False, at=dt.time(10, 0))


def test_priorities_are_configured():
    assert rules.priority_for("") == 0
    assert rules.priority_for("appointment") == 1
    assert rules.priority_for("green") == 2
    assert rules.priority_for("green", {"green": 5, "appointment": 9}) == 5
    with pytest.raises(rules.QueueError):
        rules.priority_for("vip")


def test_calling_order_priority_then_taking():
    t = dt.datetime(2026, 3, 2, 9)
    queue = [
        (0, t, 1),
        (1, t + dt.timedelta(minutes=5), 2),
        (2, t + dt.timedelta(minutes=9), 3),
        (0, t - dt.timedelta(minutes=1), 4),
    ]
    ordered = sorted(queue, key=lambda q: rules.order_key(*q))
    assert [q[2] for q in ordered] == [3, 2, 4, 1]


def test_skip_goes_back_once_then_missed():
    first = rules.step(rules.CALLED, rules.SKIP, skips=0)
    assert first == rules.Step(rules.WAITING, 1, requeue=True)
    second = rules.step(rules.CALLED, rules.SKIP, skips=1)
    assert second.state == rules.MISSED and not second.requeue


@pytest.mark.parametrize(
    ("state", "action", "after"),
    [
        (rules.WAITING, rules.CALL, rules.CALLED),
        (rules.CALLED, rules.RECALL, rules.CALLED),
        (rules.CALLED, rules.FINISH, rules.DONE),
        (rules.CALLED, rules.TRANSFER, rules.WAITING),
        (rules.WAITING, rules.TRANSFER, rules.WAITING),
    ],
)
def test_allowed_steps(state, action, after):
    assert rules.step(state, action).state == after


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (rules.WAITING, rules.FINISH),
        (rules.WAITING, rules.RECALL),
        (rules.WAITING, rules.SKIP),
        (rules.DONE, rules.CALL),
        (rules.DONE, rules.TRANSFER),
        (rules.MISSED, rules.CALL),
        (rules.CALLED, rules.CALL),
    ],
)
def test_refused_steps(state, action):
    with pytest.raises(rules.QueueError) as error:
        rules.step(state, action)
    assert error.value.code == "illegal_step"


def test_slots_skip_the_lunch_break():
    slots = rules.slot_times(HOURS, 30)
    assert slots[0] == (dt.time(9), dt.time(9, 30))
    assert (dt.time(11, 30), dt.time(12)) in slots
    assert all(not (s < dt.time(13, 30) and e > dt.time(12)) for s, e in slots)
    assert (dt.time(13, 30), dt.time(14)) in slots
    assert slots[-1] == (dt.time(16, 30), dt.time(17))
    assert len(slots) == 13


def test_number_text_and_percentile():
    assert rules.number_text("A", 7) == "A007"
    assert rules.number_text("B", 1234) == "B1234"
    assert rules.percentile([]) is None
    assert rules.percentile(list(range(1, 11)), 90) == 9
    assert rules.percentile([5], 90) == 5
    assert rules.percentile(list(range(1, 101)), 90) == 90
