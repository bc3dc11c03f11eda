"""Every write to the hall's queue (DESIGN.md: services). Keyword-only, one transaction each, the
changed row locked, a ``TicketEvent`` appended for every step of a number.

- ``sign_in`` / ``sign_out``: a clerk at a window (``WindowSession``); the queue calls only at a
  window someone is signed in to;
- ``take_number``: at the kiosk, at the window (a walk-in) or on arrival with an appointment;
- ``call_next``: the next number of the business types of the caller's window, priority first,
  then the order of taking; ``recall``, ``skip``, ``transfer``, ``finish`` the called number;
  ``link_case``: a case filed at the window belongs to the number;
- ``open_slots``, ``book``, ``cancel``: appointment slots and their capacity;
- ``close_left_numbers``: at the end of a day, the numbers left waiting (or called and never
  finished) are closed (未办结), by the scheduler's hall sweep.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.accounts.models import User
from zhengwu.core import clock
from zhengwu.core import inputs as core_inputs
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.core.roles import Role, has_role
from zhengwu.hall import hours
from zhengwu.hall import queue_rules as rules
from zhengwu.hall import queue_selectors as selectors
from zhengwu.hall.models.floor import Hall, WindowSession
from zhengwu.hall.models.queue import (
    Appointment,
    BusinessType,
    NumberCounter,
    Slot,
    Ticket,
    TicketEvent,
)
from zhengwu.workdays.errors import CalendarRangeError
from zhengwu.workdays.loader import is_workday

MESSAGES = {
    "hall_closed": gettext_lazy(
        "The hall is closed now: numbers are given on working days during opening hours."
    ),
    "not_signed_in": gettext_lazy("Sign in to a window first."),
    "window_taken": gettext_lazy("Someone else is signed in to this window."),
    "signed_in_elsewhere": gettext_lazy(
        "You are signed in to another window; sign out there first."
    ),
    "window_busy": gettext_lazy(
        "The window is still serving a number: finish, skip or transfer it first."
    ),
    "ticket_open": gettext_lazy("Finish, skip or transfer the number being served first."),
    "illegal_step": gettext_lazy("This step is not possible for the number in its current state."),
    "not_at_window": gettext_lazy("This number is not being served at your window."),
    "same_business_type": gettext_lazy("The number is already of this business type."),
    "slot_full": gettext_lazy("This slot is fully booked; choose another."),
    "slot_past": gettext_lazy("This slot has already begun; choose a later one."),
    "already_booked": gettext_lazy(
        "This phone already has an appointment for this business that day."
    ),
    "not_bookable": gettext_lazy("No appointments are taken for this day."),
    "appointment_closed": gettext_lazy("The appointment can no longer be cancelled."),
    "appointment_used": gettext_lazy("This appointment has already been used or cancelled."),
    "appointment_early": gettext_lazy(
        "It is too early for this appointment: come back within the hour before its slot."
    ),
    "appointment_expired": gettext_lazy(
        "The appointment's slot has ended; take an ordinary number instead."
    ),
    "not_served_here": gettext_lazy("This window does not serve this business type."),
}


def conflict(code: str) -> DomainError:
    return DomainError(MESSAGES.get(code, MESSAGES["illegal_step"]), code=code)


def priorities() -> dict[str, int]:
    return {
        "": 0,
        "appointment": settings.HALL_PRIORITY_APPOINTMENT,
        "green": settings.HALL_PRIORITY_GREEN,
    }


def hours_of(hall: Hall) -> rules.Hours:
    return hours.of(hall)


def hall_open(hall: Hall, moment: dt.datetime) -> bool:
    local = clock.local_datetime(moment)
    try:
        workday = bool(is_workday(local.date()))
    except CalendarRangeError:
        return False
    return rules.is_open(hours_of(hall), workday=workday, at=local.time())


def _event(ticket: Ticket, kind: str, *, at, actor=None, window=None, **data) -> None:
    TicketEvent.objects.create(
        ticket=ticket, kind=kind, at=at, actor=actor, window=window, data=data
    )


# ---------------------------------------------------------------- windows


def may_sign_in(user: User, window) -> bool:
    """A window clerk signs in to their own window, a window of their department, a window whose
    A or B post they hold, or a comprehensive window serving their department."""
    if not has_role(user, Role.WINDOW_CLERK):
        return False
    post = getattr(window, "post", None)
    if user.window_id == window.pk or (
        post is not None and user.pk in (post.post_a_id, post.post_b_id)
    ):
        return True
    if user.department_id is None:
        return False
    if window.department_id == user.department_id:
        return True
    return window.department_id is None and window.serves.filter(pk=user.department_id).exists()


def sign_in(*, actor: User, window_code: str) -> WindowSession:
    window = selectors.window_by_code(window_code, actor)
    if not may_sign_in(actor, window):
        raise Forbidden(_("You may not sign in to this window."), code="not_your_window")
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()
        mine = WindowSession.objects.filter(user=actor, ended_at__isnull=True).first()
        if mine is not None:
            if mine.window_id == window.pk:
                return mine
            raise conflict("signed_in_elsewhere")
        if WindowSession.objects.filter(window=window, ended_at__isnull=True).exists():
            raise conflict("window_taken")
        try:
            with transaction.atomic():
                return WindowSession.objects.create(
                    window=window, user=actor, started_at=clock.now()
                )
        except IntegrityError:
            raise conflict("window_taken") from None


def sign_out(*, actor: User, window_code: str) -> WindowSession:
    window = selectors.window_by_code(window_code, actor)
    with transaction.atomic():
        session = (
            WindowSession.objects.select_for_update()
            .filter(user=actor, window=window, ended_at__isnull=True)
            .first()
        )
        if session is None:
            raise conflict("not_signed_in")
        if Ticket.objects.filter(window=window, state=rules.CALLED).exists():
            raise conflict("ticket_open")
        session.ended_at = clock.now()
        session.save(update_fields=["ended_at"])
        return session


def _session(actor: User, *, lock: bool = True) -> WindowSession:
    sessions = WindowSession.objects.select_related("window__post").filter(
        user=actor, ended_at__isnull=True
    )
    if lock:
        sessions = (
            sessions.select_for_update(of=("self",)) if _of() else sessions.select_for_update()
        )
    session = sessions.first()
    if session is None:
        raise conflict("not_signed_in")
    return session


def _of() -> bool:
    return connection.features.has_select_for_update_of


# ---------------------------------------------------------------- taking a number


def _next_number(hall: Hall, day: dt.date, prefix: str) -> str:
    """The next number of ``prefix`` today; the counter row stays locked until commit."""
    lookup = {"hall": hall, "day": day, "prefix": prefix}
    for _attempt in range(2):
        updated = NumberCounter.objects.filter(**lookup).update(last=F("last") + 1)
        if updated:
            last = NumberCounter.objects.filter(**lookup).values_list("last", flat=True).get()
            return rules.number_text(prefix, last)
        try:
            with transaction.atomic():
                NumberCounter.objects.create(**lookup, last=1)
            return rules.number_text(prefix, 1)
        except IntegrityError:
            continue  # another kiosk made today's counter first
    raise conflict("illegal_step")  # pragma: no cover


def clean_phone(value, errors: dict, *, required: bool = False) -> str:
    value = core_inputs.text(value, "phone", required=required, errors=errors, limit=20)
    if value and not core_inputs.PHONE.match(value):
        errors["phone"] = [_("Enter a valid phone number.")]
    return value


def take_number(
    *,
    business_type: str = "",
    source: str = Ticket.Source.KIOSK,
    phone: str = "",
    green: bool = False,
    appointment: str = "",
    actor: User | None = None,
) -> Ticket:
    """A number for ``business_type`` (its code). With ``appointment`` (its code) the number is
    the appointment's: its business type and its priority, and the appointment is arrived."""
    errors: dict = {}
    phone = clean_phone(phone, errors)
    kind = None
    if not appointment:
        try:
            kind = selectors.business_type(business_type)
        except NotFound:
            errors["business_type"] = [_("Choose one of the business types.")]
    if errors:
        raise ValidationFailed(errors)
    now = clock.now()
    with transaction.atomic():
        booking = None
        reason = "green" if green else ""
        if appointment:
            booking = _arriving(appointment, now)
            kind = booking.slot.business_type
            phone = phone or booking.phone
            reason = "appointment"
            source = Ticket.Source.APPOINTMENT
        if not hall_open(kind.hall, now):
            raise conflict("hall_closed")
        if source == Ticket.Source.WINDOW and actor is not None:
            session = _session(actor)
            if kind.pk not in selectors.window_type_ids(session.window_id):
                raise conflict("not_served_here")
        day = clock.local_date(now)
        ticket = Ticket.objects.create(
            hall=kind.hall,
            business_type=kind,
            day=day,
            number=_next_number(kind.hall, day, kind.prefix),
            source=source,
            phone=phone,
            priority=rules.priority_for(reason, priorities()),
            priority_reason=reason,
            appointment=booking,
            taken_at=now,
            queued_at=now,
        )
        if booking is not None:
            booking.state = Appointment.State.ARRIVED
            booking.arrived_at = now
            booking.save(update_fields=["state", "arrived_at"])
        _event(ticket, "taken", at=now, actor=actor, source=source)
        return ticket


