"""Benchmark: joint filings of a three-item scene beside single-item filings, and the lead
department's joint queue over 200,000 joint cases (600,000 items).

A fresh PostgreSQL database gets the demo city (``migrate``, ``seed_demo``) and three published
scenes of demo items, made through the services: ``BENCH-KBCYD`` (lead SCJ: 食品经营许可 SCJ,
公共场所卫生许可 WJW, 烟草专卖零售许可证核发 YC; one stage), ``BENCH-GCJS`` (lead ZJJ, two
stages: 建设工程规划许可证核发 ZRZY, then 建设工程消防设计审查 and 建筑工程施工许可证核发 ZJJ)
and ``BENCH-YLJG`` (lead WJW: 医疗机构执业登记 WJW, 药品零售企业许可 SCJ, 放射诊疗许可 WJW).
Then ``--joint-cases`` joint cases, three items each, are loaded with SQL (``INSERT ... SELECT
... generate_series``, the plain indexes built after the rows): spread over the three scenes,
received over the last two years (ids rise with the day), most closed, the recent ones open,
some yellow and red; their items are rows of ``joint_jointchild`` without cases (the queue
does not read the cases). Then ANALYZE, and gunicorn serves it.

1. **Filings** (closed loop, ``--clients`` keep-alive clients for ``--seconds`` each):
   ``POST /api/v1/scenes/BENCH-KBCYD/applications`` by the demo window clerk (comprehensive
   window 01: SCJ among its departments) with every required scene material, each for a new
   applicant; then single-item filings ``POST /api/v1/cases`` of 食品经营许可 (as ``intake.py``)
   on the same server. ``ratio`` = joint rps / single rps (target ≥ 0.5), joint ``p99_ms``
   (target < 300 ms on 2 cores). Anything but 201 is an error.
2. **The lead department's joint queue**: as the SCJ window clerk (``clerk_scj``, bearer token),
   ``GET /api/v1/joint-cases`` with ``limit=20``, ``state=accepted``,
   ``lead_department=SCJ&state=accepted``, ``level=red``, and pages 2-6 reached by following
   ``next``; ``--requests`` per URL over ``--queue-clients`` clients. Target p95 < 200 ms. The
   staff page of the queue is not part of this branch's code: the API only.
   Every query of these requests that reads ``joint_jointcase`` is explained in-process
   (``EXPLAIN (FORMAT JSON)``, sequential scans ruled out) and printed; ``full_count`` is true
   if any counts the table without a bound (``harness.full_count``).

Prints one JSON line (with the harness's frame):
{"bench": "joint", "joint_cases": N, "children": 3N, "load_s", "filings": {"joint": {"rps",
 "p50_ms", "p99_ms", "errors", "requests", "cpu_ms_per_request"}, "single": {...}, "ratio",
 "target_ratio": 0.5, "target_p99_ms": 300, "target_met"}, "queue": {"urls": {label: {"p50_ms",
 "p95_ms", "non_200"}}, "worst_p95_ms", "target_p95_ms": 200, "target_met"}, "full_count",
 "plans": [{"path", "sql", "plan"}], "db": "postgresql", "server": "gunicorn ..."}

    python bench/joint.py [--small | --smoke] [--joint-cases N] [--seconds S] [--clients N]
                          [--requests R] [--queue-clients C] [--database-url URL] [--keep]

--small: 20,000 joint cases, 5 s per filing phase, 100 requests per URL; --smoke: 2,000, 1 s, 20.
The database is dropped and gunicorn stopped at the end, also on error (--keep keeps it).
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

from case_list import summarize, time_urls
from harness import (
    CpuMeter,
    Gunicorn,
    Record,
    add_common_arguments,
    backend_pids,
    build_request,
    drive,
    explain,
    frozen_today,
    full_count,
    manage,
    plain_indexes,
    plan_summary,
    project_env,
    report_samples,
    scratch_database,
    seed_demo,
    size,
    today_of,
)
from intake import body as single_body

CLERK = "clerk"  # comprehensive window 01 (SCJ among its departments): files the applications
LEAD_CLERK = "clerk_scj"  # the lead department's window: its joint queue
ADMIN = "admin"
APPLICANTS = 5_000
DAYS = 730
TARGET_RATIO = 0.5
TARGET_FILING_P99_MS = 300
TARGET_P95_MS = 200
FOLLOW_PAGES = 5
SCENES = {
    "BENCH-KBCYD": (
        "开办餐饮店",
        "SCJ",
        [
            [
                "11379900MB1C45829000117002000",
                "11379900MB1D20467000121001000",
                "11379900MB1G71286000161001000",
            ]
        ],
    ),
    "BENCH-GCJS": (
        "工程建设项目施工许可",
        "ZJJ",
        [
            ["11379900MB1F03954000132001000"],
            ["11379900MB1E68330000131005000", "11379900MB1E68330000131001000"],
        ],
    ),
    "BENCH-YLJG": (
        "开办医疗机构",
        "WJW",
        [
            [
                "11379900MB1D20467000121002000",
                "11379900MB1C45829000117004000",
                "11379900MB1D20467000121005000",
            ]
        ],
    ),
}
FILED_SCENE = "BENCH-KBCYD"
QUEUE_QUERIES = {
    "limit=20": {"limit": 20},
    "state=accepted": {"state": "accepted", "limit": 20},
    "lead=SCJ&state=accepted": {"lead_department": "SCJ", "state": "accepted", "limit": 20},
    "level=red": {"level": "red", "limit": 20},
}


# ---------------------------------------------------------------- set-up


def make_scenes() -> dict[str, list[str]]:
    """The bench scenes, saved and published through the services: {code: required material
    codes of the merged list}."""
    from zhengwu.accounts.models import User
    from zhengwu.joint import services

    admin = User.objects.get(username=ADMIN)
    required = {}
    for code, (name, lead, stages) in SCENES.items():
        services.save_scene(
            actor=admin,
            code=code,
            name=name,
            lead_department=lead,
            promised_limit=30,
            stages=stages,
        )
        version = services.publish_scene(actor=admin, code=code)
        required[code] = list(
            version.materials.filter(required=True).values_list("code", flat=True)
        )
    return required


SCENES_SQL = """
CREATE TEMP TABLE bench_scenes AS
SELECT (row_number() OVER (ORDER BY s.code) - 1)::int AS k, s.id AS scene_id,
       v.id AS version_id, v.lead_department_id
