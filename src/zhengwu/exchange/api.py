"""The exchange API (docs/exchange.md). Thin: parse, call a service or a selector, shape the
answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field, StrictBool

from zhengwu.accounts.auth import api_auth
from zhengwu.core.errors import Forbidden, ValidationFailed
from zhengwu.core.idempotency import fingerprint, run_once
from zhengwu.core.roles import Role, has_role
from zhengwu.exchange import inbound_selectors, inbound_services, outbox, transfers
from zhengwu.exchange.models.outbound import Transfer
from zhengwu.exchange.reconcile_jobs import reconcile_now

router = Router(tags=["exchange with other platforms"], auth=api_auth)


# ---------------------------------------------------------------- outbound


class TransferIn(Schema):
    platform: Annotated[str, Field(max_length=40)]
    reason: Annotated[str, Field(max_length=2000)]


def _clean(value: str, limit: int) -> str:
    return str(value or "").replace("\x00", "")[:limit]


def _moment(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _transfer(row: Transfer) -> dict:
    return {
        "key": row.key,
        "ticket": row.ticket.number,
        "platform": row.platform.code,
        "platform_name": row.platform.name,
        "reason": row.reason,
        "transferred_at": _moment(row.transferred_at),
        "ack_due_at": _moment(row.ack_due_at),
        "acknowledged_at": _moment(row.acknowledged_at),
        "reference": row.reference or None,
        "urges": row.urges,
        "record_status": transfers.record_status(row),
    }


@router.post(
    "/exchange/tickets/{number}/transfers",
    response={201: dict},
    summary="Hand a hotline ticket over to another platform (一号受理)",
)
def transfer_ticket(request, number: str, payload: TransferIn):
    """The hotline desk hands a ticket over to a county or department hotline or the 110
    platform; the transfer goes out through the outbox until the platform acknowledges it. Send an
    `Idempotency-Key` header to make retries safe."""

    def create():
        made = transfers.transfer_ticket(
            actor=request.user, number=number, platform=payload.platform, reason=payload.reason
        )
        return 201, _transfer(made)

    status, answer, _replayed = run_once(
        user=request.user,
        scope="exchange.transfer",
        key=request.headers.get("Idempotency-Key"),
        fingerprint=fingerprint({"number": number, **payload.dict()}),
        create=create,
    )
    return Status(status, answer)


@router.get("/exchange/tickets/{number}/transfers", summary="A ticket's hand-overs")
def ticket_transfers(request, number: str):
    if not transfers.may_transfer(request.user):
        raise Forbidden()
    rows = (
        Transfer.objects.filter(ticket__number=_clean(number, 32))
        .select_related("ticket", "platform")
        .order_by("id")
    )
    return {"items": [_transfer(row) for row in rows]}


@router.get("/exchange/outbox", summary="The outbox's counts per status")
def outbox_status(request, receiver: str = ""):
    if not (has_role(request.user, Role.SUPERVISOR) or has_role(request.user, Role.ADMIN)):
        raise Forbidden()
    receiver = _clean(receiver, 40)
    return {"receiver": receiver or None, "counts": outbox.status_counts(receiver or None)}


# ---------------------------------------------------------------- inbound (docs/exchange.md)


Day = dt.date | Annotated[str, Field(max_length=32)] | None


class DepartmentRecordIn(Schema):
    model_config = ConfigDict(extra="forbid")
    department: Annotated[str, Field(max_length=32)]
    record_number: Annotated[str, Field(max_length=64)]
    item: Annotated[str, Field(max_length=64)]
    applicant_number: Annotated[str, Field(max_length=32)]
    received_on: Day = None
    accepted_on: Day = None
    decided_on: Day = None
    delivered_on: Day = None


class DepartmentRecordsIn(Schema):
    records: Annotated[list[DepartmentRecordIn], Field(max_length=inbound_services.MAX_BATCH)]


class BatchOut(Schema):
    records: int
    received_at: str


class MonthIn(Schema):
    month: Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")]
    department: Annotated[str, Field(max_length=32)] = ""


class ReconciliationOut(Schema):
    department: str
    department_name: str
    month: str
    records: int
    by_number: int
    by_attributes: int
    unmatched: int
    findings: dict[str, int]
    run_at: str


class HandedOverTicketIn(Schema):
    model_config = ConfigDict(extra="forbid")
    source: Literal["county_hotline", "department_hotline", "police_110"]
    source_number: Annotated[str, Field(max_length=64)]
    kind: Literal["consult", "help", "complaint", "report", "suggestion"]
    category: Annotated[str, Field(max_length=32)]
    content: Annotated[str, Field(max_length=5000)]
    caller_phone: Annotated[str, Field(max_length=20)]
    caller_name: Annotated[str, Field(max_length=60)] = ""
    address: Annotated[str, Field(max_length=200)] = ""
    area: Annotated[str, Field(max_length=100)] = ""
    urgent: StrictBool = False
    occurred_at: dt.datetime | None = Field(None, description="When the source received it")


class HandedOverTicketOut(Schema):
    number: str
    state: str
    source: str
    source_number: str


class FindingReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")
    outcome: Literal["confirmed", "explained", "referred", "answered"]
    note: Annotated[str, Field(max_length=2000)]


class SourceCountIn(Schema):
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")


@router.post(
    "/exchange/department-records",
    response={201: BatchOut},
    summary="A batch of a department system's records (all or nothing)",
)
def department_records(request, payload: DepartmentRecordsIn):
    """Departments send their own records (a record sent again replaces its details); the
    supervision office any department's. A problem is reported as `records.<row>.<field>`."""
    rows = [row.dict() for row in payload.records]
    batch = inbound_services.receive_records(actor=request.user, rows=rows)
    return Status(201, {"records": len(rows), "received_at": batch.received_at.isoformat()})