def _arriving(code: str, now: dt.datetime) -> Appointment:
    booking = (
        Appointment.objects.select_for_update()
        .filter(code=selectors.clean_code(code).upper())
        .first()
    )
    if booking is None:
        raise ValidationFailed({"appointment": [_("No appointment has this code.")]})
    booking = Appointment.objects.select_related("slot__business_type__hall").get(pk=booking.pk)
    if booking.state != Appointment.State.BOOKED:
        raise conflict("appointment_used")
    slot = booking.slot
    start = dt.datetime.combine(slot.day, slot.starts_at, tzinfo=clock.LOCAL_TZ)
    end = dt.datetime.combine(slot.day, slot.ends_at, tzinfo=clock.LOCAL_TZ)
    if now < start - dt.timedelta(minutes=settings.HALL_ARRIVE_EARLY_MINUTES):
        raise conflict("appointment_early")
    if now >= end:
        raise conflict("appointment_expired")
    return booking


# ---------------------------------------------------------------- calling


def _at_window(session: WindowSession, window_code: str | None, actor: User) -> None:
    """The caller's open session must be at window ``window_code`` (when given): a window that is
    not there is a 404, another window a ``not_signed_in`` conflict. The session's window was
    loaded with it, so the usual case costs no query."""
    if window_code is None:
        return
    window = session.window
    if (
        window.number == selectors.clean_code(window_code)
        and window.is_active
        and getattr(window, "post", None) is not None
    ):
        return
    selectors.window_by_code(window_code, actor)  # NotFound for no such window
    raise conflict("not_signed_in")


