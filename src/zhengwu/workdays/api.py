"""Working-day arithmetic over HTTP: /api/v1/workdays/{add,between,is}. Public, read-only.

Bad input answers 422 with messages per field; a date outside the supported calendar too (code
``workdays_out_of_range``, message under the field that caused it).
"""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema

from zhengwu.workdays import loader
from zhengwu.workdays.errors import negative_count

router = Router(tags=["workdays"])


class AddOut(Schema):
    date: dt.date
    provisional: bool


class BetweenOut(Schema):
    days: int
    provisional: bool


class IsOut(Schema):
    date: dt.date
    workday: bool
    name: str
    provisional: bool


@router.get("/add", auth=None, response=AddOut, summary="n working days after a date")
def add(request, start: dt.date, days: int):
    """The due date of "``days`` working days from ``start``": the n-th working day after it."""
    if days < 0:
        raise negative_count("days")
    due = loader.add_workdays(start, days)
    return {"date": due.date, "provisional": due.provisional}


@router.get("/between", auth=None, response=BetweenOut, summary="Working days between two dates")
def between(request, start: dt.date, end: dt.date):
    """Working days in (start, end]: the start day is not counted, the end day is."""
    count = loader.workdays_between(start, end)
    return {"days": count.value, "provisional": count.provisional}


@router.get("/is", auth=None, response=IsOut, summary="Whether a date is a working day")
def is_(request, date: dt.date):
    info = loader.day_info(date)
    return {
        "date": date,
        "workday": info.is_workday,
        "name": info.name,
        "provisional": info.provisional,
    }
