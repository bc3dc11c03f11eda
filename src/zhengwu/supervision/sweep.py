"""The supervision sweep (电子监察, DOMAIN §4), set-based.

``run()`` is one sweep (``manage.py supervise --once``, the ``supervise`` task, or every
``--interval`` seconds):

1. **Deemed acceptance**: ``cases.services.deem_overdue`` records it on every case whose intake
   limit has passed (rare; one indexed query finds them, each is recorded under its row lock).
2. **Levels**: one UPDATE per kind of open case (running, suspended) brings ``level`` and
   ``statutory_overdue`` up to today, writing only the rows whose stored values change. The
   working days left are not stored (they change daily for every case; read them through
   ``zhengwu.cases.selectors.remaining_workdays``), so the levels are pure date comparisons
   with thresholds computed once (``thresholds``). The result equals
   ``cases.clocks.compute_clocks`` (the one clock computation; tests prove it case by case):
   - ``statutory_overdue`` when today is after ``statutory_due``; otherwise ``red`` when today is
     after ``promised_due``; otherwise ``yellow`` when at most 1 working day is left (the promised
     due date comes before the second working day after today); otherwise ``normal``. A case not
     accepted yet stays ``normal`` (its intake is watched through deemed acceptance) and is not
     written.
   - A suspended case (special procedure) keeps the clocks of its last step: while it waits, a
     due date the suspension began on or before moves on by the working days waited, so its
     working days left and its level stay as they were, and every read carries the dates forward
     to today (``cases.clocks.carry_forward``, ``cases.selectors.as_of_today``). Only a due date
     that stays put (the suspension began after it, or it is the acceptance day itself) can be
     passed while the case waits; the sweep writes those cases, their clocks carried to today
     with the new level (the calendar as a table of working-day ordinals, ``WorkdayOrdinal``).
   ``clocks_on`` is the day the stored clocks were last computed for; they hold unchanged until
   today for a case the sweep did not write.
3. **Warnings**: every open case at a warning level that has no warning of that level for its
   current limit yet (``period`` 0, or 1 after the extension; the unique constraint skips the
   others) is recorded, and the department's reviewers and heads and the department's head are
   notified (``_record``): the cases the day's UPDATEs wrote, those with new events, and on the
   first sweep ever all of them. On PostgreSQL each UPDATE records its own cases in the same
   statement (``advance``: warnings from its ``RETURNING``, notifications from theirs), and on a
   large table the day's UPDATEs run in ranges of blocks on ``settings.SWEEP_WORKERS``
   connections at once, each in its own transaction; elsewhere an INSERT ... SELECT finds the
   cases written since the previous day's sweep's day. A unique constraint on (case, level,
   period) makes a second sweep, or two at once, record nothing twice.
4. **Irregularities** from the case events written since the last sweep (a high-water mark of
   event ids, plus the last 15 minutes again for transactions that committed late): deemed
   acceptance, retroactive entry, a second supplement notice that asks for new materials; and
   from the cases: a granted case not delivered by its delivery due date (环节超时); from the
   joint review meetings: an attendee who may not decide on the spot
   (``supervision.meetings``). Unique on (case, kind, key). Each new one is told to the
   department's head.
5. **Supplement reminders**: the applicant of a case waiting for materials is reminded once, the
   working day before the supplement period ends (``notifications.applicant_messages``).
6. **Joint cases** (联办件, ``zhengwu.supervision.joint_sweep``): the same steps for their joint
   clocks (deemed acceptance, levels, warnings, irregularities), told to the lead department.
7. Once a day (``daily``): the seal of yesterday's chain heads and the check for acceptances and
   decisions without their certificate (``zhengwu.supervision.seal``).

E-mail and SMS go out from a task enqueued when the sweep's transaction (or a range's) commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from zhengwu.cases import services as case_services
from zhengwu.cases.models import OPEN_STATE_VALUES, WARNING_LEVELS, Case, CaseEvent
from zhengwu.cases.rules import Action, State
from zhengwu.core import clock
from zhengwu.notifications import applicant_messages
from zhengwu.supervision import joint_sweep
from zhengwu.supervision.meetings import record_powerless_attendees
from zhengwu.supervision.models import (
    CaseWarning,
    Irregularity,
    IrregularityKind,
    SweepMark,
    WorkdayOrdinal,
)
from zhengwu.supervision.recipients import (
    IRREGULARITY_ROLES,
    WARNING_ROLES,
    level_sql,
    notifications_sql,
    notify,
    rowcount,
    sql_list,
    table,
)
from zhengwu.supervision.rectifications import record_overdue_rectifications
from zhengwu.workdays.loader import get_calendar

LOCK = "sweep"
LEVELS = "levels"
EVENTS = "events"
WORKDAYS = "workdays"
RESCAN = dt.timedelta(minutes=15)
BATCH = 5_000
# The day's level writes are cut into ranges of at least this many blocks of the cases table
# (8 KB each: about 30,000 cases), swept on ``settings.SWEEP_WORKERS`` connections at once.
PART_BLOCKS = 4_096


@dataclass
class Result:
    deemed_accepted: int = 0
    refreshed: int = 0
    warnings: int = 0
    irregularities: int = 0
    notified: int = 0
    reminded: int = 0
    joint_deemed_accepted: int = 0
    joint_refreshed: int = 0
    joint_warnings: int = 0
    joint_irregularities: int = 0
    sealed: str = ""

    def line(self) -> str:
        return " ".join(f"{k}={v}" for k, v in asdict(self).items() if k != "sealed" or v)


def _lock() -> None:
    """One sweep at a time (PostgreSQL: a row lock; SQLite serialises writers anyway)."""
    SweepMark.objects.get_or_create(name=LOCK)
    SweepMark.objects.select_for_update().get(name=LOCK)


# The suspended cases with a due date no pause moves: the predicate of the partial index
# ``case_suspended_fixed_due`` (cases.models), written the same way so the planner uses it.
_STAYS_SQL = "(c.{0} < c.suspended_since OR c.{0} <= c.accepted_on)"  # a due date no pause moves
FIXED_DUE_SQL = f"({_STAYS_SQL.format('promised_due')} OR {_STAYS_SQL.format('statutory_due')})"


# ---------------------------------------------------------------- the calendar as a table


def _calendar_rows(calendar):
    day = calendar.first
    provisional = 0
    one = dt.timedelta(days=1)
    while day <= calendar.last:
        flag = calendar.is_workday(day)
        if flag.provisional:
            provisional += 1
        yield day, calendar.workday_index(day), provisional, bool(flag)
        day += one


# The digest of each calendar (an immutable snapshot) this process has swept with: every sweep
# compares it with the table's, and computing it walks every day of the calendar.
_digests: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def sync_workdays(calendar=None) -> bool:
    """Rebuild ``WorkdayOrdinal`` when the calendar differs from the one it was built from."""
    calendar = calendar or get_calendar()
    rows = None
    digest = _digests.get(calendar)
    if digest is None:
        rows = list(_calendar_rows(calendar))
        digest = hashlib.sha256(
            "".join(f"{d.isoformat()}{w:d}{p}" for d, _o, p, w in rows).encode()
        ).hexdigest()
        _digests[calendar] = digest
    mark, _created = SweepMark.objects.get_or_create(name=WORKDAYS)
    if mark.text == digest:
        return False
    if rows is None:
        rows = list(_calendar_rows(calendar))
    WorkdayOrdinal.objects.all().delete()
    WorkdayOrdinal.objects.bulk_create(
        [WorkdayOrdinal(day=d, ordinal=o, provisional_ordinal=p, workday=w) for d, o, p, w in rows],
        batch_size=2_000,
    )
    SweepMark.objects.filter(pk=mark.pk).update(text=digest, updated_at=clock.now())
    return True


# ---------------------------------------------------------------- levels


@dataclass(frozen=True)
class Thresholds:
    """The dates the day's levels are compared with, computed once per sweep."""

    today: dt.date
    ordinal: int  # working-day ordinal of today
    provisional_ordinal: int  # provisional days up to today
    yellow_before: dt.date  # the second working day after today
    firm_from: dt.date  # a due date before it has a provisional day in (due, today]
    provisional_from: dt.date | None  # one on or after it has a provisional day in (today, due]


