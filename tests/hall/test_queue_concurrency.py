"""Concurrency of the queue on real threads (PostgreSQL, or a file SQLite): 20 bookings at once
into a slot of capacity 5 leave exactly 5 booked; windows calling at once never call the same
number."""

from __future__ import annotations

import pytest

from tests.cases.test_concurrency import _shared_cache_sqlite, bearer, poster, race
from tests.factories import WindowFactory
from tests.hall.conftest import AT
from zhengwu.core.roles import Role
from zhengwu.hall import queue_services as services
from zhengwu.hall.models.floor import WindowPost
from zhengwu.hall.models.queue import Appointment, Slot, Ticket, TicketEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(_shared_cache_sqlite(), reason="in-memory SQLite test database"),
]


def test_twenty_concurrent_bookings_never_exceed_the_capacity(travel, types, make_user):
    travel(AT("2026-03-02 10:00"))
    services.open_slots(business_type=types["A"], day=AT("2026-03-03 00:00").date())
    slot = Slot.objects.order_by("starts_at").first()
    Slot.objects.filter(pk=slot.pk).update(capacity=5)
    callers = [
        bearer(make_user(Role.APPLICANT, username=f"citizen{i:02d}", full_name="市民"))
        for i in range(20)
    ]
    results = race(
        *(
            poster(
                auth,
                "/api/v1/hall/appointments",
                {"slot": slot.pk, "name": "市民", "phone": f"138000000{i:02d}"},
            )
            for i, auth in enumerate(callers)
        )
    )
    statuses = sorted(str(status) for status, _body in results)
    assert statuses.count("201") == 5, results
    assert statuses.count("409") == 15, results
    assert all(body["code"] == "slot_full" for status, body in results if status == 409)
    slot.refresh_from_db()
    assert slot.booked == 5
    assert Appointment.objects.filter(slot=slot, state="booked").count() == 5


def test_windows_calling_at_once_never_call_a_number_twice(
    travel, hall, types, make_user, department
):
    travel(AT("2026-03-02 09:00"))
    for _ in range(12):
        services.take_number(business_type="SCJ")
    clerks = []
    for i in range(8):
        window = WindowFactory(
            center=department.center, number=f"{10 + i}", name="窗口", department=department
        )
        WindowPost.objects.create(window=window, hall=hall)
        types["A"].windows.add(window)
        clerk = make_user(Role.WINDOW_CLERK, department, username=f"c{i}", full_name="窗口人员")
        services.sign_in(actor=clerk, window_code=window.number)
        clerks.append((clerk, window.number))
    travel(AT("2026-03-02 09:10"))
    results = race(
        *(poster(bearer(c), f"/api/v1/hall/windows/{code}/call-next", {}) for c, code in clerks)
    )
    numbers = [body["number"] for status, body in results if status == 200]
    assert len(numbers) == 8 and len(set(numbers)) == 8, results
    assert numbers and sorted(numbers) == [f"A{n:03d}" for n in range(1, 9)]
    assert Ticket.objects.filter(state="called").count() == 8
    assert TicketEvent.objects.filter(kind="called").count() == 8
