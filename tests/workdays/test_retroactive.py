"""The 先办后录 rule over a hand-made calendar: a week of work, a holiday, a make-up Saturday."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengwu.workdays.retroactive import is_retroactive
from zhengwu.workdays.rules import WorkCalendar

D = dt.date
FIRST = D(2026, 3, 2)  # a Monday
# Mon..Fri work, weekend, Mon holiday, Tue..Fri work, Sat make-up, Sun rest.
FLAGS = [True] * 5 + [False, False] + [False] + [True] * 4 + [True, False]
CALENDAR = WorkCalendar(FIRST, FLAGS, [False] * len(FLAGS))


@pytest.mark.parametrize(
    ("occurred", "recorded", "margin", "retroactive"),
    [
        (D(2026, 3, 2), D(2026, 3, 2), 1, False),  # the same day
        (D(2026, 3, 2), D(2026, 3, 3), 1, False),  # the next working day
        (D(2026, 3, 2), D(2026, 3, 4), 1, True),  # two working days later
        (D(2026, 3, 6), D(2026, 3, 10), 1, False),  # Fri → Tue over the weekend and the holiday
        (D(2026, 3, 5), D(2026, 3, 10), 1, True),
        (D(2026, 3, 13), D(2026, 3, 14), 0, True),  # the make-up Saturday counts
        (D(2026, 3, 2), D(2026, 3, 6), 4, False),
    ],
)
def test_retroactive_after_the_margin_in_working_days(occurred, recorded, margin, retroactive):
    assert is_retroactive(occurred, recorded, CALENDAR, margin_workdays=margin) is retroactive
