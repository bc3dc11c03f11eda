"""A case's clocks on the official 2025/2026 calendar (DOMAIN.md §2-§4).

Schedules used below (国务院办公厅 notices):
2025 国庆、中秋 10/1-10/8 off, Sun 9/28 and Sat 10/11 work;
2026 元旦 1/1-1/3 off, Sun 1/4 works; 春节 2/15-2/23 off, Sat 2/14 and Sat 2/28 work.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from types import SimpleNamespace

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.workdays.official import days_of, expected_workday
from zhengwu.cases.clocks import (
    ClockError,
    Completion,
    Event,
    Level,
    Terms,
    carry_forward,
    compute_clocks,
    due_date,
    paused_workdays,
)
from zhengwu.cases.rules import State, TransitionError
from zhengwu.workdays import sources
from zhengwu.workdays.retroactive import is_retroactive
from zhengwu.workdays.rules import WorkCalendar

D = dt.date
DAY = dt.timedelta(days=1)


@functools.cache
def official() -> WorkCalendar:
    """The calendar the platform seeds from the ``holidays`` package, 2027 kept provisional.

    Built without the database so hypothesis can share it; ``test_the_loader_agrees`` checks it
    against the process calendar.
    """
    years = {
        2027: sources.YearRow(status=sources.PROVISIONAL),
        2028: sources.YearRow(status=sources.PROVISIONAL),
    }
    return sources.resolve(D(2024, 1, 1), D(2028, 12, 31), years, {}).calendar


def ev(kind: str, on: dt.date, **data) -> Event:
    return Event(kind, on, data)


def opened(on: dt.date) -> list[Event]:
    """Received and accepted at the window on one day."""
    return [ev("submit", on), ev("accept", on)]


def clocks(events, as_of, calendar=None, **terms) -> object:
    return compute_clocks(
        terms=Terms(**terms), events=events, calendar=calendar or official(), as_of=as_of
    )


# --- the calendar itself ---------------------------------------------------------------------


def test_the_calendar_is_the_official_schedule():
    cal = official()
    for year in (2025, 2026):
        for day in days_of(year):
            flag = cal.is_workday(day)
            assert bool(flag) is expected_workday(day), day
            assert flag.provisional is False
    assert cal.is_workday(D(2027, 3, 1)).provisional is True


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [(D(2025, 9, 30), 20, D(2025, 11, 4)), (D(2026, 2, 13), 7, D(2026, 3, 2))],
)
def test_domain_examples(start, n, due):
    assert clocks(opened(start), start, statutory_limit=n).statutory_due == due
    assert clocks(opened(start), start, statutory_limit=20, promised_limit=n).promised_due == due


SCENARIOS = [
    [
        ev("submit", D(2025, 9, 30)),
        ev("accept", D(2025, 9, 30)),
        ev("decide_grant", D(2025, 11, 4)),
    ],
    [
        ev("submit", D(2026, 2, 2)),
        ev("accept", D(2026, 2, 2)),
        ev("suspend", D(2026, 2, 12)),
        ev("resume", D(2026, 2, 25)),
        ev("extend", D(2026, 3, 5), workdays=3),
    ],
    [ev("submit", D(2025, 9, 26))],
]


@pytest.mark.parametrize("events", SCENARIOS)
def test_the_loader_agrees(db, events):
    from zhengwu.workdays.loader import get_calendar

    as_of = D(2026, 3, 10)
    loaded = clocks(events, as_of, calendar=get_calendar(), promised_limit=10)
    assert loaded == clocks(events, as_of, promised_limit=10)


# --- intake ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2025, 9, 26), D(2025, 10, 10)),  # Fri: Sun 9/28 works, then 9/29, 9/30, 10/9, 10/10
        (D(2025, 9, 29), D(2025, 10, 13)),  # through Sat 10/11 (works) to Mon 10/13
        (D(2025, 9, 30), D(2025, 10, 14)),
        (D(2025, 10, 3), D(2025, 10, 14)),  # received online during the holiday
        (D(2025, 12, 31), D(2026, 1, 8)),  # 元旦 1/1-1/3 off, Sun 1/4 works
        (D(2026, 2, 13), D(2026, 2, 27)),  # Sat 2/14 works, 春节 2/15-2/23 off
    ],
)
def test_intake_due(received, due):
    result = clocks([ev("submit", received)], received)
    assert result.intake_due == due
    assert (result.state, result.received_on, result.accepted_on) == (
        State.SUBMITTED,
        received,
        None,
    )
    assert (result.level, result.promised_due, result.provisional) == (Level.NORMAL, None, False)


RECEIVED = D(2025, 9, 26)  # intake due 2025-10-10


@pytest.mark.parametrize(
    ("as_of", "deemed"),
    [(D(2025, 10, 9), False), (D(2025, 10, 10), False), (D(2025, 10, 11), True)],
)
def test_deemed_acceptance_from_the_events_alone(as_of, deemed):
    result = clocks([ev("submit", RECEIVED)], as_of)
    assert result.state is State.SUBMITTED
    assert result.deemed_accepted is deemed
    if deemed:
        # accepted as of receipt: 20 working days from 9/26 are 10/30
        assert result.accepted_on == RECEIVED
        assert (result.promised_due, result.statutory_due) == (D(2025, 10, 30), D(2025, 10, 30))
    else:
        assert result.accepted_on is None and result.promised_due is None


def test_recording_deemed_acceptance_changes_only_the_state():
    as_of = D(2025, 10, 20)
    computed = clocks([ev("submit", RECEIVED)], as_of)
    recorded = clocks([ev("submit", RECEIVED), ev("deem_accept", D(2025, 10, 11))], as_of)
    assert recorded.state is State.ACCEPTED
    assert recorded == dataclasses.replace(computed, state=State.ACCEPTED)


def test_deemed_acceptance_cannot_be_recorded_early():
    with pytest.raises(ClockError) as caught:
        clocks([ev("submit", RECEIVED), ev("deem_accept", D(2025, 10, 10))], D(2025, 10, 10))
    assert caught.value.code == "intake_not_expired"


@pytest.mark.parametrize(
    "late", [ev("refuse", D(2025, 10, 11)), ev("request_supplement", D(2025, 10, 13))]
)
def test_no_refusal_or_supplement_request_after_the_intake_limit(late):
    with pytest.raises(ClockError) as caught:
        clocks([ev("submit", RECEIVED), late], D(2025, 10, 13))
    assert caught.value.code == "intake_expired"


def test_refusal_on_the_last_intake_day_is_in_time():
    result = clocks([ev("submit", RECEIVED), ev("refuse", D(2025, 10, 10))], D(2025, 10, 20))
    assert result.state is State.REFUSED
    assert (result.accepted_on, result.deemed_accepted, result.level) == (None, False, None)
    assert (result.completed_on, result.completion, result.statutory_overdue) == (
        None,
        None,
        False,
    )


@pytest.mark.parametrize(
    ("accepted", "accepted_on", "deemed"),
    [
        (D(2025, 10, 10), D(2025, 10, 10), False),
        (D(2025, 10, 13), RECEIVED, True),  # late: confirms the deemed acceptance
    ],
)
def test_a_late_acceptance_is_dated_at_receipt(accepted, accepted_on, deemed):
    result = clocks([ev("submit", RECEIVED), ev("accept", accepted)], D(2025, 10, 13))
    assert (result.state, result.accepted_on, result.deemed_accepted) == (
        State.ACCEPTED,
        accepted_on,
        deemed,
    )


def test_withdrawal_after_the_intake_limit_follows_a_deemed_acceptance():
    result = clocks([ev("submit", RECEIVED), ev("withdraw", D(2025, 10, 13))], D(2025, 10, 20))
    assert (result.state, result.accepted_on, result.deemed_accepted) == (
        State.WITHDRAWN,
        RECEIVED,
        True,
    )
    assert result.level is None and result.completed_on is None


# --- supplement ------------------------------------------------------------------------------

SUPPLEMENTED = [
    ev("submit", RECEIVED),
    ev("request_supplement", D(2025, 9, 29)),
    ev("supplement", D(2025, 10, 9)),
]


@pytest.mark.parametrize(
    ("on_supplement_day", "accepted_on", "promised_due"),
    [
        (True, D(2025, 10, 9), D(2025, 10, 22)),  # the day the listed materials came in
        (False, D(2025, 10, 10), D(2025, 10, 23)),  # the day the window recorded acceptance
    ],
)
def test_a_supplement_moves_acceptance(on_supplement_day, accepted_on, promised_due):
    events = [*SUPPLEMENTED, ev("accept", D(2025, 10, 10))]
    result = clocks(
        events, D(2025, 10, 10), promised_limit=10, accept_on_supplement_day=on_supplement_day
    )
    assert (result.accepted_on, result.deemed_accepted) == (accepted_on, False)
    assert result.promised_due == promised_due
    assert result.intake_due == D(2025, 10, 15)  # running again from the supplement


def test_while_awaiting_a_supplement_nothing_is_deemed():
    result = clocks(SUPPLEMENTED[:2], D(2025, 12, 31))
    assert (result.state, result.accepted_on, result.deemed_accepted) == (
        State.SUPPLEMENT_REQUESTED,
        None,
        False,
    )
    assert result.level is Level.NORMAL


@pytest.mark.parametrize(("as_of", "deemed"), [(D(2025, 10, 15), False), (D(2025, 10, 16), True)])
def test_deemed_acceptance_after_a_supplement_dates_to_the_supplement(as_of, deemed):
    result = clocks(SUPPLEMENTED, as_of)
    assert result.deemed_accepted is deemed
    assert result.accepted_on == (D(2025, 10, 9) if deemed else None)


def test_a_second_notice_after_an_incomplete_supplement_restarts_the_wait():
    events = [
        *SUPPLEMENTED,
        ev("request_supplement", D(2025, 10, 10)),
        ev("supplement", D(2025, 10, 20)),
        ev("accept", D(2025, 10, 21)),
    ]
    assert clocks(events, D(2025, 10, 21)).accepted_on == D(2025, 10, 20)


# --- decision, extension ---------------------------------------------------------------------

ACCEPTED = D(2025, 11, 3)  # Mon; promised 10 → Mon 11/17, statutory 20 → Mon 12/1
TERMS = {"statutory_limit": 20, "promised_limit": 10}


@pytest.mark.parametrize(
    ("decided", "completion", "statutory_overdue"),
    [
        (D(2025, 11, 14), Completion.EARLY, False),
        (D(2025, 11, 17), Completion.ON_TIME, False),
        (D(2025, 11, 18), Completion.LATE, False),
        (D(2025, 12, 1), Completion.LATE, False),
        (D(2025, 12, 2), Completion.LATE, True),  # 超法定时限办结: the flag stays on the case
    ],
)
def test_completion(decided, completion, statutory_overdue):
    result = clocks([*opened(ACCEPTED), ev("decide_deny", decided)], D(2025, 12, 31), **TERMS)
    assert (result.completed_on, result.completion) == (decided, completion)
    assert result.statutory_overdue is statutory_overdue
    assert (result.state, result.outcome, result.level) == (State.DENIED, State.DENIED, None)
    assert result.delivery_due is None and result.delivery_overdue is False


def test_extension_moves_both_dues():
    events = [*opened(ACCEPTED), ev("extend", D(2025, 11, 20), workdays=5)]
    result = clocks(events, D(2025, 11, 20), **TERMS)
    assert (result.promised_due, result.statutory_due) == (D(2025, 11, 24), D(2025, 12, 8))
    assert result.extension_workdays == 5
    assert result.level is Level.NORMAL  # was red on 11/18-11/19


def test_extension_only_once():
    events = [
        *opened(ACCEPTED),
        ev("extend", D(2025, 11, 10), workdays=2),
        ev("extend", D(2025, 11, 11), workdays=2),
    ]
    with pytest.raises(TransitionError) as caught:
        clocks(events, D(2025, 11, 11), **TERMS)
    assert caught.value.code == "already_extended"


@pytest.mark.parametrize("data", [{"workdays": 11}, {"workdays": 0}, {"workdays": "5"}, {}])
def test_extension_length(data):
    events = [*opened(ACCEPTED), Event("extend", D(2025, 11, 10), data)]
    with pytest.raises(ClockError) as caught:
        clocks(events, D(2025, 11, 10), **TERMS)
    assert caught.value.code == "invalid_extension"


def test_joint_handling_terms_allow_a_longer_extension():
    events = [*opened(ACCEPTED), ev("extend", D(2025, 11, 10), workdays=15)]
    result = clocks(events, D(2025, 11, 10), statutory_limit=45, extension_max=15)
    # 45 working days from 11/3 are 1/6 (元旦 1/1-1/3 off, Sun 1/4 works); +15 → 1/27
    assert result.statutory_due == D(2026, 1, 27)
    assert result.extension_workdays == 15


@pytest.mark.parametrize(("on", "ok"), [(D(2025, 12, 1), True), (D(2025, 12, 2), False)])
def test_extension_comes_before_the_statutory_due_date(on, ok):
    events = [*opened(ACCEPTED), ev("extend", on, workdays=10)]
    if ok:
        assert clocks(events, on, **TERMS).statutory_due == D(2025, 12, 15)
    else:
        with pytest.raises(ClockError) as caught:
            clocks(events, on, **TERMS)
        assert caught.value.code == "extension_after_due"


def test_extension_during_a_special_procedure_counts_the_suspension_so_far():
    # Suspended from 11/24 the statutory clock stands at 12/1 + the days suspended so far.
    events = [
        *opened(ACCEPTED),
        ev("suspend", D(2025, 11, 24)),
        ev("extend", D(2025, 12, 3), workdays=10),
        ev("resume", D(2025, 12, 4)),
    ]
    result = clocks(events, D(2025, 12, 4), **TERMS)
    # [11/24, 12/4) holds 8 working days: 12/1 + 8 → 12/11, + 10 → 12/25
    assert result.suspended_workdays == 8
    assert result.statutory_due == D(2025, 12, 25)


# --- special procedures ----------------------------------------------------------------------

SPRING = D(2026, 2, 2)  # Mon; without a suspension promised 10 → Sat 2/14, statutory 20 → 3/6


@pytest.mark.parametrize(
    ("suspended", "resumed", "excluded", "promised_due", "statutory_due"),
    [
        # 2/12 Thu, 2/13 Fri, 2/14 Sat (works), 2/24 Tue: four working days not counted
        (D(2026, 2, 12), D(2026, 2, 25), 4, D(2026, 2, 27), D(2026, 3, 12)),
        # one day: suspension and resumption on it cost nothing
        (D(2026, 2, 12), D(2026, 2, 12), 0, D(2026, 2, 14), D(2026, 3, 6)),
        # only days of the holiday: nothing to exclude
        (D(2026, 2, 15), D(2026, 2, 24), 0, D(2026, 2, 14), D(2026, 3, 6)),
        # the make-up Saturday 2/28 is a working day like any other
        (D(2026, 2, 27), D(2026, 3, 2), 2, D(2026, 2, 14), D(2026, 3, 10)),
        # on the acceptance day itself: that day never counts anyway
        (D(2026, 2, 2), D(2026, 2, 3), 0, D(2026, 2, 14), D(2026, 3, 6)),
    ],
)
def test_suspension(suspended, resumed, excluded, promised_due, statutory_due):
    events = [*opened(SPRING), ev("suspend", suspended), ev("resume", resumed)]
    result = clocks(events, D(2026, 3, 2), promised_limit=10)
    assert result.suspended_workdays == excluded
    assert (result.promised_due, result.statutory_due) == (promised_due, statutory_due)
    assert (result.state, result.suspended, result.suspended_since) == (State.ACCEPTED, False, None)


def test_a_suspension_after_the_due_date_does_not_cure_lateness():
    events = [*opened(ACCEPTED), ev("suspend", D(2025, 11, 19)), ev("resume", D(2025, 11, 21))]
    result = clocks(events, D(2025, 11, 21), **TERMS)
    assert result.suspended_workdays == 2
    assert result.promised_due == D(2025, 11, 17)  # already passed: stays
    assert result.statutory_due == D(2025, 12, 3)  # still running: moves by 2
    assert result.level is Level.RED


@pytest.mark.parametrize(
    ("as_of", "spent", "promised_due"),
    [
        (D(2025, 11, 12), 1, D(2025, 11, 18)),
        (D(2025, 11, 14), 3, D(2025, 11, 20)),
        (D(2025, 11, 16), 3, D(2025, 11, 20)),
        (D(2025, 12, 31), 36, D(2026, 1, 7)),  # Sun 1/4 works
    ],
)
def test_an_open_suspension_freezes_the_remaining_days(as_of, spent, promised_due):
    """Suspended on Wed 11/12 with the due date Mon 11/17: 11/12-11/17 hold 4 working days, which
    come after the day the case would resume: the day after ``as_of``."""
    events = [*opened(ACCEPTED), ev("suspend", D(2025, 11, 12))]
    result = clocks(events, as_of, **TERMS)
    assert (result.state, result.suspended, result.suspended_since) == (
        State.SUSPENDED,
        True,
        D(2025, 11, 12),
    )
    assert result.suspended_workdays == spent
    assert result.promised_due == promised_due
    assert (result.remaining_workdays, result.level) == (4, Level.NORMAL)
    assert result.statutory_overdue is False


def test_the_open_suspension_ends_when_the_case_resumes():
    events = [*opened(ACCEPTED), ev("suspend", D(2025, 11, 12)), ev("resume", D(2026, 1, 5))]
    result = clocks(events, D(2026, 1, 5), **TERMS)
    # [11/12, 1/5) holds 36 working days of 2025 and the make-up Sunday 1/4; 4 days are left
    assert result.suspended_workdays == 37
    assert result.promised_due == D(2026, 1, 8)
    assert result.suspended is False


def test_a_case_suspended_on_its_due_date_stays_yellow_and_never_turns_red():
    events = [*opened(ACCEPTED), ev("suspend", D(2025, 11, 17))]
    for as_of in (D(2025, 11, 17), D(2025, 11, 21), D(2025, 12, 31)):
        result = clocks(events, as_of, **TERMS)
        assert (result.level, result.remaining_workdays) == (Level.YELLOW, 1)


def test_a_decision_needs_the_case_resumed():
    events = [
        *opened(ACCEPTED),
        ev("suspend", D(2025, 11, 12)),
        ev("decide_grant", D(2025, 11, 13)),
    ]
    with pytest.raises(TransitionError) as caught:
        clocks(events, D(2025, 11, 13), **TERMS)
    assert caught.value.code == "illegal_transition"


def test_withdrawal_during_a_suspension_closes_it():
    events = [
        *opened(ACCEPTED),
        ev("suspend", D(2025, 11, 12)),
        ev("withdraw", D(2025, 11, 14)),
    ]
    later = clocks(events, D(2025, 12, 31), **TERMS)
    assert (later.state, later.suspended, later.level) == (State.WITHDRAWN, False, None)
    assert later.suspended_workdays == 3
    assert later == dataclasses.replace(clocks(events, D(2025, 11, 14), **TERMS), as_of=later.as_of)


# --- immediate items -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decided", "completion"), [(ACCEPTED, Completion.ON_TIME), (D(2025, 11, 4), Completion.LATE)]
)
def test_an_immediate_item_is_due_on_its_acceptance_day(decided, completion):
    events = [*opened(ACCEPTED), ev("decide_grant", decided)]
    result = clocks(events, decided, immediate=True, promised_limit=5)
    assert result.promised_due == ACCEPTED
    assert result.statutory_due == D(2025, 12, 1)
    assert (result.completed_on, result.completion) == (decided, completion)


@pytest.mark.parametrize(
    ("as_of", "level"), [(ACCEPTED, Level.YELLOW), (D(2025, 11, 4), Level.RED)]
)
def test_an_immediate_item_left_open(as_of, level):
    result = clocks(opened(ACCEPTED), as_of, immediate=True)
    assert result.level is level


# --- levels ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "level", "remaining", "flag"),
    [
        (D(2025, 11, 13), Level.NORMAL, 2, False),  # Thu
        (D(2025, 11, 14), Level.YELLOW, 1, False),  # Fri before the weekend: Monday is left
        (D(2025, 11, 15), Level.YELLOW, 1, False),
        (D(2025, 11, 16), Level.YELLOW, 1, False),
        (D(2025, 11, 17), Level.YELLOW, 0, False),  # the due date itself
        (D(2025, 11, 18), Level.RED, -1, False),
        (D(2025, 12, 1), Level.RED, -10, False),  # the statutory due date
        (D(2025, 12, 2), Level.STATUTORY_OVERDUE, -11, True),
    ],
)
def test_levels_around_a_weekend(as_of, level, remaining, flag):
    result = clocks(opened(ACCEPTED), as_of, **TERMS)
    assert (result.level, result.remaining_workdays, result.statutory_overdue) == (
        level,
        remaining,
        flag,
    )


@pytest.mark.parametrize(
    ("as_of", "level", "remaining"),
    [
        (D(2025, 9, 29), Level.NORMAL, 2),
        (D(2025, 9, 30), Level.YELLOW, 1),  # last working day before the National Day holiday
        (D(2025, 10, 5), Level.YELLOW, 1),
        (D(2025, 10, 9), Level.YELLOW, 0),
        (D(2025, 10, 10), Level.RED, -1),  # statutory due date: red only
        (D(2025, 10, 11), Level.STATUTORY_OVERDUE, -2),  # a make-up Saturday
    ],
)
def test_levels_around_a_holiday(as_of, level, remaining):
    # accepted Fri 9/26: 4 working days → Thu 10/9 (9/28 Sun works); 5 → Fri 10/10
    result = clocks(opened(D(2025, 9, 26)), as_of, statutory_limit=5, promised_limit=4)
    assert (result.promised_due, result.statutory_due) == (D(2025, 10, 9), D(2025, 10, 10))
    assert (result.level, result.remaining_workdays) == (level, remaining)
    assert result.statutory_overdue is (level is Level.STATUTORY_OVERDUE)


def test_equal_limits_go_straight_to_statutory_overdue():
    result = clocks(opened(ACCEPTED), D(2025, 12, 2), statutory_limit=20)
    assert result.promised_due == result.statutory_due == D(2025, 12, 1)
    assert (result.level, result.statutory_overdue) == (Level.STATUTORY_OVERDUE, True)


# --- delivery --------------------------------------------------------------------------------

GRANTED = [*opened(D(2025, 9, 10)), ev("decide_grant", D(2025, 9, 30))]  # delivery due 10/21


@pytest.mark.parametrize(
    ("extra", "as_of", "overdue"),
    [
        ([], D(2025, 10, 21), False),
        ([], D(2025, 10, 22), True),
        ([ev("deliver", D(2025, 10, 21))], D(2025, 12, 1), False),
        ([ev("deliver", D(2025, 10, 22))], D(2025, 12, 1), True),
    ],
)
def test_delivery_due(extra, as_of, overdue):
    result = clocks([*GRANTED, *extra], as_of)
    assert result.delivery_due == D(2025, 10, 21)
    assert result.delivery_overdue is overdue
    assert result.outcome is State.GRANTED and result.level is None
    assert result.state is (State.DELIVERED if extra else State.GRANTED)
    assert result.delivered_on == (extra[0].occurred_on if extra else None)


# --- retroactive entry -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("occurred", "recorded", "margin", "retroactive"),
    [
        (D(2025, 11, 14), D(2025, 11, 14), 1, False),
        (D(2025, 11, 14), D(2025, 11, 17), 1, False),  # Fri → Mon: one working day
        (D(2025, 11, 13), D(2025, 11, 17), 1, True),
        (D(2025, 9, 30), D(2025, 10, 9), 1, False),  # across the holiday: one working day
        (D(2025, 9, 29), D(2025, 10, 9), 1, True),
        (D(2025, 10, 3), D(2025, 10, 9), 1, False),  # a holiday action recorded on the next day
        (D(2025, 11, 14), D(2025, 11, 17), 0, True),
        (D(2025, 11, 13), D(2025, 11, 17), 3, False),
    ],
)
def test_is_retroactive(occurred, recorded, margin, retroactive):
    assert is_retroactive(occurred, recorded, official(), margin_workdays=margin) is retroactive


# --- provisional years -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "provisional"),
    [
        (opened(D(2026, 11, 2)), False),  # due 11/30
        (opened(D(2026, 12, 14)), True),  # due in 2027
        ([ev("submit", D(2026, 12, 30))], True),  # intake due in 2027
    ],
)
def test_provisional(events, provisional):
    result = clocks(events, events[-1].occurred_on)
    assert result.provisional is provisional


# --- the events ------------------------------------------------------------------------------


def test_events_after_as_of_are_left_out():
    events = [*opened(ACCEPTED), ev("decide_grant", D(2025, 11, 14))]
    assert clocks(events, D(2025, 11, 13), **TERMS) == clocks(events[:2], D(2025, 11, 13), **TERMS)


def test_other_kinds_do_not_count():
    events = [*opened(ACCEPTED), ev("note", D(2025, 11, 4), text="phoned")]
    assert clocks(events, D(2025, 11, 5)) == clocks(opened(ACCEPTED), D(2025, 11, 5))


@pytest.mark.parametrize(
    ("events", "as_of", "code"),
    [
        ([], D(2025, 11, 3), "no_events"),
        (opened(ACCEPTED), D(2025, 11, 2), "no_events"),
        ([ev("accept", ACCEPTED)], ACCEPTED, "illegal_transition"),
        ([*opened(ACCEPTED), ev("submit", ACCEPTED)], ACCEPTED, "illegal_transition"),
        (
            [*opened(ACCEPTED), ev("suspend", D(2025, 11, 5)), ev("resume", D(2025, 11, 4))],
            D(2025, 11, 5),
            "event_out_of_order",
        ),
    ],
)
def test_impossible_histories(events, as_of, code):
    with pytest.raises((ClockError, TransitionError)) as caught:
        clocks(events, as_of)
    assert caught.value.code == code


def test_dates_not_datetimes():
    with pytest.raises(TypeError):
        clocks(opened(ACCEPTED), dt.datetime(2025, 11, 3, 10, 0))
    with pytest.raises(TypeError):
        clocks([ev("submit", dt.datetime(2025, 11, 3, 10, 0))], ACCEPTED)


@pytest.mark.parametrize(
    "terms",
    [
        {"statutory_limit": 10, "promised_limit": 11},
        {"statutory_limit": -1},
        {"promised_limit": -1},
        {"intake_limit": 1.5},
        {"extension_max": True},
    ],
)
def test_bad_terms(terms):
    with pytest.raises(ValueError):
        Terms(**terms)


# --- properties ------------------------------------------------------------------------------

quick = settings(max_examples=200, deadline=None)
days = st.dates(min_value=D(2025, 1, 1), max_value=D(2026, 9, 30))
limits = st.integers(min_value=0, max_value=45)
# (gap before, length) of each suspension, in calendar days
pause_shape = st.tuples(st.integers(0, 20), st.integers(0, 25))
pause_shapes = st.lists(pause_shape, max_size=3)


def lay_out(start: dt.date, shapes) -> list[tuple[dt.date, dt.date]]:
    pauses, at = [], start
    for gap, length in shapes:
        suspended = at + gap * DAY
        at = suspended + length * DAY
        pauses.append((suspended, at))
    return pauses


def reference_due(cal, start, n, pauses):
    """The n-th counted working day after start, day by day."""
    day, left = start, n
    while left:
        day += DAY
        if cal.is_workday(day) and not any(s <= day < r for s, r in pauses):
            left -= 1
    return day


@quick
@given(days, limits, pause_shapes)
def test_due_date_matches_a_day_by_day_count(start, n, shapes):
    cal = official()
    pauses = lay_out(start, shapes)
    assert due_date(cal, start, n, pauses) == reference_due(cal, start, n, pauses)
    excluded = sum(paused_workdays(cal, start, s, r)[0] for s, r in pauses)
    reference = sum(
        1
        for s, r in pauses
        for k in range((r - s).days)
        if s + k * DAY > start and cal.is_workday(s + k * DAY)
    )
    assert excluded == reference


def case_events(accepted, shapes, extension, decided_after):
    """A case accepted on ``accepted`` with suspensions, an optional extension, maybe decided."""
    events = [ev("submit", accepted), ev("accept", accepted)]
    timed = []  # (date, rank on that date, event): pauses in their order, an extension first
    for suspended, resumed in lay_out(accepted, shapes):
        rank = len(timed)
        timed += [
            (suspended, rank, ev("suspend", suspended)),
            (resumed, rank + 1, ev("resume", resumed)),
        ]
    if extension is not None:
        offset, workdays = extension
        on = accepted + offset * DAY
        timed.append((on, -1, ev("extend", on, workdays=workdays)))
    timed.sort(key=lambda item: (item[0], item[1]))
    events += [event for _, _, event in timed]
    last = events[-1].occurred_on
    if decided_after is not None:
        events.append(ev("decide_grant", last + decided_after * DAY))
    return events


def clocks_or_none(events, as_of, **terms):
    try:
        return clocks(events, as_of, **terms)
    except ClockError as error:
        assert error.code == "extension_after_due"
        return None


def cases(*, pauses=pause_shapes, extension=None):
    """(accepted, statutory, promised, pause shapes, extension, decided after, as_of after)."""
    if extension is None:
        extension = st.none() | extensions
    return st.tuples(
        days,
        st.integers(5, 45),
        limits,
        pauses,
        extension,
        st.none() | st.integers(0, 30),
        st.integers(0, 60),
    )


# (calendar days after acceptance, working days): mostly before the statutory due date
extensions = st.tuples(st.integers(0, 30), st.integers(1, 10))


@quick
@given(cases(pauses=st.lists(pause_shape, min_size=1, max_size=3)), st.data())
def test_a_suspension_never_moves_a_due_date_earlier(case, data):
    accepted, statutory, promised, shapes, extension, decided_after, later = case
    terms = {"statutory_limit": statutory, "promised_limit": min(promised, statutory)}
    drop = data.draw(st.integers(0, len(shapes) - 1))
    # the dropped suspension becomes a same-day one, which costs nothing: the others keep their days
    fewer = [*shapes[:drop], (shapes[drop][0] + shapes[drop][1], 0), *shapes[drop + 1 :]]
    events = case_events(accepted, shapes, extension, decided_after)
    as_of = events[-1].occurred_on + later * DAY
    more = clocks_or_none(events, as_of, **terms)
    less = clocks_or_none(case_events(accepted, fewer, extension, decided_after), as_of, **terms)
    assume(more is not None and less is not None)
    assert more.promised_due >= less.promised_due
    assert more.statutory_due >= less.statutory_due
    suspended, resumed = lay_out(accepted, shapes)[drop]
    dropped = paused_workdays(official(), accepted, suspended, resumed)[0]
    assert more.suspended_workdays == less.suspended_workdays + dropped


@quick
@given(cases(extension=extensions))
def test_an_extension_never_moves_a_due_date_earlier(case):
    accepted, statutory, promised, shapes, extension, decided_after, later = case
    terms = {"statutory_limit": statutory, "promised_limit": min(promised, statutory)}
    events = case_events(accepted, shapes, extension, decided_after)
    as_of = events[-1].occurred_on + later * DAY
    extended = clocks_or_none(events, as_of, **terms)
    assume(extended is not None)
    plain = clocks(case_events(accepted, shapes, None, decided_after), as_of, **terms)
    assert extended.promised_due > plain.promised_due
    assert extended.statutory_due > plain.statutory_due
    assert extended.extension_workdays == extension[1]


@quick
@given(cases(), st.booleans())
def test_clocks_are_a_function_of_the_events(case, intake_only):
    accepted, statutory, promised, shapes, extension, decided_after, later = case
    terms = {"statutory_limit": statutory, "promised_limit": min(promised, statutory)}
    if intake_only:
        events = [ev("submit", accepted)]
    else:
        events = case_events(accepted, shapes, extension, decided_after)
    as_of = events[-1].occurred_on + later * DAY
    first = clocks_or_none(events, as_of, **terms)
    assume(first is not None)
    copied = [
        Event(e.kind, D(e.occurred_on.year, e.occurred_on.month, e.occurred_on.day), dict(e.data))
        for e in events
    ]
    assert clocks(copied, as_of, **terms) == first
    assert clocks(events, as_of, **terms) == first
    # appending what the clocks imply changes nothing else: the sweep's deemed acceptance
    if first.deemed_accepted and first.state is State.SUBMITTED:
        swept = clocks([*events, ev("deem_accept", as_of)], as_of, **terms)
        assert swept == dataclasses.replace(first, state=State.ACCEPTED)
    # and a later view of the same events agrees on everything fixed before as_of
    if first.state not in {State.SUBMITTED, State.ACCEPTED, State.SUSPENDED}:
        again = clocks(events, as_of + 30 * DAY, **terms)
        assert (
            dataclasses.replace(again, as_of=as_of, delivery_overdue=first.delivery_overdue)
            == first
        )


@quick
@given(st.dates(min_value=D(2026, 6, 1), max_value=D(2027, 6, 30)), st.integers(1, 45), limits)
def test_provisional_when_a_date_falls_in_a_provisional_year(accepted, statutory, promised):
    result = clocks(
        opened(accepted),
        accepted,
        statutory_limit=statutory,
        promised_limit=min(promised, statutory),
    )
    dates = (result.intake_due, result.promised_due, result.statutory_due)
    assert result.provisional is any(day.year >= 2027 for day in dates)


# --- a suspended case read on a later day ------------------------------------------------------


STORED = (
    "accepted_on",
    "promised_due",
    "statutory_due",
    "suspended_since",
    "suspended_workdays",
    "provisional",
)


def stored(result, as_of, **changes) -> SimpleNamespace:
    """The clock fields a suspended case stores (what ``carry_forward`` reads), as of ``as_of``."""
    fields = {name: getattr(result, name) for name in STORED}
    return SimpleNamespace(**{**fields, "clocks_on": as_of, **changes})


# Accepted Thursday 9 October 2025 and suspended Monday 13 October, as stored that day.
WAITING = SimpleNamespace(
    accepted_on=D(2025, 10, 9),
    promised_due=D(2025, 10, 23),
    statutory_due=D(2025, 11, 6),
    suspended_since=D(2025, 10, 13),
    suspended_workdays=1,
    provisional=False,
    clocks_on=D(2025, 10, 13),
)


def test_carrying_a_suspension_forward_moves_the_dates_by_the_working_days_waited():
    # read on Monday 20 October: 14-17 and 20 October waited
    after = carry_forward(WAITING, D(2025, 10, 20), official())
    assert (after.promised_due, after.statutory_due) == (D(2025, 10, 30), D(2025, 11, 13))
    assert (after.suspended_workdays, after.as_of, after.provisional) == (6, D(2025, 10, 20), False)
    # a Sunday adds nothing to the Friday before it
    sunday = carry_forward(WAITING, D(2025, 10, 19), official())
    friday = carry_forward(WAITING, D(2025, 10, 17), official())
    assert sunday == dataclasses.replace(friday, as_of=D(2025, 10, 19))


def test_a_due_date_the_suspension_began_after_is_not_carried():
    late = stored(WAITING, WAITING.clocks_on, promised_due=D(2025, 10, 10))
    after = carry_forward(late, D(2025, 10, 20), official())
    assert (after.promised_due, after.statutory_due) == (D(2025, 10, 10), D(2025, 11, 13))


def test_nothing_to_carry_on_or_before_the_clocks_day():
    assert carry_forward(WAITING, D(2025, 10, 13), official()) is None
    assert carry_forward(WAITING, D(2025, 10, 1), official()) is None


def test_a_suspension_reaching_into_a_provisional_year_is_flagged():
    december = stored(
        WAITING,
        D(2026, 12, 10),
        accepted_on=D(2026, 12, 1),
        promised_due=D(2026, 12, 21),
        statutory_due=D(2026, 12, 29),
        suspended_since=D(2026, 12, 10),
    )
    assert carry_forward(december, D(2026, 12, 28), official()).provisional


@quick
@given(
    days,
    st.integers(5, 45),
    limits,
    st.integers(0, 40),
    st.integers(0, 40),
    st.integers(1, 60),
)
def test_carried_forward_clocks_are_the_clocks_of_the_later_day(
    accepted, statutory, promised, before_pause, waited_before, waited
):
    """What a read shows for a suspended case equals ``compute_clocks`` as of the reading day,
    from the clocks stored on any day of the suspension; its level moves only past a due date
    that stays put (the sweep writes those cases)."""
    terms = {"statutory_limit": statutory, "promised_limit": min(promised, statutory)}
    suspended = accepted + before_pause * DAY
    events = [*opened(accepted), ev("suspend", suspended)]
    kept_on = suspended + waited_before * DAY
    read_on = kept_on + waited * DAY
    then = clocks(events, kept_on, **terms)
    now = clocks(events, read_on, **terms)
    carried = carry_forward(stored(then, kept_on), read_on, official())
    assert (carried.promised_due, carried.statutory_due) == (now.promised_due, now.statutory_due)
    assert carried.suspended_workdays == now.suspended_workdays
    assert carried.provisional == now.provisional
    if (then.level, then.statutory_overdue) != (now.level, now.statutory_overdue):
        # only by passing a due date no pause moves: one before the suspension or on acceptance
        stays = [
            due
            for due in (then.promised_due, then.statutory_due)
            if due < suspended or due <= accepted
        ]
        assert stays and min(stays) < read_on
