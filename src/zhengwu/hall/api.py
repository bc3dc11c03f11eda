"""The hall API (docs/hall.md). Thin: parse, call a service or a selector, shape the
answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field, StrictBool, StrictInt

from zhengwu.accounts.auth import api_auth
from zhengwu.core import clock
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.idempotency import fingerprint, run_once
from zhengwu.core.roles import STAFF_ROLES, has_role
from zhengwu.hall import queue_selectors as queue_selectors
from zhengwu.hall import queue_services as queue_services
from zhengwu.hall.models.queue import Ticket

router = Router(tags=["the service hall"], auth=api_auth)

Code = Annotated[str, Field(max_length=32)]

# ---------------------------------------------------------------- queue


class BusinessTypeOut(Schema):
    code: str
    name: str
    windows: list[str] = Field(description="The numbers of the windows serving it")


class WindowSessionOut(Schema):
    window: str
    signed_in_at: dt.datetime
    signed_out_at: dt.datetime | None


class TicketIn(Schema):
    business_type: Code = Field("", description="Its code; not needed with an appointment")
    phone: Annotated[str, Field(max_length=20)] = ""
    appointment: Annotated[str, Field(max_length=12)] = Field(
        "", description="The appointment code: the number keeps the appointment's priority"
    )
    green: StrictBool = Field(
        False, description="Staff only: the green channel (the elderly, the disabled)"
    )


class TakenOut(Schema):
    number: str
    business_type: str
    position: int = Field(description="1 when next")
    waiting_ahead: int
    follow: str = Field(description="The code of the public page following this number")


class TicketOut(Schema):
    number: str
    business_type: str
    state: str
    priority: int
    window: str | None
    taken_at: dt.datetime
    called_at: dt.datetime | None
    finished_at: dt.datetime | None
    waiting_seconds: int | None
    serving_seconds: int | None
    case: str | None


class TransferIn(Schema):
    business_type: Code


class CaseIn(Schema):
    case: Annotated[str, Field(max_length=32)]


def _ticket(ticket: Ticket) -> dict:
    return {
        "number": ticket.number,
        "business_type": ticket.business_type.code,
        "state": ticket.state,
        "priority": ticket.priority,
        "window": ticket.window.number if ticket.window_id else None,
        "taken_at": ticket.taken_at,
        "called_at": ticket.called_at,
        "finished_at": ticket.finished_at,
        "waiting_seconds": ticket.wait_seconds,
        "serving_seconds": ticket.serve_seconds,
        "case": ticket.case.number if ticket.case_id else None,
    }


@router.get(
    "/hall/business-types",
    auth=None,
    response=list[BusinessTypeOut],
    summary="Business types and the windows serving each",
)
def business_types(request, hall: Code | None = None):
    found = queue_selectors.business_types(queue_selectors.hall_by_code(hall) if hall else None)
    return [
        {
            "code": t.code,
            "name": t.name,
            "windows": sorted((w.number for w in t.windows.all()), key=lambda n: (len(n), n)),
        }
        for t in found
    ]


def _session_out(session) -> dict:
    return {
        "window": session.window.number,
        "signed_in_at": session.started_at,
        "signed_out_at": session.ended_at,
    }


@router.post(
    "/hall/windows/{code}/sign-in",
    response=WindowSessionOut,
    summary="The clerk signs in to the window",
)
def sign_in(request, code: Code):
    return _session_out(queue_services.sign_in(actor=request.user, window_code=code))


@router.post(
    "/hall/windows/{code}/sign-out",
    response=WindowSessionOut,
    summary="The clerk signs out of the window",
)
def sign_out(request, code: Code):
    return _session_out(queue_services.sign_out(actor=request.user, window_code=code))


@router.post("/hall/tickets", response={201: TakenOut}, summary="Take a number")
def take_number(request, payload: TicketIn):
    """A number of a business type, or on arrival with an appointment (its business type and
    priority). Send an `Idempotency-Key` header to make retries safe."""
    body = payload.dict()
    staff = has_role(request.user, *STAFF_ROLES)
    if body["green"] and not staff:
        raise ValidationFailed({"green": [_("Only staff give numbers through the green channel.")]})
    if not body["appointment"] and not body["business_type"]:
        raise ValidationFailed({"business_type": [_("Choose one of the business types.")]})

    def create():
        ticket = queue_services.take_number(
            business_type=body["business_type"],
            phone=body["phone"],
            green=body["green"],
            appointment=body["appointment"],
            actor=request.user,
        )
        ahead = queue_selectors.waiting_ahead(ticket)
        return 201, {
            "number": ticket.number,
            "business_type": ticket.business_type.code,
            "position": ahead + 1,
            "waiting_ahead": ahead,
            "follow": str(ticket.token),
        }

    status, answer, _replayed = run_once(
        user=request.user,
        scope="hall.ticket",
        key=request.headers.get("Idempotency-Key"),
        fingerprint=fingerprint(body),
        create=create,
    )
    return Status(status, answer)


@router.post(
    "/hall/windows/{code}/call-next",
    response={200: TicketOut, 204: None},
    summary="Call the next number at the window",
)
def call_next(request, code: Code):
    """The next number of the business types this window serves: priority first, then the
    order of taking. 204 when nobody waits."""
    ticket = queue_services.call_next(actor=request.user, window_code=code)
    if ticket is None:
        return Status(204, None)
    return _ticket(ticket)


Number = Annotated[str, Field(max_length=16)]


def _answer(ticket: Ticket) -> dict:
    """The number as the service left it (its business type and window already loaded)."""
    return _ticket(ticket)


@router.post("/hall/tickets/{number}/recall", response=TicketOut, summary="Call the number again")
def recall(request, number: Number):
    return _answer(queue_services.recall(actor=request.user, number=number))


@router.post(
    "/hall/tickets/{number}/skip",
    response=TicketOut,
    summary="过号: back into the queue once, missed the second time",
)
def skip(request, number: Number):
    return _answer(queue_services.skip(actor=request.user, number=number))


@router.post(
    "/hall/tickets/{number}/transfer",
    response=TicketOut,
    summary="Move the number to another business type, keeping its place",
)
def transfer(request, number: Number, payload: TransferIn):
    ticket = queue_services.transfer(
        actor=request.user, number=number, business_type=payload.business_type
    )
    return _answer(ticket)


@router.post("/hall/tickets/{number}/finish", response=TicketOut, summary="The number is served")
def finish(request, number: Number):
    return _answer(queue_services.finish(actor=request.user, number=number))


@router.post(
    "/hall/tickets/{number}/case",
    response=TicketOut,
    summary="Link a case filed at the window to the number",
)
def link_case(request, number: Number, payload: CaseIn):
    ticket = queue_services.link_case(actor=request.user, number=number, case_number=payload.case)
    return _answer(ticket)


class StatusTypeOut(Schema):
    code: str
    name: str
    waiting: int


class StatusWindowOut(Schema):
    code: str
    name: str
    open: bool = Field(description="Someone is signed in")
    current: str | None = Field(description="The number being called or served")


class StatusOut(Schema):
    hall: str
    day: dt.date
    business_types: list[StatusTypeOut]
    windows: list[StatusWindowOut]


@router.get("/hall/status", auth=None, response=StatusOut, summary="Waiting and now serving")
def status(request, hall: Code | None = None):
    found = queue_selectors.status(queue_selectors.hall_by_code(hall))
    return {
        "hall": found.hall.code,
        "day": found.day,
        "business_types": found.types,
        "windows": found.windows,
    }


# ---------------------------------------------------------------- appointments


class SlotOut(Schema):
    id: int
    date: dt.date
    starts_at: dt.time
    ends_at: dt.time
    capacity: int
    free: int


class AppointmentIn(Schema):
    slot: Annotated[StrictInt, Field(ge=1, le=2**63 - 1)]
    name: Annotated[str, Field(max_length=60)]
    phone: Annotated[str, Field(max_length=20)]


class AppointmentOut(Schema):
    code: str
    business_type: str
    date: dt.date
    starts_at: dt.time
    ends_at: dt.time
    state: str
    no_show: bool


def _appointment(booking) -> dict:
    slot = booking.slot
    return {
        "code": booking.code,
        "business_type": slot.business_type.code,
        "date": slot.day,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "state": booking.state,
        "no_show": queue_selectors.is_no_show(booking),
    }


@router.get(
    "/hall/slots",
    auth=None,
    response=list[SlotOut],
    summary="The appointment slots of a business type on a day",
)
def slots(request, business_type: Code, date: dt.date):
    kind = queue_selectors.business_type(business_type)
    if not queue_services.bookable_day(date):
        return []
    queue_services.open_slots(business_type=kind, day=date)
    now = clock.local_datetime(clock.now())
    return [
        {
            "id": s.pk,
            "date": s.day,
            "starts_at": s.starts_at,
            "ends_at": s.ends_at,
            "capacity": s.capacity,
            "free": s.free,
        }
        for s in queue_selectors.slots(kind, date)
        if dt.datetime.combine(s.day, s.starts_at, tzinfo=clock.LOCAL_TZ) > now
    ]


@router.post("/hall/appointments", response={201: AppointmentOut}, summary="Book a place in a slot")
def book(request, payload: AppointmentIn):
    """409 `slot_full` when the slot has no place left. Send an `Idempotency-Key` header to make
    retries safe."""
    body = payload.dict()

    def create():
        booking = queue_services.book(
            slot_id=body["slot"], name=body["name"], phone=body["phone"], user=request.user
        )
        return 201, _appointment(booking)

    status, answer, _replayed = run_once(
        user=request.user,
        scope="hall.appointment",
        key=request.headers.get("Idempotency-Key"),
        fingerprint=fingerprint(body),
        create=create,
    )
    return Status(status, answer)


@router.get(
    "/hall/appointments", response=list[AppointmentOut], summary="The caller's appointments"
)
def my_appointments(request):
    return [_appointment(a) for a in queue_selectors.appointments_of(request.user)[:100]]


@router.post(
    "/hall/appointments/{code}/cancel",
    response=AppointmentOut,
    summary="Cancel an appointment before its slot",
)
def cancel(request, code: Annotated[str, Field(max_length=12)]):
    booking = queue_services.cancel(actor=request.user, code=code)
    return _appointment(booking)
