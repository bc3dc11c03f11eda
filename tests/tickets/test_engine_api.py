"""The tickets API contract, its access boundaries and hostile input."""

from __future__ import annotations

import pytest

from tests.cases.test_api import bearer, post
from tests.tickets.conftest import AT
from zhengwu.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def get(client, user, path, **params):
    return client.get(path, params, **bearer(user))


CALL = {
    "kind": "complaint",
    "category": "XNTS02",
    "content": "办理营业执照变更，窗口互相推诿。",
    "caller_phone": "13800138000",
    "caller_name": "王先生",
}


def create(client, operator, **overrides):
    response = post(client, operator, "/api/v1/tickets", {**CALL, **overrides})
    assert response.status_code == 201, response.json()
    return response.json()


def test_the_whole_contract(client, travel, operator, unit, supervisor, department, categories):
    travel(AT("2025-09-30 10:00"))
    ticket = create(client, operator, occurred_at="2025-09-30T09:40:00+08:00")
    number = ticket["number"]
    assert ticket["state"] == "received" and ticket["received_at"] == "2025-09-30T09:40:00+08:00"
    assert ticket["events"][0]["kind"] == "create"

    def do(user, action, body=None, status=200):
        response = post(client, user, f"/api/v1/tickets/{number}/{action}", body or {})
        assert response.status_code == status, response.json()
        return response.json()

    ticket = do(operator, "dispatch", {"department": "SCJ"})
    assert ticket["state"] == "dispatched"
    assert ticket["due_at"] == "2025-10-14T23:59:59.999999+08:00"
    travel(AT("2025-10-09 09:00"))
    assert do(unit, "accept")["state"] == "accepted"
    ticket = do(unit, "extend", {"workdays": 2, "reason": "需现场核查"})
    assert ticket["state"] == "extension_requested"
    ticket = do(operator, "approve-extension", {"approve": True})
    assert ticket["due_at"] == "2025-10-16T23:59:59.999999+08:00"
    ticket = do(operator, "urge", {"level": 1, "reason": "来电人催办"})
    assert ticket["urge_level"] == 1
    ticket = do(unit, "reply", {"result": "已核实并整改。"})
    assert ticket["state"] == "replied"
    ticket = do(
        operator, "callback", {"reached": True, "resolved": True, "satisfaction": "unsatisfied"}
    )
    assert ticket["state"] == "called_back"
    assert do(operator, "redo", {"reason": "不满意"})["redo_count"] == 1
    do(unit, "reply", {"result": "再次办理。"})
    ticket = do(
        supervisor,
        "investigate",
        {"outcome": "substantiated", "occurred_at": "2025-10-09T08:00:00+08:00"},
        status=422,
    )
    ticket = do(supervisor, "investigate", {"outcome": "substantiated"})
    assert ticket["investigation"]["outcome"] == "substantiated"
    assert ticket["investigation"]["department"] == "SCJ"
    ticket = do(operator, "close", {})
    assert ticket["state"] == "closed"
    response = get(client, operator, f"/api/v1/tickets/{number}")
    assert response.status_code == 200
    assert [e["kind"] for e in response.json()["events"]][-1] == "close"
    # Actions on a closed ticket: 409 with a Chinese message.
    response = post(client, unit, f"/api/v1/tickets/{number}/reply", {"result": "x"})
    assert response.status_code in (404, 409)


def test_second_return_is_409_in_chinese(client, travel, operator, unit, department, categories):
    travel(AT("2025-11-03 10:00"))
    number = create(client, operator)["number"]
    post(client, operator, f"/api/v1/tickets/{number}/dispatch", {"department": "SCJ"})
    assert (
        post(
            client, unit, f"/api/v1/tickets/{number}/return", {"reason": "非本单位职责"}
        ).status_code
        == 200
    )
    response = post(client, operator, f"/api/v1/tickets/{number}/review-return", {"approve": False})
    assert response.json()["state"] == "accepted"
    response = post(client, unit, f"/api/v1/tickets/{number}/return", {"reason": "再退"})
    assert response.status_code == 409
    assert response.json()["code"] == "already_returned"
    assert "退" in response.json()["message"]


