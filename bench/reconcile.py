"""Benchmark: the reconciliation of 1,000,000 department records against 1,000,000 cases of one
month (target ≤ 60 s).

A fresh PostgreSQL database gets the demo city (``migrate``, the demo departments and
catalogue), ``APPLICANTS`` applicants and ``--cases`` cases received in the month two months
before ``--today`` (a province's month), loaded with SQL (``INSERT ... SELECT ...
generate_series``) over the published items of the demo catalogue: 70 % delivered, 10 %
granted, 10 % accepted, 5 % refused, 5 % withdrawn, with their received, accepted, decided and
delivered days. Then one department record per case, as the department's system holds it: the
center's number and dates, except one record in 200 of each planted kind:

- 体外循环: a record under the department's own number for an applicant unknown here;
- 两头受理: a record under the department's own number for a case's applicant, item and day;
- 先办后录: a delivered case's record dated decided 10 days before the center's decision;
- dates against the trail: a delivered case's record decided the day before it was accepted.

Timed in-process: ``exchange.reconcile.reconcile`` of the month, every department (the grouped
count, the stream of the records that differ from their case, the matching of those without a
case by item, applicant and date, the classification and the inserts of the findings). Its
phases are timed apart (``phases_s``: ``count``, ``stream`` - reading the stream's rows -,
``by_attributes``, ``insert``, and ``classify``, the rest), with the growth of the process's
resident memory at its peak over the start (``peak_rss_growth_mib``, sampled every 50 ms) and
the bytes PostgreSQL spilled to temporary files (``temp_bytes``) during the run: the figures to
extrapolate from, size by size.

The check is per record: the planted records are listed in SQL from how they were made (the
``X``/``D`` numbers, the case ids ``id %% 200``), and the findings, as ``(record, kind)`` pairs,
must be exactly those: ``missed`` (a planted record not found, or found as another kind),
``false_flags`` (a finding on a record not planted with that kind) and ``twice`` (records with
more than one finding) must all be 0. The plans of the count and of the stream are printed.

Prints one JSON line:
{"bench": "reconcile", "cases": N, "records": N, "month": "YYYY-MM", "load_s": ...,
 "reconcile_s": ..., "phases_s": {...}, "peak_rss_growth_mib": ..., "temp_bytes": ...,
 "target_s": 60, "target_met": ..., "planted": {...}, "found": {...}, "missed": 0,
 "false_flags": 0, "twice": 0, "checked": true, "plans": {...}, "db": "postgresql", ...}

    python bench/reconcile.py [--small] [--smoke] [--cases N] [--database-url URL] [--keep]

--small loads 20,000 cases (--smoke 2,000); the default is 1,000,000 (about 1,010,000 records
with the 体外循环 ones). ``--cases`` sets any size in between, for the growth curve.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import sys
import tempfile
import threading
import time
from collections import Counter

from case_list import ITEMS_SQL, _person_id
from harness import (
    Record,
    add_common_arguments,
    demo_city_in_process,
    explain,
    frozen_today,
    plain_indexes,
    plan_summary,
    scratch_database,
    size,
    today_of,
)

TARGET_S = 60
# The applicant of case g is g mod APPLICANTS, received on day g mod 30 (or 31) of the month:
# with 49,999 applicants no applicant has two cases received or accepted on one day (up to
# 1,499,970 cases), so a planted 两头受理 record matches its own case and no other.
APPLICANTS = 49_999
EVERY = 200  # one record in EVERY of each planted kind
KINDS = ("off_system", "double_intake", "retroactive", "trail_conflict")
PHASES = ("count", "stream", "by_attributes", "classify", "insert")

CASES_SQL = """
WITH base AS MATERIALIZED (
    SELECT g, %(first)s::date + (g %% %(days)s)::int AS received_on, random() AS r_state,
           (random() * 1e9)::bigint AS r_item,
           (random() * 20)::int AS took
    FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g
)
INSERT INTO cases_case (
    id, number, item_id, item_version_id, department_id, applicant_id, owner_id, contact_phone,
    channel, window_id, created_by_id, state, materials, missing, received_at, received_on,
    intake_due, accepted_on, deemed_accepted, promised_due, statutory_due, delivery_due,
    delivered_on, suspended_since, suspended_workdays, extension_workdays, completed_on,
    completion, level, statutory_overdue, delivery_overdue, provisional,
    clocks_on, version, event_count, head_hash, created_at, updated_at)
