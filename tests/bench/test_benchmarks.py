"""Each benchmark's ``--smoke`` run prints one JSON line with its documented keys, so a broken
benchmark fails the suite. Speed is never asserted here (bench/README.md).

The scripts that need PostgreSQL run only when ``ZHENGWU_TEST_DATABASE_URL`` is a PostgreSQL
URL (the PostgreSQL leg of CI); each makes its own scratch database named after the script, the
xdist worker and this process, so parallel workers never share one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEST_DB = os.environ.get("ZHENGWU_TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DB.startswith(("postgres://", "postgresql://"))
TIMEOUT_S = 300
# province.py migrates and seeds the demo, builds 10 centers and starts three servers and two
# sweep processes: its smoke run takes minutes on two shared cores.
TIMEOUTS_S = {"province": 900}

# What every line carries (bench/harness: Record.REQUIRED).
COMMON = {
    "bench",
    "machine",
    "commit",
    "load_before",
    "load_after",
    "cpu_during",
    "today",
    "size",
}
# The keys bench/README.md documents for each script.
KEYS = {
    "workdays": {"calls", "ours_per_s", "baseline_per_s", "ratio", "mismatches"},
    "intake": {"cases", "baseline", "ratio", "open_loop", "cpu_ratio", "db", "data_bytes"},
    "case_list": {"cases", "cold", "warm", "worst_p95_ms", "full_count", "queries_checked"},
    "ratings": {"ratings", "push", "db", "data_bytes"},
    "exchange": {"outbox", "db", "data_bytes"},
    "indicators": {"cases", "p50_ms", "max_ms", "seq_scan", "plans", "db"},
    "supervise": {
        "cases",
        "sweep_s",
        "reference_s",
        "reference_index_only",
        "ratio",
        "sealed",
        "plans",
    },
    "tickets": {"report", "db", "data_bytes"},
    "pages": {"serial", "concurrent", "slowest", "max_queries", "query_violators"},
    "joint": {"joint_cases", "children", "filings", "queue", "full_count", "plans", "db"},
    "trading": {
        "lots",
        "bids",
        "wall_s",
        "cpu_s",
        "per_bid_ms",
        "growth",
        "growth_ratio",
        "planted",
        "found_planted",
        "false_flags",
        "indicators",
    },
    "disclosure": {
        "requests",
        "year",
        "government_ms",
        "department_ms",
        "target_met",
        "balanced",
        "checked",
        "seq_scan",
        "plans",
        "db",
        "data_bytes",
    },
    "hall": {
        "windows",
        "waiting",
        "clients",
        "calls",
        "status_ms",
        "call_next_ms",
        "called_twice",
        "target_met",
        "seq_scan",
        "plans",
        "db",
        "data_bytes",
    },
    "province": {
        "cases",
        "events",
        "centers",
        "departments",
        "events_partitioned",
        "generation",
        "queues",
        "full_count",
        "indicators",
        "sweep",
        "intake",
        "targets_met",
        "plans",
        "db",
        "data_bytes",
    },
    "reconcile": {
        "cases",
        "records",
        "month",
        "reconcile_s",
        "phases_s",
        "peak_rss_growth_mib",
        "temp_bytes",
        "target_met",
        "planted",
        "found",
        "missed",
        "false_flags",
        "twice",
        "checked",
        "plans",
        "db",
        "data_bytes",
    },
}
# The scripts that need no database (they set up their own, or none).
NO_DATABASE = {"workdays", "trading"}
# Extra arguments of the smoke run (the ticket intake is covered by intake.py's machinery).
EXTRA = {"tickets": ["--skip-intake"]}


def database_url(name: str) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    parts = urlsplit(TEST_DB)
    return urlunsplit(
        (parts.scheme, parts.netloc, f"/zhengwu_bench_{name}_{worker}_{os.getpid()}", "", "")
    )


def run(name: str) -> dict:
    command = [sys.executable, str(ROOT / "bench" / f"{name}.py"), "--smoke", *EXTRA.get(name, [])]
    if name not in NO_DATABASE:
        command += ["--database-url", database_url(name)]
    done = subprocess.run(  # noqa: S603 - our own scripts, our own arguments
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUTS_S.get(name, TIMEOUT_S),
        check=False,
    )
    assert done.returncode == 0, f"{name} failed:\n{done.stderr[-3000:]}"
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1, f"{name} printed {len(lines)} JSON lines:\n{done.stdout[-2000:]}"
    return json.loads(lines[0])


@pytest.mark.parametrize("name", sorted(KEYS))
def test_smoke_run_prints_the_documented_keys(name):
    if name == "workdays":
        pytest.importorskip("chinese_calendar", reason="the bench extra (chinese-calendar)")
    elif name not in NO_DATABASE and not ON_POSTGRES:
        pytest.skip("needs PostgreSQL: ZHENGWU_TEST_DATABASE_URL is not a postgres:// URL")
    line = run(name)
    missing = (COMMON | KEYS[name]) - set(line)
    assert not missing, f"{name} left out {sorted(missing)}"
    assert line["bench"] == name
    assert line["size"] == "smoke"
    assert {"cpu", "cores"} <= set(line["machine"])
    assert len(line["load_before"]) == len(line["load_after"]) == 3
    shares = line["cpu_during"]
    assert set(shares) == {"normal", "niced", "idle", "steal"}
    assert 99 <= sum(shares.values()) <= 101
