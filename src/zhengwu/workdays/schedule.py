"""A year's official schedule as an operator enters it: holiday ranges and make-up working days.

Three inputs share one grammar for dates (``2026-01-04``, ``2026/1/4``, ``2026.1.4`` or
``2026年1月4日``):

- holiday lines: ``start[ to end][, name]``, e.g. ``2026-02-15,2026-02-23,春节`` or
  ``2026-01-01 至 2026-01-03 元旦``;
- make-up working day lines: ``date[, name]``, e.g. ``2026-02-14,春节调休上班``;
- a file (CSV or plain text, UTF-8 or GB18030): one entry a line, ``kind,start,end,name`` where kind
  is ``holiday`` (放假) or ``workday`` (上班) and end may be empty; ``#`` starts a comment, a first
  line ``kind,start,end,name`` is skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from zhengwu.workdays.formatting import show_date
from zhengwu.workdays.sources import DayRow

MAX_RANGE_DAYS = 31
MAX_NAME = 60
MAX_FILE_BYTES = 64 * 1024

_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_SEP = r"(?:\s*(?:[,，、;；~～至到—–-]|\s)\s*)"
_HOLIDAY_LINE = re.compile(rf"^{_DATE}(?:{_SEP}{_DATE})?(?:{_SEP}(.*))?$")
_WORKDAY_LINE = re.compile(rf"^{_DATE}(?:{_SEP}(.*))?$")
_A_DATE = re.compile(_DATE)

HOLIDAY_WORDS = {"holiday", "off", "rest", "放假", "休息", "假日", "节假日", "休"}
WORKDAY_WORDS = {"workday", "work", "makeup", "make-up", "上班", "补班", "调休上班", "班"}
HEADER_WORDS = {"kind", "type", "类型", "种类"}


@dataclass(frozen=True)
class HolidayRange:
    start: dt.date
    end: dt.date
    name: str = ""

    def days(self) -> list[dt.date]:
        count = (self.end - self.start).days + 1
        return [self.start + dt.timedelta(days=i) for i in range(count)]


@dataclass(frozen=True)
class MakeupDay:
    date: dt.date
    name: str = ""


@dataclass
class ScheduleErrors:
    """Messages per input: ``holidays``, ``workdays``, ``file`` or ``year``."""

    by_field: dict[str, list[str]] = field(default_factory=dict)

    def add(self, where: str, message: str) -> None:
        self.by_field.setdefault(where, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.by_field)


@dataclass(frozen=True)
class Schedule:
    holidays: tuple[HolidayRange, ...]
    workdays: tuple[MakeupDay, ...]

    def rows(self) -> dict[dt.date, DayRow]:
        """Every day the schedule names, as stored days."""
        out: dict[dt.date, DayRow] = {}
        for holiday in self.holidays:
            for day in holiday.days():
                out[day] = DayRow(is_workday=False, name=holiday.name, imported=True)
        for makeup in self.workdays:
            out[makeup.date] = DayRow(is_workday=True, name=makeup.name, imported=True)
        return out

    def holidays_text(self) -> str:
        return "\n".join(
            ",".join(p for p in (h.start.isoformat(), h.end.isoformat(), h.name) if p)
            for h in self.holidays
        )

    def workdays_text(self) -> str:
        return "\n".join(
            ",".join(p for p in (w.date.isoformat(), w.name) if p) for w in self.workdays
        )

    def as_csv(self) -> str:
        lines = ["kind,start,end,name"]
        lines += [f"holiday,{h.start},{h.end},{h.name}" for h in self.holidays]
        lines += [f"workday,{w.date},,{w.name}" for w in self.workdays]
        return "\n".join(lines) + "\n"

    def digest(self) -> str:
        return hashlib.sha256(self.as_csv().encode()).hexdigest()[:32]

    def sorted(self) -> Schedule:
        return Schedule(
            tuple(sorted(self.holidays, key=lambda h: (h.start, h.end))),
            tuple(sorted(self.workdays, key=lambda w: w.date)),
        )


def _date(match: re.Match, offset: int) -> dt.date | None:
    year, month, day = (int(match.group(offset + k)) for k in range(3))
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _clean_name(text: str | None) -> str:
    return (text or "").strip().strip(",，;；").strip()


def _lines(text: str):
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if line and not line.startswith("#"):
            yield number, line


def _bad_date(number: int, text: str) -> str:
    return _("Line %(line)d: %(text)s is not a valid date (write 2026-01-04).") % {
        "line": number,
        "text": text,
    }


def parse_holiday_lines(text: str, errors: ScheduleErrors, where="holidays") -> list[HolidayRange]:
    out = []
    for number, line in _lines(text):
        match = _HOLIDAY_LINE.match(line)
        if not match:
            errors.add(
                where,
                _("Line %(line)d: write a holiday as start date, end date, name.")
                % {"line": number},
            )
            continue
        start = _date(match, 1)
        end = _date(match, 4) if match.group(4) else start
        if start is None or end is None:
            errors.add(where, _bad_date(number, line))
            continue
        out.append(_holiday(number, start, end, _clean_name(match.group(7)), errors, where))
    return [h for h in out if h is not None]


def _holiday(number, start, end, name, errors, where) -> HolidayRange | None:
    if end < start:
        errors.add(
            where,
            _("Line %(line)d: the holiday ends before it starts.") % {"line": number},
        )
        return None
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        errors.add(
            where,
            _("Line %(line)d: a holiday of more than %(max)d days is not plausible.")
            % {"line": number, "max": MAX_RANGE_DAYS},
        )
        return None
    if len(name) > MAX_NAME:
        errors.add(
            where,
            _("Line %(line)d: the name is longer than %(max)d characters.")
            % {"line": number, "max": MAX_NAME},
        )
        return None
    return HolidayRange(start, end, name)


def parse_workday_lines(text: str, errors: ScheduleErrors, where="workdays") -> list[MakeupDay]:
    out = []
    for number, line in _lines(text):
        match = _WORKDAY_LINE.match(line)
        if not match:
            errors.add(
                where,
                _("Line %(line)d: write a make-up working day as date, name.") % {"line": number},
            )
            continue
        day = _date(match, 1)
        if day is None:
            errors.add(where, _bad_date(number, line))
            continue
        name = _clean_name(match.group(4))
        if _A_DATE.match(name):
            errors.add(
                where,
                _("Line %(line)d: one make-up working day a line.") % {"line": number},
            )
            continue
        if len(name) > MAX_NAME:
            errors.add(
                where,
                _("Line %(line)d: the name is longer than %(max)d characters.")
                % {"line": number, "max": MAX_NAME},
            )
            continue
        out.append(MakeupDay(day, name))
    return out


def decode(content: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def parse_file(
    content: bytes, errors: ScheduleErrors, where="file"
) -> tuple[list[HolidayRange], list[MakeupDay]]:
    """Parse an uploaded schedule file (see the module docstring)."""
    if len(content) > MAX_FILE_BYTES:
        errors.add(where, _("The file is too large for a schedule (at most 64 KB)."))
        return [], []
    text = decode(content)
    if text is None:
        errors.add(where, _("The file is not UTF-8 or GB18030 text."))
        return [], []
    holidays: list[HolidayRange] = []
    workdays: list[MakeupDay] = []
    for number, line in _lines(text):
        cells = [c.strip() for c in next(csv.reader(io.StringIO(line)))]
        kind = cells[0].lower() if cells else ""
        if number == 1 and kind in HEADER_WORDS:
            continue
        while len(cells) < 4:
            cells.append("")
        start_text, end_text, name = cells[1], cells[2], ",".join(cells[3:]).strip(", ")
        start_match = _A_DATE.fullmatch(start_text)
        end_match = _A_DATE.fullmatch(end_text) if end_text else start_match
        if kind not in HOLIDAY_WORDS | WORKDAY_WORDS:
            errors.add(
                where,
                _("Line %(line)d: the first column must be holiday or workday.") % {"line": number},
            )
            continue
        if not start_match or not end_match:
            errors.add(where, _bad_date(number, line))
            continue
        start, end = _date(start_match, 1), _date(end_match, 1)
        if start is None or end is None:
            errors.add(where, _bad_date(number, line))
            continue
        if kind in HOLIDAY_WORDS:
            holiday = _holiday(number, start, end, name, errors, where)
            if holiday is not None:
                holidays.append(holiday)
        elif end != start:
            errors.add(
                where,
                _("Line %(line)d: one make-up working day a line.") % {"line": number},
            )
        elif len(name) > MAX_NAME:
            errors.add(
                where,
                _("Line %(line)d: the name is longer than %(max)d characters.")
                % {"line": number, "max": MAX_NAME},
            )
        else:
            workdays.append(MakeupDay(start, name))
    return holidays, workdays


def in_scope(year: int, day: dt.date) -> bool:
    """A year's notice covers the year and may start in December of the year before (元旦)."""
    return day.year == year or (day.year == year - 1 and day.month == 12)


