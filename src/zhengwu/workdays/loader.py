"""The process's working-day calendar: built from the package and the database, cached, kept fresh.

One ``WorkCalendar`` per process covers 2004-01-01 to 31 December of the fifth year after today.
It is rebuilt (tens of milliseconds) when

- this process changes a calendar row (services, admin, or any ORM save/delete of a calendar
  model): at once, and again when the transaction commits;
- the database's version stamp (row counts, highest ids and last update times of the two calendar
  tables) differs from the one the calendar was built from. The stamp is read at most once every
  ``WORKDAYS_RECHECK_SECONDS`` (setting, default 5) per process: another process's change is seen
  everywhere within that time;
- the current year changes (the supported range moves), or ``zhengwu.core.clock`` says another
  year than the wall clock (time travel in tests, ``clock.frozen()`` in simulations).

Between checks a call costs a wall-clock read and a few list lookups: no query, no lock.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from zhengwu.core import clock

# clock.frozen() fixes "now" in one context without moving the wall clock; while it is set the
# calendar's range must follow clock.today() instead of the wall clock.
from zhengwu.core.clock import frozen_moment as _frozen_get
from zhengwu.workdays import sources
from zhengwu.workdays.errors import CalendarRangeError, negative_count, year_out_of_range
from zhengwu.workdays.rules import (
    NegativeCount,
    OutOfRange,
    WorkCalendar,
    WorkdayCount,
    WorkdayDate,
    WorkdayFlag,
)

_time = time.time


def _recheck_seconds() -> float:
    return float(getattr(settings, "WORKDAYS_RECHECK_SECONDS", 5.0))


class Snapshot:
    """The calendar built from one database state, with the names and sources of every day."""

    def __init__(self, stamp, resolved: sources.Resolved, last: dt.date):
        self.stamp = stamp
        self.resolved = resolved
        self.last = last
        self._views: dict[dt.date, WorkCalendar] = {last: resolved.calendar}

    def view(self, last: dt.date) -> WorkCalendar:
        found = self._views.get(last)
        if found is None:
            found = self._views[last] = self.resolved.calendar.truncated(last)
        return found


_lock = threading.RLock()
_snapshot: Snapshot | None = None
_checked_at = float("-inf")
_stale = True
# (connection, its outermost atomic block) whose uncommitted writes changed calendar rows.
_pending = None
# The fast path: the calendar to use while _hot_from <= wall clock < _hot_until.
_hot: WorkCalendar | None = None
_hot_from = 0.0
_hot_until = 0.0


def _read_stamp(using: str = DEFAULT_DB_ALIAS):
    from django.db.models import Count, Max

    from zhengwu.workdays.models import CalendarDay, CalendarYear

    stamp = []
    for model in (CalendarDay, CalendarYear):
        row = model.objects.using(using).aggregate(n=Count("pk"), m=Max("pk"), u=Max("updated_at"))
        stamp += [row["n"], row["m"], row["u"]]
    return tuple(stamp)


def read_rows(
    first: dt.date, last: dt.date, using: str = DEFAULT_DB_ALIAS
) -> tuple[dict[int, sources.YearRow], dict[dt.date, sources.DayRow]]:
    """The stored years and days that bear on [first, last]."""
    from zhengwu.workdays.models import CalendarDay, CalendarYear

    years = {
        year: sources.YearRow(status=status, imported=imported_at is not None)
        for year, status, imported_at in CalendarYear.objects.using(using).values_list(
            "year", "status", "imported_at"
        )
    }
    days = {
        day: sources.DayRow(is_workday=is_workday, name=name, imported=source == "import")
        for day, is_workday, name, source in CalendarDay.objects.using(using)
        .filter(date__range=(first, last))
        .values_list("date", "is_workday", "name", "source")
    }
    return years, days


def _build(last: dt.date) -> Snapshot:
    stamp = _read_stamp()  # before the rows: a write in between only causes one more rebuild
    years, days = read_rows(sources.FIRST_DAY, last)
    return Snapshot(stamp, sources.resolve(sources.FIRST_DAY, last, years, days), last)


def _next_year_starts(today: dt.date) -> float:
    return dt.datetime(today.year + 1, 1, 1, tzinfo=clock.LOCAL_TZ).timestamp()


def _pending_ended() -> bool:
    conn, block = _pending
    return not (conn.atomic_blocks and conn.atomic_blocks[0] is block)


def _refresh(now: float) -> WorkCalendar:
    global _snapshot, _checked_at, _stale, _pending, _hot, _hot_from, _hot_until
    with _lock:
        if _pending is not None and _pending_ended():
            _pending, _stale = None, True
        today = clock.today()
        last = sources.last_supported_day(today)
        interval = _recheck_seconds()
        snapshot = _snapshot
        due = not (_checked_at <= now < _checked_at + interval)
        if _stale or snapshot is None or snapshot.last < last:
            snapshot = _build(last if snapshot is None else max(last, snapshot.last))
            _checked_at, _stale = now, False
        elif due:
            if _read_stamp() != snapshot.stamp:
                snapshot = _build(snapshot.last)
            _checked_at = now
        _snapshot = snapshot
        view = snapshot.view(last)
        if _pending is None and _frozen_get() is None:
            _hot, _hot_from = view, _checked_at
            _hot_until = min(_checked_at + interval, _next_year_starts(today))
        else:
            _hot_until = 0.0
        return view


def get_calendar() -> WorkCalendar:
    """The current calendar, for callers asking many questions in a row."""
    now = _time()
    if _hot_from <= now < _hot_until and _frozen_get() is None:
        return _hot
    return _refresh(now)


def snapshot() -> Snapshot:
    """The current snapshot (names and sources of days, year statuses) for pages and answers."""
    get_calendar()
    return _snapshot


def invalidate() -> None:
    """Forget the calendar in this process; the next call rebuilds it."""
    global _stale, _hot_until
    _hot_until = 0.0  # at once: the fast path is off before the lock is taken
    with _lock:  # after any build in progress, which may have read the rows before the change
        _stale = True
        _hot_until = 0.0


def note_change(using: str = DEFAULT_DB_ALIAS) -> None:
    """Calendar rows changed on connection ``using``: rebuild now, and again once it commits."""
    global _pending
    invalidate()
    conn = connections[using]
    if conn.in_atomic_block:
        with _lock:
            _pending = (conn, conn.atomic_blocks[0])
        transaction.on_commit(_committed, using=using)


def _committed() -> None:
    global _pending
    with _lock:
        _pending = None
    invalidate()


# The public arithmetic. Each checks the cached calendar's window inline (two comparisons and a
# context-variable read) instead of calling get_calendar(), to keep the hot path short.


def add_workdays(start: dt.date, n: int) -> WorkdayDate:
    """The due date of "n working days from ``start``": the n-th working day after it.

    ``start`` itself for n == 0. The result is a date with ``.provisional``.
    """
    now = _time()
    cal = _hot if _hot_from <= now < _hot_until and _frozen_get() is None else _refresh(now)
    try:
        return cal.add(start, n)
    except OutOfRange as error:
        raise CalendarRangeError(error.day, error.first, error.last, error.field) from None
    except NegativeCount:
        raise negative_count("days") from None


def workdays_between(a: dt.date, b: dt.date) -> WorkdayCount:
    """Working days in (a, b]: an int with ``.provisional`` (negative when b is before a)."""
    now = _time()
    cal = _hot if _hot_from <= now < _hot_until and _frozen_get() is None else _refresh(now)
    try:
        return cal.between(a, b)
    except OutOfRange as error:
        raise CalendarRangeError(error.day, error.first, error.last, error.field) from None


def is_workday(day: dt.date) -> WorkdayFlag:
    """Whether ``day`` is a working day: true or false like a bool, with ``.provisional``."""
    now = _time()
    cal = _hot if _hot_from <= now < _hot_until and _frozen_get() is None else _refresh(now)
    try:
        return cal.is_workday(day)
    except OutOfRange as error:
        raise CalendarRangeError(error.day, error.first, error.last, error.field) from None


def next_workday(day: dt.date, *, inclusive: bool = False) -> WorkdayDate:
    """The first working day after ``day`` (on or after it when ``inclusive``)."""
    now = _time()
    cal = _hot if _hot_from <= now < _hot_until and _frozen_get() is None else _refresh(now)
    try:
        return cal.next_workday(day, inclusive=inclusive)
    except OutOfRange as error:
        raise CalendarRangeError(error.day, error.first, error.last, error.field) from None


def day_info(day: dt.date) -> sources.DayInfo:
    """A day's status with its holiday name and where it came from."""
    is_workday(day)  # the range and type checks
    return _snapshot.resolved.info(day)


def supported_range() -> tuple[dt.date, dt.date]:
    cal = get_calendar()
    return cal.first, cal.last


def check_supported(day: dt.date, *, field: str) -> None:
    """Raises ``CalendarRangeError`` (422, the message under ``field``) for a day the calendar
    does not cover: a stated date no clock can count from."""
    first, last = supported_range()
    if not first <= day <= last:
        raise CalendarRangeError(day, first, last, field)


def year_status(year: int) -> str:
    """``official`` or ``provisional``."""
    snap = snapshot()
    status = snap.resolved.statuses.get(year)
    first, last = supported_range()
    if status is None or not first.year <= year <= last.year:
        raise year_out_of_range(year, first, last)
    return status
