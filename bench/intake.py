"""Benchmark: POST /api/v1/cases under 32 concurrent clients, beside a bare one-row insert.

A fresh PostgreSQL database gets the demo city (``migrate``, ``seed_demo``); the demo window
clerk (comprehensive window 01: SCJ, SWJ, YC, SPJ) gets a bearer token; gunicorn serves the
project with the bench-only endpoints on. Then 32 keep-alive clients file window applications for
a published SCJ item, each with a new applicant (a valid GB 11643 ID number), for ``--seconds``;
then the same clients send the same bodies to ``POST /api/bench/cases-row``, which authenticates
and parses alike and inserts one case row with no business rules. Anything but 201 is an error
(listed on stderr).

Then the open loop: filings arrive at ``--rate`` a second (100, the center's peak; Poisson
arrivals, or evenly spaced with ``--fixed-arrivals``) whether or not the earlier ones are
answered, to each endpoint in turn; latency is counted from each request's scheduled send time,
so queueing is part of it (the latency the applicant sees).

Prints one JSON line (with the harness's ``machine``, ``commit``, ``load_before``,
``load_after``, ``today``, ``size``, ``data_bytes``):
{"bench": "intake", "clients": 32, "seconds": ..., "cases": {"rps", "p50_ms", "p99_ms", "errors",
 "requests", "cpu_ms_per_request": {"app", "db", "client"}, "connections_per_worker": [...]},
 "baseline": {...}, "ratio": cases rps / baseline rps,
 "open_loop": {"rate", "arrivals", "cases": {...}, "baseline": {...}, "target_p99_ms": 150,
 "target_met"}, "cpu_ratio": server CPU (app + db) per filing / per bare insert in the open
 loop, "target_cpu_ratio": 2.0, "db": "postgresql", "server": "gunicorn ..."}

    python bench/intake.py [--small | --smoke] [--seconds S] [--clients N] [--rate R]
                           [--fixed-arrivals] [--workers W] [--threads T]
                           [--database-url URL] [--keep]

Targets (2 cores): ratio >= 0.5 and cases p99 < 250 ms (closed loop); open-loop cases p99
< 150 ms at 100 filings/s; cpu_ratio <= 2.0 (machine-independent). --small runs 5 s per phase,
--smoke 1 s (and at most 20 filings/s).
The database is dropped and gunicorn stopped at the end, also on error (--keep keeps the database).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import threading

from harness import (
    CpuMeter,
    Gunicorn,
    Record,
    add_common_arguments,
    backend_pids,
    build_request,
    connection_shares,
    drive,
    drive_open,
    issue_token,
    manage,
    project_env,
    report_samples,
    scratch_database,
    seed_demo,
    size,
)

ITEM = "11379900MB1C45829000117002000"  # 食品经营许可 (SCJ), promised, M01-M04 required
MATERIALS = ["M01", "M02", "M03", "M04"]
CLERK = "clerk"
FIRST_BIRTH = dt.date(1950, 1, 1)
TARGET_OPEN_P99_MS = 150
TARGET_CPU_RATIO = 2.0


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
    add_common_arguments(parser, "intake")
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--warmup", type=float, default=None, help="seconds per endpoint")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument(
        "--rate", type=float, default=100.0, help="the open loop's offered filings a second"
    )
    parser.add_argument(
        "--fixed-arrivals", action="store_true", help="evenly spaced arrivals, not Poisson"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--no-reuse-port",
        dest="reuse_port",
        action="store_false",
        help="one listening socket shared by the workers (gunicorn's default)",
    )
    args = parser.parse_args()
    record = Record("intake", args)
    seconds = args.seconds or size(args, full=20.0, small=5.0, smoke=1.0)
    warmup = args.warmup if args.warmup is not None else size(args, full=3.0, small=1.0, smoke=0.3)
    rate = args.rate if not args.smoke else min(args.rate, 20.0)

    with (
        tempfile.TemporaryDirectory(prefix="zw-bench-intake-") as var_dir,
        scratch_database(args.database_url, keep=args.keep) as url,
    ):
        # Connections kept for longer than the run: a backend that ended mid-phase (the
        # default 60 s) would take its CPU out of the figures (CpuMeter).
        env = project_env(
            url,
            var_dir,
            ZHENGWU_BENCH_TODAY=args.today,
            ZHENGWU_BENCH_ENDPOINTS="1",
            ZHENGWU_DB_CONN_MAX_AGE="3600",
        )
        manage(env, "migrate", "--verbosity", "0")
        seed_demo(env)
        token = issue_token(env, CLERK)
        with Gunicorn(
            env, workers=args.workers, threads=args.threads, reuse_port=args.reuse_port
        ) as server:
            cases_path, bench_path = "/api/v1/cases", "/api/bench/cases-row"
            # Each phase files new applicants: offsets keep every ID number distinct.
            # closed loop: every client sends its next request when the last is answered;
            # open loop: requests arrive at --rate whatever the server does.
            phases = [
                ("warmup-cases", cases_path, 0, warmup, None),
                ("warmup-baseline", bench_path, 2_000_000, warmup, None),
                ("cases", cases_path, 4_000_000, seconds, None),
                ("baseline", bench_path, 8_000_000, seconds, None),
                ("open-cases", cases_path, 12_000_000, seconds, rate),
                ("open-baseline", bench_path, 16_000_000, seconds, rate),
            ]
            results = {}
            for label, path, offset, span, offered in phases:
                make = request_maker(path, server.port, token, offset)
                shares: list[int] = []
                sampler = threading.Timer(
                    min(2.0, span / 2),
                    lambda held=shares: held.extend(
                        connection_shares(server.worker_pids(), server.port)
                    ),
                )
                sampler.start()
                with CpuMeter(server.worker_pids(), backend_pids(url), db_url=url) as cpu:
                    if offered is None:
                        result = drive(server.port, make, clients=args.clients, seconds=span)
                    else:
                        result = drive_open(
                            server.port,
                            make,
                            rate=offered,
                            seconds=span,
                            poisson=not args.fixed_arrivals,
                        )
                sampler.join()
                report_samples(label, result)
                results[label] = result.figures()
                results[label]["cpu_ms_per_request"] = cpu.per_request(len(result.latencies))
                results[label]["connections_per_worker"] = shares
                results[label]["db_backends_ended"] = cpu.db_ended
            description = server.description
        record.measure_data(url)

    cases, baseline = results["cases"], results["baseline"]
    open_cases, open_baseline = results["open-cases"], results["open-baseline"]

    def server_cpu(figures: dict) -> float:
        spent = figures["cpu_ms_per_request"]
        return spent["app"] + spent["db"]

    # The machine-independent figure: what a filing costs the server (app + database CPU)
    # against the bare insert, measured in the open loop (no queueing inflates either).
    cpu_ratio = (
        round(server_cpu(open_cases) / server_cpu(open_baseline), 2)
        if server_cpu(open_baseline)
        else None
    )
    record.emit(
        {
            "clients": args.clients,
            "seconds": seconds,
            "cases": cases,
            "baseline": baseline,
            "ratio": round(cases["rps"] / baseline["rps"], 2) if baseline["rps"] else None,
            "open_loop": {
                "rate": rate,
                "arrivals": "fixed" if args.fixed_arrivals else "poisson",
                "cases": open_cases,
                "baseline": open_baseline,
                "target_p99_ms": TARGET_OPEN_P99_MS,
                "target_met": open_cases["p99_ms"] < TARGET_OPEN_P99_MS,
            },
            "cpu_ratio": cpu_ratio,
            "target_cpu_ratio": TARGET_CPU_RATIO,
            "db": "postgresql",
            "server": description,
        }
    )
    if cases["errors"] or baseline["errors"] or open_cases["errors"] or open_baseline["errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
