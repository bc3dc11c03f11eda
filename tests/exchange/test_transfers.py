"""12345 一号受理, outbound: a ticket handed over to another platform goes out through the outbox
to that platform's own endpoint (a real local receiver); the platform's acceptance is the
acknowledgment, kept with its number; an unacknowledged transfer stays visible and is urged after
its due time; the ticket's trail records each hand-over."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.cases.helpers import AT
from tests.exchange.receiver import Receiver
from zhengwu.accounts.services import issue_token
from zhengwu.core.errors import DomainError, NotFound, ValidationFailed
from zhengwu.exchange import push, records, transfers
from zhengwu.exchange.models.outbound import OutboxRecord, Transfer, TransferPlatform

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(db):
    return TransferPlatform.objects.create(
        code="county-a", name="甲县12345热线", kind="county", ack_hours=4
    )


def kinds(ticket) -> list[str]:
    return list(ticket.events.order_by("seq").values_list("kind", flat=True))


def test_hand_over_acknowledged_with_the_platforms_number(
    new_ticket,
    operator,
    county,
    receiver_settings,
    travel,
):
    travel(AT("2025-03-03 10:00"))
    ticket = new_ticket()
    made = transfers.transfer_ticket(
        actor=operator, number=ticket.number, platform="county-a", reason="属甲县管辖"
    )
    assert made.ack_due_at == AT("2025-03-03 14:00")
    record = OutboxRecord.objects.get(key=made.key)
    assert record.receiver == "county-a" and record.stream == f"ticket:{ticket.number}"
    assert records.problems(record.schema, record.payload) == []
    assert kinds(ticket)[-1] == "platform_transfer"
    assert push.deliver(receiver="county-a").errors == ["the platform county-a has no endpoint"]
    with Receiver(references={made.key: "JX-2025-0007"}) as receiver:
        county.url = receiver.url
        county.save()
        travel(AT("2025-03-03 10:05"))
        push.deliver(receiver="county-a")
    sent = receiver.records[made.key]
    assert sent["data"]["content"] == ticket.content and sent["data"]["reason"] == "属甲县管辖"
    made.refresh_from_db()
    assert made.acknowledged_at == AT("2025-03-03 10:05") and made.reference == "JX-2025-0007"
    assert kinds(ticket)[-2:] == ["platform_transfer", "platform_acknowledged"]
    last = ticket.events.order_by("-seq").first()
    assert last.data["note"] == "JX-2025-0007" and last.data["platform_name"] == "甲县12345热线"
    assert transfers.urge_overdue(AT("2025-03-04 10:00")) == 0  # acknowledged: never urged


def test_unacknowledged_transfers_are_urged_after_their_deadline(
    new_ticket,
    operator,
    county,
    receiver_settings,
    travel,
):
    receiver_settings.EXCHANGE_PUSH_MAX_ATTEMPTS = 1
    travel(AT("2025-03-03 10:00"))
    ticket = new_ticket()
    made = transfers.transfer_ticket(
        actor=operator, number=ticket.number, platform="county-a", reason="属甲县管辖"
    )
    with Receiver(["500"] * 5) as receiver:
        county.url = receiver.url
        county.save()
        push.deliver(receiver="county-a")
        assert OutboxRecord.objects.get(key=made.key).status == "failed"
        assert transfers.urge_overdue(AT("2025-03-03 13:59")) == 0
        assert transfers.urge_overdue(AT("2025-03-03 14:00")) == 1
        made.refresh_from_db()
        assert made.urges == 1 and made.ack_due_at == AT("2025-03-03 18:00")
        assert OutboxRecord.objects.get(key=made.key).status == "pending"  # tried again
        assert transfers.urge_overdue(AT("2025-03-03 15:00")) == 0  # once a period
        assert kinds(ticket)[-1] == "platform_urged"
        assert list(transfers.unacknowledged()) == [made]
        receiver.script.clear()
        travel(AT("2025-03-03 15:00"))
        push.deliver(receiver="county-a")
    made.refresh_from_db()
    assert made.acknowledged_at is not None and not list(transfers.unacknowledged())


def test_refusals(new_ticket, operator, county, make_user, travel):
    from zhengwu.core.roles import Role

    travel(AT("2025-03-03 10:00"))
    ticket = new_ticket()
    with pytest.raises(ValidationFailed) as failed:
        transfers.transfer_ticket(actor=operator, number=ticket.number, platform="x", reason="")
    assert set(failed.value.errors) == {"platform", "reason"}
    with pytest.raises(NotFound):
        transfers.transfer_ticket(actor=operator, number="nope", platform="county-a", reason="r")
    unit = make_user(Role.REVIEWER, username="unit_x")
    with pytest.raises(NotFound):
        transfers.transfer_ticket(actor=unit, number=ticket.number, platform="county-a", reason="r")
    transfers.transfer_ticket(actor=operator, number=ticket.number, platform="county-a", reason="r")
    with pytest.raises(DomainError) as twice:
        transfers.transfer_ticket(
            actor=operator, number=ticket.number, platform="county-a", reason="r"
        )
    assert twice.value.code == "transfer_pending"
    assert Transfer.objects.count() == 1


def test_the_api(client, new_ticket, operator, county, travel):
    travel(AT("2025-03-03 10:00"))
    ticket = new_ticket()
    _token, raw = issue_token(user=operator)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_IDEMPOTENCY_KEY": "t-1"}
    url = f"/api/v1/exchange/tickets/{ticket.number}/transfers"
    body = {"platform": "county-a", "reason": "属甲县管辖"}
    first = client.post(url, body, content_type="application/json", **auth)
    assert first.status_code == 201, first.content
    again = client.post(url, body, content_type="application/json", **auth)
    assert again.status_code == 201 and again.json()["key"] == first.json()["key"]
    assert first.json()["record_status"] == "pending"
    bad = client.post(
        url,
        {"platform": "nowhere", "reason": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert bad.status_code == 422 and "platform" in str(bad.json())
    listed = client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").json()["items"]
    assert [t["platform_name"] for t in listed] == ["甲县12345热线"]


def test_the_transfers_page(new_ticket, operator, county, clerk, travel):
    travel(AT("2025-03-03 10:00"))
    ticket = new_ticket()
    page = Client()
    page.force_login(operator)
    refused = page.post("/exchange/transfers/", {"ticket": ticket.number, "reason": "属甲县"})
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "属甲县" in body and "is-invalid" in body  # what was typed is kept
    done = page.post(
        "/exchange/transfers/",
        {"ticket": ticket.number, "platform": "county-a", "reason": "属甲县"},
    )
    assert done.status_code == 302
    travel(AT("2025-03-03 15:00"))
    body = page.get("/exchange/transfers/").content.decode()
    assert ticket.number in body and 'data-overdue="1"' in body and "甲县12345热线" in body
    assert "话务员甲" in body and "operator1" not in body
    detail = page.get(f"/tickets/{ticket.number}/").content.decode()
    assert "移交其他平台" in detail
    other = Client()
    other.force_login(clerk)
    assert other.get("/exchange/transfers/").status_code == 403


def test_transfers_are_counted_by_platform(new_ticket, operator, county, make_user, travel):
    from zhengwu.core.roles import Role

    TransferPlatform.objects.create(code="dept-12315", name="12315热线", kind="department")
    travel(AT("2025-03-03 10:00"))
    first, second = new_ticket(), new_ticket()
    transfers.transfer_ticket(
        actor=operator, number=first.number, platform="county-a", reason="属甲县"
    )
    made = transfers.transfer_ticket(
        actor=operator, number=second.number, platform="county-a", reason="属甲县"
    )
    Transfer.objects.filter(pk=made.pk).update(acknowledged_at=AT("2025-03-03 10:30"))
    travel(AT("2025-03-03 15:00"))  # the first is past its 4 hours
    transfers.urge_overdue()
    url = "/api/v1/exchange/tickets/transfers-by-platform?from=2025-03-01&to=2025-03-31"
    _token, raw = issue_token(user=operator)
    rows = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert rows == [
        {
            "platform": "county-a",
            "platform_name": "甲县12345热线",
            "transferred": 2,
            "acknowledged": 1,
            "unacknowledged": 1,
            "overdue": 0,  # urged: due again one period later
            "urged": 1,
        },
        {
            "platform": "dept-12315",
            "platform_name": "12315热线",
            "transferred": 0,
            "acknowledged": 0,
            "unacknowledged": 0,
            "overdue": 0,
            "urged": 0,
        },
    ]
    travel(AT("2025-03-03 19:30"))
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").json()[0]["overdue"] == 1
    clerk = make_user(Role.WINDOW_CLERK, username="clerk_x")
    _token, other = issue_token(user=clerk)
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 403
    bad = Client().get(
        "/api/v1/exchange/tickets/transfers-by-platform?from=2025-03-31&to=2025-03-01",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert bad.status_code == 422