SELECT
    g, to_char(received_on, 'YYYYMMDD') || lpad(g::text, 8, '0'), it.item_id, it.version_id,
    it.department_id, %(app_first)s + (g %% %(app_count)s), NULL, '13900000000',
    'window', NULL, NULL, st.state, '["M01"]'::jsonb, '[]'::jsonb,
    (received_on + time '10:00') AT TIME ZONE 'Asia/Shanghai', received_on, received_on + 7,
    d.accepted_on, false, d.accepted_on + 28, d.accepted_on + 28,
    CASE WHEN st.state IN ('granted', 'delivered') THEN d.completed_on + 14 END,
    CASE WHEN st.state = 'delivered' THEN d.completed_on + 1 END,
    NULL, 0, 0, d.completed_on,
    CASE WHEN d.completed_on IS NOT NULL THEN 'on_time' ELSE '' END,
    CASE WHEN st.state = 'accepted' THEN 'normal' ELSE '' END, false, false, false,
    %(today)s::date, 3, 0, '',
    (received_on + time '10:00') AT TIME ZONE 'Asia/Shanghai',
    (coalesce(d.completed_on, received_on) + time '16:00') AT TIME ZONE 'Asia/Shanghai'
FROM base
JOIN bench_items it ON it.k = base.r_item %% %(item_count)s
CROSS JOIN LATERAL (
    SELECT CASE WHEN r_state < 0.70 THEN 'delivered' WHEN r_state < 0.80 THEN 'granted'
                WHEN r_state < 0.90 THEN 'accepted' WHEN r_state < 0.95 THEN 'refused'
                ELSE 'withdrawn' END AS state
) AS st
CROSS JOIN LATERAL (
    SELECT CASE WHEN st.state = 'refused' THEN NULL ELSE received_on + 1 END AS accepted_on,
           CASE WHEN st.state IN ('delivered', 'granted') THEN received_on + 16 + took END
               AS completed_on
) AS d
"""

# The department's record of each case (the planted kinds by ``id %% EVERY``), and one record
# of its own per 体外循环 plant (an applicant number no applicant here has).
RECORDS_SQL = """
INSERT INTO exchange_departmentrecord (
    department_id, record_number, item_id, applicant_number, applicant_id, received_on,
    accepted_on, decided_on, delivered_on, batch_id, updated_at)
SELECT c.department_id,
       CASE WHEN c.id %% %(every)s = 1 THEN 'D' || c.id ELSE c.number END,
       c.item_id, a.id_number, c.applicant_id, c.received_on, c.accepted_on,
       CASE WHEN c.id %% %(every)s = 2 AND c.state = 'delivered' THEN c.completed_on - 10
            WHEN c.id %% %(every)s = 3 AND c.state = 'delivered' THEN c.accepted_on - 1
            ELSE c.completed_on END,
       c.delivered_on, %(batch)s, now()
FROM cases_case c JOIN accounts_applicant a ON a.id = c.applicant_id
WHERE c.id BETWEEN %(lo)s AND %(hi)s
UNION ALL
SELECT c.department_id, 'X' || c.id, c.item_id, '000000000000000000', NULL, c.received_on,
       c.accepted_on, NULL, NULL, %(batch)s, now()
