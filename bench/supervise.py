"""Benchmark: one full supervision sweep over a million open cases, beside a plain indexed scan.

A fresh PostgreSQL database gets the demo city (``migrate``, ``seed_demo``: departments, their
reviewers and heads, the catalogue) and ``--cases`` OPEN cases loaded with SQL (``INSERT ...
SELECT ... generate_series``): the published items of the demo catalogue with their departments,
85 % under review, 3 % suspended (a special procedure begun before the due date), 7 % awaiting
intake (intake not yet due), 5 % awaiting supplement; accepted over the last 30 days, promised and
statutory due dates counted on the real calendar (the ``WorkdayOrdinal`` table the sweep uses),
stored clocks computed for the day before yesterday; no events (the sweep's clock work reads none).
Then VACUUM ANALYZE.

The data is built for ``--today`` (a fixed working day by default, so two runs on different
days do the same work). Timed, with ``zhengwu.core.clock`` frozen:
- ``first_sweep_s``: the sweep of yesterday, the first ever: every level moves by a working day,
  and every yellow or red case gets its first warning and notifications (recorded from nothing);
- ``sweep_s``: the sweep of today (the figure the target is about), after a VACUUM (what
  autovacuum does in the day between two sweeps; the scheduled job runs none itself, so it is
  not timed): every level moves by a working day, and only the cases that reached a new level
  are recorded and notified;
- ``repeat_sweep_s``: the same sweep again the same day (nothing to do);
- every sweep is ``sweep.run(daily=True)``, as ``manage.py supervise`` runs it: the daily seal
  and the certificate check included;
- ``reference_s``: ``SELECT count(*) FROM cases_case WHERE state IN (open)``, index-only (after
  a VACUUM, the best of three) through whichever index of the open cases the planner finds
  cheapest, all of them indexes the sweep itself reads: ``case_state_intake`` (state,
  intake_due; the sweep's deemed acceptances) or ``case_open_due`` (the open cases' due dates;
  its warnings and the warning lists); ``reference_index`` names it, its plan is printed on
  stderr and in the line (``plans``), and ``reference_index_only`` says the plan read no table
  pages;
- ``ratio``: ``sweep_s / reference_s``;
- ``levels_count_s``: the open cases by (state, level), beside it: ``level`` is in no index
  (decision 0004), so this reads the table (a parallel sequential scan); not used for the ratio.
The sweep runs as ``manage.py supervise`` does: the day's levels on ``ZHENGWU_SWEEP_WORKERS``
connections (default 2, docs/supervision.md).

Prints one JSON line (with the harness's ``machine``, ``commit``, ``load_before``,
``load_after``, ``today``, ``size``, ``data_bytes``, ``plans``):
{"bench": "supervise", "cases": N, "load_s": ..., "first_sweep_s": ..., "sweep_s": ...,
 "repeat_sweep_s": ..., "reference_s": ..., "reference_index_only": true, "ratio": ...,
 "levels_count_s": ..., "rows_updated": ..., "warnings_new": ..., "notified_new": ...,
 "sealed": ..., "levels": {...}, "target_sweep_s": 10, "target_ratio": 10, "db": "postgresql"}

    python bench/supervise.py [--small | --smoke] [--cases N] [--today YYYY-MM-DD]
                              [--database-url URL] [--keep]

--smoke loads 2,000 cases, --small 20,000; the default is 1,000,000.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time

from harness import (
    Record,
    add_common_arguments,
    explain,
    frozen_today,
    heap_reads,
    manage,
    plan_nodes,
    plan_summary,
    project_env,
    scratch_database,
    seed_demo,
    size,
    today_of,
)

TARGET_SWEEP_S = 10
TARGET_RATIO = 10
OPEN = "('submitted', 'supplement_requested', 'accepted', 'suspended')"

ITEMS_SQL = """
CREATE TEMP TABLE bench_items AS
SELECT (row_number() OVER (ORDER BY i.id) - 1)::int AS k, i.id AS item_id, v.id AS version_id,
       i.department_id, greatest(v.statutory_limit, 1) AS statutory,
       greatest(least(coalesce(nullif(v.promised_limit, 0), v.statutory_limit),
                      v.statutory_limit), 1) AS promised
FROM catalog_serviceitem i JOIN catalog_serviceitemversion v ON v.id = i.current_version_id
WHERE i.status = 'published'
"""

# One chunk of open cases. w = the working-day table; o0 = the ordinal of the clocks' day.
CASES_SQL = """
WITH base AS MATERIALIZED (
    SELECT g, random() AS r_state, (random() * 1e9)::bigint AS r_item,
           (random() * 1e9)::bigint AS r_app, (random() * 22)::int AS back
    FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g
)
INSERT INTO cases_case (
    id, number, item_id, item_version_id, department_id, applicant_id, owner_id, contact_phone,
    channel, window_id, created_by_id, state, materials, missing, received_at, received_on,
    intake_due, accepted_on, deemed_accepted, promised_due, statutory_due, delivery_due,
    delivered_on, suspended_since, suspended_workdays, extension_workdays, completed_on,
    completion, workdays_used, level, statutory_overdue, delivery_overdue,
    provisional, clocks_on, version, event_count, head_hash, created_at, updated_at)
