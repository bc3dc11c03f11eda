"""Working-day arithmetic over a fixed range of days. Pure: no Django imports.

A ``WorkCalendar`` is built once from two flags per day (working day? provisional year?) and then
answers every question in O(1) with list indexing only:

- ``cum[i]``: working days among the first ``i`` days of the range (prefix count, length N + 1);
- ``nth[k]``: the index of the (k + 1)-th working day of the range (the "k-th working day" index);
- ``pcum[i]``: days of provisional years among the first ``i`` days (to tell whether a span touched
  a provisional year).

The answers are shared, pre-built objects (one per day and per count), so a call allocates nothing.

Counting follows DOMAIN.md §2: the start day is excluded; "n working days from D" is the n-th
working day after D; working days between a and b are those in (a, b].
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

__all__ = [
    "CalendarError",
    "NegativeCount",
    "OutOfRange",
    "WorkCalendar",
    "WorkdayCount",
    "WorkdayDate",
    "WorkdayFlag",
]


class CalendarError(ValueError):
    """A question the calendar cannot answer."""


class OutOfRange(CalendarError):
    """A date (given or computed) outside the range the calendar covers."""

    def __init__(self, day: dt.date, first: dt.date, last: dt.date, field: str):
        self.day, self.first, self.last, self.field = day, first, last, field
        super().__init__(f"{day} is outside {first}..{last} ({field})")


class NegativeCount(CalendarError):
    def __init__(self, n):
        self.n = n
        super().__init__(f"the number of working days must be >= 0, not {n}")


class WorkdayDate(dt.date):
    """A date (it compares, formats and saves as one) that also says ``.provisional``.

    ``.date`` is the plain ``datetime.date``; ``due, provisional = result`` unpacks it. Arithmetic
    and ``replace()`` give plain dates.
    """

    __slots__ = ("_provisional",)

    def __new__(cls, year: int, month: int, day: int, provisional: bool = False):
        self = super().__new__(cls, year, month, day)
        self._provisional = bool(provisional)
        return self

    @property
    def provisional(self) -> bool:
        return self._provisional

    @property
    def date(self) -> dt.date:
        return dt.date(self.year, self.month, self.day)

    value = date

    def __add__(self, other):
        return self.date + other

    __radd__ = __add__

    def __sub__(self, other):
        if isinstance(other, dt.date):
            other = dt.date(other.year, other.month, other.day)
        return self.date - other

    def __rsub__(self, other):
        return other - self.date

    def replace(self, *args, **kwargs) -> dt.date:
        return self.date.replace(*args, **kwargs)

    def __iter__(self):
        yield self.date
        yield self._provisional

    def __reduce__(self):
        return (WorkdayDate, (self.year, self.month, self.day, self._provisional))

    def __repr__(self) -> str:
        return f"WorkdayDate({self.isoformat()}, provisional={self._provisional})"


class WorkdayCount(int):
    """A number of working days (an ``int``) that also says ``.provisional``."""

    def __new__(cls, value: int, provisional: bool = False):
        self = super().__new__(cls, value)
        self.__dict__["provisional"] = bool(provisional)
        return self

    def __setattr__(self, name, value):
        raise AttributeError("WorkdayCount is immutable")

    @property
    def value(self) -> int:
        return int(self)

    def __iter__(self):
        yield int(self)
        yield self.provisional

    def __reduce__(self):
        return (WorkdayCount, (int(self), self.provisional))

    def __repr__(self) -> str:
        return f"WorkdayCount({int(self)}, provisional={self.provisional})"


class WorkdayFlag:
    """Whether a day is a working day: true or false like a bool, with ``.provisional``."""

    __slots__ = ("provisional", "value")

    def __init__(self, value: bool, provisional: bool = False):
        object.__setattr__(self, "value", bool(value))
        object.__setattr__(self, "provisional", bool(provisional))

    def __setattr__(self, name, value):
        raise AttributeError("WorkdayFlag is immutable")

    def __bool__(self) -> bool:
        return self.value

    def __eq__(self, other) -> bool:
        if isinstance(other, WorkdayFlag):
            return self.value == other.value and self.provisional == other.provisional
        if isinstance(other, bool | int):
            return self.value == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.value)

    def __iter__(self):
        yield self.value
        yield self.provisional

    def __reduce__(self):
        return (WorkdayFlag, (self.value, self.provisional))

    def __repr__(self) -> str:
        return f"WorkdayFlag({self.value}, provisional={self.provisional})"


_DATETIME = dt.datetime


class WorkCalendar:
    """Working-day arithmetic over the days ``first`` .. ``first + len(workday) - 1``.

    ``workday[i]`` and ``provisional[i]`` are truthy when day ``first + i`` is a working day / lies
    in a provisional year. Build cost is O(N); every query is O(1).
    """

    def __init__(
        self,
        first: dt.date,
        workday: Sequence[bool],
        provisional: Sequence[bool] | None = None,
    ):
        size = len(workday)
        if size == 0:
            raise ValueError("empty calendar")
        if provisional is None:
            provisional = [False] * size
        if len(provisional) != size:
            raise ValueError("workday and provisional differ in length")
        first = dt.date(first.year, first.month, first.day)
        o0 = first.toordinal()
        cum = [0] * (size + 1)
        pcum = [0] * (size + 1)
        nth: list[int] = []
        flags = bytearray(size)
        prov = bytearray(size)
        count = pcount = 0
        for i in range(size):
            if workday[i]:
                count += 1
                nth.append(i)
                flags[i] = 1
            if provisional[i]:
                pcount += 1
                prov[i] = 1
            cum[i + 1] = count
            pcum[i + 1] = pcount
        dates = [dt.date.fromordinal(o0 + i) for i in range(size)]
        self._o0 = o0
        self._cum = cum
        self._pcum = pcum
        self._nth = nth
        self._flags = bytes(flags)
        self._prov = bytes(prov)
        self._firm_dates = [WorkdayDate(d.year, d.month, d.day, False) for d in dates]
        self._prov_dates = [WorkdayDate(d.year, d.month, d.day, True) for d in dates]
        self._firm_counts = [WorkdayCount(k, False) for k in range(count + 1)]
        self._prov_counts = [WorkdayCount(k, True) for k in range(count + 1)]
        self._negative_counts: dict[tuple[int, bool], WorkdayCount] = {}
        self._flag_objects = (
            (WorkdayFlag(False, False), WorkdayFlag(True, False)),
            (WorkdayFlag(False, True), WorkdayFlag(True, True)),
        )
        self._set_bounds(size)

    def _set_bounds(self, size: int) -> None:
        self._size = size
        self._total = self._cum[size]
        self.first = dt.date.fromordinal(self._o0)
        self.last = dt.date.fromordinal(self._o0 + size - 1)

    def truncated(self, last: dt.date) -> WorkCalendar:
        """The same calendar ending at ``last`` (which must not lie past this one's end).

        Shares every table with this calendar: O(1).
        """
        size = last.toordinal() - self._o0 + 1
        if not 0 < size <= self._size:
            raise ValueError(f"{last} is not inside {self.first}..{self.last}")
        view = object.__new__(WorkCalendar)
        view.__dict__.update(self.__dict__)
        view._set_bounds(size)
        return view

    def __len__(self) -> int:
        return self._size

    def __contains__(self, day: dt.date) -> bool:
        return 0 <= day.toordinal() - self._o0 < self._size

    # The queries. Each is a handful of list lookups; they are written out (no helper calls)
    # because they sit on the hot path of every deadline computation.

    def add(self, start: dt.date, n: int) -> WorkdayDate:
        """The n-th working day after ``start`` (``start`` itself for n == 0)."""
        try:
            i = start.toordinal() - self._o0
        except AttributeError:
            raise self._bad_day(start, "start") from None
        if 0 <= i < self._size and not isinstance(start, _DATETIME):
            if n > 0:
                c = self._cum[i + 1] + n
                if c <= self._total:
                    j = self._nth[c - 1]
                    if self._pcum[j + 1] != self._pcum[i + 1]:
                        return self._prov_dates[j]
                    return self._firm_dates[j]
                raise OutOfRange(self.last + dt.timedelta(days=1), self.first, self.last, "days")
            if n == 0:
                return self._firm_dates[i]
            raise NegativeCount(n)
        raise self._bad_day(start, "start")

    def between(self, a: dt.date, b: dt.date) -> WorkdayCount:
        """Working days in (a, b]; negative (the count in (b, a]) when b is before a."""
        try:
            i = a.toordinal() - self._o0
            j = b.toordinal() - self._o0
        except AttributeError:
            bad, field = (b, "end") if isinstance(a, dt.date) else (a, "start")
            raise self._bad_day(bad, field) from None
        size = self._size
        if 0 <= i < size and 0 <= j < size:
            if isinstance(a, _DATETIME) or isinstance(b, _DATETIME):
                raise TypeError("pass dates, not datetimes")
            pcum = self._pcum
            if j >= i:
                k = self._cum[j + 1] - self._cum[i + 1]
                if pcum[j + 1] != pcum[i + 1]:
                    return self._prov_counts[k]
                return self._firm_counts[k]
            k = self._cum[i + 1] - self._cum[j + 1]
            return self._negative(k, pcum[i + 1] != pcum[j + 1])
        if not 0 <= i < size:
            raise self._bad_day(a, "start")
        raise self._bad_day(b, "end")

    def is_workday(self, day: dt.date) -> WorkdayFlag:
        try:
            i = day.toordinal() - self._o0
        except AttributeError:
            raise self._bad_day(day, "date") from None
        if 0 <= i < self._size and not isinstance(day, _DATETIME):
            return self._flag_objects[self._prov[i]][self._flags[i]]
        raise self._bad_day(day, "date")

    def next_workday(self, day: dt.date, *, inclusive: bool = False) -> WorkdayDate:
        """The first working day after ``day`` (on or after it when ``inclusive``)."""
        if inclusive and isinstance(day, dt.date):
            i = day.toordinal() - self._o0
            if 0 <= i < self._size and self._flags[i] and not isinstance(day, _DATETIME):
                return (self._prov_dates if self._prov[i] else self._firm_dates)[i]
        try:
            return self.add(day, 1)
        except OutOfRange as error:
            if error.field == "days":
                raise OutOfRange(error.day, error.first, error.last, "date") from None
            raise OutOfRange(day, self.first, self.last, "date") from None

    def workday_index(self, day: dt.date) -> int:
        """Working days from the start of the range through ``day`` (for callers' own tables)."""
        i = day.toordinal() - self._o0
        if 0 <= i < self._size and not isinstance(day, _DATETIME):
            return self._cum[i + 1]
        raise self._bad_day(day, "date")

    def _negative(self, k: int, provisional: bool) -> WorkdayCount:
        key = (k, provisional)
        found = self._negative_counts.get(key)
        if found is None:
            found = self._negative_counts[key] = WorkdayCount(-k, provisional)
        return found

    def _bad_day(self, day, field: str) -> Exception:
        if isinstance(day, _DATETIME):
            return TypeError(f"{field}: pass a date, not a datetime")
        if not isinstance(day, dt.date):
            return TypeError(f"{field}: expected a date, got {type(day).__name__}")
        return OutOfRange(day, self.first, self.last, field)