def thresholds(today: dt.date, calendar) -> Thresholds:
    tprov = WorkdayOrdinal.objects.get(day=today).provisional_ordinal
    days = WorkdayOrdinal.objects.order_by("day").values_list("day", flat=True)
    return Thresholds(
        today=today,
        ordinal=calendar.workday_index(today),
        provisional_ordinal=tprov,
        yellow_before=calendar.add(today, 2),
        firm_from=days.filter(provisional_ordinal=tprov).first(),
        provisional_from=days.filter(provisional_ordinal__gt=tprov).first(),
    )


def refresh_levels(today: dt.date | None = None) -> int:
    """Bring the stored levels of the open cases up to ``today`` (default: today); the number of
    cases written. Only the rows whose level (or statutory flag, or provisional flag) moves today
    are written. A suspended case is written only when it passes a due date that stays put; the
    others keep the clocks of their last step, carried forward when read. The working days left
    are not stored (``zhengwu.cases.selectors.remaining_workdays``)."""
    done = 0
    with connection.cursor() as cursor:
        for statement in level_statements(today or clock.today()):
            cursor.execute(statement)
            done += rowcount(cursor)
    return done


def _in_blocks(alias: str, blocks: tuple[int, int | None] | None) -> str:
    """``AND`` the rows of heap blocks [first, last) (PostgreSQL's TID range scan), or nothing."""
    if blocks is None:
        return ""
    first, last = (int(b) if b is not None else None for b in blocks)
    cond = f" AND {alias}.ctid >= '({first},0)'::tid"
    return cond + (f" AND {alias}.ctid < '({last},0)'::tid" if last is not None else "")


