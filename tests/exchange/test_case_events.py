"""Every case and joint-case step the province needs is written to the outbox in the step's own
transaction, valid against its schema, with the national 办件信息 fields filled from the case as
it stands after the step."""

from __future__ import annotations

import pytest

from tests.cases.helpers import AT, file_case
from zhengwu.cases import services
from zhengwu.core.errors import DomainError
from zhengwu.exchange import records
from zhengwu.exchange.models.outbound import OutboxRecord

pytestmark = pytest.mark.django_db


def stream(case) -> list[OutboxRecord]:
    return list(OutboxRecord.objects.filter(stream=f"case:{case.number}").order_by("id"))


def test_a_case_from_receipt_to_delivery(item, clerk, reviewer, head, travel):
    travel(AT("2025-03-03 10:00"))
    case = file_case(clerk, materials=["M01"])
    act = services.act
    act(actor=clerk, number=case.number, action="request_supplement", data={"missing": ["M02"]})
    travel(AT("2025-03-04 10:00"))
    act(actor=clerk, number=case.number, action="supplement", data={"materials": ["M02"]})
    act(actor=clerk, number=case.number, action="accept")
    travel(AT("2025-03-05 10:00"))
    act(
        actor=reviewer,
        number=case.number,
        action="suspend",
        data={"procedure": "hearing", "reason": "听证"},
    )
    travel(AT("2025-03-07 10:00"))
    act(actor=reviewer, number=case.number, action="resume")
    act(actor=head, number=case.number, action="extend", data={"workdays": 5, "reason": "复杂"})
    travel(AT("2025-03-10 10:00"))
    act(actor=reviewer, number=case.number, action="decide", data={"outcome": "grant"})
    act(actor=clerk, number=case.number, action="deliver", data={"method": "window"})
    rows = stream(case)
    assert [r.kind for r in rows] == [
        "case.submit",
        "case.request_supplement",
        "case.supplement",
        "case.accept",
        "case.suspend",
        "case.resume",
        "case.extend",
        "case.decide_grant",
        "completion",
        "case.deliver",
    ]
    for row in rows:
        assert records.problems(row.schema, row.payload) == [], row.kind
    assert [r.key for r in rows if r.kind != "completion"] == [
        f"case-{case.number}-{seq}" for seq in range(1, 10)
    ]
    first, accepted, decided, delivered = rows[0], rows[3], rows[7], rows[-1]
    assert first.payload["case_number"] == case.number
    assert first.payload["item_code"] == "11330100SCJ-XK-0001"
    assert first.payload["applicant"]["name"] == "张三"
    assert first.payload["applicant"]["id_type"] == "resident_id"
    assert first.payload["received_at"] == "2025-03-03T02:00:00Z"
    assert first.payload["accepted_on"] is None and first.payload["result"] is None
    assert accepted.payload["accepted_on"] == "2025-03-04"
    assert accepted.payload["promised_due"] and accepted.payload["promised_limit"]
    assert decided.payload["completed_on"] == "2025-03-10"
    assert decided.payload["result"] == "granted"
    assert delivered.payload["result"] == "granted"
    assert delivered.payload["delivered_on"] == "2025-03-10"
    completion = rows[8]
    assert completion.payload == {
        "case_number": case.number,
        "item_code": "11330100SCJ-XK-0001",
        "department_code": "SCJ",
        "completed_on": "2025-03-10",
        "result": "granted",
        "service_event": 8,
    }


def test_refusal_and_withdrawal(item, clerk, citizen, citizen_id, travel):
    from tests.cases.helpers import applicant_payload

    travel(AT("2025-03-03 10:00"))
    refused = file_case(clerk)
    services.act(actor=clerk, number=refused.number, action="refuse", data={"reason": "不属本部门"})
    assert stream(refused)[-1].payload["result"] == "refused"
    online = file_case(citizen, channel="online", applicant=applicant_payload(id_number=citizen_id))
    services.act(actor=citizen, number=online.number, action="withdraw", data={"reason": "不办了"})
    rows = stream(online)
    assert [r.kind for r in rows] == ["case.submit", "case.withdraw"]
    assert rows[-1].payload["result"] == "withdrawn" and rows[0].payload["channel"] == "online"


def test_a_refused_step_writes_nothing(item, clerk, reviewer, travel):
    travel(AT("2025-03-03 10:00"))
    case = file_case(clerk)
    with pytest.raises(DomainError):
        services.act(actor=reviewer, number=case.number, action="decide", data={"outcome": "grant"})
    assert [r.kind for r in stream(case)] == ["case.submit"]


def test_the_record_rolls_back_with_its_step(item, clerk, travel):
    from django.db import transaction

    travel(AT("2025-03-03 10:00"))
    with pytest.raises(RuntimeError), transaction.atomic():
        file_case(clerk)
        raise RuntimeError
    assert not OutboxRecord.objects.exists()