# The claim of call next on PostgreSQL, in one statement: the first waiting number of the window's
# active business types (priority first, then the order of taking), skipping the rows another
# window holds, taken only while the window has no number called, moved to "called", and its step
# appended. Nothing comes back when nobody waits, or when the window is busy.
CLAIM_SQL = """
WITH claimed AS (
    UPDATE hall_ticket AS t
    SET state = 'called', window_id = %(window)s, served_by_id = %(actor)s, called_at = %(now)s,
        first_called_at = COALESCE(t.first_called_at, %(now)s)
    WHERE t.id = (
        SELECT w.id FROM hall_ticket AS w
        WHERE w.hall_id = %(hall)s AND w.day = %(day)s AND w.state = 'waiting'
          AND w.business_type_id IN (
              SELECT s.businesstype_id
              FROM hall_businesstype_windows AS s
              JOIN hall_businesstype AS b ON b.id = s.businesstype_id
              WHERE s.window_id = %(window)s AND b.is_active
          )
          AND NOT EXISTS (
              SELECT 1 FROM hall_ticket AS c WHERE c.window_id = %(window)s AND c.state = 'called'
          )
        ORDER BY w.priority DESC, w.queued_at, w.id
        LIMIT 1
        FOR UPDATE OF w SKIP LOCKED
    ) AND t.state = 'waiting'
    RETURNING t.*
), step AS (
    INSERT INTO hall_ticketevent (ticket_id, kind, "at", actor_id, window_id, data)
    SELECT claimed.id, 'called', %(now)s, %(actor)s, %(window)s, '{{}}' FROM claimed
)
SELECT {columns} FROM claimed JOIN hall_businesstype AS bt ON bt.id = claimed.business_type_id
"""