SELECT
    g, 'B' || lpad(g::text, 10, '0'), it.item_id, it.version_id, it.department_id,
    %(app)s, NULL, '', 'window', NULL, NULL, st.state, '["M01"]'::jsonb, '[]'::jsonb,
    acc.day AT TIME ZONE 'Asia/Shanghai', acc.day,
    CASE WHEN st.state IN ('submitted', 'supplement_requested') THEN intake.day ELSE acc.day END,
    CASE WHEN st.accepted THEN acc.day END, false,
    CASE WHEN st.accepted THEN pd.day END, CASE WHEN st.accepted THEN sd.day END, NULL,
    NULL, CASE WHEN st.state = 'suspended' THEN %(clocks_on)s::date END, 0, 0, NULL,
    '', NULL,
    CASE WHEN NOT st.accepted THEN 'normal'
         WHEN sd.day < %(clocks_on)s::date THEN 'statutory_overdue'
         WHEN pd.day < %(clocks_on)s::date THEN 'red'
         WHEN pd.ordinal - %(o0)s <= 1 THEN 'yellow' ELSE 'normal' END,
    st.accepted AND sd.day < %(clocks_on)s::date, false, false,
    %(clocks_on)s::date, 2, 0, '', now(), now()
FROM base
JOIN bench_items it ON it.k = base.r_item %% %(item_count)s
CROSS JOIN LATERAL (
    SELECT CASE WHEN r_state < 0.85 THEN 'accepted' WHEN r_state < 0.88 THEN 'suspended'
                WHEN r_state < 0.95 THEN 'submitted' ELSE 'supplement_requested' END AS state,
           r_state < 0.88 AS accepted
) st
JOIN supervision_workdayordinal acc
  ON acc.workday AND acc.ordinal = %(o0)s - CASE WHEN st.accepted THEN back ELSE back %% 3 END
JOIN supervision_workdayordinal intake ON intake.workday AND intake.ordinal = acc.ordinal + 5
JOIN supervision_workdayordinal pd
  ON pd.workday AND pd.ordinal = acc.ordinal + it.promised
     + CASE WHEN st.state = 'suspended' THEN back + 1 ELSE 0 END
JOIN supervision_workdayordinal sd
  ON sd.workday AND sd.ordinal = acc.ordinal + it.statutory
     + CASE WHEN st.state = 'suspended' THEN back + 1 ELSE 0 END