def check(
    year: int,
    holidays: list[HolidayRange],
    workdays: list[MakeupDay],
    errors: ScheduleErrors,
    *,
    holiday_field: str = "holidays",
    workday_field: str = "workdays",
) -> Schedule:
    """Check the entries as one year's schedule; problems go to ``errors``."""
    values = {"year": year}
    if not holidays:
        errors.add(holiday_field, _("Enter at least one holiday of the year."))
    taken: dict[dt.date, HolidayRange] = {}
    for holiday in holidays:
        for day in holiday.days():
            if not in_scope(year, day):
                errors.add(
                    holiday_field,
                    _("%(day)s is not in %(year)d (or the December before it).")
                    % {**values, "day": show_date(day)},
                )
                break
            if day in taken:
                errors.add(
                    holiday_field,
                    _("%(day)s is in two holidays.") % {"day": show_date(day)},
                )
                break
            taken[day] = holiday
    seen: set[dt.date] = set()
    for makeup in workdays:
        day = makeup.date
        if not in_scope(year, day):
            errors.add(
                workday_field,
                _("%(day)s is not in %(year)d (or the December before it).")
                % {**values, "day": show_date(day)},
            )
        elif day.weekday() < 5:
            errors.add(
                workday_field,
                _("%(day)s is a weekday; a make-up working day is a Saturday or Sunday.")
                % {"day": show_date(day)},
            )
        elif day in taken:
            errors.add(
                workday_field,
                _("%(day)s is inside a holiday and cannot be a working day.")
                % {"day": show_date(day)},
            )
        elif day in seen:
            errors.add(
                workday_field,
                _("%(day)s is listed twice.") % {"day": show_date(day)},
            )
        seen.add(day)
    return Schedule(tuple(holidays), tuple(workdays)).sorted()


def parse(
    year: int, *, holidays_text: str = "", workdays_text: str = "", file: bytes | None = None
) -> tuple[Schedule | None, ScheduleErrors]:
    """Parse and check one year's schedule from the two text inputs or from a file."""
    errors = ScheduleErrors()
    if file is not None:
        holidays, workdays = parse_file(file, errors)
        fields = {"holiday_field": "file", "workday_field": "file"}
    else:
        holidays = parse_holiday_lines(holidays_text, errors)
        workdays = parse_workday_lines(workdays_text, errors)
        fields = {}
    if errors:
        return None, errors
    schedule = check(year, holidays, workdays, errors, **fields)
    return (None if errors else schedule), errors


def from_package(year: int) -> Schedule | None:
    """The installed package's official schedule of ``year`` as a schedule, or None."""
    from zhengwu.workdays.sources import package_schedule

    off, makeup = package_schedule(year)
    if not off:
        return None
    return Schedule(
        tuple(HolidayRange(day, day, name) for day, name in sorted(off.items())),
        tuple(MakeupDay(day, "") for day in sorted(makeup)),
    )