def _claim_columns() -> tuple[list[str], list[str]]:
    ticket = [f.column for f in Ticket._meta.concrete_fields]
    kind = [f.column for f in BusinessType._meta.concrete_fields]
    return ticket, kind


def _claim_in_one_statement(*, actor: User, window, hall_id: int, day, now) -> Ticket | None:
    ticket_columns, kind_columns = _claim_columns()
    quote = connection.ops.quote_name
    columns = ", ".join(
        [f"claimed.{quote(c)}" for c in ticket_columns] + [f"bt.{quote(c)}" for c in kind_columns]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            CLAIM_SQL.format(columns=columns),
            {"window": window.pk, "actor": actor.pk, "now": now, "hall": hall_id, "day": day},
        )
        row = cursor.fetchone()
    if row is None:
        if Ticket.objects.filter(window=window, state=rules.CALLED).exists():
            raise conflict("window_busy")
        return None
    split = len(ticket_columns)
    ticket = Ticket.from_db(
        connection.alias, [f.attname for f in Ticket._meta.concrete_fields], row[:split]
    )
    ticket.business_type = BusinessType.from_db(
        connection.alias, [f.attname for f in BusinessType._meta.concrete_fields], row[split:]
    )
    ticket.window, ticket.served_by = window, actor
    return ticket


def _claim_with_orm(*, actor: User, window, hall_id: int, day, now) -> Ticket | None:
    """The same claim where the database has no SKIP LOCKED (SQLite, which runs one writer at a
    time): the first waiting number, moved by a conditional update (``state = waiting``)."""
    if Ticket.objects.filter(window=window, state=rules.CALLED).exists():
        raise conflict("window_busy")
    served = BusinessType.windows.through.objects.filter(
        window_id=window.pk, businesstype__is_active=True
    ).values("businesstype_id")
    for _attempt in range(5):
        waiting = (
            Ticket.objects.select_related("business_type")
            .filter(hall_id=hall_id, day=day, state=rules.WAITING, business_type_id__in=served)
            .order_by("-priority", "queued_at", "pk")
        )
        if connection.features.has_select_for_update_skip_locked:
            waiting = waiting.select_for_update(skip_locked=True, of=("self",))
        ticket = waiting.first()
        if ticket is None:
            return None
        won = Ticket.objects.filter(pk=ticket.pk, state=rules.WAITING).update(
            state=rules.CALLED,
            window=window,
            served_by=actor,
            called_at=now,
            first_called_at=Coalesce(F("first_called_at"), Value(now)),
        )
        if won:
            ticket.state, ticket.window, ticket.served_by = rules.CALLED, window, actor
            ticket.called_at = now
            ticket.first_called_at = ticket.first_called_at or now
            _event(ticket, "called", at=now, actor=actor, window=window)
            return ticket
    return None


