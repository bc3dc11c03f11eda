"""The demo's exchange: the hotline platforms, one ticket handed over and acknowledged with the
platform's number, one still waiting and urged; made once."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengwu.core import clock
from zhengwu.core.clock import LOCAL_TZ
from zhengwu.demo import exchange as demo_exchange
from zhengwu.demo import services
from zhengwu.demo import tickets as demo_tickets
from zhengwu.exchange.models.outbound import OutboxRecord, Transfer, TransferPlatform

pytestmark = pytest.mark.django_db

END = dt.datetime(2026, 3, 10, 16, 0, tzinfo=LOCAL_TZ)


def test_platforms_and_handovers():
    services.seed()
    with clock.frozen(END):
        demo_tickets.generate(count=60, end=END, seed=5)
        assert demo_exchange.generate() == 2
        assert demo_exchange.generate() == 0  # once
    assert TransferPlatform.objects.count() == len(demo_exchange.PLATFORMS)
    done, waiting = Transfer.objects.order_by("id")
    assert done.acknowledged_at and done.reference == "DY2026-1118-0031"
    assert OutboxRecord.objects.get(key=done.key).status == "delivered"
    assert waiting.acknowledged_at is None and waiting.urges == 1
    kinds = list(waiting.ticket.events.order_by("seq").values_list("kind", flat=True))
    assert kinds[-2:] == ["platform_transfer", "platform_urged"]