def test_idempotency_key_returns_the_first_answer(client, travel, operator, categories):
    travel(AT("2025-11-03 10:00"))
    headers = {"HTTP_IDEMPOTENCY_KEY": "call-0001"}
    first = post(client, operator, "/api/v1/tickets", CALL, **headers)
    again = post(client, operator, "/api/v1/tickets", CALL, **headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["number"] == again.json()["number"]
    assert Ticket.objects.count() == 1
    other = post(client, operator, "/api/v1/tickets", {**CALL, "content": "别的"}, **headers)
    assert other.status_code == 409


def test_categories_list(client, operator, categories):
    response = get(client, operator, "/api/v1/ticket-categories")
    assert response.status_code == 200
    rows = {r["code"]: r for r in response.json()}
    assert rows["XNTS02"]["name"] == "推诿扯皮效率低下"
    assert rows["XNTS02"]["parent"] == "XNTS" and rows["XNTS02"]["is_efficiency"]


def test_list_is_filtered_and_keyset_paged(client, travel, operator, unit, department, categories):
    travel(AT("2025-11-03 10:00"))
    numbers = [create(client, operator)["number"] for _ in range(5)]
    for number in numbers[:3]:
        post(client, operator, f"/api/v1/tickets/{number}/dispatch", {"department": "SCJ"})
    response = get(client, operator, "/api/v1/tickets", limit=2)
    page = response.json()
    assert [t["number"] for t in page["items"]] == numbers[::-1][:2]
    page2 = get(client, operator, "/api/v1/tickets", limit=2, after=page["next"]).json()
    assert [t["number"] for t in page2["items"]] == numbers[::-1][2:4]
    dispatch_queue = get(client, operator, "/api/v1/tickets", queue="dispatch").json()
    assert {t["number"] for t in dispatch_queue["items"]} == set(numbers[3:])
    mine = get(client, unit, "/api/v1/tickets").json()
    assert {t["number"] for t in mine["items"]} == set(numbers[:3])
    assert get(client, operator, "/api/v1/tickets", state="bogus").status_code == 422
    assert get(client, operator, "/api/v1/tickets", after="!!").status_code == 422
    assert get(client, operator, "/api/v1/tickets", queue="nope").status_code == 422


def test_access_boundaries(
    client,
    travel,
    operator,
    unit,
    other_unit,
    citizen,
    supervisor,
    department,
    other_department,
    categories,
):
    travel(AT("2025-11-03 10:00"))
    number = create(client, operator)["number"]
    post(client, operator, f"/api/v1/tickets/{number}/dispatch", {"department": "SCJ"})
    # Another unit: 404 for reading and for acting, never a hint that it exists.
    assert get(client, other_unit, f"/api/v1/tickets/{number}").status_code == 404
    assert post(client, other_unit, f"/api/v1/tickets/{number}/accept", {}).status_code == 404
    assert get(client, citizen, f"/api/v1/tickets/{number}").status_code == 404
    # A citizen sees only their own web ticket.
    response = post(
        client,
        citizen,
        "/api/v1/tickets",
        {**CALL, "channel": "web", "caller_phone": "13900139000"},
    )
    own = response.json()["number"]
    assert get(client, citizen, f"/api/v1/tickets/{own}").status_code == 200
    assert [t["number"] for t in get(client, citizen, "/api/v1/tickets").json()["items"]] == [own]
    # The unit cannot dispatch (403); a supervisor sees the caller masked.
    assert (
        post(
            client, unit, f"/api/v1/tickets/{number}/urge", {"level": 1, "reason": "x"}
        ).status_code
        == 403
    )
    watched = get(client, supervisor, f"/api/v1/tickets/{number}").json()
    assert watched["caller_phone"] != "13800138000" and "*" in watched["caller_phone"]
    assert get(client, unit, f"/api/v1/tickets/{number}").json()["caller_phone"] == "13800138000"
    # No login: 401.
    assert client.get(f"/api/v1/tickets/{number}").status_code == 401


def test_operators_do_not_see_cases(client, travel, operator, item, clerk):
    from tests.cases.helpers import file_case

    travel(AT("2025-11-03 10:00"))
    case = file_case(clerk)
    assert get(client, operator, f"/api/v1/cases/{case.number}").status_code == 404
    assert get(client, operator, "/api/v1/cases").json()["items"] == []


@pytest.mark.parametrize(
    "body",
    [
        {**CALL, "kind": "gossip"},
        {**CALL, "category": "NOPE"},
        {**CALL, "content": ""},
        {**CALL, "content": "x" * 6000},
        {**CALL, "caller_phone": "not a phone"},
        {**CALL, "caller_phone": 13800138000},
        {**CALL, "urgent": "yes"},
        {**CALL, "occurred_at": "2099-01-01T00:00:00+08:00"},
        {**CALL, "occurred_at": "2025-11-03T09:00:00"},
        {**CALL, "occurred_at": "yesterday"},
        {**CALL, "content": "含\x00空字符"},
        {**CALL, "extra": 1},
        {"kind": "complaint"},
        [],
    ],
)
def test_hostile_create_is_4xx_and_writes_nothing(client, travel, operator, categories, body):
    travel(AT("2025-11-03 10:00"))
    response = post(client, operator, "/api/v1/tickets", body)
    assert 400 <= response.status_code < 500, response.content
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("dispatch", {"department": "NOPE"}),
        ("dispatch", {"department": "SCJ", "due": "not a date"}),
        ("dispatch", {"department": ["SCJ"]}),
        ("urge", {"level": "1", "reason": "x"}),
        ("urge", {"level": 9, "reason": "x"}),
        ("extend", {"workdays": 2.5, "reason": "x"}),
        ("callback", {"reached": 1}),
        ("investigate", {"outcome": "maybe"}),
        ("review-return", {"approve": "yes"}),
        ("fly", {}),
    ],
)
def test_hostile_actions_are_4xx(client, travel, operator, department, categories, action, body):
    travel(AT("2025-11-03 10:00"))
    number = create(client, operator)["number"]
    before = TicketEvent.objects.count()
    response = post(client, operator, f"/api/v1/tickets/{number}/{action}", body)
    assert 400 <= response.status_code < 500, response.content
    assert TicketEvent.objects.count() == before


def test_hostile_numbers_are_404(client, operator, categories):
    for number in ("nope", "1" * 200, "'; DROP TABLE x; --"):
        assert get(client, operator, f"/api/v1/tickets/{number}").status_code == 404
    assert get(client, operator, "/api/v1/tickets/%00").status_code == 422
