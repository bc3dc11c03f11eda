"""Reads of the inbound exchange: reconciliations, their findings, tickets by source. The
findings and reconciliations are the supervision office's (center-wide roles: the departments
of the centers under their region, or of their center, ``accounts.regions``); a department head
sees their own department's. The ticket counts cover the tickets the reader may see
(``tickets.selectors.scope``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.accounts import regions
from zhengwu.accounts.models import Department, User
from zhengwu.core import clock
from zhengwu.core.errors import NotFound, ValidationFailed
from zhengwu.core.roles import CENTER_WIDE_ROLES, Role, role_names
from zhengwu.exchange.models.inbound import (
    FindingKind,
    InboundTicket,
    Reconciliation,
    ReconciliationFinding,
    ReconciliationRun,
    TicketSource,
)
from zhengwu.supervision import review_rules
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


def findings_scope(user: User, field: str = "department") -> Q:
    """The departments whose findings and reconciliations ``user`` reads, on ``<field>`` (a
    department's key): center-wide roles those under their region or center, a department head
    their own."""
    roles = role_names(user)
    if roles & CENTER_WIDE_ROLES:
        return regions.department_q(user, field)
    if Role.DEPARTMENT_HEAD in roles and user.department_id:
        return Q(**{field: user.department_id})
    return Q(pk__in=[])


def departments_for(user: User) -> QuerySet[Department]:
    """The departments whose reconciliations ``user`` reads (``findings_scope``), by code."""
    return Department.objects.filter(findings_scope(user, "pk")).order_by("code")


def department_or_422(code: str, reader: User | None = None) -> Department | None:
    """The department of ``code`` (None for none given); with a ``reader``, only one whose
    findings they read (``findings_scope``): another region's is answered as no such code."""
    code = str(code or "").replace("\x00", "").strip()
    if not code:
        return None
    departments = Department.objects.all() if reader is None else departments_for(reader)
    department = departments.filter(code=code[:32]).first()
    if department is None:
        raise ValidationFailed({"department": [_("No department has this code.")]})
    return department


def reconciliations(
    month: dt.date, department: Department | None = None, *, reader: User
) -> QuerySet:
    """The month's reconciliations of the departments ``reader`` may see (``findings_scope``)."""
    rows = Reconciliation.objects.filter(findings_scope(reader), month=month).select_related(
        "department", "run_by"
    )
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


def findings(
    user: User,
    *,
    month: dt.date | None = None,
    department=None,
    kind: str = "",
    status: str = "",
):
    rows = ReconciliationFinding.objects.filter(findings_scope(user)).select_related(
        "department", "record", "case"
    )
    if month is not None:
        rows = rows.filter(month=month)
    if department is not None:
        rows = rows.filter(department=department)
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-month", "department__code", "kind", "record__record_number", "id")


def review_counts(
    month: dt.date, department: Department | None = None, *, reader: User
) -> dict[int, dict]:
    """``{department id: {"reviewed": n, "pending": n}}`` of the month's findings ``reader`` may
    see: reviewed once confirmed or dismissed, pending while awaiting review or the department's
    explanation (``supervision.review_rules``)."""
    rows = ReconciliationFinding.objects.filter(findings_scope(reader), month=month)
    if department is not None:
        rows = rows.filter(department=department)
    out: dict[int, dict] = {}
    for dept, status, n in (
        rows.order_by().values_list("department_id", "status").annotate(n=Count("id"))
    ):
        counts = out.setdefault(dept, {"reviewed": 0, "pending": 0})
        counts["reviewed" if review_rules.is_reviewed(status) else "pending"] += n
    return out


def supervision_counts(
    start: dt.date, end: dt.date, department_ids=None
) -> list[tuple[str, str, int]]:
    """The discrepancies detected in ``[start, end]`` by kind, for the e-supervision figures
    (``supervision.finding_sources``): keys ``reconciliation_<kind>``, every kind listed."""
    rows = ReconciliationFinding.objects.filter(detected_on__gte=start, detected_on__lte=end)
    if department_ids is not None:
        rows = rows.filter(department_id__in=list(department_ids))
    counts = dict(rows.order_by().values_list("kind").annotate(n=Count("id")))
    return [
        (
            f"reconciliation_{kind.value}",
            _("Reconciliation: %(kind)s") % {"kind": kind.label},
            int(counts.get(kind.value, 0)),
        )
        for kind in FindingKind
    ]


def waiting_work(user: User) -> list:
    """The home page lines: for supervisors the discrepancies awaiting review and those the
    department has explained; for a department's head those awaiting its explanation. Each
    count is the list it links to."""
    from django.urls import reverse

    from zhengwu.core.paging import COUNT_CAP, capped_count, shown
    from zhengwu.core.workbench import Work

    roles = role_names(user)
    lines = []
    if Role.SUPERVISOR in roles:
        lines += [
            ("exchange-findings", review_rules.OPEN, REVIEW_WAITING),
            ("exchange-findings-answered", review_rules.ANSWERED, ANSWERED_WAITING),
        ]
    if Role.DEPARTMENT_HEAD in roles and user.department_id:
        lines.append(("exchange-findings-referred", review_rules.REFERRED, DEPARTMENT_WAITING))
    scope = findings_scope(user)
    return [
        Work(
            key=key,
            label=label,
            count=shown(
                *capped_count(ReconciliationFinding.objects.filter(scope, status=status), COUNT_CAP)
            ),
            url=reverse("exchange:findings") + f"?status={status}",
            urgent=True,
            section=gettext_lazy("Supervision"),
        )
        for key, status, label in lines
    ]


REVIEW_WAITING = gettext_lazy("Discrepancies awaiting review")
ANSWERED_WAITING = gettext_lazy("Discrepancies explained by the department, awaiting review")
DEPARTMENT_WAITING = gettext_lazy("Discrepancies awaiting your department's explanation")


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


def runs_for(reader: User) -> QuerySet[ReconciliationRun]:
    """The runs ``reader`` follows: those of a department whose findings they read
    (``findings_scope``), and those of every department started by themselves or, for a
    center-wide role, by a colleague whose region or center lies within theirs (such a run
    covered only departments under it); with a center-wide role over the whole deployment,
    every run."""
    rows = ReconciliationRun.objects.select_related("department", "started_by")
    center_wide = bool(role_names(reader) & CENTER_WIDE_ROLES)
    if center_wide and regions.oversees_everything(reader):
        return rows
    starters = Q(started_by=reader)
    if center_wide:
        starters |= regions.staff_within_q(reader, "started_by")
    return rows.filter(
        Q(department__isnull=False, department__in=departments_for(reader).values("pk"))
        | (Q(department__isnull=True) & starters)
    )


def recent_runs(month: dt.date, reader: User, limit: int = 5) -> list[ReconciliationRun]:
    """The latest reconciliations of ``month`` started from the page that ``reader`` follows."""
    return list(runs_for(reader).filter(month=month).order_by("-created_at", "-id")[:limit])


def run(pk: int, reader: User) -> ReconciliationRun:
    found = runs_for(reader).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def _ticket_q(reader: User, prefix: str = "") -> Q:
    """The tickets ``reader`` may see (the hotline desk every one, a supervisor or leader those
    of the centers they oversee: the one scope of the tickets app), on ``<prefix>`` a ticket."""
    from zhengwu.tickets.selectors import scope

    seen = scope(reader)
    if not prefix or not seen:  # no filter at all for those who see every ticket
        return seen
    return Q(**{f"{prefix}__in": Ticket.objects.filter(seen).values("pk")})


def tickets_by_source(start: dt.date, end: dt.date, *, reader: User) -> dict[str, int]:
    """Tickets received in [start, end] (Shanghai days) that ``reader`` may see: those handed
    over, by source, and the others registered here (``HOTLINE``)."""
    low = clock.start_of_day(start)
    high = clock.start_of_day(end + dt.timedelta(days=1))
    counts = dict(
        InboundTicket.objects.filter(
            _ticket_q(reader, "ticket"), received_at__gte=low, received_at__lt=high
        )
        .order_by()
        .values_list("source")
        .annotate(n=Count("id"))
    )
    total = Ticket.objects.filter(
        _ticket_q(reader), received_at__gte=low, received_at__lt=high
    ).count()
    out = {HOTLINE: total - sum(counts.values())}
    out.update({source: int(counts.get(source, 0)) for source in TicketSource.values})
    return out


def transfers_by_platform(start: dt.date, end: dt.date, *, reader: User) -> list[dict]:
    """Tickets ``reader`` may see handed over to each platform in [start, end] (Shanghai days),
    every active platform listed: ``transferred``, ``acknowledged``, ``unacknowledged`` (of
    those, now), ``overdue`` (unacknowledged past their due time now) and ``urged`` (urged at
    least once)."""
    from django.db.models import Sum

    from zhengwu.exchange.models.outbound import Transfer, TransferPlatform

    low = clock.start_of_day(start)
    high = clock.start_of_day(end + dt.timedelta(days=1))
    now = clock.now()
    rows = {
        row["platform_id"]: row
        for row in Transfer.objects.filter(
            _ticket_q(reader, "ticket"), transferred_at__gte=low, transferred_at__lt=high
        )
        .order_by()
        .values("platform_id")
        .annotate(
            transferred=Count("id"),
            acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)),
            overdue=Count("id", filter=Q(acknowledged_at__isnull=True, ack_due_at__lt=now)),
            urged=Count("id", filter=Q(urges__gt=0)),
            urges=Sum("urges"),
        )
    }
    platforms = TransferPlatform.objects.filter(Q(active=True) | Q(pk__in=list(rows)))
    out = []
    for platform in platforms.order_by("kind", "code"):
        row = rows.get(platform.pk, {})
        transferred = int(row.get("transferred", 0))
        acknowledged = int(row.get("acknowledged", 0))
        out.append(
            {
                "platform": platform.code,
                "platform_name": platform.name,
                "transferred": transferred,
                "acknowledged": acknowledged,
                "unacknowledged": transferred - acknowledged,
                "overdue": int(row.get("overdue", 0)),
                "urged": int(row.get("urged", 0)),
            }
        )
    return out


def source_labels() -> dict[str, str]:
    return {HOTLINE: HOTLINE_LABEL, **dict(TicketSource.choices)}
