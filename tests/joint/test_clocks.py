"""A joint case's clocks on the official 2026 calendar (DOMAIN.md §10, §2-§4).

2026 schedule (国务院办公厅): 春节 2/15-2/23 off, Sat 2/14 and Sat 2/28 work; 清明 4/4-4/6 off;
中秋 9/25 off, Sun 9/20 works; 国庆 10/1-10/7 off, Sat 10/10 works.
"""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhengwu.cases.clocks import ClockError
from zhengwu.cases.rules import TransitionError
from zhengwu.joint.clocks import JointTerms, compute_joint_clocks
from zhengwu.joint.rules import Action, State, allowed_actions, transition
from zhengwu.workdays import sources
from zhengwu.workdays.periods import Completion, Event, Level, merge_pauses
from zhengwu.workdays.rules import WorkCalendar

D = dt.date


@functools.cache
def official() -> WorkCalendar:
    years = {
        2027: sources.YearRow(status=sources.PROVISIONAL),
        2028: sources.YearRow(status=sources.PROVISIONAL),
    }
    return sources.resolve(D(2024, 1, 1), D(2028, 12, 31), years, {}).calendar


def ev(kind: str, on: dt.date, **data) -> Event:
    return Event(kind, on, data)


def opened(on: dt.date) -> list[Event]:
    return [ev("submit", on), ev("accept", on)]


def clocks(events, as_of, pauses=(), **terms):
    return compute_joint_clocks(
        terms=JointTerms(**terms),
        events=events,
        pauses=pauses,
        calendar=official(),
        as_of=as_of,
    )


@pytest.mark.parametrize(
    ("accepted", "statutory_due"),
    [
        (D(2026, 2, 10), D(2026, 4, 21)),  # across the Spring Festival and 清明
        (D(2026, 9, 24), D(2026, 12, 3)),  # across 中秋 and National Day
        (D(2026, 9, 20), D(2026, 11, 27)),  # accepted on the make-up Sunday
    ],
)
def test_45_working_days_from_acceptance(accepted, statutory_due):
    result = clocks(opened(accepted), accepted)
    assert result.accepted_on == accepted
    assert result.statutory_due == statutory_due
    assert result.promised_due == statutory_due  # no promise: the statutory limit
    assert result.state is State.ACCEPTED
    assert result.stage == 0


def test_extension_of_15_by_the_leader_moves_both_dues():
    events = [*opened(D(2026, 9, 24)), ev("extend", D(2026, 11, 2), workdays=15)]
    result = clocks(events, D(2026, 11, 2), promised_limit=20)
    assert result.extension_workdays == 15
    assert result.statutory_due == D(2026, 12, 24)
    assert result.promised_due == D(2026, 11, 19)  # 20 + 15 working days


@pytest.mark.parametrize("workdays", [0, 16, "15", True, None])
def test_extension_is_1_to_15_working_days(workdays):
    events = [*opened(D(2026, 9, 24)), ev("extend", D(2026, 10, 9), workdays=workdays)]
    with pytest.raises(ClockError) as caught:
        clocks(events, D(2026, 10, 9))
    assert caught.value.code == "invalid_extension"


def test_extension_only_once():
    events = [
        *opened(D(2026, 9, 24)),
        ev("extend", D(2026, 10, 9), workdays=5),
        ev("extend", D(2026, 10, 12), workdays=5),
    ]
    with pytest.raises(TransitionError) as caught:
        clocks(events, D(2026, 10, 12))
    assert caught.value.code == "already_extended"


def test_extension_after_the_statutory_due_date_is_refused():
    events = [*opened(D(2026, 9, 24)), ev("extend", D(2026, 12, 4), workdays=5)]
    with pytest.raises(ClockError) as caught:
        clocks(events, D(2026, 12, 4))
    assert caught.value.code == "extension_after_due"
    # On the due date itself it is in time.
    events[-1] = ev("extend", D(2026, 12, 3), workdays=5)
    assert clocks(events, D(2026, 12, 3)).statutory_due == D(2026, 12, 10)


