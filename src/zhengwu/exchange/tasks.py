"""Background work of the exchange (thin wrappers over the services). A record queued by
``outbox.enqueue`` starts ``deliver_outbox`` for its receiver through the starter registered
below (the app imports this module when ready)."""

from __future__ import annotations

from django_tasks import task

from zhengwu.exchange import outbox, push
from zhengwu.exchange.models.outbound import PROVINCE


@task()
def deliver_outbox(receiver: str = PROVINCE) -> dict:
    report = push.deliver(receiver=receiver)
    return {
        "delivered": report.delivered,
        "refused": report.refused,
        "failed_attempts": report.failed_attempts,
    }


outbox.on_enqueue(deliver_outbox.enqueue)
