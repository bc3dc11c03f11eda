"""Reconciliation of the departments' records with the center's cases, one month at a time
(DOMAIN §14; the rules in ``reconcile_rules``). Set-based:

1. one grouped query counts each department's records of the month and those matched by number
   (a join on the case number), and finds nothing to read in the records whose dates are all
   their case's (``reconcile_rules.is_clean``): in a normal month, almost all of them;
2. one query streams the other records with the case their number matches, if any (a
   server-side cursor on PostgreSQL, read ``CHUNK`` rows at a time);
3. the records left without a case are matched by item, applicant and date as they come, a
   thousand at a time (the ``case_applicant`` index);
4. each record read is classified by ``reconcile_rules.classify``, and the findings are inserted
   ``CHUNK`` at a time, once per record and kind (a unique constraint: running a month again
   adds only what is new). Memory is bounded by these batch sizes, whatever the month's size;
5. the month's summary of each department is written (``Reconciliation``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count

from zhengwu.accounts.models import Department, User
from zhengwu.cases.models import Case
from zhengwu.core import clock
from zhengwu.core.queries import upsert
from zhengwu.exchange.models.inbound import (
    DepartmentRecord,
    Reconciliation,
    ReconciliationFinding,
)
from zhengwu.exchange.reconcile_rules import CenterCase, Dates, Match, Verdict, classify
from zhengwu.workdays.loader import get_calendar

SWEEP = "reconcile"
CHUNK = 5_000
MATCH_BATCH = 1_000


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def _sql(*parts: str) -> str:
    """A statement from fixed fragments and the models' own table names: no input is in it
    (the values are parameters)."""
    return " ".join(parts)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _tables() -> dict[str, str]:
    return {"r": _q(DepartmentRecord._meta.db_table), "c": _q(Case._meta.db_table)}


def _same(left: str, right: str) -> str:
    return f"({left} = {right} OR ({left} IS NULL AND {right} IS NULL))"


CLEAN_SQL = " AND ".join(
    _same(f"r.{ours}", f"c.{theirs}")
    for ours, theirs in (
        ("received_on", "received_on"),
        ("accepted_on", "accepted_on"),
        ("decided_on", "completed_on"),
        ("delivered_on", "delivered_on"),
    )
)
CASE_COLUMNS = (
    "c.id, c.number, c.state, c.received_on, c.accepted_on, c.completed_on, c.delivered_on"
)


def _scope(first: dt.date, last: dt.date, department: Department | None) -> tuple[str, list]:
    where, params = "r.received_on >= %s AND r.received_on <= %s", [first, last]
    if department is not None:
        where += " AND r.department_id = %s"
        params.append(department.pk)
    return where, params


def _join() -> str:
    t = _tables()
    return (
        f"{t['r']} r LEFT JOIN {t['c']} c "
        "ON c.number = r.record_number AND c.department_id = r.department_id"
    )


def _day(value) -> dt.date | None:
    """A date as the database returns it (SQLite: text)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _case(row) -> tuple[int, CenterCase] | None:
    if row[0] is None:
        return None
    return row[0], CenterCase(
        number=row[1], state=row[2], dates=Dates(*(_day(v) for v in row[3:7]))
    )


def _counts(where: str, params: list) -> dict[int, tuple[int, int, int]]:
    """``{department id: (records, matched by number, clean)}``."""
    sql = _sql(
        "SELECT r.department_id, COUNT(*), COUNT(c.id),",
        f"SUM(CASE WHEN c.id IS NOT NULL AND {CLEAN_SQL} THEN 1 ELSE 0 END)",
        "FROM",
        _join(),
        "WHERE",
        where,
        "GROUP BY r.department_id",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: (row[1], row[2], int(row[3] or 0)) for row in cursor.fetchall()}


def _unclean(where: str, params: list) -> Iterator[tuple]:
    """The records not clean: ``(id, department, number, item, applicant, 4 dates, case...)``."""
    sql = _sql(
        "SELECT r.id, r.department_id, r.record_number, r.item_id, r.applicant_id,",
        "r.received_on, r.accepted_on, r.decided_on, r.delivered_on,",
        CASE_COLUMNS,
        "FROM",
        _join(),
        "WHERE",
        where,
        f"AND NOT (c.id IS NOT NULL AND {CLEAN_SQL})",
    )
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            yield from rows


