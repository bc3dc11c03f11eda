"""12345 一号受理, outbound: a hotline ticket handed over to another platform (a county or
department hotline, the 110 platform) through the outbox (DOMAIN §7, §14; docs/exchange.md).

- ``transfer_ticket``: the desk hands a ticket over; one transaction writes the transfer, the
  hand-over on the ticket's trail and the outbox record for the platform (its receiver is the
  platform's code, its stream the ticket);
- the platform's acknowledgment is its acceptance of the record (``accepted``, with its own
  number in ``references``): ``acknowledged`` records it on the transfer and the ticket's trail,
  in the transaction that marks the record delivered;
- ``urge_overdue`` (the scheduler's ``exchange_push`` job): a transfer still unacknowledged at
  its due time is urged: the trail says so, the record is tried again at once, and the next
  urge comes one acknowledgment period later. Unacknowledged transfers stay on the transfers
  page until acknowledged.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.accounts.models import User
from zhengwu.core import clock, trail
from zhengwu.core import inputs as core_inputs
from zhengwu.core.errors import DomainError, NotFound, ValidationFailed
from zhengwu.core.roles import Role, role_names
from zhengwu.exchange import outbox, push, records
from zhengwu.exchange.models.outbound import OutboxRecord, Transfer, TransferPlatform
from zhengwu.tickets.models import Ticket, TicketEvent

KIND = "ticket.transfer"
# Who hands tickets over: the hotline desk.
TRANSFER_ROLES = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN})
# A ticket in these states is finished here: nothing to hand over.
ENDED = frozenset({"closed", "transferred", "merged"})
MAX_REASON = 500


def may_transfer(user) -> bool:
    return bool(role_names(user) & TRANSFER_ROLES)


def _moment(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _record(ticket: Ticket, transfer: Transfer) -> dict:
    return {
        "ticket_number": ticket.number,
        "transfer": transfer.pk,
        "platform": transfer.platform.code,
        "kind": ticket.kind,
        "content": ticket.content,
        "caller_name": ticket.caller_name,
        "caller_phone": ticket.caller_phone,
        "address": ticket.address,
        "received_at": _moment(ticket.received_at),
        "reason": transfer.reason,
        "transferred_at": _moment(transfer.transferred_at),
        "ack_due_at": _moment(transfer.ack_due_at),
        "urge": transfer.urges,
    }


def _trail(ticket: Ticket, *, kind: str, actor, data: dict) -> None:
    row = TicketEvent(ticket=ticket, kind=kind, occurred_at=clock.now(), actor=actor, data=data)
    trail.append(ticket, row, label="ticket")
    ticket.version += 1
    ticket.updated_at = clock.now()
    ticket.save(update_fields=["event_count", "head_hash", "version", "updated_at"])


def transfer_ticket(*, actor: User, number: str, platform: str, reason: str) -> Transfer:
    """Hand ticket ``number`` over to ``platform`` (its code). Raises NotFound (no such ticket),
    ValidationFailed (platform, reason) or DomainError (the ticket is finished, or already
    handed over to that platform and not yet acknowledged)."""
    from zhengwu.tickets.selectors import scope

    if not may_transfer(actor):
        raise NotFound()
    errors: dict[str, list] = {}
    reason = core_inputs.text(reason, "reason", required=True, errors=errors, limit=MAX_REASON)
    code = str(platform or "").replace("\x00", "")[:40]
    target = TransferPlatform.objects.filter(code=code, active=True).first() if code else None
    if target is None:
        errors["platform"] = [_("Choose one of the platforms.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        number = str(number or "")[:32]
        ticket = (
            Ticket.objects.select_for_update().filter(scope(actor), number=number).first()
            if "\x00" not in number
            else None
        )
        if ticket is None:
            raise NotFound()
        if ticket.state in ENDED:
            raise DomainError(
                _("This ticket is finished here and can no longer be handed over."),
                code="ticket_ended",
            )
        if Transfer.objects.filter(
            ticket=ticket, platform=target, acknowledged_at__isnull=True
        ).exists():
            raise DomainError(
                _("This ticket was already handed over to that platform and awaits its answer."),
                code="transfer_pending",
            )
        now = clock.now()
        count = Transfer.objects.filter(ticket=ticket).count()
        transfer = Transfer.objects.create(
            ticket=ticket,
            platform=target,
            reason=reason,
            key=f"transfer-{ticket.number}-{count + 1}",
            transferred_by=actor,
            transferred_at=now,
            ack_due_at=now + dt.timedelta(hours=target.ack_hours),
        )
        _trail(
            ticket,
            kind="platform_transfer",
            actor=actor,
            data={
                "platform": target.code,
                "platform_name": target.name,
                "reason": reason,
                "respond_by": transfer.ack_due_at.isoformat(),
                "transfer": transfer.key,
            },
        )
        outbox.enqueue(
            receiver=target.code,
            key=transfer.key,
            kind=KIND,
            schema=records.TRANSFER,
            stream=f"ticket:{ticket.number}",
            payload=_record(ticket, transfer),
        )
    return transfer


def acknowledged(rows: list[dict], references: dict[str, str]) -> None:
    """The platforms accepted the transfer records ``rows``: record it on each transfer and its
    ticket's trail (inside the transaction that marks the records delivered)."""
    now = clock.now()
    keys = [r["key"] for r in rows]
    for transfer in (
        Transfer.objects.select_related("platform")
        .filter(key__in=keys, acknowledged_at__isnull=True)
        .order_by("id")
    ):
        ticket = Ticket.objects.select_for_update().get(pk=transfer.ticket_id)
        transfer.acknowledged_at = now
        transfer.reference = references.get(transfer.key, "")[:80]
        transfer.save(update_fields=["acknowledged_at", "reference"])
        _trail(
            ticket,
            kind="platform_acknowledged",
            actor=None,
            data={
                "platform": transfer.platform.code,
                "platform_name": transfer.platform.name,
                "note": transfer.reference,
                "transfer": transfer.key,
            },
        )


