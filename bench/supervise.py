"""Benchmark: one full supervision sweep over a million open cases, beside a plain indexed scan.

A fresh PostgreSQL database gets the demo city (``migrate``, ``seed_demo``: departments, their
reviewers and heads, the catalogue) and ``--cases`` OPEN cases loaded with SQL (``INSERT ...
SELECT ... generate_series``): the published items of the demo catalogue with their departments,
85 % under review, 3 % suspended (a special procedure begun before the due date), 7 % awaiting
intake (intake not yet due), 5 % awaiting supplement; accepted over the last 30 days, promised and
statutory due dates counted on the real calendar (the ``WorkdayOrdinal`` table the sweep uses),
stored clocks computed for the day before yesterday; no events (the sweep's clock work reads none).
Then VACUUM ANALYZE.

Timed, with ``zhengwu.core.clock`` frozen:
- ``first_sweep_s``: the sweep of yesterday, the first ever: every level moves by a working day,
  and every yellow or red case gets its first warning and notifications (recorded from nothing);
- ``sweep_s``: the sweep of today (the figure the target is about), after a VACUUM (what
  autovacuum does in the day between two sweeps): every level moves by a working day, and only
  the cases that reached a new level are recorded and notified;
- ``repeat_sweep_s``: the same sweep again the same day (nothing to do);
- ``scan_s``: ``SELECT level, count(*) FROM cases_case WHERE state IN (open) GROUP BY level``, the
  best of three (``level`` is in no index since migration ``cases.0009``, so PostgreSQL reads the
  open cases in a parallel scan of the table);
- ``ratio``: ``sweep_s / scan_s``.
The daily step (seal, certificate check) is not part of the timed sweep (``run(daily=False)``).
The sweep runs as ``manage.py supervise`` does: the day's levels on ``ZHENGWU_SWEEP_WORKERS``
connections (default 2, docs/supervision.md).

Prints one JSON line:
{"bench": "supervise", "cases": N, "load_s": ..., "first_sweep_s": ..., "sweep_s": ...,
 "repeat_sweep_s": ..., "scan_s": ..., "ratio": ..., "rows_updated": ..., "warnings_new": ...,
 "notified_new": ..., "levels": {...}, "target_sweep_s": 10, "target_ratio": 10,
 "db": "postgresql", "load_avg_1m": ...}

    python bench/supervise.py [--small] [--cases N] [--database-url URL] [--keep]

--small loads 20,000 cases; the default is 1,000,000.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
import time

from harness import DEFAULT_PG, manage, project_env, scratch_database, seed_demo

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
        cursor.execute("VACUUM ANALYZE cases_case")


def scan() -> tuple[float, dict]:
    from django.db import connection

    best, levels = None, {}
    with connection.cursor() as cursor:
        for _ in range(3):
            started = time.perf_counter()
            cursor.execute(
                f"SELECT level, count(*) FROM cases_case WHERE state IN {OPEN} GROUP BY level"  # noqa: S608
            )
            levels = dict(cursor.fetchall())
            spent = time.perf_counter() - started
            best = spent if best is None else min(best, spent)
    return best, levels


def timed_sweep(day: dt.date):
    from zhengwu.core import clock
    from zhengwu.supervision import sweep

    moment = dt.datetime.combine(day, dt.time(7, 0), tzinfo=clock.LOCAL_TZ)
    with clock.frozen(moment):
        started = time.perf_counter()
        result = sweep.run(daily=False)
        return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="20,000 cases")
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--database-url", default=DEFAULT_PG + "zhengwu_bench_supervise")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    total = args.cases or (20_000 if args.small else 1_000_000)

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

        from zhengwu.core import clock
        from zhengwu.workdays.loader import get_calendar

        try:
            calendar = get_calendar()
            today = calendar.next_workday(clock.today(), inclusive=True)
            # the working day before today, and the one before that: both sweeps move levels
            o = calendar.workday_index(today)
            days = {calendar.workday_index(d): d for d in _days_before(today, 12)}
            yesterday, before = days[o - 1], days[o - 2]
            started = time.perf_counter()
            load(total, before)
            load_s = time.perf_counter() - started

            first_s, first = timed_sweep(yesterday)
            # A day passes: autovacuum clears the row versions the sweep left behind.
            with connections["default"].cursor() as cursor:
                cursor.execute("VACUUM ANALYZE cases_case")
            load_avg = os.getloadavg()[0]
            sweep_s, result = timed_sweep(today)
            repeat_s, repeat = timed_sweep(today)
            scan_s, levels = scan()
        finally:
            connections.close_all()

    print(
        json.dumps(
            {
                "bench": "supervise",
                "cases": total,
                "load_s": round(load_s, 1),
                "first_sweep_s": round(first_s, 2),
                "first_warnings": first.warnings,
                "sweep_s": round(sweep_s, 2),
                "repeat_sweep_s": round(repeat_s, 3),
                "scan_s": round(scan_s, 3),
                "ratio": round(sweep_s / scan_s, 1),
                "rows_updated": result.refreshed,
                "warnings_new": result.warnings,
                "notified_new": result.notified,
                "repeat_rows_updated": repeat.refreshed,
                "levels": levels,
                "target_sweep_s": TARGET_SWEEP_S,
                "target_ratio": TARGET_RATIO,
                "db": "postgresql",
                "load_avg_1m": round(load_avg, 2),
            },
            ensure_ascii=False,
        )
    )


def _days_before(day: dt.date, n: int):
    return [day - dt.timedelta(days=k) for k in range(n + 1)]


if __name__ == "__main__":
    main()
