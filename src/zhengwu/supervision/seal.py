"""The daily seal (全程留痕): one hash over the head of every case's event chain at the end of a
day, chained to the previous seal, and the daily check for acceptances and decisions without
their certificate.

The head of a case's chain at the end of day D is its last event recorded before midnight that
ends D (Asia/Shanghai). The digest is SHA-256 over the lines ``case id:seq:hash`` of every case
with an event by then, in case order. Events are append-only, so the heads of D can be found
again at any later time: ``verify`` recomputes a seal and finds a chain altered, cut short, or
deleted whole (a case and all its events), which the per-case chain check alone cannot see.
Each seal's own hash covers the previous seal's, so a seal removed or rewritten shows too.

The recomputation reads every event, so no page runs it: after sealing a day, the daily step
enqueues ``recheck_seal`` for the seal before it (the one that has stood a day), and the worker
stores what it found on that seal's row; the supervisors' board reads the stored check and checks
only the chain of seals itself, which is cheap.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, Max, OuterRef
from django_tasks import task

from zhengwu.cases.models import Case, CaseEvent
from zhengwu.cases.rules import Action, State
from zhengwu.core import clock
from zhengwu.core.audit import GENESIS, chain_hash
from zhengwu.core.models import TrailAnchor
from zhengwu.supervision.models import DailySeal, Irregularity, IrregularityKind, SweepMark
from zhengwu.supervision.recipients import IRREGULARITY_ROLES, notify, table

# What a state requires in the trail: the event its dated written certificate is issued from
# (cases.notices: 受理通知书 from accept / deem_accept, 准予/不予许可决定书 from decide_*).
ACCEPTANCE_EVENTS = (Action.ACCEPT.value, Action.DEEM_ACCEPT.value)
DECISION_EVENTS = (Action.DECIDE_GRANT.value, Action.DECIDE_DENY.value)
ACCEPTED_STATES = (
    State.ACCEPTED.value,
    State.SUSPENDED.value,
    State.GRANTED.value,
    State.DENIED.value,
    State.DELIVERED.value,
)
DECIDED_STATES = (State.GRANTED.value, State.DENIED.value, State.DELIVERED.value)
# The row the daily step locks (``SweepMark``): one daily step at a time.
DAILY_LOCK = "daily"
# The certificate check reads and writes its findings this many at a time.
CERTIFICATE_BATCH = 1_000


@dataclass(frozen=True)
class Heads:
    cases: int
    events: int
    digest: str


def heads(day: dt.date) -> Heads:
    """The digest of every chain head at the end of ``day``, streamed in case order."""
    end = _end_of(day)
    event = table(CaseEvent)
    anchor = table(TrailAnchor)
    digest = hashlib.sha256()
    cases = events = 0
    with connection.cursor() as cursor:
        # A case whose events up to then were all archived has its anchor (its last archived
        # event) as its head: exact for the days after the archived months (``archived_until``).
        cursor.execute(
            f"""
            SELECT case_id, seq, hash FROM (
                SELECT e.case_id, e.seq, e.hash
                FROM {event} e
                JOIN (SELECT case_id, max(seq) AS seq FROM {event}
                      WHERE recorded_at < %s GROUP BY case_id) m
                  ON m.case_id = e.case_id AND m.seq = e.seq
                UNION ALL
                SELECT a.owner_id, a.seq, a.hash FROM {anchor} a
                WHERE a.events_table = %s AND a.recorded_at < %s
                  AND NOT EXISTS (SELECT 1 FROM {event} k
                                  WHERE k.case_id = a.owner_id AND k.recorded_at < %s)
            ) h
            ORDER BY case_id
            """,  # noqa: S608
            [end, CaseEvent._meta.db_table, end, end],
        )
        while rows := cursor.fetchmany(10_000):
            for case_id, seq, head in rows:
                digest.update(f"{case_id}:{seq}:{head}\n".encode())
                cases += 1
                events += seq
    return Heads(cases, events, digest.hexdigest())


def _end_of(day: dt.date) -> dt.datetime:
    return clock.start_of_day(day + dt.timedelta(days=1))


def archived_until() -> dt.datetime | None:
    """The last archived case event's time (``manage.py partitions --archive-before``): the
    heads of a day that ended by then were partly archived and are not recomputed."""
    return TrailAnchor.objects.filter(events_table=CaseEvent._meta.db_table).aggregate(
        last=Max("recorded_at")
    )["last"]


def _recomputable(day: dt.date, until: dt.datetime | None) -> bool:
    return until is None or _end_of(day) > until


def _payload(day: dt.date, found: Heads) -> dict:
    return {"day": day, "cases": found.cases, "events": found.events, "digest": found.digest}


def seal(day: dt.date) -> DailySeal | None:
    """Seal ``day`` unless it is sealed already (two sweeps at once: one seal)."""
    if DailySeal.objects.filter(day=day).exists():
        return None
    found = heads(day)
    previous = DailySeal.objects.filter(day__lt=day).order_by("-day").first()
    prev_hash = previous.hash if previous else GENESIS
    try:
        with transaction.atomic():
            return DailySeal.objects.create(
                day=day,
                cases=found.cases,
                events=found.events,
                digest=found.digest,
                prev_hash=prev_hash,
                hash=chain_hash(prev_hash, _payload(day, found)),
                created_at=clock.now(),
            )
    except IntegrityError:
        return None


@dataclass(frozen=True)
class SealProblem:
    day: dt.date
    reason: str
    sealed: tuple[int, int]  # (cases, events) sealed
    found: tuple[int, int]  # (cases, events) now


def chain_problems(seals) -> list[SealProblem]:
    """The seals (in day order) whose own hash no longer follows from the seal before them."""
    problems = []
    prev = GENESIS
    for row in seals:
        stated = Heads(row.cases, row.events, row.digest)
        if row.prev_hash != prev or row.hash != chain_hash(prev, _payload(row.day, stated)):
            problems.append(SealProblem(row.day, "seal_chain", (row.cases, row.events), (0, 0)))
        prev = row.hash
    return problems


def _heads_problem(row: DailySeal, found: Heads) -> SealProblem | None:
    if found.digest == row.digest:
        return None
    return SealProblem(
        row.day, "heads_changed", (row.cases, row.events), (found.cases, found.events)
    )


def verify(*, all_seals: bool = False) -> list[SealProblem]:
    """Recompute the latest seal (or every one) and check the chain of seals."""
    seals = list(DailySeal.objects.order_by("day"))
    problems = chain_problems(seals)
    until = archived_until()
    for row in seals if all_seals else seals[-1:]:
        if not _recomputable(row.day, until):
            continue  # its heads are in the archive (the chain of seals still covers it)
        problem = _heads_problem(row, heads(row.day))
        if problem:
            problems.append(problem)
    return problems


def recheck(day: dt.date) -> SealProblem | None:
    """Recompute the seal of ``day`` from the events and store what was found on its row; a day
    whose heads were archived is left as it is."""
    if not _recomputable(day, archived_until()):
        return None
    found = heads(day)
    DailySeal.objects.filter(day=day).update(
        rechecked_at=clock.now(),
        recheck_cases=found.cases,
        recheck_events=found.events,
        recheck_digest=found.digest,
    )
    row = DailySeal.objects.filter(day=day).first()
    return _heads_problem(row, found) if row else None


_inline = contextvars.ContextVar("recheck_inline", default=False)


@contextlib.contextmanager
def rechecked_inline():
    """Recheck the seal before the one made inside at once, not through the task queue: for
    sweeps that are history when run (the demo's year), so no worker recomputes a year of seals
    on its first start."""
    token = _inline.set(True)
    try:
        yield
    finally:
        _inline.reset(token)


@task()
def recheck_seal(day: str) -> bool:
    """The worker's half of the daily step: True when the seal of ``day`` still matches."""
    return recheck(dt.date.fromisoformat(day)) is None


def missing_certificates(today: dt.date, now: dt.datetime, token: str) -> int:
    """Cases whose state says accepted or decided while their trail holds no event the
    certificate is issued from (state written behind the services' back: 体外循环)."""
    found = 0
    for key, states, kinds in (
        ("acceptance", ACCEPTED_STATES, ACCEPTANCE_EVENTS),
        ("decision", DECIDED_STATES, DECISION_EVENTS),
    ):
        has_event = CaseEvent.objects.filter(case_id=OuterRef("pk"), kind__in=kinds)
        recorded = Irregularity.objects.filter(
            case_id=OuterRef("pk"), kind=IrregularityKind.NO_CERTIFICATE, key=key
        )
        # A case whose earliest events were archived may have its certificate's event there.
        archived = TrailAnchor.objects.filter(
            events_table=CaseEvent._meta.db_table, owner_id=OuterRef("pk")
        )
        rows = (
            Case.objects.filter(state__in=states)
            .exclude(Exists(has_event))
            .exclude(Exists(recorded))
            .exclude(Exists(archived))
            .values("id", "department_id", "state", "accepted_on", "completed_on")
        )
        # Streamed and written a batch at a time: what the check holds in memory is one batch,
        # however many cases a province's tables hold or a fault has left without their event.
        batch: list[Irregularity] = []
        for row in rows.iterator(chunk_size=CERTIFICATE_BATCH):
            batch.append(
                Irregularity(
                    case_id=row["id"],
                    department_id=row["department_id"],
                    kind=IrregularityKind.NO_CERTIFICATE,
                    key=key,
                    evidence={
                        "step": key,
                        "state": row["state"],
                        "accepted_on": _iso(row["accepted_on"]),
                        "completed_on": _iso(row["completed_on"]),
                        "missing_events": list(kinds),
                    },
                    detected_on=today,
                    detected_at=now,
                    sweep=token,
                )
            )
            if len(batch) == CERTIFICATE_BATCH:
                Irregularity.objects.bulk_create(batch, ignore_conflicts=True)
                found += len(batch)
                batch = []
        Irregularity.objects.bulk_create(batch, ignore_conflicts=True)
        found += len(batch)
    return found


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def daily(today: dt.date) -> str:
    """Seal yesterday and check the certificates, once a day; the day sealed, or ""."""
    import uuid

    from zhengwu.notifications.tasks import deliver

    yesterday = today - dt.timedelta(days=1)
    if DailySeal.objects.filter(day=yesterday).exists():
        return ""
    token = uuid.uuid4().hex
    now = clock.now()
    with transaction.atomic():
        # One daily step at a time: on a province's tables the seal and the certificate check
        # each read every case and its events; a second scheduler waits here and then finds
        # the day sealed, instead of doing the same reads at the same time.
        mark, _created = SweepMark.objects.get_or_create(name=DAILY_LOCK)
        SweepMark.objects.select_for_update().filter(pk=mark.pk).get()
        if DailySeal.objects.filter(day=yesterday).exists():
            return ""
        sealed = seal(yesterday)
        if sealed is None:
            return ""
        before = DailySeal.objects.filter(day__lt=yesterday).order_by("-day").first()
        if before is not None and _inline.get():
            recheck(before.day)
        elif before is not None:
            day = before.day.isoformat()
            transaction.on_commit(lambda: recheck_seal.enqueue(day))
        if missing_certificates(today, now, token) and notify(
            Irregularity, "irregularity", "kind", IRREGULARITY_ROLES, token, now
        ):
            transaction.on_commit(lambda: deliver.enqueue(token))
    return yesterday.isoformat()
