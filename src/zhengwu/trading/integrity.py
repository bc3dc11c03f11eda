"""Checking the hash chains of deal events (part of ``manage.py verify_audit``)."""

from __future__ import annotations

from collections.abc import Iterator

from zhengwu.core import trail
from zhengwu.core.trail import Break
from zhengwu.trading.models import Deal, DealEvent


def verify(*, batch: int = 500) -> Iterator[tuple[int, Break | None]]:
    """Every deal in id order: ``(deal id, break or None)``."""
    return trail.verify(
        Deal.objects,
        DealEvent.objects,
        label="deal",
        owner_field="deal",
        number_fields=("code",),
        batch=batch,
    )
