"""The inbound API: department records in batches (all or nothing, problems by row and field;
who may send which department's), the reconciliation of a month, tickets handed over by other
platforms (a resend returns the first; the hand-over in the ticket's trail; counted by source)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.exchange.inbound.helpers import ITEM, bearer
from tests.factories import valid_id_number
from zhengwu.exchange.models.inbound import DepartmentRecord, InboundTicket, RecordBatch
from zhengwu.tickets import services as ticket_services
from zhengwu.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def post(user, path, body):
    return Client().post(path, body, content_type="application/json", **bearer(user))


def record(number="SCJ-1", **changes):
    row = {
        "department": "SCJ",
        "record_number": number,
        "item": ITEM,
        "applicant_number": valid_id_number(5),
        "received_on": "2025-09-10",
        "accepted_on": "2025-09-11",
    }
    row.update(changes)
    return row


RECORDS = "/api/v1/exchange/department-records"


def test_a_batch_is_stored_and_a_record_sent_again_takes_the_new_dates(item, head):
    response = post(head, RECORDS, {"records": [record(), record("SCJ-2")]})
    assert response.status_code == 201, response.json()
    assert response.json()["records"] == 2
    post(head, RECORDS, {"records": [record(decided_on="2025-09-20")]})
    assert DepartmentRecord.objects.count() == 2
    assert str(DepartmentRecord.objects.get(record_number="SCJ-1").decided_on) == "2025-09-20"
    assert RecordBatch.objects.count() == 2


def test_one_bad_row_stores_nothing_and_each_problem_is_named(item, head):
    rows = [
        record(),
        record("SCJ-2", accepted_on="2025-02-30"),
        record("SCJ-3", applicant_number="123"),
        record("SCJ-4", item="NO-SUCH-ITEM", received_on=None),
        record("SCJ-1"),
        record("SCJ-6", received_on="2099-01-01"),
    ]
    response = post(head, RECORDS, {"records": rows})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {
        "records.1.accepted_on",
        "records.2.applicant_number",
        "records.3.item",
        "records.3.received_on",
        "records.4.record_number",
        "records.5.received_on",
    }
    assert errors["records.5.received_on"] == ["日期不能晚于今天。"]
    assert DepartmentRecord.objects.count() == 0 and RecordBatch.objects.count() == 0


def test_a_department_sends_only_its_own_records(item, head, other_head, clerk, platform):
    assert post(other_head, RECORDS, {"records": [record()]}).status_code == 422
    assert post(clerk, RECORDS, {"records": [record()]}).status_code == 403
    assert post(platform, RECORDS, {"records": [record()]}).status_code == 403
    assert DepartmentRecord.objects.count() == 0


def test_only_the_supervision_office_reconciles(item, head, supervisor):
    post(head, RECORDS, {"records": [record()]})
    body = {"month": "2025-09", "department": "SCJ"}
    assert post(head, "/api/v1/exchange/reconciliations", body).status_code == 403
    response = post(supervisor, "/api/v1/exchange/reconciliations", body)
    assert response.status_code == 200
    (summary,) = response.json()
    assert summary["records"] == 1 and summary["unmatched"] == 1
    assert summary["findings"]["off_system"] == 1
    listed = (
        Client().get("/api/v1/exchange/reconciliations?month=2025-09", **bearer(supervisor)).json()
    )
    assert listed == [summary]
    bad = post(supervisor, "/api/v1/exchange/reconciliations", {"month": "2025-9"})
    assert bad.status_code == 422


TICKETS = "/api/v1/exchange/tickets"


def ticket(number="XQ-2025-0001", source="county_hotline", **changes):
    body = {
        "source": source,
        "source_number": number,
        "kind": "help",
        "category": "XNTS02",
        "content": "县区热线转来：办理营业执照变更，窗口要求重复提交材料。",
        "caller_phone": "13800138000",
        "caller_name": "王先生",
    }
    body.update(changes)
    return body


@pytest.fixture
def categories(db):
    ticket_services.seed_ticket_categories()


def test_a_handed_over_ticket_is_registered_once_with_the_hand_over_in_its_trail(
    categories, operator
):
    first = post(operator, TICKETS, ticket())
    again = post(operator, TICKETS, ticket(content="重发"))
    assert (first.status_code, again.status_code) == (201, 200), first.json()
    assert first.json()["number"] == again.json()["number"]
    created = Ticket.objects.get()
    event = created.events.get()
    assert event.data["handed_over"] == {"source": "county_hotline", "number": "XQ-2025-0001"}
    assert InboundTicket.objects.get().ticket == created


def test_the_same_number_from_another_source_is_another_ticket(categories, operator):
    post(operator, TICKETS, ticket())
    response = post(operator, TICKETS, ticket(source="police_110"))
    assert response.status_code == 201 and Ticket.objects.count() == 2


def test_bad_tickets_are_refused_by_field(categories, operator, citizen):
    assert post(operator, TICKETS, ticket(source="weibo")).status_code == 422
    response = post(operator, TICKETS, ticket(source_number=" "))
    assert response.status_code == 422 and "source_number" in response.json()["errors"]
    assert post(citizen, TICKETS, ticket()).status_code == 403
    assert Ticket.objects.count() == 0


def test_tickets_are_counted_by_source(categories, operator, supervisor, travel):
    from tests.cases.helpers import AT

    travel(AT("2025-09-10 10:00"))
    post(operator, TICKETS, ticket())
    post(operator, TICKETS, ticket("110-1", source="police_110"))
    post(operator, TICKETS, ticket("110-2", source="police_110"))
    ticket_services.create_ticket(
        actor=operator,
        kind="consult",
        category="XNTS02",
        content="咨询营业执照办理地点。",
        caller_phone="13900139000",
    )
    counts = (
        Client()
        .get(
            "/api/v1/exchange/tickets/by-source?from=2025-09-01&to=2025-09-30", **bearer(supervisor)
        )
        .json()
    )
    assert counts == {
        "12345": 1,
        "county_hotline": 1,
        "department_hotline": 0,
        "police_110": 2,
    }
    other = Client().get(
        "/api/v1/exchange/tickets/by-source?from=2025-10-01&to=2025-10-31", **bearer(supervisor)
    )
    assert sum(other.json().values()) == 0