FROM joint_scene s JOIN joint_sceneversion v ON v.id = s.current_version_id
WHERE s.code LIKE 'BENCH-%%'
"""

JOINT_SQL = """
WITH base AS MATERIALIZED (
    SELECT g, %(first_day)s::date + ((g - 1) * %(days)s / %(total)s)::int AS received_on,
           random() AS r_open, random() AS r_state, random() AS r_level,
           (random() * 1e9)::bigint AS r_app, (random() * 480)::int AS minute
    FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g
)
INSERT INTO joint_jointcase (
    id, number, scene_id, scene_version_id, lead_department_id, applicant_id, owner_id,
    contact_phone, project_code, channel, created_by_id, state, materials, reused, missing,
    received_at, received_on, intake_due, accepted_on, promised_due, statutory_due, stage,
    suspended_workdays, extension_workdays, completed_on, completion, delivered_on, level,
    statutory_overdue, provisional, clocks_on, version, event_count, head_hash, created_at,
    updated_at)
SELECT
    g, 'LB' || to_char(received_on, 'YYYYMMDD') || lpad(g::text, 8, '0'), sc.scene_id,
    sc.version_id, sc.lead_department_id, %(app_first)s + (r_app %% %(app_count)s), NULL,
    '139' || lpad((g %% 100000000)::text, 8, '0'),
    CASE WHEN sc.k = 1 THEN '2024-330102-47-03-' || lpad((g %% 1000000)::text, 6, '0')
         ELSE '' END,
    CASE WHEN minute %% 3 = 0 THEN 'online' ELSE 'window' END, NULL, st.state,
    '[]'::jsonb, '{}'::jsonb, '[]'::jsonb,
    ((received_on + time '09:00') + minute * interval '1 minute') AT TIME ZONE 'Asia/Shanghai',
    received_on, received_on + 7, d.accepted_on,
    CASE WHEN d.accepted_on IS NULL THEN NULL
         WHEN lv.level = 'red' THEN %(today)s::date - 1 - (minute %% 5)
         WHEN lv.level = 'yellow' THEN %(today)s::date
         ELSE greatest(d.accepted_on + 42, %(yellow_before)s::date) END,
    CASE WHEN d.accepted_on IS NULL THEN NULL
         ELSE greatest(d.accepted_on + 63, %(today)s::date) END,
    CASE WHEN d.accepted_on IS NULL THEN NULL ELSE 0 END,
    0, 0, d.completed_on,
    CASE WHEN st.state IN ('completed', 'stopped', 'delivered') THEN 'on_time' ELSE '' END,
    CASE WHEN st.state = 'delivered' THEN least(d.completed_on + 2, %(today)s::date) END,
    lv.level, false, false,
    CASE WHEN st.open THEN %(today)s::date ELSE coalesce(d.completed_on, received_on + 3) END,
    3, 3, '',
    ((received_on + time '09:00') + minute * interval '1 minute') AT TIME ZONE 'Asia/Shanghai',
    ((coalesce(d.completed_on, received_on) + time '16:00')) AT TIME ZONE 'Asia/Shanghai'