def call_next(*, actor: User, window_code: str | None = None) -> Ticket | None:
    """Call the next number at the window ``actor`` is signed in to (which must be
    ``window_code`` when given): of the business types the window serves, the highest priority
    first, then the order of taking. None when nobody waits. Concurrent windows never call the
    same number: on PostgreSQL one statement claims it (``FOR UPDATE SKIP LOCKED``), elsewhere a
    conditional update. Two queries on PostgreSQL: the caller's session, locked (with its
    window), and the claim with its step."""
    now = clock.now()
    with transaction.atomic():
        session = _session(actor)
        _at_window(session, window_code, actor)
        window = session.window
        claim = _claim_in_one_statement if connection.vendor == "postgresql" else _claim_with_orm
        return claim(
            actor=actor,
            window=window,
            hall_id=window.post.hall_id,
            day=clock.local_date(now),
            now=now,
        )


def _called_here(actor: User, number: str, *, waiting_ok: bool = False) -> tuple[Ticket, object]:
    session = _session(actor)
    window = session.window
    tickets = Ticket.objects.select_related("business_type").filter(
        hall_id=window.post.hall_id,
        day=clock.today(),
        number=selectors.clean_code(number).upper(),
    )
    ticket = (
        tickets.select_for_update(of=("self",)) if _of() else tickets.select_for_update()
    ).first()
    if ticket is None:
        raise NotFound()
    if ticket.window_id == window.pk:
        ticket.window = window
    if ticket.state == rules.CALLED and ticket.window_id == window.pk:
        return ticket, window
    if waiting_ok and ticket.state == rules.WAITING:
        if ticket.business_type_id in selectors.window_type_ids(window.pk):
            return ticket, window
        raise NotFound()
    if ticket.business_type_id not in selectors.window_type_ids(window.pk):
        raise NotFound()
    raise conflict("not_at_window")


def recall(*, actor: User, number: str) -> Ticket:
    now = clock.now()
    with transaction.atomic():
        ticket, window = _called_here(actor, number)
        rules.step(ticket.state, rules.RECALL, skips=ticket.skips)
        ticket.recalls += 1
        ticket.called_at = ticket.called_at or now
        ticket.save(update_fields=["recalls", "called_at"])
        _event(ticket, "recalled", at=now, actor=actor, window=window)
        return ticket


def skip(*, actor: User, number: str) -> Ticket:
    """过号: the number goes back to the end of its priority once; the second time it is missed."""
    now = clock.now()
    with transaction.atomic():
        ticket, window = _called_here(actor, number)
        nxt = rules.step(ticket.state, rules.SKIP, skips=ticket.skips)
        ticket.state, ticket.skips = nxt.state, nxt.skips
        if nxt.requeue:
            ticket.queued_at = now
            ticket.window = None
        ticket.save(update_fields=["state", "skips", "queued_at", "window"])
        _event(
            ticket,
            "skipped" if nxt.requeue else "missed",
            at=now,
            actor=actor,
            window=window,
        )
        return ticket


def transfer(*, actor: User, number: str, business_type: str) -> Ticket:
    """The number moves to another business type of the same hall, keeping its place (the
    order of taking) and its priority."""
    now = clock.now()
    with transaction.atomic():
        ticket, window = _called_here(actor, number, waiting_ok=True)
        try:
            target = selectors.business_type(business_type)
        except NotFound:
            raise ValidationFailed(
                {"business_type": [_("Choose one of the business types.")]}
            ) from None
        if target.hall_id != ticket.hall_id:
            raise ValidationFailed({"business_type": [_("Choose one of the business types.")]})
        if target.pk == ticket.business_type_id:
            raise conflict("same_business_type")
        try:
            nxt = rules.step(ticket.state, rules.TRANSFER, skips=ticket.skips)
        except rules.QueueError as error:
            raise conflict(error.code) from None
        origin = ticket.business_type.code
        ticket.state = nxt.state
        ticket.business_type = target
        ticket.window = None
        ticket.transfers += 1
        ticket.save(update_fields=["state", "business_type", "window", "transfers"])
        _event(
            ticket, "transferred", at=now, actor=actor, window=window, origin=origin, to=target.code
        )
        return ticket