@pytest.mark.parametrize(
    ("pauses", "statutory_due", "suspended_workdays"),
    [
        # 9/28, 9/29, 9/30 and 10/8: the holiday itself was never counted.
        ([(D(2026, 9, 28), D(2026, 10, 9))], D(2026, 12, 9), 4),
        # Two children overlapping: [10/12, 10/20) counts once, 6 working days (not 4 + 4).
        (
            [(D(2026, 10, 12), D(2026, 10, 16)), (D(2026, 10, 14), D(2026, 10, 20))],
            D(2026, 12, 11),
            6,
        ),
        # Suspended and resumed on one day: nothing.
        ([(D(2026, 10, 12), D(2026, 10, 12))], D(2026, 12, 3), 0),
        # Before the acceptance (a child of a stage not yet open cannot be, but a pause is a pause).
        ([(D(2026, 9, 21), D(2026, 9, 24))], D(2026, 12, 3), 0),
    ],
)
def test_working_days_of_a_childs_special_procedure_do_not_count(
    pauses, statutory_due, suspended_workdays
):
    result = clocks(opened(D(2026, 9, 24)), D(2026, 11, 2), pauses=pauses)
    assert result.statutory_due == statutory_due
    assert result.suspended_workdays == suspended_workdays
    assert not result.suspended


def test_an_open_special_procedure_lasts_through_as_of():
    pauses = [(D(2026, 10, 12), None), (D(2026, 10, 13), D(2026, 10, 14))]
    result = clocks(opened(D(2026, 9, 24)), D(2026, 10, 14), pauses=pauses)
    assert result.suspended
    assert result.suspended_workdays == 3  # 10/12, 10/13, 10/14
    assert result.statutory_due == D(2026, 12, 8)
    # A day later, still suspended: one more day, one day later.
    later = clocks(opened(D(2026, 9, 24)), D(2026, 10, 15), pauses=pauses)
    assert later.suspended_workdays == 4
    assert later.statutory_due == D(2026, 12, 9)


def test_a_pause_after_the_due_date_does_not_cure_lateness():
    result = clocks(opened(D(2026, 9, 24)), D(2026, 12, 10), pauses=[(D(2026, 12, 7), None)])
    assert result.statutory_due == D(2026, 12, 3)
    assert result.level is Level.STATUTORY_OVERDUE
    assert result.statutory_overdue


@pytest.mark.parametrize(
    ("as_of", "level", "remaining"),
    [
        (D(2026, 10, 27), Level.NORMAL, 2),
        (D(2026, 10, 28), Level.YELLOW, 1),
        (D(2026, 10, 29), Level.YELLOW, 0),
        (D(2026, 10, 30), Level.RED, -1),
        (D(2026, 12, 4), Level.STATUTORY_OVERDUE, -26),
    ],
)
def test_levels_as_for_cases(as_of, level, remaining):
    result = clocks(opened(D(2026, 9, 24)), as_of, promised_limit=20)
    assert result.promised_due == D(2026, 10, 29)
    assert result.level is level
    assert result.remaining_workdays == remaining


def test_yellow_on_the_last_working_day_before_national_day():
    result = clocks(opened(D(2026, 9, 24)), D(2026, 9, 30), promised_limit=4)
    assert result.promised_due == D(2026, 10, 8)
    assert result.level is Level.YELLOW


@pytest.mark.parametrize(
    ("kind", "on", "completion", "state"),
    [
        ("complete", D(2026, 10, 28), Completion.EARLY, State.COMPLETED),
        ("complete", D(2026, 10, 29), Completion.ON_TIME, State.COMPLETED),
        ("stop", D(2026, 10, 30), Completion.LATE, State.STOPPED),
    ],
)
def test_completion_as_for_cases(kind, on, completion, state):
    result = clocks([*opened(D(2026, 9, 24)), ev(kind, on)], D(2026, 11, 30), promised_limit=20)
    assert result.completed_on == on
    assert result.outcome is state
    assert result.completion is completion
    assert result.level is None
    assert not result.statutory_overdue


