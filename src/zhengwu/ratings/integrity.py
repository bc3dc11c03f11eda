"""Checking the hash chains of rectification-task steps (part of ``manage.py verify_audit``)."""

from __future__ import annotations

from collections.abc import Iterator

from zhengwu.core import trail
from zhengwu.core.trail import Break
from zhengwu.ratings.models import RectificationTask, TaskEvent


def verify(*, batch: int = 500) -> Iterator[tuple[int, Break | None]]:
    """Every rectification task in id order: ``(task id, break or None)``."""
    return trail.verify(
        RectificationTask.objects.select_related("rating__case"),
        TaskEvent.objects,
        label="task",
        owner_field="task",
        number_fields=("rating__case__number",),
        batch=batch,
    )
