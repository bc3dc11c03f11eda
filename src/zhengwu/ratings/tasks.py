"""Background work of 好差评 (thin wrappers over the services).

The ratings and rectification records go out through the one outbox (``zhengwu.exchange``);
``deliver_pushes`` keeps its path so that deliveries queued before the move still run.
"""

from __future__ import annotations

from django_tasks import task

from zhengwu.exchange import push
from zhengwu.ratings import services


@task()
def deliver_pushes() -> dict:
    report = push.deliver()
    return {"delivered": report.delivered, "failed_attempts": report.failed_attempts}


@task()
def send_invitations() -> int:
    return services.send_invitations()