def _month(month: str) -> dt.date:
    try:
        return dt.date(int(month[:4]), int(month[5:7]), 1)
    except ValueError:
        raise ValidationFailed({"month": [_("Enter a month as YYYY-MM.")]}) from None


def _supervising(request) -> None:
    if not inbound_selectors.may_reconcile(request.user):
        raise Forbidden()


@router.post(
    "/exchange/reconciliations",
    response=list[ReconciliationOut],
    summary="Reconcile a month of department records with the cases",
)
def run_reconciliation(request, payload: MonthIn):
    _supervising(request)
    department = inbound_selectors.department_or_422(payload.department, request.user)
    rows = reconcile_now(month=_month(payload.month), department=department, actor=request.user)
    return [inbound_selectors.summary_out(row) for row in rows]


@router.get(
    "/exchange/reconciliations",
    response=list[ReconciliationOut],
    summary="The reconciliation of a month, per department",
)
def list_reconciliations(request, filters: Query[MonthIn]):
    _supervising(request)
    department = inbound_selectors.department_or_422(filters.department, request.user)
    rows = inbound_selectors.reconciliations(_month(filters.month), department, reader=request.user)
    return [inbound_selectors.summary_out(row) for row in rows]


@router.post(
    "/exchange/findings/{pk}/reviews",
    response={201: dict},
    summary="A review step on a reconciliation finding (as on any irregularity)",
)
def review_finding(request, pk: int, body: FindingReviewIn):
    """`confirmed`, `explained` (dismissed with the reason) or `referred` (handed to the
    department) by a supervisor; `answered` (the explanation) by the head of the finding's
    department once handed to it. 409 `review_state` for a step its status does not allow."""
    row = inbound_services.review_finding(
        actor=request.user, pk=pk, outcome=body.outcome, note=body.note
    )
    return Status(201, {"id": row.pk, "outcome": row.outcome, "created_at": row.created_at})


@router.post(
    "/exchange/tickets",
    response={200: HandedOverTicketOut, 201: HandedOverTicketOut},
    summary="A ticket handed over by a county or department hotline or the 110 platform",
)
def handed_over_ticket(request, payload: HandedOverTicketIn):
    """201 registered, 200 a resend of the same source and number (the ticket registered
    first)."""
    body = payload.dict()
    source, number = body.pop("source"), body.pop("source_number")
    ticket, created = inbound_services.receive_ticket(
        actor=request.user, source=source, source_number=number, ticket=body
    )
    return Status(
        201 if created else 200,
        {"number": ticket.number, "state": ticket.state, "source": source, "source_number": number},
    )


def _period(request, period: SourceCountIn) -> None:
    if not inbound_selectors.may_count_tickets(request.user):
        raise Forbidden()
    if period.start <= dt.date(1, 1, 2) or period.end >= dt.date(9999, 12, 31):
        raise ValidationFailed(
            {"from": [_("The period lies outside the dates the platform keeps.")]}
        )
    if period.end < period.start:
        raise ValidationFailed({"to": [_("The end of the period is before its start.")]})


@router.get(
    "/exchange/tickets/by-source",
    response=dict[str, int],
    summary="Tickets received in a period, by the platform that handed them over",
)
def tickets_by_source(request, period: Query[SourceCountIn]):
    """`12345` counts the tickets registered here; the others those handed over by each source."""
    _period(request, period)
    return inbound_selectors.tickets_by_source(period.start, period.end, reader=request.user)


@router.get(
    "/exchange/tickets/transfers-by-platform",
    response=list[dict],
    summary="Tickets handed over to other platforms in a period, by platform",
)
def transfers_by_platform(request, period: Query[SourceCountIn]):
    """Per platform: `transferred`, `acknowledged`, `unacknowledged`, `overdue` (not
    acknowledged by their due time, now) and `urged` (urged at least once)."""
    _period(request, period)
    return inbound_selectors.transfers_by_platform(period.start, period.end, reader=request.user)
