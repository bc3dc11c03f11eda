"""Background work of notifications (thin wrappers over the services)."""

from __future__ import annotations

from django_tasks import task

from zhengwu.notifications import services


@task()
def deliver(batch: str) -> list[int]:
    return list(services.deliver(batch=batch))
