"""Checking the hash chains of ticket events (part of ``manage.py verify_audit``)."""

from __future__ import annotations

from collections.abc import Iterator

from zhengwu.core import trail
from zhengwu.core.trail import Break
from zhengwu.tickets.models import Ticket, TicketEvent


def check_ticket(ticket: Ticket, rows: list[TicketEvent]) -> Break | None:
    return trail.check(
        "ticket", ticket.number, rows, event_count=ticket.event_count, head_hash=ticket.head_hash
    )


def verify(*, batch: int = 500) -> Iterator[tuple[int, Break | None]]:
    """Every ticket in id order: ``(ticket id, break or None)``."""
    return trail.verify(
        Ticket.objects, TicketEvent.objects, label="ticket", owner_field="ticket", batch=batch
    )
