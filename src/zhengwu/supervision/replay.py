"""Replaying the trails (part of ``manage.py verify_audit``): every case's, ticket's and
rectification task's stored state and dates must be what its own events produce (a ticket's
state and clocks: ``zhengwu.tickets.replay``). A row written behind the services' back, or a
chain cut at its end with the owner's counters wound back to match, shows here by number; a case
removed with its whole chain shows as an id missing from the ids handed out.

Each table is read in id order, ``batch`` owners and their events per query pair, so memory stays
flat on a large table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import connection

from zhengwu.cases import services as case_services
from zhengwu.cases.clocks import compute_clocks
from zhengwu.cases.models import Case, CaseEvent
from zhengwu.cases.rules import CaseRuleError
from zhengwu.core import clock, trail
from zhengwu.core.errors import ZhengwuError
from zhengwu.disclosure import services as disclosure_services
from zhengwu.disclosure.models import DisclosureEvent, DisclosureRequest
from zhengwu.ratings.models import RectificationTask, TaskEvent
from zhengwu.ratings.rules import TaskState
from zhengwu.tickets import replay as ticket_replay
from zhengwu.tickets import rules as ticket_rules
from zhengwu.tickets.models import Ticket, TicketEvent
from zhengwu.workdays.loader import get_calendar

# The stored clock fields a case's events decide: those the services copy onto the case, less the
# levels and overdue flags, which move with the day (the supervision sweep) and are checked there.
MOVE_WITH_THE_DAY = frozenset({"level", "statutory_overdue", "delivery_overdue", "provisional"})
CASE_FIELDS = tuple(name for name in case_services.CLOCK_FIELDS if name not in MOVE_WITH_THE_DAY)


@dataclass(frozen=True)
class Mismatch:
    label: str  # case / ticket / task
    number: str
    fields: tuple[tuple[str, object, object], ...] = field(default=())  # (name, stored, replayed)
    error: str = ""  # the events themselves break a rule


def _chunks(owners, events, owner_field: str, batch: int, fields: tuple[str, ...]):
    last_id = 0
    key = f"{owner_field}_id"
    while True:
        chunk = list(owners.filter(id__gt=last_id).order_by("id")[:batch])
        if not chunk:
            return
        last_id = chunk[-1].pk
        by_owner: dict[int, list] = {owner.pk: [] for owner in chunk}
        rows = (
            events.filter(**{f"{key}__in": list(by_owner)}).order_by(key, "seq").only(key, *fields)
        )
        for row in rows:
            by_owner[getattr(row, key)].append(row)
        # A trail whose earliest events were archived cannot be replayed from what is kept;
        # its chain is still checked from its anchor (``trail.verify``).
        archived = trail.anchors(events, by_owner)
        yield [(owner, by_owner[owner.pk]) for owner in chunk if owner.pk not in archived]


def _plain(value):
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.date(value.year, value.month, value.day)
    if hasattr(value, "value"):  # an enum
        return value.value
    return value


def _differences(stored: dict, replayed: dict) -> tuple[tuple[str, object, object], ...]:
    return tuple(
        (name, stored[name], replayed[name])
        for name in replayed
        if _plain(stored[name]) != _plain(replayed[name])
    )


def cases(*, batch: int = 500) -> Iterator[Mismatch]:
    calendar = get_calendar()
    terms: dict[int, object] = {}
    owners = Case.objects.select_related("item_version")
    for chunk in _chunks(owners, CaseEvent.objects, "case", batch, ("kind", "occurred_at", "data")):
        for case, rows in chunk:
            number = case.number or f"#{case.pk}"
            if not rows:
                yield Mismatch("case", number, error="no_events")
                continue
            if case.item_version_id not in terms:
                terms[case.item_version_id] = case_services.terms_for(case.item_version)
            events = [
                case_services.Event(r.kind, clock.local_date(r.occurred_at), r.data) for r in rows
            ]
            try:
                clocks = compute_clocks(
                    terms=terms[case.item_version_id],
                    events=events,
                    calendar=calendar,
                    as_of=case.clocks_on,
                )
            except (CaseRuleError, ValueError) as error:
                yield Mismatch("case", number, error=str(error))
                continue
            replayed = {"state": clocks.state}
            replayed |= {name: getattr(clocks, name) for name in CASE_FIELDS}
            if replayed["completion"] is None:
                replayed["completion"] = ""
            stored = {name: getattr(case, name) for name in replayed}
            if found := _differences(stored, replayed):
                yield Mismatch("case", number, found)


def tickets(*, batch: int = 500) -> Iterator[Mismatch]:
    fields = ("kind", "occurred_at", "data")
    for chunk in _chunks(Ticket.objects.all(), TicketEvent.objects, "ticket", batch, fields):
        for ticket, rows in chunk:
            number = ticket.number or f"#{ticket.pk}"
            steps = [ticket_replay.Step(r.kind, r.occurred_at, r.data) for r in rows]
            try:
                replayed = ticket_replay.replay(steps)
            except (ticket_rules.TicketRuleError, ValueError) as error:
                yield Mismatch("ticket", number, error=str(error))
                continue
            replayed = {k: v for k, v in replayed.items() if v is not ticket_replay.UNKNOWN}
            stored = {name: getattr(ticket, name) for name in replayed}
            if found := _differences(stored, replayed):
                yield Mismatch("ticket", number, found)


DISCLOSURE_FIELDS = tuple(
    name for name in disclosure_services.CLOCK_FIELDS if name not in MOVE_WITH_THE_DAY
)


def disclosure_requests(*, batch: int = 500) -> Iterator[Mismatch]:
    """Every disclosure request's state and clocks as its events give them on ``clocks_on``."""
    fields = ("kind", "occurred_at", "data")
    owners = DisclosureRequest.objects.all()
    for chunk in _chunks(owners, DisclosureEvent.objects, "request", batch, fields):
        for request, rows in chunk:
            number = request.number or f"#{request.pk}"
            if not rows:
                yield Mismatch("disclosure", number, error="no_events")
                continue
            try:
                clocks = disclosure_services.compute(
                    [disclosure_services.event_tuple(r) for r in rows], request.clocks_on
                )
            except (ZhengwuError, ValueError) as error:
                yield Mismatch("disclosure", number, error=str(error))
                continue
            replayed = {"state": clocks.state}
            replayed |= {name: getattr(clocks, name) for name in DISCLOSURE_FIELDS}
            stored = {name: getattr(request, name) for name in replayed}
            if found := _differences(stored, replayed):
                yield Mismatch("disclosure", number, found)


