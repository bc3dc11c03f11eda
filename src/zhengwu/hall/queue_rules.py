"""The queue's rules (DOMAIN §11, GB/T 32169 + local practice). Pure: no Django.

- **Opening** (``is_open``): numbers are given and appointments kept on the calendar's working
  days only (a 调休 Saturday is one, a statutory holiday is not), from the hall's opening time to
  its closing time; the lunch break does not stop the taking of numbers.
- **Priority** (``priority_for``): a number from an appointment, or one given through the green
  channel (绿色通道: the elderly, the disabled, …), is called before the others; the levels are
  configured (``HALL_PRIORITIES``, default green channel 2, appointment 1, others 0).
- **Calling order** (``order_key``): the highest priority first, then the order of taking (the
  time a number was taken, or the time a skipped number went back).
- **Steps** (``step``): waiting → called (call); called → called (recall); called → waiting the
  first time it is skipped (过号, back at the end of its priority), → missed the second time;
  waiting or called → waiting in another business type (transfer, keeping its place and
  priority); called → done (finish).
- **Closing** (``day_over``, ``CLOSABLE``): a number still waiting when its day's opening hours
  are over (after the closing time, or any later day) is closed (未办结), and so is one called and
  never finished by the end of its day; a closed number is neither served nor missed.
- **Slots** (``slot_times``): half-hour slots (``HALL_SLOT_MINUTES``) from opening to closing,
  none in the lunch break.
- **Percentile** (``percentile``): the nearest-rank p-th percentile (p90 of waits); a total
  over several groups (``pooled_percentile``) is the percentile of all their values together,
  never the mean of the groups' percentiles.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from zhengwu.hall import hours

WAITING, CALLED, DONE, MISSED = "waiting", "called", "done", "missed"
CLOSED = "closed"  # 未办结: left waiting (or called, never finished) when the day was over
CALL, RECALL, SKIP, TRANSFER, FINISH = "call", "recall", "skip", "transfer", "finish"
CLOSE = "close"
ACTIONS = (CALL, RECALL, SKIP, TRANSFER, FINISH, CLOSE)
# The states a number is closed from at the end of its day.
CLOSABLE = (WAITING, CALLED)
# How many times a number may be skipped and still go back into the queue.
SKIPS_BACK = 1

DEFAULT_PRIORITIES = {"green": 2, "appointment": 1, "": 0}


class QueueError(Exception):
    """A step the rules do not allow; ``code`` is the API's stable code."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


# The hall's opening hours are one rule for the queue and the staffing (``hall.hours``).
Hours = hours.Hours


def is_open(hours: Hours, *, workday: bool, at: dt.time) -> bool:
    """May a number be taken at local time ``at`` of a day (a working day or not)?"""
    return workday and hours.opens_at <= at < hours.closes_at


def priority_for(reason: str, priorities: Mapping[str, int] | None = None) -> int:
    """The priority of a number given for ``reason`` ("", "appointment", "green")."""
    table = DEFAULT_PRIORITIES if priorities is None else priorities
    if reason not in table and reason != "":
        raise QueueError("unknown_priority")
    return int(table.get(reason, 0))


def order_key(priority: int, queued_at, ident: int) -> tuple:
    """Sort key of the calling order: priority first, then the order of taking."""
    return (-priority, queued_at, ident)


@dataclass(frozen=True)
class Step:
    state: str
    skips: int
    requeue: bool = False  # the number goes back to the end of its priority


def step(state: str, action: str, *, skips: int = 0) -> Step:
    """The state after ``action`` on a number in ``state`` that was skipped ``skips`` times."""
    if action == CALL and state == WAITING:
        return Step(CALLED, skips)
    if action == RECALL and state == CALLED:
        return Step(CALLED, skips)
    if action == SKIP and state == CALLED:
        if skips < SKIPS_BACK:
            return Step(WAITING, skips + 1, requeue=True)
        return Step(MISSED, skips + 1)
    if action == TRANSFER and state in (WAITING, CALLED):
        return Step(WAITING, skips)
    if action == FINISH and state == CALLED:
        return Step(DONE, skips)
    if action == CLOSE and state in CLOSABLE:
        return Step(CLOSED, skips)
    raise QueueError("illegal_step")


def day_over(hours: Hours, *, day: dt.date, today: dt.date, workday: bool, at: dt.time) -> bool:
    """Are the opening hours of ``day`` over at local time ``at`` of ``today``? A day before
    today is over; today is over after the closing time, or all day when it is not a working
    day."""
    if day < today:
        return True
    if day > today:
        return False
    return not workday or at >= hours.closes_at


def closes(state: str, *, day: dt.date, today: dt.date, over: bool) -> bool:
    """Is a number of ``day`` in ``state`` closed now? A waiting one once its day is ``over``;
    a called one (never finished) only once the day itself has passed, so a clerk serving after
    the closing time finishes it."""
    if state == WAITING:
        return over
    if state == CALLED:
        return day < today
    return False


def number_text(prefix: str, seq: int) -> str:
    """``("A", 7)`` → ``"A007"``."""
    return f"{prefix}{seq:03d}"


def slot_times(hours: Hours, minutes: int = 30) -> list[tuple[dt.time, dt.time]]:
    """The slots of a day from opening to closing, skipping the lunch break."""
    out: list[tuple[dt.time, dt.time]] = []
    day = dt.date(2000, 1, 3)
    start = dt.datetime.combine(day, hours.opens_at)
    close = dt.datetime.combine(day, hours.closes_at)
    step_ = dt.timedelta(minutes=minutes)
    while start + step_ <= close:
        end = start + step_
        in_break = (
            hours.break_from is not None
            and hours.break_to is not None
            and start.time() < hours.break_to
            and end.time() > hours.break_from
        )
        if not in_break:
            out.append((start.time(), end.time()))
        start = end
    return out


def percentile(values: Sequence[float], p: float = 90) -> float | None:
    """The nearest-rank ``p``-th percentile of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def pooled_percentile(groups: Iterable[Sequence[float]], p: float = 90) -> float | None:
    """The ``p``-th percentile of a total over several groups: of all their values together
    (a percentile does not add up: the mean of the groups' percentiles is not the total's)."""
    return percentile([v for values in groups for v in values], p)
