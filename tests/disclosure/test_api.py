"""The disclosure request API: the contract of issue 16, errors per DESIGN.md, idempotency."""

from __future__ import annotations

import pytest

from tests.disclosure.conftest import AT, applicant
from zhengwu.accounts.services import issue_token
from zhengwu.disclosure.models import DisclosureRequest

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _token, raw = issue_token(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, user, path, body, **headers):
    return client.post(path, body, content_type="application/json", **bearer(user), **headers)


def get(client, user, path):
    return client.get(path, **bearer(user))


BODY = {
    "channel": "internet",
    "applicant": applicant(),
    "description": "本区2025年老旧小区改造资金安排",
    "form": "electronic",
    "delivery": "email",
}


def test_file_follow_and_act(client, travel, department, office, head, citizen):
    travel(AT("2026-02-02 10:00"))
    response = post(client, citizen, "/api/v1/disclosure/requests", BODY, HTTP_IDEMPOTENCY_KEY="a1")
    assert response.status_code == 201, response.json()
    body = response.json()
    number = body["number"]
    assert (body["received_on"], body["reply_due"]) == ("2026-02-02", "2026-03-06")
    assert body["receipt_basis"]
    # A retry with the same key returns the first answer, no duplicate.
    again = post(client, citizen, "/api/v1/disclosure/requests", BODY, HTTP_IDEMPOTENCY_KEY="a1")
    assert again.status_code == 201 and again.json()["number"] == number
    assert DisclosureRequest.objects.count() == 1

    base = f"/api/v1/disclosure/requests/{number}"
    assert post(client, office, f"{base}/route", {"department": "SCJ"}).status_code == 200
    travel(AT("2026-02-10 10:00"))
    response = post(client, office, f"{base}/consult", {"party": "某公司", "kind": "third_party"})
    assert response.json()["state"] == "consulting"
    travel(AT("2026-03-03 10:00"))
    response = post(client, office, f"{base}/consulted", {"answer": "object"})
    body = response.json()
    assert (body["reply_due"], body["paused_workdays"]) == ("2026-03-23", 11)
    response = post(client, head, f"{base}/extend", {"workdays": 5, "reason": "需要协调"})
    assert response.json()["extension_workdays"] == 5
    response = post(client, office, f"{base}/fee", {"pages": 120})
    assert response.json()["fee_yuan"] == 1100  # 70 × 10 + 20 × 20
    response = post(client, citizen, f"{base}/paid", {})
    assert response.json()["state"] == "in_progress"
    response = post(client, office, f"{base}/reply", {"type": "withheld", "reason": 4})
    body = response.json()
    assert (body["state"], body["result"], body["reason"]) == ("replied", "withheld", 4)
    assert body["completed_on"] == "2026-03-03" and body["on_time"] is True

    body = get(client, citizen, base).json()
    for key in (
        "state",
        "received_on",
        "reply_due",
        "paused_workdays",
        "extension_workdays",
        "completed_on",
        "on_time",
        "result",
        "events",
    ):
        assert key in body
    assert [e["kind"] for e in body["events"]] == [
        "file",
        "route",
        "consult",
        "consulted",
        "extend",
        "fee",
        "paid",
        "reply",
    ]
    assert [d["kind"] for d in body["documents"]] == [
        "consultation",
        "extension_notice",
        "fee_notice",
        "reply",
    ]


def test_errors(client, travel, department, office, citizen, stranger):
    travel(AT("2026-03-02 10:00"))
    bad = {**BODY, "applicant": applicant(id_number="110101199001011230")}
    response = post(client, citizen, "/api/v1/disclosure/requests", bad)
    assert response.status_code == 422
    assert "校验" in response.json()["errors"]["applicant.id_number"][0]
    number = post(client, citizen, "/api/v1/disclosure/requests", BODY).json()["number"]
    base = f"/api/v1/disclosure/requests/{number}"
    # not yours: 404, never revealing it exists
    assert get(client, stranger, base).status_code == 404
    assert post(client, stranger, f"{base}/withdraw", {}).status_code == 404
    # wrong role: 403 with a Chinese message
    response = post(client, citizen, f"{base}/route", {"department": "SCJ"})
    assert response.status_code == 403
    # state conflict: 409 with a stable code and a Chinese message
    response = post(client, office, f"{base}/consulted", {"answer": "agree"})
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert "当前状态" in response.json()["message"]
    # stale version: 409
    response = post(client, office, f"{base}/route", {"department": "SCJ", "version": 99})
    assert (response.status_code, response.json()["code"]) == (409, "stale_version")
    # bad input: 422
    response = post(client, office, f"{base}/reply", {"type": "withheld"})
    assert response.status_code == 422
    assert client.get(base).status_code == 401


def test_a_stated_time_in_the_future_is_refused(client, travel, office):
    travel(AT("2026-03-02 10:00"))
    body = {**BODY, "channel": "in_person", "received_at": "2026-03-03T09:00:00+08:00"}
    response = post(client, office, "/api/v1/disclosure/requests", body)
    assert response.status_code == 422
    assert "received_at" in response.json()["errors"]