FROM cases_case c
WHERE c.id BETWEEN %(lo)s AND %(hi)s AND c.id %% %(every)s = 4
"""


def month_of(today: dt.date) -> dt.date:
    first = today.replace(day=1)
    return (first - dt.timedelta(days=32)).replace(day=1)


def load(total: int, *, today: dt.date, chunk: int = 250_000) -> dict:
    """Applicants, ``total`` cases of the month and their records; the plain indexes are built
    after the rows are in, then ANALYZE. The planted rows by kind."""
    from django.db import connection

    from zhengwu.accounts.models import Department
    from zhengwu.cases import at_level
    from zhengwu.core import clock
    from zhengwu.exchange.models.inbound import RecordBatch

    month = month_of(today)
    days = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1) - month
    now = clock.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM accounts_applicant")
        app_first = cursor.fetchone()[0] + 1
        cursor.executemany(
            "INSERT INTO accounts_applicant (id, kind, name, id_number, uscc, "
            "legal_representative, contact, phone, created_at) "
            "VALUES (%s, 'person', %s, %s, '', '', '', '', %s)",
            [(app_first + i, f"申请人{i}", _person_id(i), now) for i in range(APPLICANTS)],
        )
        cursor.execute(ITEMS_SQL)
        cursor.execute("SELECT count(*) FROM bench_items")
        item_count = cursor.fetchone()[0]
        case_indexes = plain_indexes(cursor, "cases_case")
        record_indexes = plain_indexes(cursor, "exchange_departmentrecord")
        for name, _definition in case_indexes + record_indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SELECT setseed(0.42)")
        params = {
            "first": month,
            "days": days.days,
            "today": today,
            "item_count": item_count,
            "app_first": app_first,
            "app_count": APPLICANTS,
        }
        for lo in range(1, total + 1, chunk):
            cursor.execute(CASES_SQL, {**params, "lo": lo, "hi": min(total, lo + chunk - 1)})
        batch = RecordBatch.objects.create(
            department=Department.objects.order_by("pk").first(),
            source="api",
            rows=total,
            received_at=now,
        )
        for lo in range(1, total + 1, chunk):
            cursor.execute(
                RECORDS_SQL,
                {"every": EVERY, "batch": batch.pk, "lo": lo, "hi": min(total, lo + chunk - 1)},
            )
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), "
            "(SELECT max(id) FROM cases_case))"
        )
        at_level.rebuild()  # the open cases at warning levels: their triggers were off
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('exchange_departmentrecord', 'id'), "
            "(SELECT max(id) FROM exchange_departmentrecord))"
        )
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _name, definition in case_indexes + record_indexes:
            cursor.execute(definition)
        for table in ("cases_case", "exchange_departmentrecord", "accounts_applicant"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute(
            "SELECT count(*), "
            "count(*) FILTER (WHERE id %% %(every)s = 1 AND state <> 'refused'), "
            "count(*) FILTER (WHERE id %% %(every)s = 2 AND state = 'delivered'), "
            "count(*) FILTER (WHERE id %% %(every)s = 3 AND state = 'delivered'), "
            "count(*) FILTER (WHERE id %% %(every)s = 4) FROM cases_case",
            {"every": EVERY},
        )
        cases, double, retro, conflict, off = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM exchange_departmentrecord")
        records = cursor.fetchone()[0]
    return {
        "month": month,
        "cases": cases,
        "records": records,
        "planted": {
            "off_system": off,
            "double_intake": double,
            "retroactive": retro,
            "trail_conflict": conflict,
        },
    }


# The planted records, from how ``RECORDS_SQL`` made them: ``X<case id>`` (体外循环), ``D<case
# id>`` of a case not refused (两头受理: accepted at both), the center's number of a delivered
# case with ``id % EVERY`` 2 (先办后录) or 3 (dates against the trail). A case's number ends
# with its id on 8 digits.
PLANTED_SQL = """
SELECT r.id,
       CASE WHEN left(r.record_number, 1) = 'X' THEN 'off_system'
            WHEN left(r.record_number, 1) = 'D' THEN 'double_intake'
            WHEN c.id %% %(every)s = 2 THEN 'retroactive'
            ELSE 'trail_conflict' END
FROM exchange_departmentrecord r
JOIN cases_case c ON c.id = CASE WHEN left(r.record_number, 1) IN ('X', 'D')
                                 THEN substr(r.record_number, 2)::bigint
                                 ELSE right(r.record_number, 8)::bigint END
WHERE left(r.record_number, 1) = 'X'
   OR (left(r.record_number, 1) = 'D' AND c.state <> 'refused')
   OR (left(r.record_number, 1) NOT IN ('X', 'D') AND c.state = 'delivered'
       AND c.id %% %(every)s IN (2, 3))
