"""What every legal clock shares: due dates over paused working days, levels, completion. Pure.

A legal clock (a case's, ``zhengwu.cases.clocks``; a joint case's, ``zhengwu.joint.clocks``) is a
pure function of a record's events over the working-day calendar. Each has its own law (its
limits, its extension, its intake); what they count the same way lives here:

- ``Event``: the event tuple every clock reads: ``(kind, occurred_on, data)``;
- ``due_date``: the N-th counted working day after a start, with the working days of pauses
  (``[suspended, resumed)``, 行政许可法 art. 45) not counted; a pause that starts after the running
  due date has passed does not move it (a special procedure cannot cure lateness);
- ``paused_workdays`` / ``paused_total``: the working days a pause, or several, did not count;
- ``merge_pauses``: the union of pauses that may overlap (several child cases' special procedures:
  a day counts as paused when any of them is);
- ``level_of`` and ``completion_of``: DOMAIN §4's levels of an open record and the completion
  of a decided one, from its due dates;
- ``extension``: the working days an extension grants, checked against the law's bounds and the
  statutory due date as it stood the day it was approved (``ExtensionRefused`` otherwise).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from zhengwu.workdays.rules import WorkCalendar, WorkdayDate

__all__ = [
    "Completion",
    "Event",
    "EventLike",
    "ExtensionRefused",
    "LegalTerms",
    "Level",
    "completion_of",
    "due_date",
    "extension",
    "level_of",
    "merge_pauses",
    "paused_total",
    "paused_workdays",
    "plain",
]

DAY = dt.timedelta(days=1)


class Level(enum.StrEnum):
    NORMAL = "normal"
    YELLOW = "yellow"
    RED = "red"
    STATUTORY_OVERDUE = "statutory_overdue"


class Completion(enum.StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"


class EventLike(Protocol):
    kind: str
    occurred_on: dt.date
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Event:
    """One recorded event: ``kind`` (an action of the record's transition table), the local date
    it occurred, its data. Kinds that are not actions (notes, certificates) may be passed along
    and do not affect the clocks."""

    kind: str
    occurred_on: dt.date
    data: Mapping[str, Any] = field(default_factory=dict)


def local_date(value, what: str) -> dt.date:
    """``value`` as a plain local date; a datetime (or anything else) is a programming error."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"{what}: expected a local date, got {type(value).__name__}")
    return dt.date(value.year, value.month, value.day)


def extension_workdays(data: dict | None, maximum: int) -> int | None:
    """The working days an extension event grants (``data["workdays"]``, 1 to ``maximum``), or
    None when they are missing or out of range (the caller raises its clock error)."""
    workdays = (data or {}).get("workdays")
    if isinstance(workdays, bool) or not isinstance(workdays, int):
        return None
    return workdays if 1 <= workdays <= maximum else None


class ExtensionRefused(ValueError):
    """An extension the law does not allow: ``code`` is ``invalid_extension`` (not 1 to the
    maximum working days) or ``extension_after_due`` (approved after the statutory due date)."""

    def __init__(self, code: str, detail: str):
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}")


class LegalTerms(Protocol):
    statutory_limit: int
    extension_max: int


def extension(
    event: EventLike,
    terms: LegalTerms,
    calendar: WorkCalendar,
    accepted_on: dt.date,
    pauses: Iterable[tuple[dt.date, dt.date]],
    *,
    error: type[Exception] = ExtensionRefused,
) -> int:
    """The working days the extension ``event`` grants (``data["workdays"]``).

    It is 1 to ``terms.extension_max`` working days, and it comes no later than the statutory
    due date as it stood that day: ``terms.statutory_limit`` working days from ``accepted_on``
    over the ``pauses`` closed at the end of the event's day. Raises ``error(code, detail)``
    otherwise (each clock passes its own clock error)."""
    workdays = extension_workdays(event.data, terms.extension_max)
    if workdays is None:
        raise error(
            "invalid_extension",
            f"an extension is 1 to {terms.extension_max} working days, "
            f"not {(event.data or {}).get('workdays')!r}",
        )
    due_then = due_date(calendar, accepted_on, terms.statutory_limit, pauses)
    if event.occurred_on > due_then:
        raise error(
            "extension_after_due",
            f"the statutory limit ended on {plain(due_then)}; an extension comes before",
        )
    return workdays


