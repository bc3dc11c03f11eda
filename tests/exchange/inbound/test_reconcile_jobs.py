"""Reconciliation as a scheduled step: the scheduler reconciles each department's month whose
records arrived or changed since it was last reconciled, once (twice finds nothing new); a
month sent again replaces the findings only of the records that changed (a reviewed finding
stands); and a supervisor starts a month from the page, run by a task worker, its progress
shown. The clock is time-machine's."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from tests.exchange.inbound.helpers import AT
from tests.exchange.inbound.month import MONTH, generate
from zhengwu.exchange import inbound_services, reconcile_jobs
from zhengwu.exchange.models.inbound import (
    DepartmentRecord,
    Reconciliation,
    ReconciliationFinding,
    ReconciliationRun,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(item, clerk, reviewer, travel):
    return generate(clerk, reviewer, travel)


def findings() -> dict[str, tuple[int, dict]]:
    return {
        f.record.record_number: (f.pk, f.kind, f.evidence)
        for f in ReconciliationFinding.objects.select_related("record")
    }


def test_the_scheduler_reconciles_each_month_received_once(month, supervisor, travel):
    inbound_services.receive_records(actor=supervisor, rows=month.records)
    assert reconcile_jobs.due() == [(month.cases[0].department_id, MONTH)]
    travel(AT("2025-10-09 11:00"))
    out = io.StringIO()
    call_command("scheduler", "--once", stdout=out)
    assert "exchange_reconcile months_reconciled=1" in out.getvalue()
    found = findings()
    assert sorted(kind for _pk, kind, _e in found.values()) == [
        "double_intake",
        "off_system",
        "retroactive",
        "trail_conflict",
    ]
    (summary,) = Reconciliation.objects.all()
    assert summary.run_at == AT("2025-10-09 11:00") and summary.run_by is None
    travel(AT("2025-10-09 12:00"))
    assert reconcile_jobs.due() == []
    assert reconcile_jobs.reconcile_due() == 0
    # the same month forced again finds each discrepancy once
    reconcile_jobs.reconcile_now(month=MONTH, department=None)
    assert findings() == found


def test_sending_the_month_again_replaces_only_the_changed_records_findings(
    month, supervisor, travel
):
    inbound_services.receive_records(actor=supervisor, rows=month.records)
    reconcile_jobs.reconcile_due()
    before = findings()
    double = before["SCJ-OWN-0902"][0]
    inbound_services.review_finding(
        actor=supervisor, pk=double, outcome="explained", note="部门编号对应中心办件"
    )
    stamps = dict(DepartmentRecord.objects.values_list("record_number", "updated_at"))

    travel(AT("2025-10-20 09:00"))
    retro, conflict = month.cases[8], month.cases[3]
    rows = []
    for row in month.records:
        if row["record_number"] == retro.number:  # corrected: the center's own dates
            row = {
                **row,
                "received_on": f"{retro.received_on}",
                "accepted_on": f"{retro.accepted_on}",
            }
        elif row["record_number"] == conflict.number:  # another wrong date
            row = {**row, "decided_on": f"{conflict.accepted_on - dt.timedelta(days=1)}"}
        rows.append(row)
    inbound_services.receive_records(actor=supervisor, rows=rows)
    after_send = dict(DepartmentRecord.objects.values_list("record_number", "updated_at"))
    changed = {n for n in after_send if after_send[n] != stamps[n]}
    assert changed == {retro.number, conflict.number}  # a resend unchanged keeps its time

    assert reconcile_jobs.due() == [(month.cases[0].department_id, MONTH)]
    assert reconcile_jobs.reconcile_due() == 1
    after = findings()
    assert retro.number not in after  # withdrawn: the record now agrees with the case
    assert after["SCJ-OWN-0901"] == before["SCJ-OWN-0901"]  # unchanged: the same finding
    assert after["SCJ-OWN-0902"][0] == double  # reviewed: it stands
    assert ReconciliationFinding.objects.get(pk=double).status == "explained"
    new_pk, kind, evidence = after[conflict.number]
    assert kind == "trail_conflict" and new_pk != before[conflict.number][0]
    assert (
        evidence["department_dates"]["decided"] == f"{conflict.accepted_on - dt.timedelta(days=1)}"
    )
    assert ReconciliationFinding.objects.count() == 3


def test_a_supervisor_starts_a_month_and_follows_its_progress(
    client, month, supervisor, head, travel, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    inbound_services.receive_records(actor=supervisor, rows=month.records)
    client.force_login(head)
    assert client.post("/exchange/inbound/reconcile/", {"month": "2025-09"}).status_code == 403
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/exchange/inbound/reconcile/", {"month": "2025-09"})
    assert response.status_code == 302
    (run,) = ReconciliationRun.objects.all()
    assert run.state == "queued" and run.started_by == supervisor
    assert DBTaskResult.objects.filter(task_path__endswith="reconcile_run").count() == 1
    board = client.get("/exchange/inbound/?month=2025-09").content.decode()
    assert f'data-testid="run-{run.pk}" data-state="queued" hx-get=' in board

    travel(AT("2025-10-09 10:05"))
    done = reconcile_jobs.run(run.pk)
    assert (done.state, done.departments, done.departments_done, done.findings) == (
        "done",
        1,
        1,
        4,
    )
    assert done.finished_at == AT("2025-10-09 10:05")
    assert reconcile_jobs.run(run.pk).finished_at == done.finished_at  # run once
    fragment = client.get(f"/exchange/inbound/runs/{run.pk}/").content.decode()
    assert 'data-state="done"' in fragment and "hx-get" not in fragment
    assert "已比对 1 个部门" in fragment and "本月共 4 条问题" in fragment
    assert ReconciliationFinding.objects.count() == 4
    assert client.get("/exchange/inbound/runs/999999/").status_code == 404
    bad = client.post("/exchange/inbound/reconcile/", {"month": "2025-13"})
    assert bad.status_code == 302 and ReconciliationRun.objects.count() == 1
