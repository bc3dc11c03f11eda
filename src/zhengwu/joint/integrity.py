"""Checking the hash chains of joint case events (part of ``manage.py verify_audit``)."""

from __future__ import annotations

from collections.abc import Iterator

from zhengwu.core import trail
from zhengwu.core.trail import Break
from zhengwu.joint.models import JointCase, JointCaseEvent


def verify(*, batch: int = 500) -> Iterator[tuple[int, Break | None]]:
    """Every joint case in id order: ``(joint case id, break or None)``."""
    return trail.verify(
        JointCase.objects, JointCaseEvent.objects, label="joint", owner_field="joint", batch=batch
    )
