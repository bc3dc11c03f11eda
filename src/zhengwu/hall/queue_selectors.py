"""Reads of the hall's queue: windows by their number, who is signed in where, the business types
a window serves, the queue's status, a number's position, the slots of a day, and the figures
(taken, served, waits, no-shows) per business type, window, staff or hour."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from zhengwu.accounts import regions
from zhengwu.accounts.models import Window
from zhengwu.core import clock
from zhengwu.core.errors import NotFound
from zhengwu.core.roles import Role, has_role, is_center_wide
from zhengwu.hall import queue_rules as rules
from zhengwu.hall.models.floor import Hall, WindowSession
from zhengwu.hall.models.queue import Appointment, BusinessType, Slot, Ticket


def clean_code(value) -> str:
    text = str(value or "").strip()[:32]
    return "" if "\x00" in text else text


def default_hall() -> Hall | None:
    return Hall.objects.filter(is_active=True).order_by("pk").first()


def hall_by_code(code: str | None) -> Hall:
    """The hall ``code`` (the first active one when none is given); NotFound otherwise."""
    halls = Hall.objects.filter(is_active=True)
    found = halls.filter(code=clean_code(code)).first() if code else halls.order_by("pk").first()
    if found is None:
        raise NotFound()
    return found


def window_by_code(code: str, user=None) -> Window:
    """The hall window numbered ``code`` (in the caller's center when the caller has one)."""
    windows = Window.objects.filter(number=clean_code(code), is_active=True, post__isnull=False)
    center_id = getattr(getattr(user, "department", None), "center_id", None)
    if center_id is not None:
        windows = windows.filter(center_id=center_id)
    found = windows.select_related("post__hall").order_by("pk").first()
    if found is None:
        raise NotFound()
    return found


def windows_to_sign_in(user):
    """The hall windows ``user`` may sign in to (the rule of ``queue_services.may_sign_in``), in
    one query: their own window, one whose A or B post they hold, one of their department, or a
    comprehensive window serving their department."""
    if not has_role(user, Role.WINDOW_CLERK):
        return Window.objects.none()
    q = Q(pk=user.window_id) | Q(post__post_a=user) | Q(post__post_b=user)
    if user.department_id is not None:
        q |= Q(department_id=user.department_id)
        q |= Q(department__isnull=True, serves=user.department_id)
    return (
        Window.objects.filter(q, post__isnull=False, is_active=True)
        .select_related("post")
        .distinct()
        .order_by("center_id", "number")
    )


def visible_halls(user):
    """The halls whose figures ``user`` may see: a supervisor's, leader's or administrator's
    those of the centers they oversee (``accounts.regions``); a department head's those of their
    department's center."""
    if is_center_wide(user):
        return Hall.objects.filter(regions.center_q(user, "center"))
    center_id = getattr(getattr(user, "department", None), "center_id", None)
    return Hall.objects.filter(center_id=center_id) if center_id else Hall.objects.none()


def open_session(user) -> WindowSession | None:
    """The window ``user`` is signed in to now, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        WindowSession.objects.select_related("window__post__hall")
        .filter(user=user, ended_at__isnull=True)
        .first()
    )


def window_type_ids(window_id: int) -> list[int]:
    return list(
        BusinessType.objects.filter(windows=window_id, is_active=True).values_list("pk", flat=True)
    )


def business_types(hall: Hall | None = None):
    types = BusinessType.objects.filter(is_active=True, hall__is_active=True)
    if hall is not None:
        types = types.filter(hall=hall)
    return types.select_related("hall", "department").prefetch_related("windows")


def business_type(code: str) -> BusinessType:
    found = business_types().filter(code=clean_code(code)).first()
    if found is None:
        raise NotFound()
    return found


def today_ticket(hall_id: int, number: str) -> Ticket:
    found = (
        Ticket.objects.select_related("business_type", "window", "hall")
        .filter(hall_id=hall_id, day=clock.today(), number=clean_code(number).upper())
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def waiting_ahead(ticket: Ticket) -> int:
    """How many waiting numbers of the same business type will be called before this one."""
    if ticket.state != rules.WAITING:
        return 0
    return (
        Ticket.objects.filter(
            hall_id=ticket.hall_id,
            day=ticket.day,
            state=rules.WAITING,
            business_type_id=ticket.business_type_id,
        )
        .filter(
            Q(priority__gt=ticket.priority)
            | Q(priority=ticket.priority, queued_at__lt=ticket.queued_at)
            | Q(priority=ticket.priority, queued_at=ticket.queued_at, pk__lt=ticket.pk)
        )
        .count()
    )


@dataclass
class Status:
    hall: Hall
    day: dt.date
    types: list[dict] = field(default_factory=list)
    windows: list[dict] = field(default_factory=list)


def status(hall: Hall) -> Status:
    """Per business type the numbers waiting; per window the number it calls now (or served
    last). Two grouped queries and one over the windows."""
    today = clock.today()
    counts = dict(
        Ticket.objects.filter(hall=hall, day=today, state=rules.WAITING)
        .values_list("business_type")
        # The column counted is in the queue index: the count reads the index only.
        .annotate(n=Count("business_type"))
        .order_by()
    )
    types = [
        {"code": t.code, "name": t.name, "prefix": t.prefix, "waiting": counts.get(t.pk, 0)}
        for t in BusinessType.objects.filter(hall=hall, is_active=True).order_by("position", "code")
    ]
    current = {
        t["window_id"]: t
        for t in Ticket.objects.filter(hall=hall, day=today, state=rules.CALLED).values(
            "window_id", "number", "called_at"
        )
    }
    signed = set(
        WindowSession.objects.filter(window__post__hall=hall, ended_at__isnull=True).values_list(
            "window_id", flat=True
        )
    )
    windows = [
        {
            "code": w.number,
            "name": w.name,
            "open": w.pk in signed,
            "current": current.get(w.pk, {}).get("number"),
        }
        for w in Window.objects.filter(post__hall=hall, is_active=True).order_by("number")
    ]
    return Status(hall=hall, day=today, types=types, windows=windows)


def calls_after(hall: Hall, after: int, limit: int = 20) -> list[dict]:
    """The calls and recalls announced on the hall screen after event ``after`` (today's)."""
    from zhengwu.hall.models.queue import TicketEvent

    rows = (
        TicketEvent.objects.filter(
            pk__gt=after,
            kind__in=("called", "recalled"),
            ticket__hall=hall,
            at__gte=clock.start_of_day(clock.today()),
        )
        .select_related("ticket", "window")
        .order_by("pk")[:limit]
    )
    return [
        {
            "id": e.pk,
            "number": e.ticket.number,
            "window": e.window.number if e.window else "",
            "window_name": e.window.name if e.window else "",
            "recall": e.kind == "recalled",
        }
        for e in rows
    ]


def recent_calls(hall: Hall, limit: int = 8) -> list[dict]:
    """Today's last calls (newest first), for the screen's first paint."""
    from zhengwu.hall.models.queue import TicketEvent

    rows = (
        TicketEvent.objects.filter(
            kind="called", ticket__hall=hall, at__gte=clock.start_of_day(clock.today())
        )
        .select_related("ticket", "window")
        .order_by("-pk")[:limit]
    )
    return [
        {"id": e.pk, "number": e.ticket.number, "window": e.window.number if e.window else ""}
        for e in rows
    ]


def last_event_id() -> int:
    from zhengwu.hall.models.queue import TicketEvent

    return TicketEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def slots(business_type: BusinessType, day: dt.date):
    return Slot.objects.filter(business_type=business_type, day=day).order_by("starts_at")


def appointments_of(user):
    return (
        Appointment.objects.filter(user=user)
        .select_related("slot__business_type__hall")
        .order_by("-slot__day", "-slot__starts_at")
    )


def is_no_show(appointment: Appointment, now: dt.datetime | None = None) -> bool:
    """Booked, never arrived, and its slot has ended."""
    if appointment.state != Appointment.State.BOOKED:
        return False
    moment = clock.local_datetime(now or clock.now())
    end = dt.datetime.combine(appointment.slot.day, appointment.slot.ends_at, tzinfo=clock.LOCAL_TZ)
    return moment >= end


# ---------------------------------------------------------------- figures

GROUPS = ("business_type", "window", "staff", "hour")


@dataclass
class FigureRow:
    key: object
    label: str
    taken: int = 0
    served: int = 0
    missed: int = 0
    closed: int = 0  # 未办结: left open at the end of the day (neither served nor missed)
    no_shows: int = 0
    waits: list = field(default_factory=list)  # seconds, of the numbers called
    serves: list = field(default_factory=list)

    @property
    def average_wait(self) -> float | None:
        return sum(self.waits) / len(self.waits) / 60 if self.waits else None

    @property
    def p90_wait(self) -> float | None:
        value = rules.percentile(self.waits, 90)
        return None if value is None else value / 60

    @property
    def average_serve(self) -> float | None:
        return sum(self.serves) / len(self.serves) / 60 if self.serves else None


def figures(
    *, hall: Hall | None, start: dt.date, end: dt.date, group: str, within=None
) -> list[FigureRow]:
    return figures_with_total(hall=hall, start=start, end=end, group=group, within=within)[0]


def figures_with_total(
    *, hall: Hall | None, start: dt.date, end: dt.date, group: str, within=None
) -> tuple[list[FigureRow], FigureRow]:
    """Numbers taken, served, missed (过号 twice), closed (未办结 at the end of the day), waits
    and serving times, and appointment no-shows, per ``group`` over the days ``start``..``end``
    (in the halls ``within``, ``visible_halls``, when given: a subquery). One query over the
    numbers, one over the appointments.

    With them, the total of the period: every number counted once (also those no row holds, a
    number never called in the rows by window or staff), its averages and its 90th percentile
    over all the numbers together (``queue_rules.percentile`` of the whole), never the mean of
    the rows'."""
    from zhengwu.core.display import person_name

    tickets = Ticket.objects.filter(day__gte=start, day__lte=end)
    if hall is not None:
        tickets = tickets.filter(hall=hall)
    if within is not None:
        tickets = tickets.filter(hall__in=within.values("pk"))
    rows: dict = {}
    total = FigureRow(key="total", label="")

    def row(key, label) -> FigureRow:
        if key not in rows:
            rows[key] = FigureRow(key=key, label=label)
        return rows[key]

    fields = (
        "business_type_id",
        "business_type__name",
        "window__number",
        "window__name",
        "served_by_id",
        "taken_at",
        "first_called_at",
        "called_at",
        "finished_at",
        "state",
    )
    for t in tickets.values_list(*fields).iterator(chunk_size=2000):
        (bt, bt_name, w_no, w_name, staff, taken, first, called, fin, state) = t
        if group == "business_type":
            key, label = bt, bt_name
        elif group == "window":
            key, label = w_no, f"{w_no} {w_name}".strip() if w_no else ""
        elif group == "staff":
            key, label = staff, ""
        else:
            local = clock.local_datetime(taken)
            key, label = local.hour, f"{local.hour:02d}:00"
        wait = (first - taken).total_seconds() if first is not None else None
        serve = (fin - called).total_seconds() if fin is not None and called is not None else None
        for r in (row(key, label), total):
            r.taken += 1
            if state == rules.DONE:
                r.served += 1
            elif state == rules.MISSED:
                r.missed += 1
            elif state == rules.CLOSED:
                r.closed += 1
            if wait is not None:
                r.waits.append(wait)
            if serve is not None:
                r.serves.append(serve)
    if group in ("business_type", "hour"):
        booked = Appointment.objects.filter(
            slot__day__gte=start, slot__day__lte=end, state=Appointment.State.BOOKED
        )
        if hall is not None:
            booked = booked.filter(slot__business_type__hall=hall)
        if within is not None:
            booked = booked.filter(slot__business_type__hall__in=within.values("pk"))
        for a in booked.select_related("slot__business_type"):
            if not is_no_show(a):
                continue
            if group == "business_type":
                key, label = a.slot.business_type_id, a.slot.business_type.name
            else:
                key, label = a.slot.starts_at.hour, f"{a.slot.starts_at.hour:02d}:00"
            row(key, label).no_shows += 1
            total.no_shows += 1
    if group == "staff":
        from django.contrib.auth import get_user_model

        people = get_user_model().objects.in_bulk([k for k in rows if k is not None])
        for key, r in rows.items():
            r.label = person_name(people.get(key))
    out = [r for r in rows.values() if r.key is not None]
    out.sort(key=lambda r: str(r.label) if group != "hour" else r.key)
    return out, total


def hourly_taken(*, hall: Hall | None, start: dt.date, end: dt.date) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for r in figures(hall=hall, start=start, end=end, group="hour"):
        totals[r.key] = r.taken
    return dict(totals)
