from __future__ import annotations

import pytest

from zhengwu.workdays import sources
from zhengwu.workdays.models import CalendarYear
from zhengwu.workdays.signals import calendar_changed


@pytest.fixture
def provisional_2027(db):
    """2027 as a provisional year, whatever the installed package knows about it."""
    if 2027 in sources.package_official_years():
        CalendarYear.objects.create(year=2027, status=CalendarYear.Status.PROVISIONAL)
    return 2027


@pytest.fixture
def announcements():
    """Every calendar_changed sent during the test, as (years, kind)."""
    seen = []

    def receiver(sender, years, kind, **kwargs):
        seen.append((years, kind))

    calendar_changed.connect(receiver, dispatch_uid="test-announcements")
    yield seen
    calendar_changed.disconnect(dispatch_uid="test-announcements")
