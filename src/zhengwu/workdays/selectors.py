"""Reads for the calendar page, the admin and the command."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from zhengwu.core import clock
from zhengwu.workdays import loader, sources
from zhengwu.workdays.formatting import show_date
from zhengwu.workdays.models import CalendarChange, CalendarDay, CalendarYear


@dataclass(frozen=True)
class GridDay:
    info: sources.DayInfo
    css: str
    mark: str
    title: str
    is_today: bool

    @property
    def date(self) -> dt.date:
        return self.info.date


@dataclass(frozen=True)
class MonthGrid:
    year: int
    month: int
    weeks: list[list[GridDay | None]]


@dataclass(frozen=True)
class YearOverview:
    year: int
    status: str
    source: str  # "import", "package", "rules" or "stored"
    stored: CalendarYear | None
    workdays: int
    holidays: int
    makeup_days: int

    @property
    def provisional(self) -> bool:
        return self.status == sources.PROVISIONAL


def describe(info: sources.DayInfo) -> str:
    """A short human description of a resolved day."""
    if info.is_makeup:
        kind = _("make-up working day")
    elif info.is_workday:
        kind = _("working day")
    elif info.is_holiday:
        kind = _("holiday")
    else:
        kind = _("weekend")
    text = f"{kind}（{info.name}）" if info.name else kind
    if info.provisional:
        text += " · " + _("provisional")
    return text


def describe_state(state: dict) -> str:
    """A logged before/after state (``CalendarChange.before``/``after``) as text."""
    if not state:
        return ""
    if "status" in state:
        return str(CalendarYear.Status(state["status"]).label)
    text = _("working day") if state.get("is_workday") else _("day off")
    if state.get("name"):
        text += f"（{state['name']}）"
    if state.get("provisional"):
        text += " · " + _("provisional")
    return text


def _grid_day(info: sources.DayInfo, today: dt.date) -> GridDay:
    css = []
    mark = ""
    if info.is_makeup:
        css.append("wd-makeup")
        mark = _("work")
    elif info.is_holiday:
        css.append("wd-holiday")
        mark = _("off")
    elif not info.is_workday:
        css.append("wd-weekend")
    if info.source == sources.STORED:
        css.append("wd-stored")
    if info.provisional:
        css.append("wd-provisional")
    if info.date == today:
        css.append("wd-today")
    title = f"{show_date(info.date)} {describe(info)}"
    return GridDay(info, " ".join(css), mark, title, info.date == today)


def year_grid(year: int) -> list[MonthGrid]:
    """The twelve months of ``year`` as weeks (Monday first) of resolved days."""
    snapshot = loader.snapshot()
    today = clock.today()
    months = []
    for month in range(1, 13):
        weeks = []
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            weeks.append(
                [
                    _grid_day(snapshot.resolved.info(day), today) if day.month == month else None
                    for day in week
                ]
            )
        months.append(MonthGrid(year, month, weeks))
    return months


def year_overview(year: int) -> YearOverview:
    snapshot = loader.snapshot()
    status = loader.year_status(year)
    stored = CalendarYear.objects.filter(year=year).select_related("imported_by").first()
    if stored is not None and stored.is_imported and status == sources.OFFICIAL:
        source = "import"
    elif stored is not None:
        source = "stored"
    elif status == sources.OFFICIAL:
        source = "package"
    else:
        source = "rules"
    day = dt.date(year, 1, 1)
    workdays = holidays = makeup = 0
    while day.year == year:
        info = snapshot.resolved.info(day)
        workdays += info.is_workday
        holidays += info.is_holiday
        makeup += info.is_makeup
        day += dt.timedelta(days=1)
    return YearOverview(year, status, source, stored, workdays, holidays, makeup)


def special_days(year: int) -> list[sources.DayInfo]:
    """The year's holidays and make-up working days, in date order."""
    snapshot = loader.snapshot()
    out = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        info = snapshot.resolved.info(day)
        if info.is_holiday or info.is_makeup:
            out.append(info)
        day += dt.timedelta(days=1)
    return out


def stored_days(year: int):
    return CalendarDay.objects.filter(date__year=year).select_related("updated_by")


def changes(year: int, limit: int = 100):
    return CalendarChange.objects.filter(year=year).select_related("actor")[:limit]


def years() -> list[tuple[int, str, str]]:
    """Every supported year with its status and source, for the command's ``years`` listing."""
    first, last = loader.supported_range()
    stored = {row.year: row for row in CalendarYear.objects.all()}
    out = []
    for year in range(first.year, last.year + 1):
        status = loader.year_status(year)
        row = stored.get(year)
        if row is not None and row.is_imported and status == sources.OFFICIAL:
            source = "import"
        elif row is not None:
            source = "stored"
        elif status == sources.OFFICIAL:
            source = "package"
        else:
            source = "rules"
        out.append((year, status, source))
    return out