def _task_replay(rows) -> dict:
    state, due, ledger_due = None, None, None
    rejected = False
    for row in rows:
        data = row.data or {}
        if row.kind == "opened":
            state, due = TaskState.OPEN, data.get("due")
        elif row.kind == "callback":
            state = TaskState.CALLED_BACK
        elif row.kind == "outcome":
            state, ledger_due = TaskState.RESOLVED, data.get("ledger_due")
        elif row.kind == "feedback":
            state = TaskState.CLOSED if rejected else TaskState.FED_BACK
        elif row.kind == "accepted":
            state = TaskState.CLOSED
        elif row.kind == "rejected":
            state, due, ledger_due, rejected = TaskState.OPEN, data.get("due"), None, True
        elif row.kind == "appeal_decided" and data.get("decision") == "upheld":
            state = TaskState.APPEAL_UPHELD
    return {
        "state": state,
        "due_on": dt.date.fromisoformat(due) if due else None,
        "ledger_due": dt.date.fromisoformat(ledger_due) if ledger_due else None,
    }


def tasks(*, batch: int = 500) -> Iterator[Mismatch]:
    owners = RectificationTask.objects.select_related("rating__case")
    for chunk in _chunks(owners, TaskEvent.objects, "task", batch, ("kind", "data")):
        for task, rows in chunk:
            replayed = _task_replay(rows)
            stored = {name: getattr(task, name) for name in replayed}
            if found := _differences(stored, replayed):
                yield Mismatch("task", task.number, found)


def _highest_case_id(cursor) -> int:
    """The highest id handed out to a case (the id column's sequence or AUTOINCREMENT counter)."""
    name = Case._meta.db_table
    if connection.vendor == "postgresql":
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [name])
        sequence = cursor.fetchone()[0]
        cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
        last, called = cursor.fetchone()
        return last if called else 0
    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [name])
    row = cursor.fetchone()
    return row[0] if row else 0


def missing_case_ids(*, limit: int = 1000) -> list[int]:
    """Ids handed out to cases that no longer exist (at most ``limit``): a case removed with its
    whole chain. One pass over the primary key (the gaps between neighbouring ids), up to the
    highest id handed out.

    SQLite hands out an id only with the row it is written with (AUTOINCREMENT), so every gap from
    1 on is a deletion. A PostgreSQL sequence also hands out ids to filings that are rolled back,
    before the first case too (another database's tests, a restored copy): there the gaps are
    looked for from the lowest case id on, and a gap may be a filing that was rolled back."""
    table = connection.ops.quote_name(Case._meta.db_table)
    from_one = connection.vendor != "postgresql"
    with connection.cursor() as cursor:
        highest = _highest_case_id(cursor)
        start = f"UNION ALL SELECT 0, (SELECT MIN(id) FROM {table})" if from_one else ""  # noqa: S608
        cursor.execute(
            f"""
            SELECT id, next_id FROM (
                SELECT id, LEAD(id) OVER (ORDER BY id) AS next_id FROM {table} {start}
            ) g
            WHERE COALESCE(next_id, %s + 1) > id + 1
            ORDER BY id
            """,  # noqa: S608
            [highest],
        )
        missing: list[int] = []
        for low, high in cursor.fetchall():
            high = highest + 1 if high is None else high
            missing.extend(range(low + 1, min(high, low + 1 + limit - len(missing))))
            if len(missing) >= limit:
                break
        return missing
