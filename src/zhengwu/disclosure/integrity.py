"""Checking the hash chains of disclosure request events (part of ``manage.py verify_audit``)."""

from __future__ import annotations

from collections.abc import Iterator

from zhengwu.core import trail
from zhengwu.core.trail import Break
from zhengwu.disclosure.models import DisclosureEvent, DisclosureRequest


def verify(*, batch: int = 500) -> Iterator[tuple[int, Break | None]]:
    """Every disclosure request in id order: ``(request id, break or None)``."""
    return trail.verify(
        DisclosureRequest.objects,
        DisclosureEvent.objects,
        label="disclosure",
        owner_field="request",
        batch=batch,
    )
