"""Each benchmark's ``--smoke`` run prints one JSON line with its documented keys, so a broken
benchmark fails the suite. Speed is never asserted here (bench/README.md).

The scripts that need PostgreSQL run only when ``ZHENGWU_TEST_DATABASE_URL`` is a PostgreSQL
URL (the PostgreSQL leg of CI); each makes its own scratch database named after the script, the
xdist worker and this process, so parallel workers never share one. Each worker migrates one
template database first and every script's database starts as a copy of it
(``ZHENGWU_BENCH_TEMPLATE_DB``): the script's own ``migrate`` then has nothing left to do,
instead of running every migration again for each of a dozen scripts.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import harness  # noqa: E402 - bench/harness, put on the path just above

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


@pytest.fixture(scope="session")
def migrated_template():
    """This worker's migrated database, the template of every script's scratch database (made
    once per worker, however the scheduler spreads the scripts over the workers)."""
    url = database_url("template")
    harness.recreate_database(url)
    try:
        with tempfile.TemporaryDirectory(prefix="zw-bench-template-") as var_dir:
            harness.manage(harness.project_env(url, var_dir), "migrate", "--verbosity", "0")
        yield harness.database_name(url)
    finally:
        harness.drop_database(url)


def run(name: str, template: str | None = None) -> dict:
    command = [sys.executable, str(ROOT / "bench" / f"{name}.py"), "--smoke", *EXTRA.get(name, [])]
    env = dict(os.environ)
    if name not in NO_DATABASE:
        command += ["--database-url", database_url(name)]
        if template:
            env[harness.TEMPLATE_ENV] = template
    timeout = TIMEOUTS_S.get(name, TIMEOUT_S)
    # In a session of its own: a script that overruns is killed with the servers it started
    # (gunicorn), which would otherwise go on taking the cores from the rest of the suite.
    with subprocess.Popen(  # noqa: S603 - our own scripts, our own arguments
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as done:
        try:
            stdout, stderr = done.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(done.pid, signal.SIGKILL)
            stdout, stderr = done.communicate()
            pytest.fail(f"{name} ran over {timeout} s:\n{stderr[-3000:]}")
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(done.pid, signal.SIGKILL)
            if name not in NO_DATABASE:  # a killed script could not drop its own
                harness.drop_database(database_url(name))
    assert done.returncode == 0, f"{name} failed:\n{stderr[-3000:]}"
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1, f"{name} printed {len(lines)} JSON lines:\n{stdout[-2000:]}"
    return json.loads(lines[0])


@pytest.mark.parametrize("name", sorted(KEYS))
def test_smoke_run_prints_the_documented_keys(name, request):
    template = None
    if name == "workdays":
        pytest.importorskip("chinese_calendar", reason="the bench extra (chinese-calendar)")
    elif name not in NO_DATABASE:
        if not ON_POSTGRES:
            pytest.skip("needs PostgreSQL: ZHENGWU_TEST_DATABASE_URL is not a postgres:// URL")
        template = request.getfixturevalue("migrated_template")
    line = run(name, template)
    missing = (COMMON | KEYS[name]) - set(line)
    assert not missing, f"{name} left out {sorted(missing)}"
    assert line["bench"] == name
    assert line["size"] == "smoke"
    assert {"cpu", "cores"} <= set(line["machine"])
    assert len(line["load_before"]) == len(line["load_after"]) == 3
    shares = line["cpu_during"]
    assert set(shares) == {"normal", "niced", "idle", "steal"}
    assert 99 <= sum(shares.values()) <= 101