def _by_attributes(ids: list[int]) -> dict[int, tuple[int, CenterCase]]:
    """The first-filed case matching each record by item, applicant and date."""
    t = _tables()
    found: dict[int, tuple[int, CenterCase]] = {}
    for start in range(0, len(ids), MATCH_BATCH):
        batch = ids[start : start + MATCH_BATCH]
        marks = ", ".join(["%s"] * len(batch))
        sql = _sql(
            "SELECT r.id,",
            CASE_COLUMNS,
            "FROM",
            t["r"],
            "r JOIN",
            t["c"],
            "c ON c.applicant_id = r.applicant_id AND c.item_id = r.item_id",
            "AND c.department_id = r.department_id",
            "AND (c.received_on = r.received_on OR c.accepted_on = r.accepted_on)",
            f"WHERE r.id IN ({marks}) ORDER BY r.id, c.id",
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, batch)
            for row in cursor.fetchall():
                if row[0] not in found:
                    found[row[0]] = _case(row[1:])
    return found


def _finding(row, case_id, verdict: Verdict, month: dt.date, now) -> ReconciliationFinding:
    return ReconciliationFinding(
        record_id=row[0],
        department_id=row[1],
        case_id=case_id,
        kind=str(verdict.kind),
        key=str(verdict.evidence.get("step") or verdict.evidence.get("reason") or "")[:32],
        evidence=verdict.evidence,
        month=month,
        detected_on=clock.local_date(now),
        detected_at=now,
        sweep=SWEEP,
    )


def reconcile(
    *,
    month: dt.date,
    department: Department | None = None,
    actor: User | None = None,
) -> list[Reconciliation]:
    """Reconcile the records received in ``month`` (of ``department``, or of every department)
    with the center's cases; the summaries written, one per department."""
    first, last = month_bounds(month)
    where, params = _scope(first, last, department)
    calendar = get_calendar()
    margin = settings.RETROACTIVE_MARGIN_WORKDAYS
    now = clock.now()
    with transaction.atomic():
        counts = _counts(where, params)
        by_attributes: Counter[int] = Counter()
        findings: list[ReconciliationFinding] = []
        waiting: list[tuple] = []  # records without a case by number, matched a batch at a time

        def judge(rows: Iterable[tuple], matches: dict[int, tuple[int, CenterCase]] | None):
            for row in rows:
                if matches is None:
                    matched = _case(row[9:])
                    how = Match.NUMBER if matched else None
                else:
                    matched = matches.get(row[0])
                    how = Match.ATTRIBUTES if matched else None
                    if matched:
                        by_attributes[row[1]] += 1
                case_id, case = matched if matched else (None, None)
                verdict = classify(
                    record_number=row[2],
                    record=Dates(*(_day(v) for v in row[5:9])),
                    case=case,
                    matched_by=how,
                    calendar=calendar,
                    margin_workdays=margin,
                )
                if verdict is not None:
                    findings.append(_finding(row, case_id, verdict, first, now))
                    if len(findings) >= CHUNK:
                        _insert(findings)

        def match_waiting():
            matches = _by_attributes([row[0] for row in waiting if row[4] is not None])
            judge(waiting, matches)
            waiting.clear()

        # The stream stays open (a server-side cursor on PostgreSQL) while the records without
        # a case by number are matched and the findings inserted a batch at a time: what is held
        # in memory is bounded by the batch sizes, not by the month.
        for row in _unclean(where, params):
            if row[9] is not None:
                judge((row,), None)
                continue
            waiting.append(row)
            if len(waiting) >= MATCH_BATCH:
                match_waiting()
        match_waiting()
        _insert(findings)
        return _summaries(counts, by_attributes, first, department, actor, now)


def _insert(findings: list[ReconciliationFinding]) -> None:
    ReconciliationFinding.objects.bulk_create(findings, ignore_conflicts=True, batch_size=1_000)
    findings.clear()


def _summaries(counts, by_attributes, month, department, actor, now) -> list[Reconciliation]:
    kinds: dict[int, dict[str, int]] = defaultdict(dict)
    found = ReconciliationFinding.objects.filter(month=month)
    if department is not None:
        found = found.filter(department=department)
    for dept, kind, n in (
        found.order_by().values_list("department_id", "kind").annotate(n=Count("id"))
    ):
        kinds[dept][kind] = n
    if department is not None:
        counts.setdefault(department.pk, (0, 0, 0))
    out = []
    for dept, (records, numbered, _clean) in sorted(counts.items()):
        matched = by_attributes.get(dept, 0)
        out.append(
            upsert(
                Reconciliation,
                values={
                    "department": dept,
                    "month": month,
                    "records": records,
                    "by_number": numbered,
                    "by_attributes": matched,
                    "unmatched": records - numbered - matched,
                    "findings": kinds.get(dept, {}),
                    "run_at": now,
                    "run_by": actor.pk if actor is not None else None,
                },
                conflict=["department", "month"],
                update=[
                    "records",
                    "by_number",
                    "by_attributes",
                    "unmatched",
                    "findings",
                    "run_at",
                    "run_by",
                ],
            )
        )
    return out
