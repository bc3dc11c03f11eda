"""Background work of 好差评 (thin wrappers over the services)."""

from __future__ import annotations

from django_tasks import task

from zhengwu.ratings import push, services


@task()
def deliver_pushes() -> dict:
    report = push.deliver()
    return {"delivered": report.delivered, "failed_attempts": report.failed_attempts}


@task()
def send_invitations() -> int:
    return services.send_invitations()
