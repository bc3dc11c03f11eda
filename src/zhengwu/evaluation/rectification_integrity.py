"""Checking the hash chains of the rectification ledgers' events (part of
``manage.py verify_audit``)."""

from __future__ import annotations

from collections.abc import Iterator

from zhengwu.core import trail
from zhengwu.core.trail import Break
from zhengwu.evaluation.models.rectification import Rectification, RectificationEvent


def verify(*, batch: int = 500) -> Iterator[tuple[int, Break | None]]:
    """Every ledger in id order: ``(ledger id, break or None)``."""
    return trail.verify(
        Rectification.objects,
        RectificationEvent.objects,
        label="rectification",
        owner_field="rectification",
        batch=batch,
    )
