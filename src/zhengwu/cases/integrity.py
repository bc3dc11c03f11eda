"""Checking the hash chains of case events (``manage.py verify_audit``); the checking itself is
``zhengwu.core.trail``, shared with the other trails."""

from __future__ import annotations

from collections.abc import Iterator

from zhengwu.cases.models import Case, CaseEvent
from zhengwu.core import trail
from zhengwu.core.trail import Break

__all__ = ["Break", "check_case", "verify"]


def check_case(case: Case, rows: list[CaseEvent]) -> Break | None:
    return trail.check(
        "case",
        case.number,
        rows,
        event_count=case.event_count,
        head_hash=case.head_hash,
        anchor=trail.anchors(CaseEvent.objects, [case.pk]).get(case.pk),
    )


def verify(*, batch: int = 500) -> Iterator[tuple[int, Break | None]]:
    """Every case in id order: ``(case id, break or None)``; memory stays flat."""
    return trail.verify(
        Case.objects, CaseEvent.objects, label="case", owner_field="case", batch=batch
    )