"""


def planted_pairs() -> set[tuple[int, str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(PLANTED_SQL, {"every": EVERY})
        return {(row[0], row[1]) for row in cursor.fetchall()}


def check(planted: set[tuple[int, str]]) -> dict:
    """The findings against the planted records, pair by pair."""
    from zhengwu.exchange.models.inbound import ReconciliationFinding

    found = list(ReconciliationFinding.objects.values_list("record_id", "kind"))
    pairs = set(found)
    per_record = Counter(record for record, _kind in found)
    return {
        "missed": len(planted - pairs),
        "false_flags": len(pairs - planted),
        "twice": sum(1 for n in per_record.values() if n > 1),
    }


def plans(month: dt.date) -> dict[str, list[str]]:
    from django.db import connection

    from zhengwu.exchange import reconcile as module

    first, last = module.month_bounds(month)
    where, params = module._scope(first, last, None)
    count = module._sql(
        "SELECT r.department_id, COUNT(*), COUNT(c.id) FROM",
        module._join(),
        "WHERE",
        where,
        "GROUP BY r.department_id",
    )
    stream = module._sql(
        "SELECT r.id,",
        module.CASE_COLUMNS,
        "FROM",
        module._join(),
        "WHERE",
        where,
        f"AND NOT (c.id IS NOT NULL AND {module.CLEAN_SQL})",
    )
    with connection.cursor() as cursor:
        return {
            "count": plan_summary(explain(cursor, count, params, analyze=False)),
            "stream": plan_summary(explain(cursor, stream, params, analyze=False)),
        }


@contextlib.contextmanager
def phases():
    """Time the reconciliation's phases by wrapping its steps (``classify`` is what is left of
    the total: the rules, building the findings, the loop itself)."""
    from zhengwu.exchange import reconcile as module

    spent: Counter[str] = Counter()
    steps = {"_counts": "count", "_by_attributes": "by_attributes", "_insert": "insert"}
    originals = {name: getattr(module, name) for name in steps}

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[steps[name]] += time.perf_counter() - started

        return wrapper

    unclean = module._unclean

    def streamed(*args, **kwargs):
        rows = unclean(*args, **kwargs)
        while True:
            started = time.perf_counter()
            try:
                row = next(rows)
            except StopIteration:
                spent["stream"] += time.perf_counter() - started
                return
            spent["stream"] += time.perf_counter() - started
            yield row

    for name, function in originals.items():
        setattr(module, name, timed(name, function))
    module._unclean = streamed
    try:
        yield spent
    finally:
        for name, function in originals.items():
            setattr(module, name, function)
        module._unclean = unclean


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


@contextlib.contextmanager
def rss_peak(every: float = 0.05):
    """The growth of this process's resident memory during the block, its peak over the
    memory at the start (sampled every ``every`` seconds)."""
    start = _rss_kib()
    out = {"growth_kib": 0}
    done = threading.Event()

    def sample():
        while not done.wait(every):
            out["growth_kib"] = max(out["growth_kib"], _rss_kib() - start)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield out
    finally:
        done.set()
        sampler.join()
        out["growth_kib"] = max(out["growth_kib"], _rss_kib() - start)


def temp_bytes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # ends a transaction: the backend reports its statistics
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT temp_bytes FROM pg_stat_database WHERE datname = current_database()")
        return int(cursor.fetchone()[0] or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, "reconcile")
    parser.add_argument("--cases", type=int, default=None)
    args = parser.parse_args()
    record = Record("reconcile", args)
    total = args.cases or size(args, full=1_000_000, small=20_000, smoke=2_000)

    with (
        tempfile.TemporaryDirectory(prefix="zw-bench-reconcile-") as var_dir,
        scratch_database(args.database_url, keep=args.keep) as url,
    ):
        demo_city_in_process(url, var_dir)
        from django.db import connections
        from django.db.models import Count

        from zhengwu.exchange.models.inbound import ReconciliationFinding
        from zhengwu.exchange.reconcile import reconcile

        try:
            today = today_of(args)
            with frozen_today(today):
                started = time.perf_counter()
                loaded = load(total, today=today)
                load_s = time.perf_counter() - started
                planted = planted_pairs()
                temp_before = temp_bytes()
                with phases() as spent, rss_peak() as rss:
                    started = time.perf_counter()
                    summaries = reconcile(month=loaded["month"])
                    reconcile_s = time.perf_counter() - started
                time.sleep(1.1)  # a backend reports its statistics at most once a second
                spilled = temp_bytes() - temp_before
                found = dict(
                    ReconciliationFinding.objects.order_by()
                    .values_list("kind")
                    .annotate(n=Count("id"))
                )
                pairs = check(planted)
                record.plans.update(plans(loaded["month"]))
            record.measure_data(url)
        finally:
            connections.close_all()

    found = {kind: int(found.get(kind, 0)) for kind in KINDS}
    checked = (
        found == loaded["planted"]
        and len(planted) == sum(loaded["planted"].values())
        and not any(pairs.values())
        and sum(s.records for s in summaries) == loaded["records"]
    )
    spent["classify"] = reconcile_s - sum(spent.values())
    record.emit(
        {
            "cases": loaded["cases"],
            "records": loaded["records"],
            "month": f"{loaded['month']:%Y-%m}",
            "load_s": round(load_s, 1),
            "reconcile_s": round(reconcile_s, 2),
            "phases_s": {name: round(spent[name], 2) for name in PHASES},
            "peak_rss_growth_mib": round(rss["growth_kib"] / 1024, 1),
            "temp_bytes": spilled,
            "target_s": TARGET_S,
            "target_met": reconcile_s <= TARGET_S,
            "planted": loaded["planted"],
            "found": found,
            **pairs,
            "checked": checked,
            "db": "postgresql",
        }
    )
    if not checked:
        sys.exit(1)


if __name__ == "__main__":
    main()