def finish(*, actor: User, number: str) -> Ticket:
    now = clock.now()
    with transaction.atomic():
        ticket, window = _called_here(actor, number)
        nxt = rules.step(ticket.state, rules.FINISH, skips=ticket.skips)
        ticket.state = nxt.state
        ticket.finished_at = now
        ticket.save(update_fields=["state", "finished_at"])
        _event(ticket, "finished", at=now, actor=actor, window=window)
        return ticket


def walk_in(*, actor: User, business_type: str, phone: str = "", green: bool = False) -> Ticket:
    """A walk-in at the window: a number of one of the window's business types, called here at
    once when the window is free."""
    with transaction.atomic():
        session = _session(actor)
        ticket = take_number(
            business_type=business_type,
            source=Ticket.Source.WINDOW,
            phone=phone,
            green=green,
            actor=actor,
        )
        if Ticket.objects.filter(window=session.window, state=rules.CALLED).exists():
            return ticket
        now = clock.now()
        Ticket.objects.filter(pk=ticket.pk).update(
            state=rules.CALLED,
            window=session.window,
            served_by=actor,
            called_at=now,
            first_called_at=now,
        )
        ticket.refresh_from_db()
        _event(ticket, "called", at=now, actor=actor, window=session.window)
        return ticket


def link_case(*, actor: User, number: str, case_number: str) -> Ticket:
    """A case filed at the window belongs to the number served (or being served) there."""
    from zhengwu.cases.selectors import get_case

    now = clock.now()
    case = get_case(actor, case_number)
    with transaction.atomic():
        session = _session(actor, lock=False)
        found = selectors.today_ticket(session.window.post.hall_id, number)
        ticket = Ticket.objects.select_for_update().get(pk=found.pk)
        if ticket.window_id != session.window_id or ticket.state not in (rules.CALLED, rules.DONE):
            raise conflict("not_at_window")
        ticket.case = case
        ticket.save(update_fields=["case"])
        _event(ticket, "linked", at=now, actor=actor, window=session.window, case=case.number)
        return ticket


# ---------------------------------------------------------------- appointments


def bookable_day(day: dt.date) -> bool:
    today = clock.today()
    if not today <= day <= today + dt.timedelta(days=settings.HALL_BOOKING_DAYS):
        return False
    try:
        return bool(is_workday(day))
    except CalendarRangeError:
        return False


def open_slots(*, business_type: BusinessType, day: dt.date) -> int:
    """Make the slots of a working day within the booking period (no-op when they exist, or for
    a holiday, a weekend that is not a make-up working day, or a type taking no appointments)."""
    if business_type.slot_capacity == 0 or not bookable_day(day):
        return 0
    times = rules.slot_times(hours_of(business_type.hall), settings.HALL_SLOT_MINUTES)
    made = Slot.objects.bulk_create(
        [
            Slot(
                business_type=business_type,
                day=day,
                starts_at=start,
                ends_at=end,
                capacity=business_type.slot_capacity,
            )
            for start, end in times
        ],
        ignore_conflicts=True,
    )
    return len(made)


ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(8))


