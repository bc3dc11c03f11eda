"""Where each day's status comes from, and the precedence between the sources. Pure: no Django.

Sources, weakest first (docs/calendar.md):

1. the week: Monday to Friday work, Saturday and Sunday rest;
2. the ``holidays`` package for China. For the years it knows from the State Council's notices
   (2001 up to the last year listed in its data) it gives every day off and every 调休 make-up
   working day: these years are *official*. For later years it computes the statutory holidays
   from the rules alone (元旦 1, 春节 4, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3 days, lunar dates
   computed, a holiday falling on a weekend moved to the next weekday as the 放假办法 orders), with
   no make-up working days: these years are *provisional*;
3. the database: a year entered by an operator (``imported``) is defined by its stored days alone
   and the package is ignored for it; a year marked provisional by hand is computed from the rules;
   a stored day always wins over everything else.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass

from holidays.countries.china import China, ChinaStaticHolidays

from zhengwu.workdays.rules import WorkCalendar

FIRST_DAY = dt.date(2004, 1, 1)
YEARS_AHEAD = 5

OFFICIAL = "official"
PROVISIONAL = "provisional"

# Where a day's status came from (shown on the calendar page).
WEEK = "week"
PACKAGE = "package"
RULES = "rules"
STORED = "stored"  # a day changed by hand
IMPORTED = "imported"  # a day of an imported official schedule


class _ChinaByRules(China):
    """China's statutory holidays computed from the rules only, without any yearly notice."""

    def _add_special_holidays(self, mapping_names, *, observed=False):
        return None


def package_official_years() -> range:
    """The years whose official schedule the installed ``holidays`` package carries."""
    known = ChinaStaticHolidays.special_public_holidays
    return range(min(known), max(known) + 1)


def last_supported_day(today: dt.date) -> dt.date:
    return dt.date(today.year + YEARS_AHEAD, 12, 31)


@dataclass(frozen=True, slots=True)
class YearRow:
    """A stored calendar year: its status, and whether an operator entered its schedule."""

    status: str
    imported: bool = False


@dataclass(frozen=True, slots=True)
class DayRow:
    """A stored day: it wins over every other source."""

    is_workday: bool
    name: str = ""
    imported: bool = False


@dataclass(frozen=True, slots=True)
class DayInfo:
    """One resolved day, as the calendar page and the ``is`` answers show it."""

    date: dt.date
    is_workday: bool
    provisional: bool
    name: str
    source: str

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= 5

    @property
    def is_makeup(self) -> bool:
        """A Saturday or Sunday that is a working day (调休上班)."""
        return self.is_workday and self.is_weekend

    @property
    def is_holiday(self) -> bool:
        """A day off other than an ordinary weekend: a statutory holiday or a moved day off."""
        return not self.is_workday and (not self.is_weekend or bool(self.name))


@functools.lru_cache(maxsize=8)
def _package_days(last_year: int) -> tuple[dict[dt.date, str], frozenset[dt.date]]:
    """Days off and make-up working days from the package's official data, by date."""
    years = range(FIRST_DAY.year - 1, last_year + 2)
    data = China(years=years, language="zh_CN")
    return dict(data.items()), frozenset(data.weekend_workdays)


@functools.lru_cache(maxsize=8)
def _rule_days(last_year: int) -> dict[dt.date, str]:
    years = range(FIRST_DAY.year - 1, last_year + 2)
    return dict(_ChinaByRules(years=years, language="zh_CN").items())


def package_schedule(year: int) -> tuple[dict[dt.date, str], frozenset[dt.date]]:
    """The package's official days off and make-up working days dated in ``year``.

    Empty when the package does not carry the year's official schedule.
    """
    if year not in package_official_years():
        return {}, frozenset()
    off, makeup = _package_days(year)
    return (
        {d: name for d, name in off.items() if d.year == year},
        frozenset(d for d in makeup if d.year == year),
    )


def year_status(year: int, years: Mapping[int, YearRow]) -> str:
    row = years.get(year)
    if row is not None:
        return row.status
    return OFFICIAL if year in package_official_years() else PROVISIONAL


@dataclass(frozen=True)
class Resolved:
    """Every day of a range resolved: the arithmetic plus the names and sources for display."""

    calendar: WorkCalendar
    first: dt.date
    names: list[str]
    sources: list[str]
    statuses: dict[int, str]

    def info(self, day: dt.date) -> DayInfo:
        i = day.toordinal() - self.first.toordinal()
        if not 0 <= i < len(self.names):
            raise KeyError(day)
        flag = self.calendar.is_workday(day)
        return DayInfo(
            date=day,
            is_workday=flag.value,
            provisional=flag.provisional,
            name=self.names[i],
            source=self.sources[i],
        )


def resolve(
    first: dt.date,
    last: dt.date,
    years: Mapping[int, YearRow],
    days: Mapping[dt.date, DayRow],
) -> Resolved:
    """Resolve every day in [first, last] by the precedence in this module's docstring."""
    official_years = package_official_years()
    pkg_off, pkg_makeup = _package_days(last.year)
    rule_off = _rule_days(last.year)
    statuses: dict[int, str] = {}
    plan: dict[int, tuple[bool, str]] = {}  # year -> (provisional, base)
    for year in range(first.year, last.year + 1):
        row = years.get(year)
        status = year_status(year, years)
        statuses[year] = status
        if row is not None and row.imported and status == OFFICIAL:
            base = WEEK
        elif status == OFFICIAL and year in official_years:
            base = PACKAGE
        else:
            base = RULES
        plan[year] = (status == PROVISIONAL, base)

    size = last.toordinal() - first.toordinal() + 1
    workday = [False] * size
    provisional = [False] * size
    names = [""] * size
    sources = [WEEK] * size
    one = dt.timedelta(days=1)
    day = first
    for i in range(size):
        is_provisional, base = plan[day.year]
        provisional[i] = is_provisional
        stored = days.get(day)
        if stored is not None:
            workday[i] = stored.is_workday
            names[i] = stored.name
            sources[i] = IMPORTED if stored.imported else STORED
        elif base == PACKAGE and day in pkg_makeup:
            workday[i] = True
            sources[i] = PACKAGE
        elif base == PACKAGE and day in pkg_off:
            names[i] = pkg_off[day]
            sources[i] = PACKAGE
        elif base == RULES and day in rule_off:
            names[i] = rule_off[day]
            sources[i] = RULES
        else:
            workday[i] = day.weekday() < 5
        day += one
    _name_whole_breaks(workday, names, sources)
    calendar = WorkCalendar(first, workday, provisional)
    return Resolved(calendar, first, names, sources, statuses)


def _is_moved_day_label(name: str) -> bool:
    return name.startswith("休息日")


def _name_whole_breaks(workday: list[bool], names: list[str], sources: list[str]) -> None:
    """Give the unnamed days of a break (consecutive days off holding a holiday) the holiday's
    name, as the notices count them: the package names only the days it moves, not the weekend
    days inside a break. Display only: no day changes its working status."""
    size = len(workday)
    i = 0
    while i < size:
        if workday[i]:
            i += 1
            continue
        j = i
        while j < size and not workday[j]:
            j += 1
        festival = [n for n in names[i:j] if n and not _is_moved_day_label(n)]
        if festival:
            for k in range(i, j):
                if not names[k] and sources[k] not in (STORED, IMPORTED):
                    names[k] = festival[0]
        i = j