def test_the_supplement_day_is_the_acceptance_day():
    events = [
        ev("submit", D(2026, 2, 12)),
        ev("request_supplement", D(2026, 2, 13)),
        ev("supplement", D(2026, 2, 24)),
        ev("accept", D(2026, 2, 26)),
    ]
    result = clocks(events, D(2026, 2, 26))
    assert result.received_on == D(2026, 2, 12)
    # the intake limit runs again from the supplement day, as for cases: 2/25-2/27, the
    # make-up Saturday 2/28, 3/2
    assert result.intake_due == D(2026, 3, 2)
    assert result.accepted_on == D(2026, 2, 24)
    assert not result.deemed_accepted


def test_no_intake_action_within_five_working_days_is_an_acceptance_as_of_receipt():
    # received on the Thursday before the Spring Festival: 2/13, the make-up Saturday 2/14,
    # 2/24, 2/25, 2/26 are the five working days
    received = [ev("submit", D(2026, 2, 12))]
    assert clocks(received, D(2026, 2, 26)).accepted_on is None
    waiting = clocks(received, D(2026, 2, 27))
    assert waiting.state is State.SUBMITTED  # not recorded yet, but accepted in law
    assert waiting.deemed_accepted
    assert waiting.accepted_on == D(2026, 2, 12)
    assert waiting.statutory_due == official().add(D(2026, 2, 12), 45)
    recorded = clocks([*received, ev("deem_accept", D(2026, 2, 27))], D(2026, 2, 27))
    assert recorded.state is State.ACCEPTED
    assert recorded.stage == 0
    assert (recorded.accepted_on, recorded.statutory_due) == (
        waiting.accepted_on,
        waiting.statutory_due,
    )
    # a late acceptance confirms it; a late notice or refusal is refused
    late = clocks([*received, ev("accept", D(2026, 3, 2))], D(2026, 3, 2))
    assert late.accepted_on == D(2026, 2, 12)
    for kind in ("request_supplement", "refuse"):
        with pytest.raises(ClockError) as caught:
            clocks([*received, ev(kind, D(2026, 2, 27))], D(2026, 2, 27))
        assert caught.value.code == "intake_expired"
    with pytest.raises(ClockError) as caught:
        clocks([*received, ev("deem_accept", D(2026, 2, 26))], D(2026, 2, 26))
    assert caught.value.code == "intake_not_expired"


def test_after_a_supplement_the_deemed_acceptance_is_as_of_the_supplement_day():
    events = [
        ev("submit", D(2026, 2, 12)),
        ev("request_supplement", D(2026, 2, 13)),
        ev("supplement", D(2026, 2, 24)),
    ]
    assert not clocks(events, D(2026, 3, 2)).deemed_accepted
    result = clocks([*events, ev("deem_accept", D(2026, 3, 3))], D(2026, 3, 3))
    assert result.deemed_accepted
    assert result.accepted_on == D(2026, 2, 24)


def test_one_one_time_notice():
    events = [
        ev("submit", D(2026, 2, 12)),
        ev("request_supplement", D(2026, 2, 13)),
        ev("supplement", D(2026, 2, 24)),
        ev("request_supplement", D(2026, 2, 25)),
    ]
    with pytest.raises(TransitionError) as caught:
        clocks(events, D(2026, 2, 25))
    assert caught.value.code == "already_notified"


def test_stages_open_in_order():
    events = [
        *opened(D(2026, 9, 24)),
        ev("open_stage", D(2026, 10, 9)),
        ev("open_stage", D(2026, 10, 20)),
    ]
    assert clocks(events, D(2026, 10, 8)).stage == 0
    assert clocks(events, D(2026, 10, 9)).stage == 1
    assert clocks(events, D(2026, 10, 20)).stage == 2


