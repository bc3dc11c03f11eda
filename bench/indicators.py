"""Benchmark: the department indicators of one month over 5,000,000 cases (target ≤ 2 s).

A fresh PostgreSQL database gets the demo city (``migrate``, the demo departments, windows,
catalogue and accounts) and ``--cases`` cases loaded with the SQL of ``case_list.py`` (two years
of receipts ending today, ids rising with the day, most of them decided), plus what the
indicators read and that loader leaves empty: the window and the filing clerk of window
applications, and ``workdays_used`` of decided cases. The plain indexes (the indicators'
``case_ind_*`` among them) are built after the rows are in, then ``VACUUM ANALYZE``.

Timed in-process, ``--repeat`` times after one untimed run: ``selectors.table`` for the last
complete month grouped by department for every department (what ``GET /api/v1/indicators``
and the monthly brief run: the three aggregate queries, the department list and the names).
The plans of the three aggregate queries are checked for a sequential scan of ``cases_case``.

Prints one JSON line:
{"bench": "indicators", "cases": N, "month": "YYYY-MM", "cases_in_month": {...}, "load_s": ...,
 "p50_ms", "max_ms", "target_ms": 2000, "target_met", "seq_scan": false, "plans": {...},
 "db": "postgresql", "load_avg_1m": ...}

    python bench/indicators.py [--small] [--cases N] [--repeat R] [--database-url URL] [--keep]
                               [--plain-indexes]

--plain-indexes replaces the covering indexes by plain ones on the three dates, for comparison.

--small loads 20,000 cases; the default is 5,000,000 (about a quarter of an hour on 2 cores).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time

import case_list
from harness import (
    Record,
    add_common_arguments,
    demo_city_in_process,
    frozen_today,
    scratch_database,
    size,
    today_of,
)

TARGET_MS = 2000

# case_list's rows, with a window and a filing clerk for window applications and the working
# days used by decided cases (calendar days × 5/7: the cost of the query does not depend on it).
WINDOW_CLERK = "CASE WHEN minute %% 5 = 0 THEN 'online' ELSE 'window' END, NULL, NULL, st.state"
WINDOW_CLERK_NEW = (
    "CASE WHEN minute %% 5 = 0 THEN 'online' ELSE 'window' END, "
    "CASE WHEN minute %% 5 <> 0 THEN ({windows})[1 + r_app %% {window_count}] END, "
    "CASE WHEN minute %% 5 <> 0 THEN ({clerks})[1 + r_app %% {clerk_count}] END, st.state"
)
USED = "    ELSE '' END,\n    lv.level,"
USED_NEW = (
    "    ELSE '' END,\n"
    "    CASE WHEN st.state IN ('granted', 'denied', 'delivered')\n"
    "         THEN greatest(d.completed_on - d.accepted_on, 0) * 5 / 7 END,\n"
    "    lv.level,"
)


def cases_sql(windows: list[int], clerks: list[int]) -> str:
    sql = case_list.CASES_SQL
    for old in (WINDOW_CLERK, USED, "completion, level,"):
        if old not in sql:
            raise RuntimeError(f"case_list.CASES_SQL changed: {old!r} not found")
    return (
        sql.replace(
            WINDOW_CLERK,
            WINDOW_CLERK_NEW.format(
                windows="ARRAY[" + ",".join(str(int(w)) for w in windows) + "]::bigint[]",
                window_count=len(windows),
                clerks="ARRAY[" + ",".join(str(int(c)) for c in clerks) + "]::bigint[]",
                clerk_count=len(clerks),
            ),
        )
        .replace(USED, USED_NEW)
        .replace("completion, level,", "completion, workdays_used, level,")
    )


def plans(start: dt.date, end: dt.date) -> dict:
    """The plan of each aggregate query: its scan of cases_case."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhengwu.assessment import selectors

    with CaptureQueriesContext(connection) as captured:
        selectors.case_counts(start=start, end=end, group="department", department_ids=None)
    found = {}
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            family = next(
                (f for f in ("received_on", "accepted_on", "completed_on") if f'{f}" >=' in sql),
                None,
            )
            if family is None:  # the catalogue versions seen
                continue
            cursor.execute("EXPLAIN " + sql)
            lines = [row[0] for row in cursor.fetchall()]
            scans = [
                line.strip().removeprefix("-> ").split("  (")[0]
                for line in lines
                if "Scan" in line and "cases_case" in line
            ]
            found[family] = scans
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, "indicators")
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument(
        "--plain-indexes",
        action="store_true",
        help="for comparison: plain date indexes instead of the covering case_ind_* ones",
    )
    args = parser.parse_args()
    record = Record("indicators", args)
    total = args.cases or size(args, full=5_000_000, small=20_000, smoke=2_000)
    repeat = args.repeat or size(args, full=10, small=10, smoke=2)

    with (
        tempfile.TemporaryDirectory(prefix="zw-bench-indicators-") as var_dir,
        scratch_database(args.database_url, keep=args.keep) as url,
    ):
        demo_city_in_process(url, var_dir)
        from django.db import connection, connections

        from zhengwu.accounts.models import User, Window
        from zhengwu.assessment import formulas, selectors
        from zhengwu.core import clock
        from zhengwu.core.roles import Role

        try:
            with frozen_today(today_of(args)):
                windows = list(Window.objects.values_list("pk", flat=True))
                clerks = list(
                    User.objects.filter(groups__name=Role.WINDOW_CLERK).values_list("pk", flat=True)
                )
                case_list.CASES_SQL = cases_sql(windows, clerks)
                started = time.perf_counter()
                case_list.load(total)
                load_s = time.perf_counter() - started
                if args.plain_indexes:
                    with connection.cursor() as cursor:
                        for name in (
                            "case_ind_received",
                            "case_ind_accepted",
                            "case_ind_completed",
                        ):
                            cursor.execute(f'DROP INDEX "{name}"')
                        cursor.execute("CREATE INDEX bench_accepted ON cases_case (accepted_on)")
                        cursor.execute("CREATE INDEX bench_completed ON cases_case (completed_on)")
                        cursor.execute("ANALYZE cases_case")

                today = clock.today()
                year, month = formulas.previous_month(today.year, today.month)
                start, end = formulas.month_range(year, month)
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(*) FILTER (WHERE received_on BETWEEN %s AND %s), "
                        "count(*) FILTER (WHERE accepted_on BETWEEN %s AND %s), "
                        "count(*) FILTER (WHERE completed_on BETWEEN %s AND %s) FROM cases_case",
                        [start, end] * 3,
                    )
                    received, accepted, completed = cursor.fetchone()

                def run():
                    return selectors.table(
                        start=start, end=end, group="department", department_ids=None
                    )

                rows = run()  # untimed: the first read of the month's index pages

                times = []
                for _ in range(repeat):
                    began = time.perf_counter()
                    run()
                    times.append(time.perf_counter() - began)
                found = plans(start, end)
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT relname, pg_relation_size(oid) / 1048576 FROM pg_class "
                        "WHERE relname = 'cases_case' OR relname LIKE 'case\\_ind\\_%%' "
                        "OR relname LIKE 'bench\\_%%' ORDER BY relname"
                    )
                    sizes_mb = dict(cursor.fetchall())
                check = formulas.total(r.indicators["on_time_rate"] for r in rows)
            record.measure_data(url)
        finally:
            connections.close_all()

    seq_scan = any("Seq Scan" in scan for scans in found.values() for scan in scans)
    p50 = statistics.median(times) * 1000
    record.emit(
        {
            "cases": total,
            "month": f"{year:04d}-{month:02d}",
            "cases_in_month": {
                "received": received,
                "accepted": accepted,
                "completed": completed,
            },
            "decided_counted": check.denominator,
            "departments": len(rows),
            "load_s": round(load_s, 1),
            "repeat": repeat,
            "p50_ms": round(p50, 1),
            "max_ms": round(max(times) * 1000, 1),
            "target_ms": TARGET_MS,
            "target_met": max(times) * 1000 <= TARGET_MS,
            "indexes": "plain" if args.plain_indexes else "covering",
            "sizes_mb": sizes_mb,
            "seq_scan": seq_scan,
            "plans": found,
            "db": "postgresql",
        }
    )
    if check.denominator != completed or (seq_scan and not args.plain_indexes):
        sys.exit(1)


if __name__ == "__main__":
    main()