"""


def load(total: int, clocks_on: dt.date, *, chunk: int = 250_000) -> None:
    from django.db import connection

    from zhengwu.cases import at_level
    from zhengwu.core import clock
    from zhengwu.supervision import sweep
    from zhengwu.workdays.loader import get_calendar

    sweep.sync_workdays()
    o0 = get_calendar().workday_index(clocks_on)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_applicant (kind, name, id_number, uscc, legal_representative, "
            "contact, phone, created_at) VALUES ('org', '基准申请单位', '', "
            "'91330106MA2BENCH0X', '', '', '', %s) RETURNING id",
            [clock.now()],
        )
        app = cursor.fetchone()[0]
        cursor.execute(ITEMS_SQL)
        cursor.execute("SELECT count(*) FROM bench_items")
        item_count = cursor.fetchone()[0]
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SELECT setseed(0.42)")
        params = {"app": app, "item_count": item_count, "o0": o0, "clocks_on": clocks_on}
        for lo in range(1, total + 1, chunk):
            cursor.execute(CASES_SQL, {**params, "lo": lo, "hi": min(total, lo + chunk - 1)})
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), "
            "(SELECT max(id) FROM cases_case))"
        )
        at_level.rebuild()  # the open cases at warning levels: their triggers were off
        cursor.execute("VACUUM ANALYZE cases_case")


REFERENCE_SQL = f"SELECT count(*) FROM cases_case WHERE state IN {OPEN}"  # noqa: S608
LEVELS_SQL = f"SELECT state, level, count(*) FROM cases_case WHERE state IN {OPEN} GROUP BY 1, 2"  # noqa: S608


def reference() -> tuple[float, dict]:
    """The open cases counted index-only through an index the sweep reads (``case_state_intake``
    or ``case_open_due``, the planner's choice), the best of three; the planner is told to leave
    the table alone so the count stays index-only at every size. Returns the time and the
    plan."""
    from django.db import connection, transaction

    best = None
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        plan = explain(cursor, REFERENCE_SQL)
        for _ in range(3):
            started = time.perf_counter()
            cursor.execute(REFERENCE_SQL)
            cursor.fetchone()
            spent = time.perf_counter() - started
            best = spent if best is None else min(best, spent)
    return best, plan


def levels_count() -> tuple[float, dict, dict]:
    """The open cases by (state, level): ``level`` is in no index (decision 0004: the sweep's
    level writes stay heap-only), so this reads the table. Reported beside the reference, not
    used for the ratio."""
    from django.db import connection

    with connection.cursor() as cursor:
        plan = explain(cursor, LEVELS_SQL)
        started = time.perf_counter()
        cursor.execute(LEVELS_SQL)
        rows = cursor.fetchall()
        spent = time.perf_counter() - started
    levels: dict[str, int] = {}
    for _state, level, n in rows:
        levels[level] = levels.get(level, 0) + n
    return spent, plan, levels


def timed_sweep(day: dt.date):
    from zhengwu.core import clock
    from zhengwu.supervision import sweep

    moment = dt.datetime.combine(day, dt.time(7, 0), tzinfo=clock.LOCAL_TZ)
    with clock.frozen(moment):
        started = time.perf_counter()
        result = sweep.run(daily=True)  # as ``manage.py supervise`` runs it: the seal included
        return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, "supervise")
    parser.add_argument("--cases", type=int, default=None)
    args = parser.parse_args()
    record = Record("supervise", args)
    total = args.cases or size(args, full=1_000_000, small=20_000, smoke=2_000)

    with (
        tempfile.TemporaryDirectory(prefix="zw-bench-supervise-") as var_dir,
        scratch_database(args.database_url, keep=args.keep) as url,
    ):
        env = project_env(url, var_dir)
        manage(env, "migrate", "--verbosity", "0")
        seed_demo(env)
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connections

        from zhengwu.workdays.loader import get_calendar

        try:
            calendar = get_calendar()
            today = calendar.next_workday(today_of(args), inclusive=True)
            # the working day before today, and the one before that: both sweeps move levels
            o = calendar.workday_index(today)
            days = {calendar.workday_index(d): d for d in _days_before(today, 12)}
            yesterday, before = days[o - 1], days[o - 2]
            started = time.perf_counter()
            with frozen_today(before):
                load(total, before)
            load_s = time.perf_counter() - started

            first_s, first = timed_sweep(yesterday)
            # A day passes: autovacuum clears the row versions the sweep left behind. (The
            # scheduled sweep runs no VACUUM itself, so this is not timed.)
            with connections["default"].cursor() as cursor:
                cursor.execute("VACUUM ANALYZE cases_case")
            sweep_s, result = timed_sweep(today)
            repeat_s, repeat = timed_sweep(today)
            # The reference as the day's board sees it: after the vacuum that follows a sweep
            # (the visibility map set again, so the index-only scan reads no table pages).
            with connections["default"].cursor() as cursor:
                cursor.execute("VACUUM ANALYZE cases_case")
            reference_s, reference_plan = reference()
            levels_s, levels_plan, levels = levels_count()
            record.measure_data(url)
        finally:
            connections.close_all()

    index_only = heap_reads(reference_plan, "cases_case") == []
    for name, plan in (("reference", reference_plan), ("levels", levels_plan)):
        print(f"plan of the {name} count:", *plan_summary(plan), sep="\n  ", file=sys.stderr)
    record.plans = {"reference": plan_summary(reference_plan), "levels": plan_summary(levels_plan)}
    line = record.emit(
        {
            "cases": total,
            "load_s": round(load_s, 1),
            "first_sweep_s": round(first_s, 2),
            "first_warnings": first.warnings,
            "sweep_s": round(sweep_s, 2),
            "repeat_sweep_s": round(repeat_s, 3),
            "reference_s": round(reference_s, 3),
            "reference_index_only": index_only,
            "reference_index": next(
                (n["Index Name"] for n in plan_nodes(reference_plan) if n.get("Index Name")), None
            ),
            "reference_heap_fetches": sum(
                n.get("Heap Fetches", 0) for n in plan_nodes(reference_plan)
            ),
            "ratio": round(sweep_s / reference_s, 1),
            "levels_count_s": round(levels_s, 3),
            "rows_updated": result.refreshed,
            "warnings_new": result.warnings,
            "notified_new": result.notified,
            "sealed": bool(result.sealed),
            "repeat_rows_updated": repeat.refreshed,
            "levels": levels,
            "target_sweep_s": TARGET_SWEEP_S,
            "target_ratio": TARGET_RATIO,
            "db": "postgresql",
        }
    )
    if not line["reference_index_only"]:
        sys.exit(1)


def _days_before(day: dt.date, n: int):
    return [day - dt.timedelta(days=k) for k in range(n + 1)]


if __name__ == "__main__":
    main()
