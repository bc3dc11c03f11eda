"""The pure ticket rules: the transition table and the deadline arithmetic on the official
calendar (National Day 2025, Spring Festival 2026, 调休 Saturdays)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.cases.helpers import AT
from zhengwu.core.clock import LOCAL_TZ
from zhengwu.tickets import rules
from zhengwu.tickets.rules import Action, State, TicketRuleError, transition
from zhengwu.workdays.loader import get_calendar

pytestmark = pytest.mark.django_db

WORKDAYS = {"consult": 3, "help": 3, "complaint": 5, "report": 5, "suggestion": 5}


def end(day: str) -> dt.datetime:
    return dt.datetime.combine(
        dt.date.fromisoformat(day), dt.time(23, 59, 59, 999999), tzinfo=LOCAL_TZ
    )


def due(kind, at, urgent=False, hours=0):
    return rules.reply_due(
        kind=kind,
        urgent=urgent,
        dispatched_at=at,
        calendar=get_calendar(),
        tz=LOCAL_TZ,
        workdays=WORKDAYS,
        urgent_hours=hours,
    )


@pytest.mark.parametrize(
    ("kind", "at", "expected"),
    [
        # National Day 2025: 1–8 October off, Saturday 11 October a make-up working day.
        ("complaint", "2025-09-30 10:00", "2025-10-14"),
        ("report", "2025-09-30 10:00", "2025-10-14"),
        ("suggestion", "2025-09-30 10:00", "2025-10-14"),
        ("consult", "2025-09-30 10:00", "2025-10-11"),
        ("help", "2025-09-30 23:30", "2025-10-11"),
        # Spring Festival 2026: Saturday 14 February works, 15–23 February off, 28 February works.
        ("complaint", "2026-02-13 09:00", "2026-02-27"),
        ("consult", "2026-02-13 09:00", "2026-02-25"),
        # An ordinary week: Friday + 3 → Wednesday.
        ("consult", "2025-11-07 16:00", "2025-11-12"),
    ],
)
def test_reply_deadline_is_the_end_of_the_nth_working_day(kind, at, expected):
    assert due(kind, AT(at)) == end(expected)


def test_urgent_is_the_same_day_or_the_next_working_day_or_n_hours():
    assert due("help", AT("2025-09-30 10:00"), urgent=True) == end("2025-09-30")
    # Dispatched on a holiday: the end of the next working day.
    assert due("help", AT("2025-10-03 10:00"), urgent=True) == end("2025-10-09")
    assert due("help", AT("2025-09-30 10:00"), urgent=True, hours=4) == AT("2025-09-30 14:00")


def test_acceptance_deadline_is_one_working_day_but_never_after_the_reply_deadline():
    calendar = get_calendar()
    at = AT("2025-09-30 10:00")
    normal = rules.accept_due(
        dispatched_at=at, reply_due_at=end("2025-10-14"), calendar=calendar, tz=LOCAL_TZ, workdays=1
    )
    assert normal == end("2025-10-09")
    urgent = rules.accept_due(
        dispatched_at=at, reply_due_at=end("2025-09-30"), calendar=calendar, tz=LOCAL_TZ, workdays=1
    )
    assert urgent == end("2025-09-30")


def test_extension_and_urge_deadlines_count_working_days():
    calendar = get_calendar()
    assert rules.extended_due(
        due_at=end("2025-09-30"), workdays=3, calendar=calendar, tz=LOCAL_TZ
    ) == end("2025-10-11")
    workdays = {1: 2, 2: 1, 3: 1}
    assert rules.urge_due(
        at=AT("2026-02-13 12:00"), level=1, calendar=calendar, tz=LOCAL_TZ, workdays=workdays
    ) == end("2026-02-24")
    assert rules.urge_due(
        at=AT("2026-02-13 12:00"), level=3, calendar=calendar, tz=LOCAL_TZ, workdays=workdays
    ) == end("2026-02-14")


def test_the_table_walks_a_ticket_through_its_life():
    steps = [
        (None, Action.CREATE, "operator", State.RECEIVED),
        (State.RECEIVED, Action.DISPATCH, "operator", State.DISPATCHED),
        (State.DISPATCHED, Action.ACCEPT, "unit", State.ACCEPTED),
        (State.ACCEPTED, Action.EXTEND, "unit", State.EXTENSION_REQUESTED),
        (State.EXTENSION_REQUESTED, Action.EXTENSION_APPROVED, "operator", State.ACCEPTED),
        (State.ACCEPTED, Action.REPLY, "unit", State.REPLIED),
        (State.REPLIED, Action.CALLBACK_OPEN, "operator", State.CALLED_BACK),
        (State.CALLED_BACK, Action.REDO, "operator", State.ACCEPTED),
        (State.ACCEPTED, Action.REPLY, "unit", State.REPLIED),
        (State.REPLIED, Action.CALLBACK, "operator", State.CLOSED),
    ]
    for state, action, role, expected in steps:
        assert transition(state, action, {role}) == expected


def test_urge_and_investigation_leave_the_state_alone():
    assert transition(State.ACCEPTED, Action.URGE, {"system"}) is None
    assert transition(State.CLOSED, Action.INVESTIGATE, {"supervisor"}) is None


@pytest.mark.parametrize(
    ("state", "action", "roles", "code"),
    [
        (State.RECEIVED, Action.ACCEPT, {"unit"}, "illegal_transition"),
        (State.CLOSED, Action.REPLY, {"unit"}, "illegal_transition"),
        (State.TRANSFERRED, Action.DISPATCH, {"operator"}, "illegal_transition"),
        (State.DISPATCHED, Action.ACCEPT, {"operator"}, "role_not_allowed"),
        (State.RECEIVED, Action.DISPATCH, {"unit"}, "role_not_allowed"),
        (State.ACCEPTED, Action.INVESTIGATE, {"operator"}, "role_not_allowed"),
        ("nonsense", Action.ACCEPT, {"unit"}, "unknown_state"),
        (State.ACCEPTED, "fly", {"unit"}, "unknown_action"),
    ],
)
def test_the_table_refuses(state, action, roles, code):
    with pytest.raises(TicketRuleError) as caught:
        transition(state, action, roles)
    assert caught.value.code == code


def test_urge_levels_by_role():
    assert rules.urge_level_allowed({"operator"}) == 1
    assert rules.urge_level_allowed({"supervisor"}) == 2
    assert rules.urge_level_allowed({"leader"}) == 3
    assert rules.urge_level_allowed({"unit", "citizen"}) == 0


def test_allowed_actions_for_pages():
    assert set(rules.allowed_actions(State.DISPATCHED, {"unit"})) == {
        Action.ACCEPT,
        Action.RETURN,
    }


def test_the_rules_are_pure():
    import zhengwu.tickets

    source = Path(zhengwu.tickets.__file__).with_name("rules.py").read_text(encoding="utf-8")
    assert "django" not in source
    source = Path(zhengwu.tickets.__file__).with_name("reports.py").read_text(encoding="utf-8")
    assert "import django" not in source and "from django" not in source
