"""Benchmark: the clerk's workbench queues and the case list API over a million cases.

A fresh PostgreSQL database gets the demo city (``migrate``, ``seed_demo``), a few thousand
applicants and ``--cases`` cases loaded with SQL (``INSERT ... SELECT ... generate_series``): the
published items of the demo catalogue with their current versions and departments, received over
the last two years (ids rise with the day received), most of them closed, 5-10 % open (the recent
ones), some yellow and red with due dates that agree with their level (as the sweep leaves them),
numbers unique, no events. Then ANALYZE, and gunicorn serves it.

Timed over real HTTP, one request at a time, ``--requests`` per URL after a short warm-up:
- as the demo window clerk and as the demo supervisor (session cookie):
  ``/cases/?queue=intake|review|overdue`` (reported as missing when the page answers 404);
- as the clerk and as the demo supervisor (bearer token): ``/api/v1/cases?limit=20``,
  ``?state=accepted&limit=20``, ``?level=red``, and pages 2-6 reached by following ``next``.

The SQL of the list requests and workbench pages is captured in-process; ``full_count`` is true if
any of them counts cases without a LIMIT (``core.paging.capped_count`` counts over a LIMITed
subquery: fine).

Prints one JSON line:
{"bench": "case_list", "cases": N, "load_s": ..., "requests_per_url": ..., "urls": {label:
 {"p50_ms", "p95_ms", "non_200"}}, "overall": {"p50_ms", "p95_ms"}, "workbench": "ok"|"missing",
 "full_count": false, "target_p95_ms": 200, "db": "postgresql", "server": "gunicorn ...",
 "load_avg_1m": ...}

    python bench/case_list.py [--small] [--cases N] [--requests R] [--database-url URL] [--keep]

--small loads 20,000 cases; the default is 1,000,000 (a few minutes to load on 2 cores).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import sys
import tempfile
import time
from urllib.parse import urlencode

from harness import (
    Connection,
    Gunicorn,
    Record,
    add_common_arguments,
    build_request,
    explain,
    frozen_today,
    full_count,
    manage,
    percentile,
    plain_indexes,
    plan_summary,
    project_env,
    scratch_database,
    seed_demo,
    size,
    today_of,
)

APPLICANTS = 5_000
DAYS = 730
CLERK = "clerk"
SUPERVISOR = "supervisor"
TARGET_P95_MS = 200
WORKBENCH = ("intake", "review", "overdue")
API_QUERIES = {
    "limit=20": {"limit": 20},
    "state=accepted": {"state": "accepted", "limit": 20},
    "level=red": {"level": "red"},
}
FOLLOW_PAGES = 5

# ---------------------------------------------------------------- loading

ITEMS_SQL = """
CREATE TEMP TABLE bench_items AS
SELECT (row_number() OVER (ORDER BY i.id) - 1)::int AS k, i.id AS item_id, v.id AS version_id,
       i.department_id, greatest(v.statutory_limit, 1) AS statutory,
       greatest(least(coalesce(nullif(v.promised_limit, 0), v.statutory_limit),
                      v.statutory_limit), 1) AS promised