def level_statements(today: dt.date, blocks: tuple[int, int | None] | None = None) -> list[str]:
    """The UPDATEs of ``refresh_levels``: the cases whose clocks run, then the suspended ones;
    with ``blocks`` (PostgreSQL), only the cases stored in that range of the table's blocks."""
    calendar = get_calendar()
    sync_workdays(calendar)
    th = thresholds(today, calendar)
    t, y2 = today.isoformat(), th.yellow_before.isoformat()
    tord, tprov = th.ordinal, th.provisional_ordinal
    case, w = table(Case), table(WorkdayOrdinal)
    # A provisional day between today and the promised due date, in either direction.
    touches = f"{case}.promised_due < '{th.firm_from.isoformat()}'"
    if th.provisional_from is not None:
        touches += f" OR {case}.promised_due >= '{th.provisional_from.isoformat()}'"
    level = level_sql(t, y2, f"{case}.statutory_due", f"{case}.promised_due")
    running = sql_list(v for v in OPEN_STATE_VALUES if v != State.SUSPENDED)
    in_blocks = _in_blocks(case, blocks)
    # A suspended case's level moves only when today passes a due date that stays put
    # (FIXED_DUE_SQL: through the partial index ``case_suspended_fixed_due``).
    stays = _STAYS_SQL
    passed = (
        f"(({stays.format('promised_due')} AND c.promised_due < '{t}'"
        f" AND c.level NOT IN ('red', 'statutory_overdue'))"
        f" OR ({stays.format('statutory_due')} AND c.statutory_due < '{t}'"
        f" AND c.level <> 'statutory_overdue'))"
    )
    return [
        # Running clocks: the due dates stay; a row is written only when its level crosses a
        # threshold (one pass over the open cases, a write per changed row).
        f"""
        UPDATE {case} SET
            level = {level},
            statutory_overdue = ({case}.statutory_due < '{t}'),
            provisional = ({case}.provisional OR {touches}),
            clocks_on = '{t}'
        WHERE {case}.state IN ({running}) AND {case}.promised_due IS NOT NULL{in_blocks}
          AND ({case}.level <> {level}
               OR {case}.statutory_overdue <> ({case}.statutory_due < '{t}')
               OR (NOT {case}.provisional AND ({touches})))
        """,  # noqa: S608 (dates and numbers of our own)
        # Suspended, only those passing a due date that does not move (one the suspension began
        # after, or one on the acceptance day): their level moves, and their clocks are
        # carried forward to today with it. A due date the suspension began on or before moves
        # on by the working days since the clocks were computed.
        f"""
        WITH s AS (
            SELECT c.id AS id,
                   (c.promised_due >= c.suspended_since AND c.promised_due > c.accepted_on) AS mp,
                   (c.statutory_due >= c.suspended_since AND c.statutory_due > c.accepted_on)
                       AS ms,
                   c.promised_due AS p, c.statutory_due AS sd,
                   wp.ordinal AS po, wp.provisional_ordinal AS pp,
                   ws.ordinal AS so, ws.provisional_ordinal AS sp,
                   wy.ordinal AS yo, wy.provisional_ordinal AS yp
            FROM {case} c
            JOIN {w} wp ON wp.day = c.promised_due
            JOIN {w} ws ON ws.day = c.statutory_due
            JOIN {w} wy ON wy.day = c.clocks_on
            WHERE c.state = '{State.SUSPENDED.value}' AND {FIXED_DUE_SQL}
              AND c.clocks_on < '{t}' AND {passed}{_in_blocks("c", blocks)}
        ), n AS (
            SELECT s.id AS id, s.yo AS yo, s.yp AS yp,
                   CASE WHEN s.mp AND np.day IS NOT NULL THEN np.day ELSE s.p END AS p,
                   CASE WHEN s.mp AND np.day IS NOT NULL THEN np.provisional_ordinal
                        ELSE s.pp END AS pp,
                   CASE WHEN s.ms AND ns.day IS NOT NULL THEN ns.day ELSE s.sd END AS sd,
                   CASE WHEN s.ms AND ns.day IS NOT NULL THEN ns.provisional_ordinal
                        ELSE s.sp END AS sp
            FROM s
            LEFT JOIN {w} np ON np.workday AND np.ordinal = {tord} + s.po - s.yo
            LEFT JOIN {w} ns ON ns.workday AND ns.ordinal = {tord} + s.so - s.yo
        )
        UPDATE {case} SET
            promised_due = n.p,
            statutory_due = n.sd,
            level = {level_sql(t, y2, "n.sd", "n.p")},
            statutory_overdue = (n.sd < '{t}'),
            suspended_workdays = {case}.suspended_workdays + {tord} - n.yo,
            provisional = ({case}.provisional OR n.pp <> {tprov} OR n.sp <> {tprov}
                           OR n.yp <> {tprov}),
            clocks_on = '{t}'
        FROM n
        WHERE {case}.id = n.id AND {case}.state = '{State.SUSPENDED.value}'
          AND {case}.clocks_on < '{t}'
        """,  # noqa: S608
    ]


