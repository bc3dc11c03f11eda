"""Benchmark: POST /api/v1/cases under 32 concurrent clients, beside a bare one-row insert.

A fresh PostgreSQL database gets the demo city (``migrate``, ``seed_demo``); the demo window
clerk (comprehensive window 01: SCJ, SWJ, YC, SPJ) gets a bearer token; gunicorn serves the
project with the bench-only endpoints on. Then 32 keep-alive clients file window applications for
a published SCJ item, each with a new applicant (a valid GB 11643 ID number), for ``--seconds``;
then the same clients send the same bodies to ``POST /api/bench/cases-row``, which authenticates
and parses alike and inserts one case row with no business rules. Anything but 201 is an error
(listed on stderr).

Prints one JSON line:
{"bench": "intake", "clients": 32, "seconds": ..., "cases": {"rps", "p50_ms", "p99_ms", "errors",
 "requests", "cpu_ms_per_request": {"app", "db", "client"}, "connections_per_worker": [...]},
 "baseline": {...},
 "ratio": cases rps / baseline rps, "db": "postgresql", "server": "gunicorn ...",
 "load_avg_1m": the machine's load just before the timing}

    python bench/intake.py [--small] [--seconds S] [--clients N] [--workers W] [--threads T]
                           [--database-url URL] [--keep]

Targets (2 cores): ratio >= 0.5 and cases p99 < 250 ms. --small runs 5 s per endpoint.
The database is dropped and gunicorn stopped at the end, also on error (--keep keeps the database).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import threading

from harness import (
    DEFAULT_PG,
    CpuMeter,
    Gunicorn,
    backend_pids,
    build_request,
    connection_shares,
    drive,
    issue_token,
    manage,
    project_env,
    report_samples,
    scratch_database,
    seed_demo,
)

ITEM = "11379900MB1C45829000117002000"  # 食品经营许可 (SCJ), promised, M01-M04 required
MATERIALS = ["M01", "M02", "M03", "M04"]
CLERK = "clerk"
FIRST_BIRTH = dt.date(1950, 1, 1)


def id_number(n: int) -> str:
    """The n-th distinct valid resident ID number (GB 11643): a birth day and a sequence."""
    from zhengwu.core.identity import resident_id_check_char

    birth = FIRST_BIRTH + dt.timedelta(days=n // 1000)
    first17 = f"330102{birth:%Y%m%d}{n % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def body(n: int) -> bytes:
    return json.dumps(
        {
            "item": ITEM,
            "channel": "window",
            "applicant": {
                "kind": "person",
                "name": f"申请人{n}",
                "id_number": id_number(n),
                "phone": f"139{n % 10**8:08d}",
            },
            "materials": MATERIALS,
        },
        ensure_ascii=False,
    ).encode()


def request_maker(path: str, port: int, token: str, offset: int):
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def make(n: int) -> bytes:
        return build_request("POST", path, port=port, headers=headers, body=body(offset + n))

    return make


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a quick run (5 s per endpoint)")
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--warmup", type=float, default=None, help="seconds per endpoint")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--no-reuse-port",
        dest="reuse_port",
        action="store_false",
        help="one listening socket shared by the workers (gunicorn's default)",
    )
    parser.add_argument("--database-url", default=DEFAULT_PG + "zhengwu_bench_intake")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    seconds = args.seconds or (5.0 if args.small else 20.0)
    warmup = args.warmup if args.warmup is not None else (1.0 if args.small else 3.0)

    with (
        tempfile.TemporaryDirectory(prefix="zw-bench-intake-") as var_dir,
        scratch_database(args.database_url, keep=args.keep) as url,
    ):
        env = project_env(url, var_dir, ZHENGWU_BENCH_ENDPOINTS="1")
        manage(env, "migrate", "--verbosity", "0")
        seed_demo(env)
        token = issue_token(env, CLERK)
        with Gunicorn(
            env, workers=args.workers, threads=args.threads, reuse_port=args.reuse_port
        ) as server:
            cases_path, bench_path = "/api/v1/cases", "/api/bench/cases-row"
            # Each phase files new applicants: offsets keep every ID number distinct.
            phases = [
                ("warmup-cases", cases_path, 0, warmup),
                ("warmup-baseline", bench_path, 2_000_000, warmup),
                ("cases", cases_path, 4_000_000, seconds),
                ("baseline", bench_path, 8_000_000, seconds),
            ]
            results = {}
            load_avg = os.getloadavg()[0]  # what else ran on the machine just before
            for label, path, offset, span in phases:
                make = request_maker(path, server.port, token, offset)
                shares: list[int] = []
                sampler = threading.Timer(
                    min(2.0, span / 2),
                    lambda held=shares: held.extend(
                        connection_shares(server.worker_pids(), server.port)
                    ),
                )
                sampler.start()
                with CpuMeter(server.worker_pids(), backend_pids(url)) as cpu:
                    result = drive(server.port, make, clients=args.clients, seconds=span)
                sampler.join()
                report_samples(label, result)
                results[label] = result.figures()
                results[label]["cpu_ms_per_request"] = cpu.per_request(len(result.latencies))
                results[label]["connections_per_worker"] = shares
            description = server.description

    cases, baseline = results["cases"], results["baseline"]
    print(
        json.dumps(
            {
                "bench": "intake",
                "clients": args.clients,
                "seconds": seconds,
                "cases": cases,
                "baseline": baseline,
                "ratio": round(cases["rps"] / baseline["rps"], 2) if baseline["rps"] else None,
                "db": "postgresql",
                "server": description,
                "load_avg_1m": round(load_avg, 2),
            }
        )
    )
    if cases["errors"] or baseline["errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
