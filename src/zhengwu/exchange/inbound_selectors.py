"""Reads of the inbound exchange: reconciliations, their findings, tickets by source. The
findings and reconciliations are the supervision office's (center-wide roles); a department
head sees their own department's."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.accounts.models import Department, User
from zhengwu.core import clock
from zhengwu.core.errors import NotFound, ValidationFailed
from zhengwu.core.roles import CENTER_WIDE_ROLES, Role, role_names
from zhengwu.exchange.models.inbound import (
    FindingKind,
    InboundTicket,
    Reconciliation,
    ReconciliationFinding,
    TicketSource,
)
from zhengwu.tickets.models import Ticket

# The tickets registered here, beside those handed over by each source.
HOTLINE = "12345"
HOTLINE_LABEL = gettext_lazy("Registered at 12345")


def may_reconcile(user: User) -> bool:
    return bool(role_names(user) & CENTER_WIDE_ROLES)


def may_read_findings(user: User) -> bool:
    return bool(role_names(user) & (CENTER_WIDE_ROLES | {Role.DEPARTMENT_HEAD}))


def may_count_tickets(user: User) -> bool:
    return bool(role_names(user) & (CENTER_WIDE_ROLES | {Role.OPERATOR}))


def findings_scope(user: User) -> Q:
    roles = role_names(user)
    if roles & CENTER_WIDE_ROLES:
        return Q()
    if Role.DEPARTMENT_HEAD in roles and user.department_id:
        return Q(department_id=user.department_id)
    return Q(pk__in=[])


def department_or_422(code: str) -> Department | None:
    code = str(code or "").replace("\x00", "").strip()
    if not code:
        return None
    department = Department.objects.filter(code=code[:32]).first()
    if department is None:
        raise ValidationFailed({"department": [_("No department has this code.")]})
    return department


def reconciliations(month: dt.date, department: Department | None = None) -> QuerySet:
    rows = Reconciliation.objects.filter(month=month).select_related("department", "run_by")
    if department is not None:
        rows = rows.filter(department=department)
    return rows.order_by("department__code")


def summary_out(row: Reconciliation) -> dict:
    return {
        "department": row.department.code,
        "department_name": row.department.name,
        "month": f"{row.month:%Y-%m}",
        "records": row.records,
        "by_number": row.by_number,
        "by_attributes": row.by_attributes,
        "unmatched": row.unmatched,
        "findings": {kind: int(row.findings.get(kind, 0)) for kind in FindingKind.values},
        "run_at": row.run_at.isoformat(),
    }


def findings(user: User, *, month: dt.date | None = None, department=None, kind: str = ""):
    rows = ReconciliationFinding.objects.filter(findings_scope(user)).select_related(
        "department", "record", "case"
    )
    if month is not None:
        rows = rows.filter(month=month)
    if department is not None:
        rows = rows.filter(department=department)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("-month", "department__code", "kind", "record__record_number", "id")


def finding(user: User, pk: int) -> ReconciliationFinding:
    found = (
        ReconciliationFinding.objects.filter(findings_scope(user))
        .select_related("department", "record", "record__item", "case", "record__batch")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def tickets_by_source(start: dt.date, end: dt.date) -> dict[str, int]:
    """Tickets received in [start, end] (Shanghai days): those handed over, by source, and the
    others registered here (``HOTLINE``)."""
    low = clock.start_of_day(start)
    high = clock.start_of_day(end + dt.timedelta(days=1))
    counts = dict(
        InboundTicket.objects.filter(received_at__gte=low, received_at__lt=high)
        .order_by()
        .values_list("source")
        .annotate(n=Count("id"))
    )
    total = Ticket.objects.filter(received_at__gte=low, received_at__lt=high).count()
    out = {HOTLINE: total - sum(counts.values())}
    out.update({source: int(counts.get(source, 0)) for source in TicketSource.values})
    return out


def source_labels() -> dict[str, str]:
    return {HOTLINE: HOTLINE_LABEL, **dict(TicketSource.choices)}
