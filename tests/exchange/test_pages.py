"""The outbox and dead-letter pages: supervisors and admins only, filters, totals, the receiver's
reason in Chinese, and the administrator's confirmed resend."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.cases.helpers import AT
from tests.exchange.receiver import Receiver, queue
from zhengwu.exchange import push
from zhengwu.exchange.models.outbound import OutboxRecord

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_outbox_page(admin_user, supervisor, clerk, receiver_settings, travel):
    travel(AT("2025-03-03 10:00"))
    queue(3)
    body = logged_in(supervisor).get("/exchange/outbox/?status=pending").content.decode()
    assert body.count('data-status="pending"') >= 3 and "共 3 条记录" in body
    assert "省级一体化政务服务平台" in body and "评价" in body
    assert 'data-testid="outbox-retry"' not in body  # supervisors watch, admins act
    assert logged_in(clerk).get("/exchange/outbox/").status_code == 403
    OutboxRecord.objects.filter(key="rating-t0").update(status="failed")
    assert logged_in(supervisor).post("/exchange/outbox/", {"action": "retry"}).status_code == 302
    assert OutboxRecord.objects.get(key="rating-t0").status == "failed"
    logged_in(admin_user).post("/exchange/outbox/", {"action": "retry"})
    assert OutboxRecord.objects.get(key="rating-t0").status == "pending"
    delivered = logged_in(admin_user).get("/exchange/outbox/?status=delivered").content.decode()
    assert "共 0 条记录" in delivered


def test_dead_letters_show_the_reason_and_resend_after_confirmation(
    admin_user, supervisor, clerk, receiver_settings, travel
):
    travel(AT("2025-03-03 10:00"))
    keys = queue(2)
    with Receiver(invalid={keys[0]}) as receiver:
        receiver_settings.EXCHANGE_PUSH_URL = receiver.url
        push.deliver()
    body = logged_in(supervisor).get("/exchange/outbox/dead-letters/").content.decode()
    assert f'data-key="{keys[0]}"' in body and "办件编号格式不符" in body
    assert keys[1] not in body
    assert logged_in(clerk).get("/exchange/outbox/dead-letters/").status_code == 403
    record = OutboxRecord.objects.get(key=keys[0])
    admin = logged_in(admin_user)
    asked = admin.post("/exchange/outbox/dead-letters/", {"record": record.pk})
    assert asked.status_code == 200 and "重新发送被拒收的记录" in asked.content.decode()
    assert OutboxRecord.objects.get(pk=record.pk).status == "refused"
    admin.post("/exchange/outbox/dead-letters/", {"record": record.pk, "confirmed": "yes"})
    assert OutboxRecord.objects.get(pk=record.pk).status == "pending"
    # supervisors may look, not resend
    record.status = "refused"
    record.save()
    logged_in(supervisor).post(
        "/exchange/outbox/dead-letters/", {"record": record.pk, "confirmed": "yes"}
    )
    assert OutboxRecord.objects.get(pk=record.pk).status == "refused"


def test_the_command(receiver_settings, travel, capsys):
    from django.core.management import call_command

    travel(AT("2025-03-03 10:00"))
    keys = queue(2)
    with Receiver() as receiver:
        receiver_settings.EXCHANGE_PUSH_URL = receiver.url
        call_command("exchange_push")
        call_command("exchange_push", "--status")
        assert "pending=0 delivered=2 failed=0 refused=0" in capsys.readouterr().out
        travel(AT("2025-03-05 10:00"))
        call_command("exchange_push", "--replay", "2025-03-03", "2025-03-03")
        out = capsys.readouterr().out
    assert "replayed=2" in out and "delivered=2" in out
    assert len(receiver.idempotency_keys) == 2  # sent twice, the same keys
    assert set(receiver.accepted) == set(keys)
    assert OutboxRecord.objects.filter(status="delivered").count() == 2
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("exchange_push", "--replay", "2025-03-05", "2025-03-03")
