"""The queue's services on a real database: taking numbers in opening hours on the calendar,
the calling order with priorities and skips, recall, transfer, finish, access by the window
signed in to, linking a case, and appointments with their capacity and no-shows."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.hall.conftest import AT
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.hall import queue_selectors as selectors
from zhengwu.hall import queue_services as services
from zhengwu.hall.models.floor import WindowSession
from zhengwu.hall.models.queue import Appointment, Slot, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

MONDAY = "2026-03-02"


def take(code="SCJ", **kwargs) -> Ticket:
    return services.take_number(business_type=code, **kwargs)


# ---------------------------------------------------------------- opening hours


def test_numbers_on_a_make_up_saturday_but_not_on_a_holiday(travel, types):
    travel(AT("2026-02-14 10:00"))  # Saturday, 调休上班 before the Spring Festival
    assert take().number == "A001"
    travel(AT("2026-02-17 10:00"))  # Spring Festival holiday (a Tuesday)
    with pytest.raises(DomainError) as error:
        take()
    assert error.value.code == "hall_closed"
    travel(AT("2026-03-07 10:00"))  # an ordinary Saturday
    with pytest.raises(DomainError):
        take()


def test_numbers_only_in_opening_hours(travel, types):
    travel(AT(f"{MONDAY} 08:59"))
    with pytest.raises(DomainError):
        take()
    travel(AT(f"{MONDAY} 12:30"))  # the lunch break still gives numbers
    assert take().number == "A001"
    travel(AT(f"{MONDAY} 17:00"))
    with pytest.raises(DomainError):
        take()


def test_numbers_count_per_prefix_and_day(travel, types):
    travel(AT(f"{MONDAY} 09:00"))
    assert [take().number, take().number, take("ZJJ").number] == ["A001", "A002", "B001"]
    travel(AT("2026-03-03 09:00"))
    assert take().number == "A001"


def test_unknown_business_type_and_bad_phone_are_422(travel, types):
    travel(AT(f"{MONDAY} 09:00"))
    with pytest.raises(ValidationFailed) as error:
        take("NOPE")
    assert "business_type" in error.value.errors
    with pytest.raises(ValidationFailed) as error:
        take(phone="call me")
    assert "phone" in error.value.errors


# ---------------------------------------------------------------- calling


def test_calling_order_priority_first_then_taking_and_skip_back_once(travel, types, clerk):
    travel(AT(f"{MONDAY} 09:00"))
    a1 = take()
    travel(AT(f"{MONDAY} 09:01"))
    a2 = take()
    travel(AT(f"{MONDAY} 09:02"))
    green = take(green=True)
    travel(AT(f"{MONDAY} 09:03"))
    a4 = take()
    take("ZJJ")  # another window's business: never called at window 1
    services.sign_in(actor=clerk, window_code="1")

    travel(AT(f"{MONDAY} 09:10"))
    called = []
    t = services.call_next(actor=clerk)
    called.append(t.number)
    assert t.number == green.number and t.priority == 2
    services.finish(actor=clerk, number=t.number)

    t = services.call_next(actor=clerk)
    assert t.number == a1.number
    travel(AT(f"{MONDAY} 09:11"))
    skipped = services.skip(actor=clerk, number=t.number)
    assert skipped.state == "waiting" and skipped.skips == 1

    order = []
    for _ in range(3):
        t = services.call_next(actor=clerk)
        order.append(t.number)
        if t.number == a1.number:
            again = services.skip(actor=clerk, number=t.number)
            assert again.state == "missed"  # the second 过号: out of the queue
        else:
            services.finish(actor=clerk, number=t.number)
    assert order == [a2.number, a4.number, a1.number]
    assert services.call_next(actor=clerk) is None
    a1.refresh_from_db()
    assert a1.state == "missed"
    assert Ticket.objects.filter(business_type__code="ZJJ", state="waiting").count() == 1


def test_waiting_and_serving_times(travel, types, clerk):
    travel(AT(f"{MONDAY} 09:00"))
    number = take().number
    services.sign_in(actor=clerk, window_code="1")
    travel(AT(f"{MONDAY} 09:12"))
    services.call_next(actor=clerk)
    travel(AT(f"{MONDAY} 09:13"))
    services.recall(actor=clerk, number=number)
    travel(AT(f"{MONDAY} 09:20"))
    done = services.finish(actor=clerk, number=number)
    assert done.wait_seconds == 12 * 60
    assert done.serve_seconds == 8 * 60
    assert done.recalls == 1
    kinds = list(TicketEvent.objects.filter(ticket=done).values_list("kind", flat=True))
    assert kinds == ["taken", "called", "recalled", "finished"]


def test_a_window_calls_one_number_at_a_time(travel, types, clerk):
    travel(AT(f"{MONDAY} 09:00"))
    take(), take()
    services.sign_in(actor=clerk, window_code="1")
    services.call_next(actor=clerk)
    with pytest.raises(DomainError) as error:
        services.call_next(actor=clerk)
    assert error.value.code == "window_busy"
    with pytest.raises(DomainError) as error:
        services.sign_out(actor=clerk, window_code="1")
    assert error.value.code == "ticket_open"


def test_a_clerk_calls_only_for_the_window_signed_in_to(travel, types, clerk, housing_clerk):
    travel(AT(f"{MONDAY} 09:00"))
    a = take()
    with pytest.raises(DomainError) as error:
        services.call_next(actor=clerk)  # not signed in anywhere
    assert error.value.code == "not_signed_in"
    services.sign_in(actor=housing_clerk, window_code="2")
    assert services.call_next(actor=housing_clerk) is None  # window 2 serves only B
    with pytest.raises(NotFound):
        services.finish(actor=housing_clerk, number=a.number)
    services.sign_in(actor=clerk, window_code="1")
    assert services.call_next(actor=clerk).number == a.number
    with pytest.raises(NotFound):
        services.recall(actor=housing_clerk, number=a.number)


def test_sign_in_rules(travel, types, clerk, clerk3, housing_clerk, make_user, department):
    travel(AT(f"{MONDAY} 09:00"))
    with pytest.raises(Forbidden):
        services.sign_in(actor=housing_clerk, window_code="1")  # another department's window
    with pytest.raises(NotFound):
        services.sign_in(actor=clerk, window_code="99")
    services.sign_in(actor=clerk, window_code="3")  # comprehensive, serving the department
    with pytest.raises(DomainError) as error:
        services.sign_in(actor=clerk3, window_code="3")
    assert error.value.code == "window_taken"
    with pytest.raises(DomainError) as error:
        services.sign_in(actor=clerk, window_code="1")
    assert error.value.code == "signed_in_elsewhere"
    assert services.sign_in(actor=clerk, window_code="3").ended_at is None  # again: the same
    services.sign_out(actor=clerk, window_code="3")
    services.sign_in(actor=clerk3, window_code="3")
    assert WindowSession.objects.filter(ended_at__isnull=True).count() == 1
    from zhengwu.core.roles import Role

    reviewer = make_user(Role.REVIEWER, department, username="rev")
    with pytest.raises(Forbidden):
        services.sign_in(actor=reviewer, window_code="1")


def test_transfer_keeps_place_and_priority(travel, types, clerk, clerk3):
    travel(AT(f"{MONDAY} 09:00"))
    first = take(green=True)
    travel(AT(f"{MONDAY} 09:05"))
    services.take_number(business_type="YJS")
    services.sign_in(actor=clerk, window_code="1")
    services.call_next(actor=clerk)
    moved = services.transfer(actor=clerk, number=first.number, business_type="YJS")
    assert moved.state == "waiting" and moved.business_type.code == "YJS"
    assert moved.priority == 2 and moved.transfers == 1
    with pytest.raises(NotFound):  # no longer of window 1's business types
        services.transfer(actor=clerk, number=first.number, business_type="YJS")
    services.sign_in(actor=clerk3, window_code="3")
    assert services.call_next(actor=clerk3).number == first.number
    with pytest.raises(ValidationFailed):
        services.transfer(actor=clerk3, number=first.number, business_type="NOPE")


def test_walk_in_is_called_at_once(travel, types, clerk):
    travel(AT(f"{MONDAY} 09:00"))
    services.sign_in(actor=clerk, window_code="1")
    ticket = services.walk_in(actor=clerk, business_type="SCJ")
    assert ticket.source == "window" and ticket.state == "called"
    assert ticket.window.number == "1" and ticket.wait_seconds == 0
    with pytest.raises(DomainError) as error:
        services.walk_in(actor=clerk, business_type="ZJJ")
    assert error.value.code == "not_served_here"


def test_link_case_filed_at_the_window(item, travel, types, clerk, housing_clerk):
    from tests.cases.helpers import file_case

    travel(AT(f"{MONDAY} 09:00"))
    number = take().number
    services.sign_in(actor=clerk, window_code="1")
    services.call_next(actor=clerk)
    services.finish(actor=clerk, number=number)
    case = file_case(clerk)
    linked = services.link_case(actor=clerk, number=number, case_number=case.number)
    assert linked.case_id == case.pk
    with pytest.raises(NotFound):
        services.link_case(actor=housing_clerk, number=number, case_number=case.number)


def test_status_and_position(travel, types, clerk):
    travel(AT(f"{MONDAY} 09:00"))
    take(), take()
    travel(AT(f"{MONDAY} 09:01"))
    third = take()
    green = take(green=True)
    assert selectors.waiting_ahead(third) == 3
    assert selectors.waiting_ahead(green) == 0
    services.sign_in(actor=clerk, window_code="1")
    services.call_next(actor=clerk)
    found = selectors.status(selectors.hall_by_code("MAIN"))
    waiting = {t["code"]: t["waiting"] for t in found.types}
    assert waiting == {"SCJ": 3, "ZJJ": 0, "YJS": 0}
    current = {w["code"]: (w["open"], w["current"]) for w in found.windows}
    assert current == {"1": (True, green.number), "2": (False, None), "3": (False, None)}


# ---------------------------------------------------------------- appointments


@pytest.fixture
def slot(travel, types):
    travel(AT(f"{MONDAY} 08:00"))
    services.open_slots(business_type=types["A"], day=dt.date(2026, 3, 3))
    found = Slot.objects.get(day=dt.date(2026, 3, 3), starts_at=dt.time(10, 0))
    found.capacity = 2
    found.save()
    return found


def test_slots_only_on_working_days_within_the_booking_period(travel, types):
    travel(AT("2026-02-12 10:00"))
    assert services.open_slots(business_type=types["A"], day=dt.date(2026, 2, 14)) == 13
    assert services.open_slots(business_type=types["A"], day=dt.date(2026, 2, 16)) == 0
    assert services.open_slots(business_type=types["A"], day=dt.date(2026, 2, 15)) == 0
    assert services.open_slots(business_type=types["A"], day=dt.date(2026, 3, 30)) == 0
    services.open_slots(business_type=types["A"], day=dt.date(2026, 2, 14))  # no duplicates
    assert Slot.objects.count() == 13


def test_booking_capacity_cancel_and_arrival_keeps_priority(travel, slot, clerk):
    first = services.book(slot_id=slot.pk, name="李四", phone="13800000001", user=None)
    services.book(slot_id=slot.pk, name="王五", phone="13800000002", user=None)
    with pytest.raises(DomainError) as error:
        services.book(slot_id=slot.pk, name="赵六", phone="13800000003", user=None)
    assert error.value.code == "slot_full"
    with pytest.raises(DomainError) as error:
        services.book(
            slot_id=Slot.objects.exclude(pk=slot.pk).first().pk,
            name="李四",
            phone="13800000001",
            user=None,
        )
    assert error.value.code == "already_booked"
    slot.refresh_from_db()
    assert slot.booked == 2

    travel(AT("2026-03-03 08:50"))
    with pytest.raises(DomainError) as error:
        take(appointment=first.code)
    assert error.value.code == "appointment_early"
    travel(AT("2026-03-03 09:30"))
    walk = take()
    ticket = take(appointment=first.code.lower())
    assert ticket.source == "appointment" and ticket.priority == 1
    assert ticket.phone == "13800000001"
    first.refresh_from_db()
    assert first.state == "arrived"
    with pytest.raises(DomainError) as error:
        take(appointment=first.code)
    assert error.value.code == "appointment_used"
    services.sign_in(actor=clerk, window_code="1")
    assert services.call_next(actor=clerk).number == ticket.number  # before the earlier walk-in
    assert walk.number == "A001"


def test_cancel_frees_the_place_and_no_shows(travel, slot, citizen_user):
    booking = services.book(slot_id=slot.pk, name="李四", phone="13800000001", user=citizen_user)
    other = services.book(slot_id=slot.pk, name="王五", phone="13800000002", user=None)
    with pytest.raises(NotFound):
        services.cancel(actor=citizen_user, code=other.code)
    services.cancel(actor=citizen_user, code=booking.code)
    slot.refresh_from_db()
    assert slot.booked == 1
    with pytest.raises(DomainError):
        services.cancel(actor=citizen_user, code=booking.code)
    travel(AT("2026-03-03 10:29"))
    assert not selectors.is_no_show(other)
    travel(AT("2026-03-03 10:30"))
    assert selectors.is_no_show(other)
    with pytest.raises(DomainError) as error:
        take(appointment=other.code)
    assert error.value.code == "appointment_expired"
    rows = selectors.figures(
        hall=None, start=dt.date(2026, 3, 3), end=dt.date(2026, 3, 3), group="business_type"
    )
    assert [(r.label, r.no_shows) for r in rows] == [("市场准入", 1)]
    assert Appointment.objects.filter(state="cancelled").count() == 1


def test_booking_refuses_a_past_slot_and_bad_input(travel, slot):
    with pytest.raises(ValidationFailed) as error:
        services.book(slot_id=slot.pk, name="", phone="x", user=None)
    assert set(error.value.errors) == {"name", "phone"}
    with pytest.raises(ValidationFailed):
        services.book(slot_id=999999, name="李四", phone="13800000001", user=None)
    travel(AT("2026-03-03 10:00"))
    with pytest.raises(DomainError) as error:
        services.book(slot_id=slot.pk, name="李四", phone="13800000001", user=None)
    assert error.value.code == "slot_past"


@pytest.fixture
def citizen_user(make_user):
    from zhengwu.core.roles import Role

    return make_user(Role.APPLICANT, username="citizen1", full_name="李四")