FROM catalog_serviceitem i JOIN catalog_serviceitemversion v ON v.id = i.current_version_id
WHERE i.status = 'published'
"""

# One chunk of cases: ids lo..hi received over DAYS days ending today, ids rising with the day.
# Random draws: r_open, r_state, r_level, r_item, r_app and the minute of the day received.
CASES_SQL = """
WITH base AS MATERIALIZED (
    SELECT g, %(first_day)s::date + ((g - 1) * %(days)s / %(total)s)::int AS received_on,
           random() AS r_open, random() AS r_state, random() AS r_level,
           (random() * 1e9)::bigint AS r_item, (random() * 1e9)::bigint AS r_app,
           (random() * 480)::int AS minute
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
    it.department_id, %(app_first)s + (r_app %% %(app_count)s), NULL,
    '139' || lpad((g %% 100000000)::text, 8, '0'),
    CASE WHEN minute %% 5 = 0 THEN 'online' ELSE 'window' END, NULL, NULL, st.state,
    '["M01", "M02"]'::jsonb,
    CASE WHEN st.state = 'supplement_requested' THEN '["M03"]' ELSE '[]' END::jsonb,
    ((received_on + time '09:00') + minute * interval '1 minute') AT TIME ZONE 'Asia/Shanghai',
    received_on, received_on + 7, d.accepted_on, false, dd.promised_due, dd.statutory_due,
    CASE WHEN st.state IN ('granted', 'delivered') THEN d.completed_on + 14 END,
    CASE WHEN st.state = 'delivered' THEN least(d.completed_on + 2, %(today)s::date) END,
    CASE WHEN st.state = 'suspended' THEN received_on + 3 END,
    0, 0, d.completed_on,
    CASE WHEN st.state IN ('granted', 'denied', 'delivered') THEN
        CASE WHEN d.completed_on < d.accepted_on + it.promised * 7 / 5 THEN 'early'
             WHEN d.completed_on = d.accepted_on + it.promised * 7 / 5 THEN 'on_time'
             ELSE 'late' END
    ELSE '' END,
    lv.level,
    lv.level = 'statutory_overdue' OR (lv.level = '' AND r_level < 0.01), false, false,
    CASE WHEN st.open THEN %(today)s::date ELSE coalesce(d.completed_on, received_on + 3) END,
    CASE WHEN st.open THEN 2 ELSE 5 END, 0, '',
    ((received_on + time '09:00') + minute * interval '1 minute') AT TIME ZONE 'Asia/Shanghai',
    ((coalesce(d.completed_on, received_on) + time '16:00')) AT TIME ZONE 'Asia/Shanghai'
FROM base
JOIN bench_items it ON it.k = base.r_item %% %(item_count)s
CROSS JOIN LATERAL (
    SELECT %(today)s::date - received_on AS age
) AS age
CROSS JOIN LATERAL (
    SELECT (age.age <= 45 AND r_open < 0.9) OR (age.age BETWEEN 46 AND 90 AND r_open < 0.1) AS open
) AS o
CROSS JOIN LATERAL (
    SELECT o.open, CASE
        WHEN o.open AND r_state < 0.2 AND age.age <= 3 THEN 'submitted'
        WHEN o.open AND r_state < 0.3 THEN 'supplement_requested'
        WHEN o.open AND r_state < 0.95 THEN 'accepted'
        WHEN o.open THEN 'suspended'
        WHEN r_state < 0.80 THEN 'delivered'
        WHEN r_state < 0.85 THEN 'granted'
        WHEN r_state < 0.88 THEN 'denied'
        WHEN r_state < 0.93 THEN 'refused'
        ELSE 'withdrawn' END AS state
) AS st
CROSS JOIN LATERAL (
    SELECT CASE WHEN st.state IN ('submitted', 'supplement_requested', 'refused', 'withdrawn')
                THEN NULL ELSE least(received_on + (minute %% 3), %(today)s::date)
           END AS accepted_on,
           least(CASE WHEN st.state IN ('granted', 'denied', 'delivered')
                      THEN received_on + (minute %% 3) + 1 + (minute %% (it.statutory * 7 / 5 + 3))
                      WHEN st.state = 'refused' THEN received_on + 2
                      WHEN st.state = 'withdrawn' THEN received_on + 5 END,
                 %(today)s::date) AS completed_on
) AS d
CROSS JOIN LATERAL (
    SELECT CASE
        WHEN NOT st.open THEN ''
        WHEN st.state IN ('submitted', 'supplement_requested') OR r_level < 0.80 THEN 'normal'
        WHEN r_level < 0.92 THEN 'yellow'
        WHEN r_level < 0.98 THEN 'red'
        ELSE 'statutory_overdue' END AS level
) AS lv
CROSS JOIN LATERAL (
    SELECT CASE
        WHEN d.accepted_on IS NULL THEN NULL
        WHEN lv.level = 'yellow' THEN %(today)s::date
        WHEN lv.level = 'red' THEN %(today)s::date - 1 - (minute %% 5)
        WHEN lv.level = 'statutory_overdue' THEN %(today)s::date - 6 - (minute %% 5)
        WHEN lv.level = 'normal'
            THEN greatest(d.accepted_on + it.promised * 7 / 5, %(yellow_before)s::date)
        ELSE d.accepted_on + it.promised * 7 / 5 END AS promised_due,
    CASE
        WHEN d.accepted_on IS NULL THEN NULL
        WHEN lv.level = 'statutory_overdue' THEN %(today)s::date - 1 - (minute %% 5)
        WHEN lv.level IN ('yellow', 'red')
            THEN greatest(d.accepted_on + it.statutory * 7 / 5, %(today)s::date)
        WHEN lv.level = 'normal'
            THEN greatest(d.accepted_on + it.statutory * 7 / 5, %(yellow_before)s::date)
        ELSE d.accepted_on + it.statutory * 7 / 5 END AS statutory_due
) AS dd
"""


def _person_id(n: int) -> str:
    from zhengwu.core.identity import resident_id_check_char

    birth = dt.date(1960, 1, 1) + dt.timedelta(days=n // 1000)
    first17 = f"330106{birth:%Y%m%d}{n % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def load(total: int, *, chunk: int = 250_000) -> dict:
    """Applicants and ``total`` cases, straight into the tables; the plain indexes are built
    after the rows are in (much faster than row by row), then ANALYZE."""
    from django.db import connection

    from zhengwu.cases import at_level
    from zhengwu.core import clock
    from zhengwu.workdays.loader import get_calendar

    today = clock.today()
    now = clock.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM accounts_applicant")
        app_first = cursor.fetchone()[0] + 1
        rows = [
            (app_first + i, "person", f"申请人{i}", _person_id(i), "", "", "", "", now)
            for i in range(APPLICANTS)
        ]
        cursor.executemany(
            "INSERT INTO accounts_applicant (id, kind, name, id_number, uscc, "
            "legal_representative, contact, phone, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('accounts_applicant', 'id'), "
            "(SELECT max(id) FROM accounts_applicant))"
        )
        cursor.execute(ITEMS_SQL)
        cursor.execute("SELECT count(*) FROM bench_items")
        item_count = cursor.fetchone()[0]

        indexes = plain_indexes(cursor, "cases_case")
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        # Every key is valid by construction: skip the per-row foreign-key triggers.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SELECT setseed(0.42)")
        params = {
            "today": today,
            "yellow_before": get_calendar().add(today, 2),
            "first_day": today - dt.timedelta(days=DAYS - 1),
            "days": DAYS,
            "total": total,
            "item_count": item_count,
            "app_first": app_first,
            "app_count": APPLICANTS,
        }
        for lo in range(1, total + 1, chunk):
            hi = min(total, lo + chunk - 1)
            cursor.execute(CASES_SQL, {**params, "lo": lo, "hi": hi})
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), "
            "(SELECT max(id) FROM cases_case))"
        )
        at_level.rebuild()  # the open cases at warning levels: their triggers were off
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("VACUUM ANALYZE cases_case")
        cursor.execute("ANALYZE accounts_applicant")
        cursor.execute(
            "SELECT count(*) FILTER (WHERE state IN ('submitted', 'supplement_requested', "
            "'accepted', 'suspended')), count(*) FILTER (WHERE level = 'red'), "
            "count(*) FILTER (WHERE level = 'yellow') FROM cases_case"
        )
        open_count, red, yellow = cursor.fetchone()
    return {"open": open_count, "red": red, "yellow": yellow}


# ---------------------------------------------------------------- timing


def session_cookie(username: str) -> str:
    from django.test import Client

    from zhengwu.demo.services import DEMO_PASSWORD

    client = Client()
    # Through the login page: the login throttle needs the request.
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"cannot log in as {username}")
    return client.cookies["sessionid"].value


def token_for(username: str) -> str:
    from zhengwu.accounts.models import User
    from zhengwu.accounts.services import issue_token

    return issue_token(user=User.objects.get(username=username), name="bench")[1]


async def time_urls(port: int, plans: list[tuple[str, str, dict]], requests: int, clients: int):
    """For each (label, path, headers) in turn: ``requests`` timed requests spread over
    ``clients`` concurrent keep-alive connections. A label ending in "next" follows the
    ``next`` cursor FOLLOW_PAGES deep from an untimed first page (each page timed)."""
    timings: dict[str, list[float]] = {}
    statuses: dict[str, dict[int, int]] = {}
    for label, path, headers in plans:
        times = timings.setdefault(label, [])
        counts = statuses.setdefault(label, {})
        left = [requests]
        missing = [False]

        async def client(
            label=label,
            path=path,
            headers=headers,
            times=times,
            counts=counts,
            left=left,
            missing=missing,
        ):
            conn = Connection(port)

            async def get(url: str, timed=True):
                request = build_request("GET", url, port=port, headers=headers)
                started = time.perf_counter()
                status, _headers, body = await conn.send(request)
                if timed:
                    times.append(time.perf_counter() - started)
                    counts[status] = counts.get(status, 0) + 1
                return status, body

            try:
                while left[0] > 0 and not missing[0]:
                    if label.endswith("next"):
                        left[0] -= FOLLOW_PAGES
                        _status, body = await get(path, timed=False)
                        for _page in range(FOLLOW_PAGES):
                            cursor = json.loads(body).get("next")
                            if not cursor:
                                break
                            sep = "&" if "?" in path else "?"
                            _status, body = await get(f"{path}{sep}after={cursor}")
                        continue
                    left[0] -= 1
                    status, _body = await get(path)
                    if status == 404 and " workbench " in label:
                        missing[0] = True  # the page is not there (yet)
            finally:
                conn.close()

        await asyncio.gather(*(client() for _ in range(clients)))
    return timings, statuses


def summarize(timings, statuses, skip_workbench: bool) -> tuple[dict, dict]:
    """Per URL p50/p95 and the non-200 answers; and the overall figures."""
    per_url = {}
    every = []
    for label, times in timings.items():
        if " workbench " in label and skip_workbench:
            continue
        times.sort()
        every += times
        per_url[label] = {
            "requests": len(times),
            "p50_ms": round(percentile(times, 50) * 1000, 1),
            "p95_ms": round(percentile(times, 95) * 1000, 1),
            "non_200": sum(n for status, n in statuses[label].items() if status != 200),
        }
    every.sort()
    overall = {
        "requests": len(every),
        "p50_ms": round(percentile(every, 50) * 1000, 1),
        "p95_ms": round(percentile(every, 95) * 1000, 1),
        "worst_p95_ms": max((u["p95_ms"] for u in per_url.values()), default=0.0),
    }
    return per_url, overall


def capture_sql(paths: list[tuple[str, dict]]) -> tuple[bool, list[dict], int]:
    """In-process: run each (path, extra) with the test client, and explain every query that
    reads the cases table (EXPLAIN, JSON) with sequential scans ruled out: a plan that still
    aggregates over a sequential scan of the table, or over a whole index with no condition,
    without a Limit, has no bounded way to run (``harness.full_count``). At a small size the
    planner would pick a sequential scan for many bounded queries; ruling it out shows what the
    query can do at any size. ``(full_count, offending, queries explained)``."""
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    seen = 0
    offending = []
    for path, extra in paths:
        client = Client()
        if "cookie" in extra:
            client.cookies["sessionid"] = extra["cookie"]
        headers = {"HTTP_AUTHORIZATION": extra["auth"]} if "auth" in extra else {}
        with CaptureQueriesContext(connection) as captured:
            client.get(path, **headers)
        for query in captured.captured_queries:
            sql = query["sql"]
            if '"cases_case"' not in sql or not sql.lstrip().upper().startswith("SELECT"):
                continue
            seen += 1
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
                plan = explain(cursor, sql, analyze=False)
            if full_count(plan, "cases_case"):
                offending.append({"path": path, "sql": sql[:500], "plan": plan_summary(plan)})
    return bool(offending), offending, seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, "case_list")
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--requests", type=int, default=None, help="timed requests per URL")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    record = Record("case_list", args)
    total = args.cases or size(args, full=1_000_000, small=20_000, smoke=2_000)
    requests = args.requests or size(args, full=500, small=100, smoke=20)

    with (
        tempfile.TemporaryDirectory(prefix="zw-bench-case-list-") as var_dir,
        scratch_database(args.database_url, keep=args.keep) as url,
    ):
        env = project_env(url, var_dir, ZHENGWU_BENCH_TODAY=args.today)
        manage(env, "migrate", "--verbosity", "0")
        seed_demo(env)
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connections

        frozen = frozen_today(today_of(args))
        frozen.__enter__()  # the loader and the in-process checks run on the bench's day
        try:
            started = time.perf_counter()
            mix = load(total)
            load_s = time.perf_counter() - started

            plans = []
            for user in (CLERK, SUPERVISOR):
                cookie = {"Cookie": f"sessionid={session_cookie(user)}"}
                for queue in WORKBENCH:
                    plans.append((f"{user} workbench {queue}", f"/cases/?queue={queue}", cookie))
            tokens = {user: f"Bearer {token_for(user)}" for user in (CLERK, SUPERVISOR)}
            for user, auth in tokens.items():
                for label, query in API_QUERIES.items():
                    path = "/api/v1/cases?" + urlencode(query)
                    plans.append((f"{user} api {label}", path, {"Authorization": auth}))
                plans.append(
                    (f"{user} api next", "/api/v1/cases?limit=20", {"Authorization": auth})
                )

            # cold: the server's first requests (its caches and the database's pages as the
            # load left them); warm: the same again right after
            with Gunicorn(env, workers=args.workers, threads=args.threads) as server:
                runs = {
                    run: asyncio.run(time_urls(server.port, plans, requests, args.clients))
                    for run in ("cold", "warm")
                }
                description = server.description
            timings = runs["warm"][0]

            pages = [plan for plan in plans if " workbench " in plan[0]]
            workbench_ok = all(timings[label] for label, _path, _headers in pages)
            sql_paths = [
                (path, {"auth": headers["Authorization"]})
                for _label, path, headers in plans
                if "Authorization" in headers
            ]
            if workbench_ok:
                sql_paths += [
                    (path, {"cookie": headers["Cookie"].partition("=")[2]})
                    for _label, path, headers in pages
                ]
            full_count, offending, seen = capture_sql(sql_paths)
            for found in offending:
                print(f"full count: {found['path']}: {found['sql']}", file=sys.stderr)
                print(*found["plan"], sep="\n  ", file=sys.stderr)
            record.measure_data(url)
        finally:
            frozen.__exit__(None, None, None)
            connections.close_all()

    figures = {}
    for run, (run_timings, run_statuses) in runs.items():
        per_url, overall = summarize(run_timings, run_statuses, skip_workbench=not workbench_ok)
        figures[run] = {"urls": per_url, "overall": overall}
    urls = {**figures["cold"]["urls"], **figures["warm"]["urls"]}
    worst = figures["warm"]["overall"]["worst_p95_ms"]
    record.emit(
        {
            "cases": total,
            "mix": mix,
            "load_s": round(load_s, 1),
            "clients": args.clients,
            "requests_per_url": requests,
            "cold": figures["cold"],
            "warm": figures["warm"],
            "worst_p95_ms": worst,
            "target_p95_ms": TARGET_P95_MS,
            "target_met": worst < TARGET_P95_MS,
            "workbench": "ok" if workbench_ok else "missing",
            "full_count": full_count,
            "full_count_queries": offending,
            "queries_checked": seen,
            "db": "postgresql",
            "server": description,
        }
    )
    if full_count or any(u["non_200"] for u in urls.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
