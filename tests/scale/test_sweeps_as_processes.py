"""Sweep workers on several machines: two ``supervise --once`` processes started together against
one PostgreSQL database do the day's work once between them; a third sweep finds nothing left."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from tests.cases.conftest import clerk, head, item, private_root, reviewer, travel  # noqa: F401
from tests.cases.helpers import AT, applicant_payload, file_case
from tests.supervision.test_sweep import staff  # noqa: F401
from zhengwu.cases import services
from zhengwu.cases.models import Case
from zhengwu.notifications.models import Notification
from zhengwu.supervision.models import CaseWarning

ROOT = Path(__file__).resolve().parents[2]
CASES = 6
MOMENT = "2025-10-23 07:00"

# A sweep process at the test's moment: time-machine moves the child's clock as the test's.
CHILD = f"""
import datetime as dt, sys, time_machine
from zoneinfo import ZoneInfo
moment = dt.datetime.strptime("{MOMENT}", "%Y-%m-%d %H:%M")
moment = moment.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
time_machine.travel(moment, tick=False).start()
import django
django.setup()
from django.core.management import call_command
call_command("supervise", "--once")
"""

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="sweep processes on several machines share PostgreSQL",
    ),
]


def _database_url() -> str:
    conf = connection.settings_dict
    user = conf["USER"] + (f":{conf['PASSWORD']}" if conf.get("PASSWORD") else "")
    return f"postgres://{user}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}"


def test_two_sweep_processes_do_the_days_work_once(item, staff, travel, tmp_path):  # noqa: F811
    travel(AT("2025-10-09 09:00"))
    for k in range(1, CASES + 1):
        case = file_case(staff["clerk"], applicant=applicant_payload(k))
        services.act(actor=staff["clerk"], number=case.number, action="accept", data={})
    travel(AT(MOMENT))
    env = {
        **os.environ,
        "ZHENGWU_DATABASE_URL": _database_url(),
        "ZHENGWU_VAR_DIR": str(tmp_path),
        "ZHENGWU_DB_CONN_MAX_AGE": "0",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "zhengwu.settings",
    }
    sweeps = [
        subprocess.Popen(  # noqa: S603 (this interpreter, this repository)
            [sys.executable, "-c", CHILD],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outputs = []
    for sweep in sweeps:
        out, err = sweep.communicate(timeout=180)
        assert sweep.returncode == 0, err.decode()[-2000:]
        outputs.append(out.decode())

    # Every case went red that morning: one warning each, told once to each person.
    assert CaseWarning.objects.count() == CASES
    assert Case.objects.filter(level="red").count() == CASES
    warnings = Notification.objects.filter(kind="warning")
    assert warnings.count() == len(set(warnings.values_list("source_id", "recipient_id")))
    # Between them the two processes recorded each warning once.
    recorded = sum(
        int(part.split("=")[1])
        for out in outputs
        for part in out.split()
        if part.startswith("warnings=")
    )
    assert recorded == CASES

    again = io.StringIO()
    call_command("supervise", "--once", stdout=again)
    assert "warnings=0" in again.getvalue()
    assert CaseWarning.objects.count() == CASES