def book(*, slot_id: int, name: str, phone: str, user: User | None) -> Appointment:
    """Book a place in a slot. The capacity holds under any number of concurrent bookings: the
    place is taken by one conditional update (booked < capacity)."""
    errors: dict = {}
    name = core_inputs.text(name, "name", required=True, errors=errors, limit=60)
    phone = clean_phone(phone, errors, required=True)
    slot = Slot.objects.select_related("business_type__hall").filter(pk=slot_id).first()
    if slot is None:
        errors["slot"] = [_("Choose one of the slots.")]
    if errors:
        raise ValidationFailed(errors)
    now = clock.now()
    start = dt.datetime.combine(slot.day, slot.starts_at, tzinfo=clock.LOCAL_TZ)
    if start <= now:
        raise conflict("slot_past")
    if not bookable_day(slot.day):
        raise conflict("not_bookable")
    with transaction.atomic():
        if Appointment.objects.filter(
            slot__business_type=slot.business_type,
            slot__day=slot.day,
            phone=phone,
            state=Appointment.State.BOOKED,
        ).exists():
            raise conflict("already_booked")
        taken = Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(
            booked=F("booked") + 1
        )
        if not taken:
            raise conflict("slot_full")
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    return Appointment.objects.create(
                        code=_code(),
                        slot=slot,
                        name=name,
                        phone=phone,
                        user=user if getattr(user, "is_authenticated", False) else None,
                        booked_at=now,
                    )
            except IntegrityError:
                continue  # a code already given; draw again
        raise conflict("illegal_step")  # pragma: no cover


def cancel(*, actor: User, code: str) -> Appointment:
    """The one who booked cancels before the slot begins; the place is free again."""
    now = clock.now()
    with transaction.atomic():
        booking = (
            Appointment.objects.select_for_update()
            .filter(code=selectors.clean_code(code).upper(), user=actor)
            .first()
        )
        if booking is None:
            raise NotFound()
        booking = Appointment.objects.select_related("slot").get(pk=booking.pk)
        if booking.state != Appointment.State.BOOKED:
            raise conflict("appointment_used")
        start = dt.datetime.combine(booking.slot.day, booking.slot.starts_at, tzinfo=clock.LOCAL_TZ)
        if now >= start:
            raise conflict("appointment_closed")
        booking.state = Appointment.State.CANCELLED
        booking.cancelled_at = now
        booking.save(update_fields=["state", "cancelled_at"])
        Slot.objects.filter(pk=booking.slot_id, booked__gt=0).update(booked=F("booked") - 1)
        return booking


# ---------------------------------------------------------------- the end of the day


def close_left_numbers(*, now: dt.datetime | None = None) -> int:
    """Close (未办结) the numbers left open when their day is over (``queue_rules.closes``):
    waiting after the closing time or on any later day, called and never finished once the day
    has passed. Set-based per hall; the rows are locked and moved by a conditional update, so
    running it twice, or twice at once, closes each number once (one ``closed`` step)."""
    now = now or clock.now()
    local = clock.local_datetime(now)
    today = local.date()
    try:
        workday = bool(is_workday(today))
    except CalendarRangeError:
        workday = False
    closed = 0
    for hall in Hall.objects.all():
        over = rules.day_over(
            hours_of(hall), day=today, today=today, workday=workday, at=local.time()
        )
        # Only the rows to close are read and locked: today's waiting numbers stay unlocked
        # until the day is over, so a window calling meanwhile never skips them.
        due = Q(day__lt=today) | Q(day=today, state=rules.WAITING) if over else Q(day__lt=today)
        with transaction.atomic():
            candidates = list(
                Ticket.objects.select_for_update()
                .filter(due, hall=hall, state__in=rules.CLOSABLE)
                .values_list("pk", "state", "day", "window_id")
            )
            ids = [
                (pk, window_id)
                for pk, state, day, window_id in candidates
                if rules.closes(state, day=day, today=today, over=over or day < today)
            ]
            if not ids:
                continue
            Ticket.objects.filter(pk__in=[pk for pk, _w in ids], state__in=rules.CLOSABLE).update(
                state=rules.CLOSED
            )
            TicketEvent.objects.bulk_create(
                [
                    TicketEvent(ticket_id=pk, kind="closed", at=now, window_id=window_id, data={})
                    for pk, window_id in ids
                ]
            )
            closed += len(ids)
    return closed
