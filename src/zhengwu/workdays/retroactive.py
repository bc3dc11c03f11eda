"""The 先办后录 rule (an action recorded after the fact), in working days. Pure: no Django."""

from __future__ import annotations

import datetime as dt

from zhengwu.workdays.rules import WorkCalendar


def is_retroactive(
    occurred_on: dt.date,
    recorded_on: dt.date,
    calendar: WorkCalendar,
    margin_workdays: int = 1,
) -> bool:
    """先办后录: recorded more than ``margin_workdays`` working days after it occurred.

    The gap is the working days in (occurred, recorded]: an action of Friday recorded on Monday
    has a gap of 1, one of the last day before a holiday recorded on the first day after it too.
    """
    return calendar.between(occurred_on, recorded_on) > margin_workdays
