"""The working-day calendar (DOMAIN.md §2). docs/calendar.md describes it.

    from zhengwu.workdays import add_workdays, workdays_between, is_workday, next_workday

    due = add_workdays(date(2025, 9, 30), 20)    # WorkdayDate: a date with .provisional
    due == date(2025, 11, 4); due.provisional   # True / False
    workdays_between(a, b)                      # WorkdayCount: an int with .provisional
    if is_workday(d): ...                       # WorkdayFlag: truthy, with .value, .provisional

The names are loaded on first use, so importing this package never touches models or the database
while Django starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = [
    "CalendarRangeError",
    "WorkdayCount",
    "WorkdayDate",
    "WorkdayFlag",
    "add_workdays",
    "is_workday",
    "next_workday",
    "workdays_between",
]

_FROM = {
    "add_workdays": "zhengwu.workdays.loader",
    "workdays_between": "zhengwu.workdays.loader",
    "is_workday": "zhengwu.workdays.loader",
    "next_workday": "zhengwu.workdays.loader",
    "CalendarRangeError": "zhengwu.workdays.errors",
    "WorkdayDate": "zhengwu.workdays.rules",
    "WorkdayCount": "zhengwu.workdays.rules",
    "WorkdayFlag": "zhengwu.workdays.rules",
}

if TYPE_CHECKING:
    from zhengwu.workdays.errors import CalendarRangeError
    from zhengwu.workdays.loader import add_workdays, is_workday, next_workday, workdays_between
    from zhengwu.workdays.rules import WorkdayCount, WorkdayDate, WorkdayFlag


def __getattr__(name: str):
    module = _FROM.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted([*globals(), *__all__])
