"""Reconciliation as a scheduled step (docs/exchange.md "Reconciliation runs"):

- ``reconcile_month``: one department's month reconciled in one transaction, after the
  findings of the records changed since they were found are withdrawn (only those still
  awaiting review with no review step: a reviewed finding stands on the evidence it was
  reviewed on). A record sent again unchanged keeps its ``updated_at``
  (``inbound_services.receive_records``), so a re-import replaces the findings only of the
  records that changed; reconciling twice finds each discrepancy once (``exch_finding_once``).
- ``due`` / ``reconcile_due``: the scheduler's job (``exchange_reconcile``): each department's
  month whose records arrived or changed after its last reconciliation (or never reconciled).
- ``start`` / ``run``: a reconciliation started from the page, run by a task worker, its
  progress (departments done of those to do) on a ``ReconciliationRun`` the page polls.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.db.models.functions import TruncMonth
from django_tasks import task

from zhengwu.accounts.models import Department, User
from zhengwu.core import clock
from zhengwu.exchange.inbound_selectors import findings_scope
from zhengwu.exchange.models.inbound import (
    DepartmentRecord,
    Reconciliation,
    ReconciliationFinding,
    ReconciliationReview,
    ReconciliationRun,
)
from zhengwu.exchange.reconcile import month_bounds, reconcile
from zhengwu.supervision.review_rules import OPEN

log = logging.getLogger(__name__)


def withdraw_changed(month: dt.date, department: Department) -> int:
    """Delete the findings of ``department``'s records received in ``month`` (or found in it)
    whose record changed after they were found, if still awaiting review with no review
    step; the number withdrawn."""
    first, last = month_bounds(month)
    stale = (
        ReconciliationFinding.objects.filter(department=department, status=OPEN)
        .filter(Q(month=first) | Q(record__received_on__gte=first, record__received_on__lte=last))
        .filter(record__updated_at__gt=F("detected_at"))
        .exclude(Exists(ReconciliationReview.objects.filter(finding=OuterRef("pk"))))
    )
    ids = list(stale.values_list("pk", flat=True))
    if ids:
        ReconciliationFinding.objects.filter(pk__in=ids).delete()
    return len(ids)


def reconcile_month(
    *, month: dt.date, department: Department, actor: User | None = None
) -> list[Reconciliation]:
    """Reconcile ``department``'s ``month`` (``reconcile.reconcile``) in one transaction, the
    findings of changed records withdrawn first."""
    with transaction.atomic():
        withdraw_changed(month, department)
        return reconcile(month=month.replace(day=1), department=department, actor=actor)


def reconcile_now(
    *, month: dt.date, department: Department | None, actor: User | None = None
) -> list[Reconciliation]:
    """Reconcile ``month`` of ``department`` (or of every department with records in it that
    ``actor`` oversees) here and now, one department at a time (``reconcile_month``)."""
    done: list[Reconciliation] = []
    for each in _departments(month, department, actor):
        done += reconcile_month(month=month, department=each, actor=actor)
    return done


def due() -> list[tuple[int, dt.date]]:
    """``(department id, month)`` of each month whose records arrived or changed after the
    month's last reconciliation, or that was never reconciled, oldest month first."""
    latest = (
        DepartmentRecord.objects.order_by()
        .annotate(month=TruncMonth("received_on"))
        .values_list("department_id", "month")
        .annotate(last=Max("updated_at"))
    )
    runs = {
        (row.department_id, row.month): row.run_at
        for row in Reconciliation.objects.only("department_id", "month", "run_at")
    }
    out = []
    for department_id, month, last in latest:
        if isinstance(month, dt.datetime):
            month = month.date()
        run_at = runs.get((department_id, month))
        if run_at is None or last > run_at:
            out.append((department_id, month))
    return sorted(out, key=lambda pair: (pair[1], pair[0]))


def reconcile_due() -> int:
    """The scheduler's job: reconcile every month ``due``; the number of months reconciled.
    Safe to run twice or on two machines: a month reconciled meanwhile finds nothing new."""
    pairs = due()
    departments = Department.objects.in_bulk({d for d, _m in pairs})
    for department_id, month in pairs:
        reconcile_month(month=month, department=departments[department_id])
    return len(pairs)


# ---------------------------------------------------------------- runs started from the page


def _departments(
    month: dt.date, department: Department | None, actor: User | None = None
) -> list[Department]:
    """``department``, or every department with records in ``month``: those ``actor`` reads
    (``inbound_selectors.findings_scope``: a county supervisor's run covers the county and its
    townships, not the province), all of them for the scheduler (no actor)."""
    if department is not None:
        return [department]
    first, last = month_bounds(month)
    ids = (
        DepartmentRecord.objects.filter(received_on__gte=first, received_on__lte=last)
        .order_by()
        .values_list("department_id", flat=True)
        .distinct()
    )
    departments = Department.objects.filter(pk__in=list(ids))
    if actor is not None:
        departments = departments.filter(findings_scope(actor, "pk"))
    return list(departments.order_by("code"))


def start(*, actor: User, month: dt.date, department: Department | None) -> ReconciliationRun:
    """Queue the reconciliation of ``month`` (of ``department``, or of every department with
    records in it that ``actor`` oversees) for a task worker; the run the page follows."""
    with transaction.atomic():
        run_row = ReconciliationRun.objects.create(
            month=month.replace(day=1),
            department=department,
            started_by=actor,
            created_at=clock.now(),
        )
        pk = run_row.pk
        transaction.on_commit(lambda: reconcile_run.enqueue(pk))
    return run_row


def run(pk: int) -> ReconciliationRun:
    """Carry out run ``pk``: one department at a time, each in its own transaction, the
    progress saved after each. A run already started or finished is left alone."""
    with transaction.atomic():
        row = ReconciliationRun.objects.select_for_update().filter(pk=pk).first()
        if row is None or row.state != ReconciliationRun.State.QUEUED:
            return row
        if row.department_id is None and row.started_by_id is None:
            # its starter's account is gone: whose departments it covered is not known, and a
            # run from the page is never the scheduler's run of every department
            departments = []
        else:
            departments = _departments(row.month, row.department, row.started_by)
        row.state = ReconciliationRun.State.RUNNING
        row.started_at = clock.now()
        row.departments = len(departments)
        row.save(update_fields=["state", "started_at", "departments"])
    try:
        for department in departments:
            done = reconcile_month(month=row.month, department=department, actor=row.started_by)
            row.departments_done += 1
            row.findings += sum(sum(r.findings.values()) for r in done)
            row.save(update_fields=["departments_done", "findings"])
    except Exception as error:  # recorded on the run for the page; the worker logs it
        log.exception("reconciliation run %s failed", pk)
        row.state = ReconciliationRun.State.FAILED
        row.error = f"{type(error).__name__}: {error}"[:2000]
    else:
        row.state = ReconciliationRun.State.DONE
    row.finished_at = clock.now()
    row.save(update_fields=["state", "error", "finished_at"])
    return row


@task()
def reconcile_run(pk: int) -> str:
    return run(pk).state
