"""The inbound exchange of the demo city: the month before today of the department with the most
cases in it, as its own system holds it (the center's numbers and dates of each case), with a
few planted discrepancies, imported by the supervisor and reconciled; and three tickets handed
over to 12345 by a county hotline, a department hotline and the 110 platform.

Planted (each found once by the reconciliation): a case handled only in the department
(体外循环), a case accepted here and under the department's own number there (两头受理), a case
received and accepted at the department a week before it was entered here (先办后录), and a case
whose decision the department dates before its acceptance (dates against the trail).
Deterministic for the same cases and today; made once (nothing when records exist)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count

from zhengwu.accounts.models import User
from zhengwu.cases.models import Case
from zhengwu.core import clock
from zhengwu.core.identity import resident_id_check_char
from zhengwu.exchange import inbound_services
from zhengwu.exchange.models.inbound import DepartmentRecord, RecordSource
from zhengwu.exchange.reconcile_jobs import reconcile_month
from zhengwu.tickets.models import Category

SUPERVISOR = "supervisor"  # demo.services.ACCOUNTS
OPERATOR = "operator"
RECORDS = 60  # at most, of the month's cases
TICKETS = [
    (
        "county_hotline",
        "XQRX-{day}-0007",
        "help",
        "县区热线转来：小区门口路灯损坏多日，夜间出行不便。",
    ),
    (
        "department_hotline",
        "SCJRX-{day}-0031",
        "complaint",
        "市场监管热线转来：网购食品过期，商家拒绝退款。",
    ),
    (
        "police_110",
        "110-{day}-1182",
        "help",
        "110转来：邻居装修噪音持续到深夜，非警情，请协调处理。",
    ),
]


@dataclass
class Made:
    records: int = 0
    findings: int = 0
    tickets: int = 0


def _number_for(seq: int) -> str:
    first17 = f"330106198{seq % 10}0615{seq % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def _record(case: Case, **changes) -> dict:
    row = {
        "department": case.department.code,
        "record_number": case.number,
        "item": case.item.impl_code,
        "applicant_number": case.applicant.number,
        "received_on": case.received_on,
        "accepted_on": case.accepted_on,
        "decided_on": case.completed_on,
        "delivered_on": case.delivered_on,
    }
    row.update(changes)
    return row


def generate(*, today: dt.date | None = None) -> Made:
    made = Made()
    if DepartmentRecord.objects.exists():
        return made
    supervisor = User.objects.filter(username=SUPERVISOR).first()
    if supervisor is None:
        return made
    today = today or clock.today()
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    following = today.replace(day=1)
    in_month = Case.objects.filter(received_on__gte=month, received_on__lt=following)
    busiest = (
        in_month.order_by()
        .values("department_id")
        .annotate(n=Count("id"))
        .order_by("-n", "department_id")
        .first()
    )
    if busiest is None:
        return made
    cases = list(
        in_month.filter(department_id=busiest["department_id"])
        .select_related("department", "item", "applicant")
        .order_by("id")[:RECORDS]
    )
    week = dt.timedelta(days=7)
    conflict = next((c for c in cases if c.accepted_on and c.completed_on), None)
    late = [c for c in cases if c.accepted_on and c.received_on >= month + 2 * week]
    late = [c for c in late if c != conflict]
    double = next((c for c in cases if c.accepted_on and c not in (conflict, *late[:1])), None)
    if conflict is None or double is None or not late:
        return made
    retro = late[0]
    rows = [_record(c) for c in cases if c not in (retro, conflict)]
    code = double.department.code
    rows.append(_record(double, record_number=f"{code}-{month:%Y%m}-0007"))
    # Received and accepted at the department a week before they were entered here.
    rows.append(
        _record(retro, received_on=retro.received_on - week, accepted_on=retro.accepted_on - week)
    )
    rows.append(_record(conflict, decided_on=conflict.accepted_on - dt.timedelta(days=2)))
    rows.append(
        _record(
            double,
            record_number=f"{code}-{month:%Y%m}-0012",
            applicant_number=_number_for(12),
            received_on=month + dt.timedelta(days=11),
            accepted_on=month + dt.timedelta(days=11),
            decided_on=None,
            delivered_on=None,
        )
    )
    inbound_services.receive_records(
        actor=supervisor,
        rows=rows,
        source=RecordSource.IMPORT,
        file_name=f"{double.department.name}-{month:%Y年%m月}.xlsx",
    )
    made.records = len(rows)
    for summary in reconcile_month(month=month, department=double.department, actor=supervisor):
        made.findings += sum(summary.findings.values())
    made.tickets = _tickets(today)
    return made


def _tickets(today: dt.date) -> int:
    operator = User.objects.filter(username=OPERATOR).first()
    category = Category.objects.filter(active=True).order_by("code").first()
    if operator is None or category is None:
        return 0
    made = 0
    for source, number, kind, content in TICKETS:
        _ticket, created = inbound_services.receive_ticket(
            actor=operator,
            source=source,
            source_number=number.format(day=f"{today:%Y%m%d}"),
            ticket={
                "kind": kind,
                "category": category.code,
                "content": content,
                "caller_phone": "13700000000",
            },
        )
        made += created
    return made