FROM base
JOIN bench_scenes sc ON sc.k = base.g %% 3
CROSS JOIN LATERAL (SELECT %(today)s::date - received_on AS age) AS age
CROSS JOIN LATERAL (
    SELECT (age.age <= 60 AND r_open < 0.9) OR (age.age BETWEEN 61 AND 120 AND r_open < 0.1)
        AS open
) AS o
CROSS JOIN LATERAL (
    SELECT o.open, CASE
        WHEN o.open AND r_state < 0.1 AND age.age <= 5 THEN 'submitted'
        WHEN o.open AND r_state < 0.15 THEN 'supplement_requested'
        WHEN o.open THEN 'accepted'
        WHEN r_state < 0.80 THEN 'delivered'
        WHEN r_state < 0.85 THEN 'completed'
        WHEN r_state < 0.90 THEN 'stopped'
        WHEN r_state < 0.95 THEN 'refused'
        ELSE 'withdrawn' END AS state
) AS st
CROSS JOIN LATERAL (
    SELECT CASE WHEN st.state IN ('submitted', 'supplement_requested', 'refused', 'withdrawn')
                THEN NULL ELSE least(received_on + (minute %% 3), %(today)s::date)
           END AS accepted_on,
           least(CASE WHEN st.state IN ('completed', 'stopped', 'delivered')
                      THEN received_on + 10 + (minute %% 30)
                      WHEN st.state IN ('refused', 'withdrawn') THEN received_on + 2 END,
                 %(today)s::date) AS completed_on
) AS d
CROSS JOIN LATERAL (
    SELECT CASE
        WHEN NOT st.open THEN ''
        WHEN st.state <> 'accepted' OR r_level < 0.85 THEN 'normal'
        WHEN r_level < 0.95 THEN 'yellow'
        ELSE 'red' END AS level
) AS lv
"""

CHILDREN_SQL = """
INSERT INTO joint_jointchild (joint_id, item_id, department_id, stage, position, case_id,
                              closed_reason)
