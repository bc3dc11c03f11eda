"""The exchange API (docs/exchange.md). Thin: parse, call a service or a selector, shape the
answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Router, Schema, Status
from pydantic import Field

from zhengwu.accounts.auth import api_auth
from zhengwu.core.errors import Forbidden
from zhengwu.core.idempotency import fingerprint, run_once
from zhengwu.core.roles import Role, has_role
from zhengwu.exchange import outbox, transfers
from zhengwu.exchange.models.outbound import Transfer

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
