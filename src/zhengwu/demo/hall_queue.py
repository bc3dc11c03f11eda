"""The demo city's service hall queue: the hall (市民服务大厅) on the floor of the demo windows,
nine business types served by them, and a month of queue numbers and appointments up to
yesterday, with the morning peak of a real hall (most numbers taken between 9 and 11), the
green channel, appointments kept, cancelled and missed (爽约), and a few numbers skipped twice
(过号). The numbers are history: written in bulk with the times a simple simulation of the
windows gives (each window serves the earliest number waiting for its business types, a visit
takes 4 to 15 minutes, nobody is called in the lunch break). Deterministic for the same
``seed`` and today; made once.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from zhengwu.accounts.models import Center, Department, User, Window
from zhengwu.core import clock
from zhengwu.hall.models.floor import Hall, WindowPost
from zhengwu.hall.models.queue import Appointment, BusinessType, Slot, Ticket, TicketEvent
from zhengwu.workdays.errors import CalendarRangeError
from zhengwu.workdays.loader import is_workday

HALL = "MAIN"
# (code, name, kind, department, prefix, windows, numbers a day)
TYPES = [
    ("QYKB", "企业开办", "comprehensive", None, "A", ["01"], 22),
    ("GCJS", "工程建设项目", "comprehensive", None, "B", ["02"], 8),
    ("SHSW", "社会事务", "comprehensive", None, "C", ["03"], 12),
    ("MSBZ", "民生保障", "comprehensive", None, "D", ["04"], 18),
    ("SCJ", "市场监管业务", "department", "SCJ", "E", ["05", "06"], 20),
    ("SWJ", "税务业务", "department", "SWJ", "F", ["07", "08"], 30),
    ("BDC", "不动产登记", "department", "BDC", "G", ["09", "10", "11"], 34),
    ("GAJ", "户政业务", "department", "GAJ", "H", ["12"], 16),
    ("YJS", "一件事综合受理", "bundle", None, "Y", ["01", "02"], 6),
]
# The share of a day's numbers taken in each hour: the morning peak.
HOURS = {9: 0.22, 10: 0.25, 11: 0.15, 12: 0.03, 13: 0.06, 14: 0.12, 15: 0.11, 16: 0.06}
DAYS = 30
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华"


@dataclass
class Made:
    tickets: int = 0
    appointments: int = 0
    no_shows: int = 0


def ensure_floor() -> Hall | None:
    """The demo hall and its floor (idempotent); None without the demo city."""
    center = Center.objects.order_by("pk").first()
    if center is None:
        return None
    hall, _created = Hall.objects.get_or_create(
        code=HALL,
        defaults={
            "center": center,
            "name": "市民服务大厅",
            "address": center.address,
            "opens_at": dt.time(9, 0),
            "closes_at": dt.time(17, 0),
            "break_from": dt.time(12, 0),
            "break_to": dt.time(13, 30),
        },
    )
    windows = {w.number: w for w in Window.objects.filter(center=center)}
    for window in windows.values():
        WindowPost.objects.get_or_create(window=window, defaults={"hall": hall})
    departments = {d.code: d for d in Department.objects.all()}
    for position, (code, name, kind, dept, prefix, numbers, _daily) in enumerate(TYPES):
        found, _created = BusinessType.objects.get_or_create(
            code=code,
            defaults={
                "hall": hall,
                "name": name,
                "kind": kind,
                "department": departments.get(dept) if dept else None,
                "prefix": prefix,
                "position": position,
                "slot_capacity": 3,
            },
        )
        found.windows.set([windows[n] for n in numbers if n in windows])
    return hall


def _workday(day: dt.date) -> bool:
    try:
        return bool(is_workday(day))
    except CalendarRangeError:
        return False


def _clerk_of(window: Window) -> User | None:
    """Who serves at a window in the demo: its own clerk, else a clerk of its department (or of
    the 审批局 for a comprehensive window)."""
    own = User.objects.filter(window=window, groups__name="window_clerk").order_by("pk").first()
    if own is not None:
        return own
    code = window.department.code if window.department_id else "SPJ"
    return (
        User.objects.filter(department__code=code, groups__name="window_clerk")
        .order_by("pk")
        .first()
    )


def _at(day: dt.date, minutes: float) -> dt.datetime:
    """``minutes`` after midnight of ``day`` in Shanghai time."""
    return dt.datetime.combine(day, dt.time(0), tzinfo=clock.LOCAL_TZ) + dt.timedelta(
        minutes=minutes
    )


def _skip_break(minute: float) -> float:
    return 13.5 * 60 if 12 * 60 <= minute < 13.5 * 60 else minute


@transaction.atomic
def generate(*, seed: int = 17, days: int = DAYS) -> Made:
    """A month of numbers and appointments up to yesterday (once only)."""
    made = Made()
    hall = ensure_floor()
    if hall is None or Ticket.objects.filter(hall=hall).exists():
        return made
    rng = random.Random(seed)  # noqa: S311 (demo data)
    today = clock.today()
    kinds = list(BusinessType.objects.filter(hall=hall).prefetch_related("windows"))
    clerks = {w.pk: _clerk_of(w) for kind in kinds for w in kind.windows.all()}
    tickets: list[Ticket] = []
    appointments_made: list[tuple[Appointment, dict]] = []
    for back in range(days, 0, -1):
        day = today - dt.timedelta(days=back)
        if not _workday(day):
            continue
        for kind in kinds:
            windows = [w for w in kind.windows.all() if clerks.get(w.pk)]
            if not windows:
                continue
            daily = next(t[6] for t in TYPES if t[0] == kind.code)
            count = max(1, int(rng.gauss(daily, daily * 0.2)))
            # Appointments: half-hour slots, a few booked a day; some cancelled, some missed.
            slot_arrivals = []
            slot_rows = {}
            for _n in range(max(1, count // 6)):
                hour = rng.choice([9, 9, 10, 10, 11, 14, 15])
                start = dt.time(hour, rng.choice([0, 30]))
                slot = slot_rows.get(start)
                if slot is None:
                    slot = Slot.objects.create(
                        business_type=kind,
                        day=day,
                        starts_at=start,
                        ends_at=(dt.datetime.combine(day, start) + dt.timedelta(minutes=30)).time(),
                        capacity=kind.slot_capacity,
                    )
                    slot_rows[start] = slot
                if slot.booked >= slot.capacity:
                    continue
                name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                draw = rng.random()
                state = "cancelled" if draw < 0.06 else "booked" if draw < 0.16 else "arrived"
                booked_at = _at(day - dt.timedelta(days=rng.randint(1, 6)), 60 * 20)
                booking = Appointment(
                    code=f"D{kind.prefix}{day:%m%d}{len(appointments_made):04d}"[:12],
                    slot=slot,
                    name=name,
                    phone=f"139{rng.randint(0, 99999999):08d}",
                    state=state,
                    booked_at=booked_at,
                    cancelled_at=booked_at + dt.timedelta(hours=5)
                    if state == "cancelled"
                    else None,
                )
                if state != "cancelled":
                    slot.booked += 1
                if state == "arrived":
                    minute = start.hour * 60 + start.minute - rng.uniform(0, 25)
                    booking.arrived_at = _at(day, minute)
                    slot_arrivals.append((minute, booking))
                elif state == "booked":
                    made.no_shows += 1
                appointments_made.append((booking, {}))
            for slot in slot_rows.values():
                slot.save(update_fields=["booked"])
            # Walk-ins by the hour weights, then the appointments arriving.
            arrivals = []
            for _n in range(count):
                hour = rng.choices(list(HOURS), weights=list(HOURS.values()))[0]
                minute = hour * 60 + rng.uniform(0, 59)
                reason = "green" if rng.random() < 0.05 else ""
                arrivals.append((minute, reason, None))
            arrivals += [(m, "appointment", b) for m, b in slot_arrivals]
            arrivals.sort(key=lambda a: a[0])
            free = {w.pk: 9 * 60.0 for w in windows}
            # Serve: the earliest free window takes the highest priority among those arrived.
            priority = {"green": 2, "appointment": 1, "": 0}
            pending = [(m, r, b, seq) for seq, (m, r, b) in enumerate(arrivals, start=1)]
            while pending:
                window_id = min(free, key=free.get)
                now = _skip_break(max(free[window_id], pending[0][0]))
                arrived = [p for p in pending if p[0] <= now] or [pending[0]]
                pick = max(arrived, key=lambda p: (priority[p[1]], -p[0]))
                pending.remove(pick)
                minute, reason, booking, seq = pick
                call = _skip_break(max(now, minute))
                missed = rng.random() < 0.03
                duration = 0.5 if missed else rng.uniform(4, 15)
                free[window_id] = call + duration
                taken_at = _at(day, minute)
                called_at = _at(day, call)
                ticket = Ticket(
                    hall=hall,
                    business_type=kind,
                    day=day,
                    number=f"{kind.prefix}{seq:03d}",
                    source="appointment" if booking else rng.choice(["kiosk"] * 9 + ["window"]),
                    phone=booking.phone if booking else "",
                    priority=priority[reason],
                    priority_reason=reason,
                    appointment=booking,
                    state="missed" if missed else "done",
                    taken_at=taken_at,
                    queued_at=taken_at,
                    first_called_at=called_at,
                    called_at=called_at,
                    finished_at=None if missed else _at(day, call + duration),
                    window_id=window_id,
                    served_by=clerks[window_id],
                    skips=2 if missed else 0,
                )
                tickets.append(ticket)
    Appointment.objects.bulk_create([a for a, _x in appointments_made], batch_size=1000)
    Ticket.objects.bulk_create(tickets, batch_size=1000)
    rows = []
    for t in tickets:
        rows.append(TicketEvent(ticket=t, kind="taken", at=t.taken_at, data={"source": t.source}))
        rows.append(
            TicketEvent(
                ticket=t, kind="called", at=t.called_at, actor=t.served_by, window_id=t.window_id
            )
        )
        last = "missed" if t.state == "missed" else "finished"
        at = t.finished_at or t.called_at
        rows.append(
            TicketEvent(ticket=t, kind=last, at=at, actor=t.served_by, window_id=t.window_id)
        )
    TicketEvent.objects.bulk_create(rows, batch_size=2000)
    made.tickets = len(tickets)
    made.appointments = len(appointments_made)
    return made
