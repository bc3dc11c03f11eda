"""``make run`` runs the whole system: the Procfile's web server, task worker and scheduler, started
together by honcho against a fresh SQLite database, each doing its work, and all stopped by one
Ctrl-C (SIGINT to the process group, as a terminal sends it)."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what: str, check, timeout: float = 25.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"{what} within {timeout:.0f} s")


def health(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
            return answer.status == 200 and b"ok" in answer.read()
    except OSError:
        return False


def task_statuses(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT status FROM django_tasks_database_dbtaskresult")
        return [status for (status,) in rows]


def test_the_procfile_runs_web_worker_and_scheduler_and_ctrl_c_stops_them(tmp_path):
    database = tmp_path / "zhengwu.sqlite3"
    env = {
        **os.environ,
        "ZHENGWU_DATABASE_URL": f"sqlite:///{database}",
        "ZHENGWU_VAR_DIR": str(tmp_path / "var"),
        "ZHENGWU_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "ZHENGWU_DB_CONN_MAX_AGE": "0",
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOST": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    # A fresh database, and one task waiting for a worker.
    prepare = (
        "from django.core.management import call_command; "
        "call_command('migrate', interactive=False, verbosity=0); "
        "from zhengwu.ratings.tasks import send_invitations; "
        "send_invitations.enqueue()"
    )
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", prepare],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    assert task_statuses(database) == ["READY"]
    port = free_port()
    lines: list[str] = []
    runner = subprocess.Popen(  # noqa: S603
        [str(BIN / "honcho"), "start", "--no-colour", "-f", "Procfile", "-p", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as in a terminal
    )
    reader = threading.Thread(target=lambda: lines.extend(runner.stdout), daemon=True)
    reader.start()
    try:
        wait_for("the web server answers", lambda: health(port))
        wait_for("the worker runs the task", lambda: task_statuses(database) == ["SUCCESSFUL"])
        wait_for(
            "the scheduler sweeps",
            lambda: any("scheduler" in line and " supervise " in line for line in lines),
        )
        assert any("ticket_sweep" in line for line in lines)
    finally:
        os.killpg(runner.pid, signal.SIGINT)  # Ctrl-C
        try:
            runner.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(runner.pid, signal.SIGKILL)
            pytest.fail("Ctrl-C did not stop the processes:\n" + "".join(lines))
    reader.join(timeout=5)
    # every process of the group has ended
    with pytest.raises(ProcessLookupError):
        os.killpg(runner.pid, 0)
    assert not health(port)
    output = "".join(lines)
    assert "scheduler: stopped" in output
