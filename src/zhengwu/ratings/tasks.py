"""Background work of 好差评 (thin wrappers over the services).

The imports run one way: tasks → services → push. A record queued by ``push.record`` starts
``deliver_pushes`` through the starter registered below (the app imports this module when ready).
"""

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


push.on_record(deliver_pushes.enqueue)
