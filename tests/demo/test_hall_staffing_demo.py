"""The demo hall's month of staffing: attendance, patrols (a few missed), empty posts found by
the sweep, and seed 002's 帮办代办 figures (243 assisted, 40 called back, 100% satisfied)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from zhengwu.core.clock import LOCAL_TZ
from zhengwu.demo import hall_staffing as demo
from zhengwu.demo import services
from zhengwu.hall import staffing_reports as reports
from zhengwu.hall.models.staffing import (
    AssistedService,
    Attendance,
    DutyRoster,
    HallIrregularity,
    PatrolFinding,
)

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 11, 18, 18, 0, tzinfo=LOCAL_TZ)


def test_a_month_of_staffing():
    services.seed()
    with time_machine.travel(TODAY, tick=False):
        made = demo.generate()
        assert demo.generate().assisted == 0  # once only
        hall = demo.ensure_hall()
        days, done, due = reports.patrol_log(hall, dt.date(2026, 10, 1), dt.date(2026, 10, 31))
        figures = reports.assisted_figures(
            AssistedService.objects.all(), dt.date(2026, 10, 1), dt.date(2026, 10, 31)
        )
    assert made.days == len(days) > 10
    assert due == 6 * made.days and 0.85 * due < done < due  # a few missed or late
    assert made.missed_patrols > 0 and made.empty_posts > 0
    assert HallIrregularity.objects.filter(kind="empty_post", ended_at__isnull=True).count() == 0
    assert made.attendance == Attendance.objects.count() > 100
    assert Attendance.objects.filter(late_minutes__gt=0).exists()
    assert PatrolFinding.objects.filter(followed_up_at__isnull=False).exists()
    assert (figures["assisted"], figures["called_back"], figures["satisfaction_rate"]) == (
        243,
        40,
        "100.0%",
    )
    assert DutyRoster.objects.filter(day=TODAY.date(), published_at__isnull=True).exists()
