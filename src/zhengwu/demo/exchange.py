"""The demo city's exchange with other platforms: the hotlines tickets can be handed over to
(一号受理: two county hotlines, a department hotline, the 110 platform), and a few recent tickets
handed over through ``exchange.transfers`` at the moments they happened (``clock.frozen``): one
acknowledged by its platform with the platform's number, one still waiting and urged. The
platforms have no endpoint in the demo, so their records wait in the outbox as the province's do
until ``ZHENGWU_EXCHANGE_PUSH_URL`` is set. Idempotent: platforms are updated in place, and the
transfers are made only when there are none.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from zhengwu.accounts.models import User
from zhengwu.core import clock
from zhengwu.exchange import transfers
from zhengwu.exchange.models.outbound import OutboxRecord, Transfer, TransferPlatform
from zhengwu.tickets.models import Ticket

# code, name, kind, hours to acknowledge
PLATFORMS = [
    ("county-east", "东阳县12345热线", "county", 4),
    ("county-west", "西岭县12345热线", "county", 4),
    ("scj-12315", "市场监管12315热线", "department", 8),
    ("police-110", "市公安局110接处警平台", "110", 1),
]
# (platform, reason, acknowledged with this number or None)
HANDOVERS = [
    ("county-east", "诉求发生地属东阳县，按属地转县热线办理。", "DY2026-1118-0031"),
    ("scj-12315", "消费维权诉求，转12315热线按程序处理。", None),
]


def seed_platforms() -> int:
    for code, name, kind, hours in PLATFORMS:
        TransferPlatform.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "ack_hours": hours, "active": True}
        )
    return len(PLATFORMS)


def generate() -> int:
    """Hand over the latest open tickets (as the operator) when nothing was handed over yet."""
    seed_platforms()
    if Transfer.objects.exists():
        return 0
    operator = User.objects.filter(username="operator").first()
    if operator is None:
        return 0
    open_tickets = list(
        Ticket.objects.filter(state__in=("received", "dispatched", "accepted"))
        .order_by("-received_at")
        .values_list("number", "received_at")[: len(HANDOVERS)]
    )
    now = clock.now()
    made = 0
    for (number, received_at), (platform, reason, reference) in zip(
        open_tickets, HANDOVERS, strict=False
    ):
        at = max(received_at + dt.timedelta(minutes=20), now - dt.timedelta(hours=10))
        with clock.frozen(min(at, now)):
            transfer = transfers.transfer_ticket(
                actor=operator, number=number, platform=platform, reason=reason
            )
        made += 1
        if reference:
            # the platform accepted the record: what the delivery records on acknowledgment
            with (
                clock.frozen(transfer.transferred_at + dt.timedelta(minutes=7)),
                transaction.atomic(),
            ):
                OutboxRecord.objects.filter(key=transfer.key).update(
                    status=OutboxRecord.Status.DELIVERED,
                    delivered_at=clock.now(),
                    reference=reference,
                )
                transfers.acknowledged([{"key": transfer.key}], {transfer.key: reference})
        else:
            transfers.urge_overdue(now)
    return made
