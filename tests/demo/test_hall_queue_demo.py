"""The demo's hall queue: the hall on the demo windows' floor, a month of numbers with a
morning peak, appointments kept, cancelled and missed, waits that make sense; made once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from zhengwu.core.clock import LOCAL_TZ
from zhengwu.demo import hall_queue as demo_hall_queue
from zhengwu.demo import services
from zhengwu.hall import queue_selectors
from zhengwu.hall.models.queue import Appointment, BusinessType, Ticket

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 11, 18, 18, 0, tzinfo=LOCAL_TZ)


def test_a_month_of_numbers_with_a_morning_peak():
    services.seed()
    with time_machine.travel(TODAY, tick=False):
        made = demo_hall_queue.generate()
        assert made.tickets == Ticket.objects.count() > 1000
        assert demo_hall_queue.generate().tickets == 0  # once only
        hours = queue_selectors.hourly_taken(
            hall=None, start=dt.date(2026, 10, 19), end=dt.date(2026, 11, 17)
        )
    assert max(hours, key=hours.get) in (9, 10)
    assert hours[10] > 3 * hours.get(12, 0)
    days = set(Ticket.objects.values_list("day", flat=True))
    assert dt.date(2026, 11, 18) not in days and dt.date(2026, 11, 15) not in days  # a Sunday
    assert {"done", "missed"} == set(Ticket.objects.values_list("state", flat=True))
    assert all(t.wait_seconds >= 0 for t in Ticket.objects.all()[:500])
    states = set(Appointment.objects.values_list("state", flat=True))
    assert states == {"booked", "cancelled", "arrived"}
    assert made.no_shows == Appointment.objects.filter(state="booked").count() > 0
    assert Ticket.objects.filter(priority_reason="appointment").count() == (
        Appointment.objects.filter(state="arrived").count()
    )
    assert BusinessType.objects.get(code="BDC").windows.count() == 3