def plain(day: dt.date | None) -> dt.date | None:
    """A plain ``datetime.date`` (not a ``WorkdayDate``), or None."""
    return None if day is None else dt.date(day.year, day.month, day.day)


def due_date(
    calendar: WorkCalendar,
    start: dt.date,
    workdays: int,
    pauses: Iterable[tuple[dt.date, dt.date]] = (),
) -> WorkdayDate:
    """The ``workdays``-th counted working day after ``start``.

    ``pauses`` are ``(suspended, resumed)`` pairs in time order, not overlapping: the working days
    in [suspended, resumed) are not counted (nor is ``start``). One ``between`` and one ``add`` per
    pause that starts on or before the running due date.
    """
    due = calendar.add(start, workdays)
    provisional = due.provisional
    first_counted = start + DAY
    for suspended, resumed in pauses:
        low = max(suspended, first_counted)
        if resumed <= low:
            continue
        if low > due:
            break
        # The counted days in [low, due] (all working days: earlier pauses ended before ``low``)
        # are pushed past the pause.
        left = calendar.between(low - DAY, due)
        due = calendar.add(resumed - DAY, left)
        provisional = provisional or left.provisional or due.provisional
    if provisional and not due.provisional:
        return WorkdayDate(due.year, due.month, due.day, True)
    return due


def paused_workdays(
    calendar: WorkCalendar, start: dt.date, suspended: dt.date, resumed: dt.date
) -> tuple[int, bool]:
    """Working days in [suspended, resumed) after ``start``; whether the count is provisional."""
    low = max(suspended, start + DAY)
    if resumed <= low:
        return 0, False
    count = calendar.between(low - DAY, resumed - DAY)
    return int(count), count.provisional


def paused_total(
    calendar: WorkCalendar, start: dt.date, pauses: Iterable[tuple[dt.date, dt.date]]
) -> tuple[int, bool]:
    """The working days after ``start`` that non-overlapping ``pauses`` did not count."""
    total, provisional = 0, False
    for suspended, resumed in pauses:
        count, count_provisional = paused_workdays(calendar, start, suspended, resumed)
        total += count
        provisional = provisional or count_provisional
    return total, provisional


def merge_pauses(
    pauses: Iterable[tuple[dt.date, dt.date | None]], stop: dt.date
) -> list[tuple[dt.date, dt.date]]:
    """The union of ``pauses`` in time order, none overlapping or touching.

    A pause still open (resumed ``None``) ends at ``stop``, and none runs past it; pauses that
    end on or before they start are dropped.
    """
    spans = sorted(
        (start, min(end or stop, stop)) for start, end in pauses if min(end or stop, stop) > start
    )
    merged: list[tuple[dt.date, dt.date]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def level_of(
    calendar: WorkCalendar,
    as_of: dt.date,
    promised_due: dt.date | None,
    *,
    statutory_overdue: bool,
) -> tuple[Level, int | None, bool]:
    """The level of an open record at the end of ``as_of`` (DOMAIN §4), the working days left on
    its promised clock (None before it starts), and whether that count is provisional.

    ``normal`` with more than 1 working day left or no promised due date yet; ``yellow`` with at
    most 1 left after today; ``red`` past the promised due date; ``statutory_overdue`` past the
    statutory one (the caller's flag, the worst level).
    """
    if promised_due is None:
        return Level.NORMAL, None, False
    left = calendar.between(as_of, promised_due)
    remaining = int(left)
    if statutory_overdue:
        level = Level.STATUTORY_OVERDUE
    elif as_of > promised_due:
        level = Level.RED
    elif remaining <= 1:
        level = Level.YELLOW
    else:
        level = Level.NORMAL
    return level, remaining, left.provisional


def completion_of(completed_on: dt.date | None, promised_due: dt.date | None) -> Completion | None:
    """``early`` before the promised due date, ``on_time`` on it, ``late`` after it."""
    if completed_on is None or promised_due is None:
        return None
    if completed_on < promised_due:
        return Completion.EARLY
    if completed_on == promised_due:
        return Completion.ON_TIME
    return Completion.LATE