# ---------------------------------------------------------------- warnings and notifications


@dataclass
class Recorded:
    """What one step of the sweep wrote."""

    written: int = 0  # cases whose levels were written
    warnings: int = 0
    notified: int = 0
    sent_off: int = 0  # notifications whose e-mail and SMS a range enqueued at its own commit

    def __add__(self, other: Recorded) -> Recorded:
        return Recorded(
            self.written + other.written,
            self.warnings + other.warnings,
            self.notified + other.notified,
            self.sent_off + other.sent_off,
        )


# The columns of a case a warning is made from (the candidates' rows).
_CANDIDATE = (
    "id",
    "department_id",
    "level",
    "state",
    "extension_workdays",
    "statutory_due",
    "promised_due",
    "received_at",
)


def _chained() -> bool:
    """PostgreSQL writes a step's levels, warnings and notifications in one statement (data-
    modifying ``WITH``); other databases write them one after the other."""
    return connection.vendor == "postgresql"


def _record(candidates: str, params: list, today: dt.date, now: dt.datetime, token: str):
    """Record the open ``candidates`` (SQL yielding ``_CANDIDATE`` columns: a SELECT, or on
    PostgreSQL an ``UPDATE … RETURNING``) at a warning level without a warning of it for their
    current limit, and tell the department's reviewers and heads. The unique constraint on (case,
    level, period) is what keeps each warning single: a candidate already recorded is skipped by
    the insert itself (``ON CONFLICT DO NOTHING``), so the candidates are read once and checked
    against the warnings through that index only; (kind, source, recipient) does the same for the
    notifications."""
    warning = table(CaseWarning)
    row = f"""
        INSERT INTO {warning}
            (case_id, department_id, level, period, due, raised_on, raised_at, sweep,
             case_received_at)
        SELECT c.id, c.department_id, c.level,
               CASE WHEN c.extension_workdays > 0 THEN 1 ELSE 0 END,
               CASE WHEN c.level = 'statutory_overdue' THEN c.statutory_due
                    ELSE c.promised_due END,
               %s, %s, %s, c.received_at
        FROM {{source}} c
        WHERE c.state IN ({sql_list(OPEN_STATE_VALUES)})
          AND c.level IN ({sql_list(WARNING_LEVELS)})
        ON CONFLICT DO NOTHING
    """  # noqa: S608
    told = notifications_sql("warned", "warning", "level", WARNING_ROLES).format(where="")
    with connection.cursor() as cursor:
        if _chained():
            cursor.execute(
                f"""
                WITH changed AS ({candidates}),
                warned AS ({row.format(source="changed")}
                           RETURNING id, case_id, department_id, level, raised_at),
                told AS ({told} RETURNING 1)
                SELECT (SELECT count(*) FROM changed), (SELECT count(*) FROM warned),
                       (SELECT count(*) FROM told)
                """,  # noqa: S608
                [*params, today, now, token, "warning", token, now],
            )
            return Recorded(*cursor.fetchone())
        cursor.execute(row.format(source=f"({candidates})"), [today, now, token, *params])
        warnings = max(cursor.rowcount, 0)
    return Recorded(0, warnings, notify(CaseWarning, "warning", "level", WARNING_ROLES, token, now))