SELECT j.id, si.item_id, i.department_id, si.stage, si.position, NULL, ''
FROM joint_jointcase j
JOIN joint_sceneitem si ON si.version_id = j.scene_version_id
JOIN catalog_serviceitem i ON i.id = si.item_id
WHERE j.id BETWEEN %(lo)s AND %(hi)s
"""


def _person_id(n: int) -> str:
    from zhengwu.core.identity import resident_id_check_char

    birth = dt.date(1962, 1, 1) + dt.timedelta(days=n // 1000)
    first17 = f"330108{birth:%Y%m%d}{n % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def load(total: int, *, chunk: int = 100_000) -> dict:
    """Applicants, ``total`` joint cases and their items, straight into the tables; the plain
    indexes built after the rows are in, then ANALYZE."""
    from django.db import connection

    from zhengwu.core import clock
    from zhengwu.workdays.loader import get_calendar

    today = clock.today()
    now = clock.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM accounts_applicant")
        app_first = cursor.fetchone()[0] + 1
        cursor.executemany(
            "INSERT INTO accounts_applicant (id, kind, name, id_number, uscc, "
            "legal_representative, contact, phone, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (app_first + i, "person", f"申请人{i}", _person_id(i), "", "", "", "", now)
                for i in range(APPLICANTS)
            ],
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('accounts_applicant', 'id'), "
            "(SELECT max(id) FROM accounts_applicant))"
        )
        cursor.execute(SCENES_SQL)
        tables = ("joint_jointcase", "joint_jointchild")
        indexes = {table: plain_indexes(cursor, table) for table in tables}
        for table in tables:
            for name, _definition in indexes[table]:
                cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SELECT setseed(0.42)")
        params = {
            "today": today,
            "yellow_before": get_calendar().add(today, 2),
            "first_day": today - dt.timedelta(days=DAYS - 1),
            "days": DAYS,
            "total": total,
            "app_first": app_first,
            "app_count": APPLICANTS,
        }
        for lo in range(1, total + 1, chunk):
            hi = min(total, lo + chunk - 1)
            cursor.execute(JOINT_SQL, {**params, "lo": lo, "hi": hi})
            cursor.execute(CHILDREN_SQL, {"lo": lo, "hi": hi})
        cursor.execute("SET session_replication_role = DEFAULT")
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT max(id) FROM {table}))"
            )
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for table in tables:
            for _name, definition in indexes[table]:
                cursor.execute(definition)
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("ANALYZE accounts_applicant")
        cursor.execute(
            "SELECT count(*) FILTER (WHERE state IN ('submitted', 'supplement_requested', "
            "'accepted')), count(*) FILTER (WHERE level = 'red'), "
            "count(*) FILTER (WHERE lead_department_id = (SELECT id FROM accounts_department "
            "WHERE code = 'SCJ')) FROM joint_jointcase"
        )
        open_count, red, led_by_scj = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM joint_jointchild")
        children = cursor.fetchone()[0]
    return {"open": open_count, "red": red, "led_by_scj": led_by_scj, "children": children}


def token_for(username: str) -> str:
    from zhengwu.accounts.models import User
    from zhengwu.accounts.services import issue_token

    return issue_token(user=User.objects.get(username=username), name="bench")[1]


# ---------------------------------------------------------------- filings


def joint_body(n: int, materials: list[str]) -> bytes:
    single = json.loads(single_body(n))
    return json.dumps(
        {"channel": "window", "applicant": single["applicant"], "materials": materials},
        ensure_ascii=False,
    ).encode()


def filing_maker(path: str, port: int, token: str, offset: int, make_body):
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def make(n: int) -> bytes:
        return build_request("POST", path, port=port, headers=headers, body=make_body(offset + n))

    return make


def file_phases(server, url: str, token: str, materials: list[str], *, clients, seconds, warmup):
    joint_path = f"/api/v1/scenes/{FILED_SCENE}/applications"
    phases = [
        ("warmup-joint", joint_path, 0, warmup, lambda n: joint_body(n, materials)),
        ("warmup-single", "/api/v1/cases", 2_000_000, warmup, single_body),
        ("joint", joint_path, 4_000_000, seconds, lambda n: joint_body(n, materials)),
        ("single", "/api/v1/cases", 8_000_000, seconds, single_body),
    ]
    results = {}
    for label, path, offset, span, make_body in phases:
        make = filing_maker(path, server.port, token, offset, make_body)
        with CpuMeter(server.worker_pids(), backend_pids(url)) as cpu:
            result = drive(server.port, make, clients=clients, seconds=span)
        report_samples(label, result)
        results[label] = result.figures()
        results[label]["cpu_ms_per_request"] = cpu.per_request(len(result.latencies))
    return results["joint"], results["single"]


# ---------------------------------------------------------------- the queue's plans


def capture_plans(paths: list[tuple[str, str]]) -> tuple[bool, list[dict]]:
    """In-process: run each (path, bearer) with the test client and explain every query that
    reads ``joint_jointcase``, sequential scans ruled out (as ``case_list.capture_sql``)."""
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    plans = []
    counted = False
    for path, auth in paths:
        with CaptureQueriesContext(connection) as captured:
            Client().get(path, HTTP_AUTHORIZATION=auth)
        for query in captured.captured_queries:
            sql = query["sql"]
            if '"joint_jointcase"' not in sql or not sql.lstrip().upper().startswith("SELECT"):
                continue
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
                plan = explain(cursor, sql, analyze=False)
            whole = full_count(plan, "joint_jointcase")
            counted |= whole
            plans.append(
                {"path": path, "sql": sql[:300], "plan": plan_summary(plan), "full_count": whole}
            )
    return counted, plans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, "joint")
    parser.add_argument("--joint-cases", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None, help="per filing phase")
    parser.add_argument("--clients", type=int, default=32, help="filing clients")
    parser.add_argument("--requests", type=int, default=None, help="timed requests per URL")
    parser.add_argument("--queue-clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    record = Record("joint", args)
    total = args.joint_cases or size(args, full=200_000, small=20_000, smoke=2_000)
    seconds = args.seconds or size(args, full=20.0, small=5.0, smoke=1.0)
    warmup = size(args, full=3.0, small=1.0, smoke=0.3)
    requests = args.requests or size(args, full=500, small=100, smoke=20)

    with (
        tempfile.TemporaryDirectory(prefix="zw-bench-joint-") as var_dir,
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
        frozen.__enter__()
        try:
            required = make_scenes()
            started = time.perf_counter()
            mix = load(total)
            load_s = time.perf_counter() - started
            filer = token_for(CLERK)
            lead = f"Bearer {token_for(LEAD_CLERK)}"
            queue_paths = [
                (label, "/api/v1/joint-cases?" + urlencode(query))
                for label, query in QUEUE_QUERIES.items()
            ]
            plans_to_time = [
                (f"queue {label}", path, {"Authorization": lead}) for label, path in queue_paths
            ]
            plans_to_time.append(
                ("queue next", "/api/v1/joint-cases?limit=20", {"Authorization": lead})
            )
            connections.close_all()
            with Gunicorn(env, workers=args.workers, threads=args.threads) as server:
                joint, single = file_phases(
                    server,
                    url,
                    filer,
                    required[FILED_SCENE],
                    clients=args.clients,
                    seconds=seconds,
                    warmup=warmup,
                )
                timings, statuses = asyncio.run(
                    time_urls(server.port, plans_to_time, requests, args.queue_clients)
                )
                description = server.description
            counted, plans = capture_plans([(path, lead) for _label, path in queue_paths])
            for found in plans:
                print(f"plan: {found['path']}", *found["plan"], sep="\n  ", file=sys.stderr)
            record.measure_data(url)
        finally:
            frozen.__exit__(None, None, None)
            connections.close_all()

    per_url, overall = summarize(timings, statuses, skip_workbench=True)
    ratio = round(joint["rps"] / single["rps"], 2) if single["rps"] else None
    worst = overall["worst_p95_ms"]
    record.emit(
        {
            "joint_cases": total,
            "children": mix["children"],
            "mix": mix,
            "load_s": round(load_s, 1),
            "filings": {
                "clients": args.clients,
                "seconds": seconds,
                "joint": joint,
                "single": single,
                "ratio": ratio,
                "target_ratio": TARGET_RATIO,
                "target_p99_ms": TARGET_FILING_P99_MS,
                "target_met": bool(ratio is not None and ratio >= TARGET_RATIO)
                and joint["p99_ms"] < TARGET_FILING_P99_MS,
            },
            "queue": {
                "clients": args.queue_clients,
                "requests_per_url": requests,
                "urls": per_url,
                "worst_p95_ms": worst,
                "target_p95_ms": TARGET_P95_MS,
                "target_met": worst < TARGET_P95_MS,
            },
            "full_count": counted,
            "plans": plans,
            "db": "postgresql",
            "server": description,
        }
    )
    if (
        joint["errors"]
        or single["errors"]
        or counted
        or any(u["non_200"] for u in per_url.values())
    ):
        sys.exit(1)


if __name__ == "__main__":
    main()
