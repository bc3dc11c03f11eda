"""A disclosure request's clocks on the official 2025–2026 calendars (DOMAIN §8, §2).

2025: 国庆/中秋 10/1–10/8 off, Sun 9/28 and Sat 10/11 work. 2026: 春节 2/15–2/23 off, Sat 2/14 and
Sat 2/28 work; 清明 4/4–4/6 off.
"""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhengwu.cases.clocks import ClockError
from zhengwu.cases.rules import TransitionError
from zhengwu.disclosure import receipt
from zhengwu.disclosure.clocks import Terms, compute_clocks
from zhengwu.disclosure.rules import State
from zhengwu.workdays import sources
from zhengwu.workdays.periods import Event, Level
from zhengwu.workdays.rules import WorkCalendar

D = dt.date


@functools.cache
def official() -> WorkCalendar:
    years = {
        2027: sources.YearRow(status=sources.PROVISIONAL),
        2028: sources.YearRow(status=sources.PROVISIONAL),
    }
    return sources.resolve(D(2024, 1, 1), D(2028, 12, 31), years, {}).calendar


def ev(action: str, on: dt.date, **data) -> Event:
    return Event(action, on, data)


def clocks(events, as_of, **terms):
    return compute_clocks(terms=Terms(**terms), events=events, calendar=official(), as_of=as_of)


# (name, events, as_of, expected fields)
CASES = [
    (
        "plain: 20 working days from receipt",
        [ev("file", D(2026, 3, 2))],
        D(2026, 3, 2),
        {"reply_due": D(2026, 3, 30), "paused_workdays": 0, "level": Level.NORMAL},
    ),
    (
        "a supplement received over the National Day holiday restarts the clock that day",
        [
            ev("file", D(2025, 9, 22)),
            ev("route", D(2025, 9, 23)),
            ev("request_supplement", D(2025, 9, 25), period_workdays=10),
            ev("supplement", D(2025, 10, 3)),
        ],
        D(2025, 10, 3),
        {"reply_due": D(2025, 11, 4), "reply_start": D(2025, 10, 3), "supplement_due": None},
    ),
    (
        "awaiting a supplement: no reply clock, the supplement period instead",
        [
            ev("file", D(2025, 9, 22)),
            ev("request_supplement", D(2025, 9, 25), period_workdays=10),
        ],
        D(2025, 9, 26),
        {
            "reply_due": None,
            "supplement_due": D(2025, 10, 15),  # 9/26, 9/28 (make-up), 9/29, 9/30, 10/9–15
            "level": None,
            "state": State.AWAITING_SUPPLEMENT,
        },
    ),
    (
        "a third-party consultation across the Spring Festival is not counted",
        [
            ev("file", D(2026, 2, 2)),
            ev("route", D(2026, 2, 2)),
            ev("consult", D(2026, 2, 10), kind="third_party"),
            ev("consulted", D(2026, 3, 3), answer="object"),
        ],
        D(2026, 3, 3),
        {"reply_due": D(2026, 3, 23), "paused_workdays": 11, "consult_due": None},
    ),
    (
        "an open consultation: its answer is due 15 working days on, the clock paused",
        [
            ev("file", D(2026, 2, 2)),
            ev("route", D(2026, 2, 2)),
            ev("consult", D(2026, 2, 10), kind="third_party"),
        ],
        D(2026, 2, 27),
        {"consult_due": D(2026, 3, 9), "paused": True, "state": State.CONSULTING},
    ),
    (
        "silence: the pause lasts the 15 working days of the consultation, no more",
        [
            ev("file", D(2026, 2, 2)),
            ev("route", D(2026, 2, 2)),
            ev("consult", D(2026, 2, 10), kind="third_party"),
            ev("consulted", D(2026, 3, 12), answer="silent"),
        ],
        D(2026, 3, 12),
        {"reply_due": D(2026, 3, 27), "paused_workdays": 15},
    ),
    (
        "an extension of 20 working days across 清明, replied on the last day",
        [
            ev("file", D(2026, 3, 2)),
            ev("route", D(2026, 3, 2)),
            ev("extend", D(2026, 3, 25), workdays=20),
            ev("reply", D(2026, 4, 28), type="disclosed"),
        ],
        D(2026, 4, 30),
        {
            "reply_due": D(2026, 4, 28),
            "extension_workdays": 20,
            "completed_on": D(2026, 4, 28),
            "on_time": True,
            "level": None,
        },
    ),
    (
        "replied a day after the extended due date: late",
        [
            ev("file", D(2026, 3, 2)),
            ev("route", D(2026, 3, 2)),
            ev("extend", D(2026, 3, 25), workdays=20),
            ev("reply", D(2026, 4, 29), type="disclosed"),
        ],
        D(2026, 4, 30),
        {"on_time": False},
    ),
    (
        "an ordinary letter confirmed on the make-up Saturday 2026-02-14",
        [
            ev(
                "file",
                receipt.receipt(
                    "post_ordinary", arrived_on=D(2026, 2, 14), confirmed_on=D(2026, 2, 14)
                ).on,
            )
        ],
        D(2026, 2, 14),
        {"received_on": D(2026, 2, 14), "reply_due": D(2026, 3, 20)},
    ),
    (
        "an ordinary letter confirmed on the make-up Saturday 2025-10-11",
        [ev("file", D(2025, 10, 11))],
        D(2025, 10, 11),
        {"reply_due": D(2025, 11, 7)},
    ),
    (
        "the fee notice to the payment is not counted",
        [
            ev("file", D(2026, 3, 2)),
            ev("route", D(2026, 3, 2)),
            ev("fee", D(2026, 3, 9), items=12),
            ev("paid", D(2026, 3, 16)),
        ],
        D(2026, 3, 16),
        {"reply_due": D(2026, 4, 7), "paused_workdays": 5, "payment_due": None},
    ),
    (
        "awaiting payment: 20 working days to pay",
        [
            ev("file", D(2026, 3, 2)),
            ev("route", D(2026, 3, 2)),
            ev("fee", D(2026, 3, 9), items=12),
        ],
        D(2026, 3, 9),
        {"payment_due": D(2026, 4, 7), "state": State.AWAITING_PAYMENT, "paused": True},
    ),
    (
        "art. 35: asking for reasons pauses, a delayed deadline adds its days",
        [
            ev("file", D(2026, 3, 2)),
            ev("ask_reasons", D(2026, 3, 3)),
            ev("reasons", D(2026, 3, 10)),
            ev("defer", D(2026, 3, 11), workdays=10),
        ],
        D(2026, 3, 11),
        {"paused_workdays": 5, "deferred_workdays": 10, "reply_due": D(2026, 4, 21)},
    ),
    (
        "yellow with one working day left, red past the due date",
        [ev("file", D(2026, 3, 2))],
        D(2026, 3, 27),
        {"level": Level.YELLOW, "remaining_workdays": 1},
    ),
    (
        "red past the due date",
        [ev("file", D(2026, 3, 2))],
        D(2026, 3, 31),
        {"level": Level.RED},
    ),
    (
        "a 补正 notice later than 7 working days is flagged",
        [
            ev("file", D(2026, 3, 2)),
            ev("request_supplement", D(2026, 3, 12), period_workdays=10),
        ],
        D(2026, 3, 12),
        {"late_notice": True, "notice_due": D(2026, 3, 11), "notices": 1},
    ),
    (
        "deemed abandoned: completed, not a reply",
        [
            ev("file", D(2026, 3, 2)),
            ev("request_supplement", D(2026, 3, 3), period_workdays=5),
            ev("abandon", D(2026, 3, 11)),
        ],
        D(2026, 3, 11),
        {"state": State.ABANDONED, "completed_on": D(2026, 3, 11), "on_time": None},
    ),
]


