"""Task workers on several machines share one queue and never run a task twice: two
``db_worker`` processes against one PostgreSQL database, each allowed half of the tasks, run
every task once between them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django_tasks_db.models import DBTaskResult

from tests.scale.tasks import count_run

ROOT = Path(__file__).resolve().parents[2]
TASKS = 40

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="several worker processes on one queue: PostgreSQL (SQLite is one machine's)",
    ),
]


def _database_url() -> str:
    conf = connection.settings_dict
    user = conf["USER"] + (f":{conf['PASSWORD']}" if conf.get("PASSWORD") else "")
    return f"postgres://{user}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}"


def test_two_worker_processes_run_every_task_once_between_them(tmp_path):
    results = [count_run.enqueue(number, 0.02) for number in range(TASKS)]
    env = {
        **os.environ,
        "ZHENGWU_DATABASE_URL": _database_url(),
        "ZHENGWU_VAR_DIR": str(tmp_path),
        "ZHENGWU_DB_CONN_MAX_AGE": "0",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    command = [
        sys.executable,
        str(ROOT / "manage.py"),
        "db_worker",
        "--batch",
        "--max-tasks",
        str(TASKS // 2),
        "--interval",
        "0.05",
    ]
    workers = [
        subprocess.Popen(  # noqa: S603 (this interpreter, this repository)
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    for worker in workers:
        _out, err = worker.communicate(timeout=180)
        assert worker.returncode == 0, err.decode()[-2000:]

    rows = DBTaskResult.objects.filter(id__in=[r.id for r in results])
    assert rows.count() == TASKS
    assert set(rows.values_list("status", flat=True)) == {"SUCCESSFUL"}
    # Each task ran once, by one worker: its count in the shared cache is 1.
    assert all(cache.get(f"scale-out-run:{n}") == 1 for n in range(TASKS))
    ran_by: dict[str, int] = {}
    for worker_ids in rows.values_list("worker_ids", flat=True):
        assert len(worker_ids) == 1
        ran_by[worker_ids[0]] = ran_by.get(worker_ids[0], 0) + 1
    # Each process stops after half of the tasks: both took their share.
    assert sorted(ran_by.values()) == [TASKS // 2, TASKS // 2]