def advance(
    today: dt.date,
    now: dt.datetime,
    token: str,
    *,
    workers: int = 1,
    part_blocks: int = PART_BLOCKS,
) -> Recorded:
    """The day's first step on PostgreSQL: each of ``level_statements`` with the warnings and
    notifications of the cases it wrote, in one statement each (one pass over the open cases).

    With ``workers`` > 1 and a cases table of more than ``part_blocks`` blocks, the table is cut
    into ranges of blocks swept at once on their own connections, each range in its own
    transaction (which also enqueues the e-mail and SMS of what it notified). Every statement
    writes only rows whose stored values differ from today's, and every warning and notification
    is single by its unique key, so a range committed before another failed is simply found done
    by the next sweep. The caller must not hold uncommitted writes the ranges need to see."""
    ranges = _block_ranges(workers, part_blocks)
    if len(ranges) <= 1:
        return _advance_blocks(level_statements(today), today, now, token)
    statements = [level_statements(today, blocks) for blocks in ranges]
    with ThreadPoolExecutor(max_workers=min(workers, len(ranges))) as pool:
        parts = [pool.submit(_advance_range, part, today, now, token) for part in statements]
        done = Recorded()
        for part in parts:
            done += part.result()
    return done


def _advance_blocks(statements: list[str], today, now, token) -> Recorded:
    columns = ", ".join(f"{table(Case)}.{name}" for name in _CANDIDATE)
    done = Recorded()
    for statement in statements:
        done += _record(f"{statement} RETURNING {columns}", [], today, now, token)
    return done


def _advance_range(statements: list[str], today, now, token) -> Recorded:
    """One range of blocks, on this thread's own connection, in its own transaction."""
    from zhengwu.notifications.tasks import deliver

    try:
        with transaction.atomic():
            done = _advance_blocks(statements, today, now, token)
            if done.notified:
                transaction.on_commit(lambda: deliver.enqueue(token))
        done.sent_off = done.notified
        return done
    finally:
        connection.close()