push.on_acknowledged(KIND, acknowledged)


def urge_overdue(now: dt.datetime | None = None) -> int:
    """Urge every transfer unacknowledged past its due time, once per acknowledgment period:
    the ticket's trail records it and the record is tried again at once. The number urged."""
    now = now or clock.now()
    done = 0
    ids = list(
        Transfer.objects.filter(acknowledged_at__isnull=True, ack_due_at__lte=now)
        .order_by("ack_due_at", "id")
        .values_list("id", flat=True)[:1000]
    )
    for transfer_id in ids:
        with transaction.atomic():
            transfer = (
                Transfer.objects.select_for_update()
                .select_related("platform")
                .filter(pk=transfer_id, acknowledged_at__isnull=True, ack_due_at__lte=now)
                .first()
            )
            if transfer is None:
                continue
            ticket = Ticket.objects.select_for_update().get(pk=transfer.ticket_id)
            transfer.urges += 1
            transfer.urged_at = now
            transfer.ack_due_at = now + dt.timedelta(hours=transfer.platform.ack_hours)
            transfer.save(update_fields=["urges", "urged_at", "ack_due_at"])
            OutboxRecord.objects.filter(
                key=transfer.key,
                status__in=(OutboxRecord.Status.PENDING, OutboxRecord.Status.FAILED),
            ).update(status=OutboxRecord.Status.PENDING, next_attempt_at=now, attempts=0)
            _trail(
                ticket,
                kind="platform_urged",
                actor=None,
                data={
                    "platform": transfer.platform.code,
                    "platform_name": transfer.platform.name,
                    "level": transfer.urges,
                    "respond_by": transfer.ack_due_at.isoformat(),
                    "transfer": transfer.key,
                },
            )
            done += 1
    return done


def unacknowledged():
    """Transfers still waiting for their platform's acknowledgment, the most overdue first."""
    return (
        Transfer.objects.filter(acknowledged_at__isnull=True)
        .select_related("platform", "ticket", "transferred_by")
        .order_by("ack_due_at", "id")
    )


def record_status(transfer: Transfer) -> str:
    return (
        OutboxRecord.objects.filter(key=transfer.key).values_list("status", flat=True).first() or ""
    )
