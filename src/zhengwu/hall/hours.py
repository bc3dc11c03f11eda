"""A hall's opening hours, for the queue (numbers are given in them) and for staffing (posts are
watched and attendance is counted in them). Pure: no Django.

A hall is open on the calendar's working days (make-up Saturdays included, holidays not) from
``opens_at`` to ``closes_at``, less the lunch break when it has one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Hours:
    opens_at: dt.time
    closes_at: dt.time
    break_from: dt.time | None = None
    break_to: dt.time | None = None


def of(hall) -> Hours:
    """The hours of a hall (anything with the four fields of ``hall.models.floor.Hall``)."""
    return Hours(hall.opens_at, hall.closes_at, hall.break_from, hall.break_to)


def moment_on(day: dt.date, moment: dt.time) -> dt.datetime:
    """The aware Shanghai moment of local time ``moment`` on ``day``."""
    return dt.datetime.combine(day, moment, tzinfo=LOCAL_TZ)


def open_intervals(
    day: dt.date, hours: Hours, *, workday: bool
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The hall's open stretches on ``day`` (aware, Shanghai time): none on a day off."""
    if not workday or hours.closes_at <= hours.opens_at:
        return []
    opens, closes = moment_on(day, hours.opens_at), moment_on(day, hours.closes_at)
    if hours.break_from and hours.break_to and hours.break_from < hours.break_to:
        pause, resume = moment_on(day, hours.break_from), moment_on(day, hours.break_to)
        parts = [(opens, min(pause, closes)), (max(resume, opens), closes)]
        return [(a, b) for a, b in parts if a < b]
    return [(opens, closes)]