def test_events_out_of_order_are_refused():
    with pytest.raises(ClockError) as caught:
        clocks([ev("submit", D(2026, 9, 24)), ev("accept", D(2026, 9, 23))], D(2026, 9, 30))
    assert caught.value.code == "event_out_of_order"


def test_the_table():
    assert transition(None, "submit", ["applicant"]) is State.SUBMITTED
    assert transition("accepted", "extend", ["leader"]) is State.ACCEPTED
    with pytest.raises(TransitionError) as caught:
        transition("accepted", "extend", ["department_head"])
    assert caught.value.code == "role_not_allowed"
    with pytest.raises(TransitionError) as caught:
        transition("completed", "withdraw", ["applicant"])
    assert caught.value.code == "illegal_transition"
    with pytest.raises(TransitionError) as caught:
        transition("submitted", "request_supplement", ["window_clerk"], notified=True)
    assert caught.value.code == "already_notified"
    assert allowed_actions("submitted", ["window_clerk"], notified=True) == {
        Action.ACCEPT,
        Action.REFUSE,
        Action.WITHDRAW,
    }
    assert allowed_actions("accepted", ["leader"], extended=True) == set()


def test_merge_pauses():
    stop = D(2026, 10, 31)
    assert merge_pauses(
        [(D(2026, 10, 14), D(2026, 10, 20)), (D(2026, 10, 12), D(2026, 10, 16))], stop
    ) == [(D(2026, 10, 12), D(2026, 10, 20))]
    assert merge_pauses([(D(2026, 10, 12), D(2026, 10, 14)), (D(2026, 10, 14), None)], stop) == [
        (D(2026, 10, 12), stop)
    ]
    assert merge_pauses([(D(2026, 11, 2), None), (D(2026, 10, 5), D(2026, 10, 5))], stop) == []


_days = st.dates(min_value=D(2026, 1, 5), max_value=D(2026, 12, 20))
_pause = st.tuples(_days, st.integers(min_value=0, max_value=30)).map(
    lambda p: (p[0], p[0] + dt.timedelta(days=p[1]))
)


@settings(max_examples=200, deadline=None)
@given(
    accepted=st.dates(min_value=D(2026, 1, 5), max_value=D(2026, 10, 30)),
    pauses=st.lists(_pause, max_size=4),
    extra=_pause,
    promised=st.integers(min_value=0, max_value=45),
)
def test_a_pause_never_brings_a_due_date_earlier(accepted, pauses, extra, promised):
    as_of = D(2027, 6, 30)
    before = clocks(opened(accepted), as_of, pauses=pauses, promised_limit=promised)
    after = clocks(opened(accepted), as_of, pauses=[*pauses, extra], promised_limit=promised)
    assert after.statutory_due >= before.statutory_due
    assert after.promised_due >= before.promised_due
    assert after.suspended_workdays >= before.suspended_workdays
    unpaused = clocks(opened(accepted), as_of, promised_limit=promised)
    assert before.statutory_due >= unpaused.statutory_due


@pytest.mark.parametrize(
    "module",
    [
        "zhengwu/joint/rules.py",
        "zhengwu/joint/clocks.py",
        "zhengwu/joint/scenes.py",
        "zhengwu/workdays/periods.py",
    ],
)
def test_the_core_is_pure(module):
    """No Django import, and nothing of the project but pure modules."""
    import ast
    from pathlib import Path

    import zhengwu

    source = (Path(zhengwu.__file__).parent.parent / module).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    assert not {name for name in imported if name.split(".")[0] == "django"}
    project = {name for name in imported if name.startswith("zhengwu")}
    assert project <= {
        "zhengwu.cases.rules",
        "zhengwu.cases.clocks",
        "zhengwu.joint.rules",
        "zhengwu.joint.clocks",
        "zhengwu.workdays.rules",
        "zhengwu.workdays.periods",
    }