@pytest.mark.parametrize(("name", "events", "as_of", "expected"), CASES, ids=[c[0] for c in CASES])
def test_clock_rules(name, events, as_of, expected):
    result = clocks(events, as_of)
    for field, value in expected.items():
        assert getattr(result, field) == value, field


def test_events_after_as_of_are_left_out():
    events = [ev("file", D(2026, 3, 2)), ev("reply", D(2026, 3, 20), type="disclosed")]
    assert clocks(events, D(2026, 3, 10)).completed_on is None


def test_extension_after_the_due_date_is_refused():
    events = [
        ev("file", D(2026, 3, 2)),
        ev("route", D(2026, 3, 2)),
        ev("extend", D(2026, 3, 31), workdays=5),
    ]
    with pytest.raises(ClockError) as info:
        clocks(events, D(2026, 3, 31))
    assert info.value.code == "extension_after_due"


@pytest.mark.parametrize("workdays", [0, 21, "5", True, None])
def test_extension_is_one_to_twenty_working_days(workdays):
    events = [
        ev("file", D(2026, 3, 2)),
        ev("route", D(2026, 3, 2)),
        ev("extend", D(2026, 3, 3), workdays=workdays),
    ]
    with pytest.raises(ClockError) as info:
        clocks(events, D(2026, 3, 3))
    assert info.value.code == "invalid_extension"


def test_a_second_extension_does_not_replay():
    events = [
        ev("file", D(2026, 3, 2)),
        ev("route", D(2026, 3, 2)),
        ev("extend", D(2026, 3, 3), workdays=5),
        ev("extend", D(2026, 3, 4), workdays=5),
    ]
    with pytest.raises(TransitionError) as info:
        clocks(events, D(2026, 3, 4))
    assert info.value.code == "already_extended"


def test_a_second_notice_forced_into_the_trail_is_counted():
    events = [
        ev("file", D(2026, 3, 2)),
        ev("request_supplement", D(2026, 3, 3), period_workdays=5),
        ev("supplement", D(2026, 3, 5)),
        ev("request_supplement", D(2026, 3, 6), period_workdays=5),
    ]
    assert clocks(events, D(2026, 3, 6)).notices == 2


def test_events_out_of_order_are_refused():
    with pytest.raises(ClockError) as info:
        clocks([ev("file", D(2026, 3, 2)), ev("route", D(2026, 3, 1))], D(2026, 3, 3))
    assert info.value.code == "event_out_of_order"


def test_no_events():
    with pytest.raises(ClockError):
        clocks([], D(2026, 3, 3))


days = st.dates(min_value=D(2025, 1, 2), max_value=D(2026, 10, 31))


@settings(max_examples=150, deadline=None)
@given(
    filed=days,
    start_offset=st.integers(min_value=0, max_value=40),
    length=st.integers(min_value=0, max_value=40),
    kind=st.sampled_from([("consult", "consulted"), ("fee", "paid"), ("ask_reasons", "reasons")]),
)
def test_a_pause_never_brings_the_due_date_earlier(filed, start_offset, length, kind):
    start = filed + dt.timedelta(days=start_offset)
    end = start + dt.timedelta(days=length)
    base = [ev("file", filed), ev("route", filed)]
    paused = [*base, ev(kind[0], start, kind="agency"), ev(kind[1], end, answer="agree")]
    as_of = end + dt.timedelta(days=1)
    without = clocks(base, as_of)
    with_pause = clocks(paused, as_of)
    assert with_pause.reply_due >= without.reply_due
    assert with_pause.paused_workdays >= 0