def _block_ranges(workers: int, part_blocks: int) -> list[tuple[int, int | None]]:
    """[first, last) block ranges of about equal size cutting the cases table for ``workers``
    (the last one open, for rows stored past the end while the sweep runs); one range when the
    table is small, on a database that is not PostgreSQL, or for one worker."""
    if workers <= 1 or not _chained():
        return [(0, None)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_relation_size(%s) / current_setting('block_size')::bigint",
            [Case._meta.db_table],
        )
        blocks = int(cursor.fetchone()[0])
    parts = max(1, min(workers, -(-blocks // max(part_blocks, 1))))
    if parts == 1:
        return [(0, None)]
    step = -(-blocks // parts)
    return [(k * step, (k + 1) * step if k < parts - 1 else None) for k in range(parts)]


def record_warnings(
    today: dt.date,
    now: dt.datetime,
    token: str,
    *,
    since_event: int | None = None,
    written_since: dt.date | None = None,
) -> Recorded:
    """Record (``_record``) the open cases at a warning level without a warning of it for their
    current limit: all of them, or only the cases with an event after ``since_event`` and
    (``written_since``) those whose clocks were written after that day (by the sweep or a
    step)."""
    case, event = table(Case), table(CaseEvent)
    params: list = []
    touched = []
    if since_event is not None:
        touched.append(f"c.id IN (SELECT e.case_id FROM {event} e WHERE e.id > %s)")  # noqa: S608
        params.append(since_event)
    if written_since is not None:
        touched.append("c.clocks_on > %s")
        params.append(written_since)
    where = f"WHERE {' OR '.join(touched)}" if touched else ""
    columns = ", ".join(f"c.{name}" for name in _CANDIDATE)
    found = _record(f"SELECT {columns} FROM {case} c {where}", params, today, now, token)  # noqa: S608
    return Recorded(0, found.warnings, found.notified)  # read, not written


# ---------------------------------------------------------------- irregularities


def _evidence_of(event: dict, calendar) -> tuple[str, dict] | None:
    """The irregularity an event shows, if any: (kind, evidence)."""
    kind, data = event["kind"], event["data"] or {}
    occurred = clock.local_date(event["occurred_at"])
    recorded = clock.local_date(event["recorded_at"])
    if event["retroactive"]:
        return IrregularityKind.RETROACTIVE, {
            "action": kind,
            "occurred_at": event["occurred_at"].isoformat(),
            "recorded_at": event["recorded_at"].isoformat(),
            "actor": event["actor_name"],
            "lag_workdays": int(calendar.between(occurred, recorded)),
        }
    if kind == Action.DEEM_ACCEPT:
        return IrregularityKind.DEEMED_ACCEPTANCE, {
            "intake_due": data.get("intake_due"),
            "accepted_on": data.get("accepted_on"),
            "recorded_at": event["recorded_at"].isoformat(),
        }
    if kind == Action.REQUEST_SUPPLEMENT and data.get("added"):
        return IrregularityKind.REPEAT_SUPPLEMENT, {
            "round": data.get("round"),
            "added": list(data.get("added") or []),
            "missing": list(data.get("missing") or []),
            "actor": event["actor_name"],
            "occurred_at": event["occurred_at"].isoformat(),
        }
    return None


def _from_events(today: dt.date, now: dt.datetime, token: str) -> int:
    mark, _created = SweepMark.objects.get_or_create(name=EVENTS)
    suspicious = Q(retroactive=True) | Q(kind__in=[Action.DEEM_ACCEPT, Action.REQUEST_SUPPLEMENT])
    fields = (
        "id",
        "case_id",
        "case__department_id",
        "seq",
        "kind",
        "occurred_at",
        "recorded_at",
        "actor_name",
        "data",
        "retroactive",
    )
    calendar = get_calendar()
    high = mark.value
    found = 0
    recent = CaseEvent.objects.filter(suspicious, recorded_at__gte=now - RESCAN, id__lte=high)
    batches = [list(recent.values(*fields))]
    last = high
    while True:
        rows = list(
            CaseEvent.objects.filter(suspicious, id__gt=last).order_by("id").values(*fields)[:BATCH]
        )
        if not rows:
            break
        batches.append(rows)
        last = rows[-1]["id"]
    top = CaseEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    for rows in batches:
        new = []
        for row in rows:
            found_kind = _evidence_of(row, calendar)
            if found_kind is None:
                continue
            kind, evidence = found_kind
            new.append(
                Irregularity(
                    case_id=row["case_id"],
                    department_id=row["case__department_id"],
                    kind=kind,
                    key=f"event:{row['seq']}",
                    event_seq=row["seq"],
                    evidence={"seq": row["seq"], **evidence},
                    detected_on=today,
                    detected_at=now,
                    sweep=token,
                )
            )
        Irregularity.objects.bulk_create(new, ignore_conflicts=True, batch_size=1_000)
        found += len(new)
    SweepMark.objects.filter(pk=mark.pk).update(value=max(top, high), updated_at=now)
    return found


def _step_timeouts(today: dt.date, now: dt.datetime, token: str) -> None:
    """环节超时 inside a case still being handled: granted, not delivered by its due date."""
    late = (
        Case.objects.filter(state=State.GRANTED, delivered_on__isnull=True, delivery_due__lt=today)
        .exclude(irregularities__kind=IrregularityKind.STEP_TIMEOUT, irregularities__key="delivery")
        .values("id", "department_id", "delivery_due", "completed_on")
    )
    Irregularity.objects.bulk_create(
        [
            Irregularity(
                case_id=row["id"],
                department_id=row["department_id"],
                kind=IrregularityKind.STEP_TIMEOUT,
                key="delivery",
                evidence={
                    "step": "delivery",
                    "decided_on": row["completed_on"].isoformat(),
                    "due": row["delivery_due"].isoformat(),
                    "as_of": today.isoformat(),
                },
                detected_on=today,
                detected_at=now,
                sweep=token,
            )
            for row in late
        ],
        ignore_conflicts=True,
        batch_size=1_000,
    )


def detect_irregularities(today: dt.date, now: dt.datetime, token: str) -> int:
    _from_events(today, now, token)
    _step_timeouts(today, now, token)
    return Irregularity.objects.filter(sweep=token).count()


# ---------------------------------------------------------------- the sweep


def run(
    *, daily: bool = True, workers: int | None = None, part_blocks: int = PART_BLOCKS
) -> Result:
    """One sweep (see the module docstring). Safe to run twice, or on two machines at once.
    ``workers`` (default ``settings.SWEEP_WORKERS``) connections write the day's levels of a
    large cases table at once (``advance``); one when called inside a transaction."""
    from zhengwu.notifications.tasks import deliver
    from zhengwu.supervision import seal

    if workers is None:
        workers = settings.SWEEP_WORKERS
    if connection.in_atomic_block:
        workers = 1
    result = Result(deemed_accepted=case_services.deem_overdue())
    today, now = clock.today(), clock.now()
    joint = joint_sweep.prepare(today)
    token = uuid.uuid4().hex
    if workers > 1:
        # the ranges read the working-day table on their own connections: bring it up to the
        # calendar and commit first (under the lock, so two sweeps do not rebuild it at once)
        with transaction.atomic():
            _lock()
            sync_workdays()
    with transaction.atomic():
        _lock()
        # The first sweep of a day brings the levels up to today (writing the cases that change)
        # and records their warnings; the later ones look only at the cases with new events (the
        # services keep the clocks of a case they change up to date).
        levels, _created = SweepMark.objects.get_or_create(name=LEVELS)
        events, _created = SweepMark.objects.get_or_create(name=EVENTS)
        first_today = levels.text != today.isoformat()
        if first_today:
            # A case at a warning level was recorded by the sweep that wrote its level, unless
            # it was written after the last day's sweep's day or has events since the last sweep
            # (a step written on that day after its sweep has an event; a level changes without
            # an event only when the sweep of its day has not run yet); the first sweep ever
            # looks at every case.
            since = dt.date.fromisoformat(levels.text) if levels.text else None
            if _chained():
                # the cases written now are recorded with their writes
                recorded = advance(today, now, token, workers=workers, part_blocks=part_blocks)
                recorded += record_warnings(
                    today, now, token, since_event=events.value if since else None
                )
            else:
                recorded = Recorded(written=refresh_levels(today))
                recorded += record_warnings(
                    today,
                    now,
                    token,
                    since_event=events.value if since else None,
                    written_since=since,
                )
            SweepMark.objects.filter(pk=levels.pk).update(text=today.isoformat(), updated_at=now)
        else:
            recorded = record_warnings(today, now, token, since_event=events.value)
        result.refreshed, result.warnings = recorded.written, recorded.warnings
        result.irregularities = detect_irregularities(today, now, token)
        result.irregularities += record_overdue_rectifications(today, now, token)
        result.irregularities += record_powerless_attendees(today, now, token)
        result.notified = recorded.notified + notify(
            Irregularity, "irregularity", "kind", IRREGULARITY_ROLES, token, now
        )
        result.reminded = applicant_messages.remind_supplements(today, now, token)
        result.notified += result.reminded
        joint = joint_sweep.run_joint(today, now, token, levels=first_today, done=joint)
        result.joint_deemed_accepted, result.joint_refreshed = (
            joint.deemed_accepted,
            joint.refreshed,
        )
        result.joint_warnings = joint.warnings
        result.joint_irregularities = joint.irregularities
        result.notified += joint.notified
        if result.notified > recorded.sent_off:  # what the ranges did not send off themselves
            transaction.on_commit(lambda: deliver.enqueue(token))
    if daily:
        result.sealed = seal.daily(today)
    return result
