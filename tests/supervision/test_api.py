"""The supervision and notification API: scope, filters, bad input as 422, reviews as 201/403."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.cases.helpers import AT, applicant_payload, file_case
from zhengwu.accounts.services import issue_token
from zhengwu.cases import services
from zhengwu.core.roles import Role
from zhengwu.supervision import sweep
from zhengwu.supervision.models import Irregularity

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _token, raw = issue_token(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def swept(item, clerk, reviewer, travel):
    travel(AT("2025-09-30 10:00"))
    deemed = file_case(clerk, applicant=applicant_payload(1))
    travel(AT("2025-10-09 09:00"))
    services.act(actor=clerk, number=file_case(clerk).number, action="accept", data={})
    travel(AT("2025-10-23 07:00"))
    sweep.run()
    return deemed


def test_board_and_lists_for_a_supervisor(swept, supervisor):
    client, auth = Client(), bearer(supervisor)
    board = client.get("/api/v1/supervision/board", **auth).json()
    scj = next(d for d in board["departments"] if d["code"] == "SCJ")
    assert scj["counts"]["red"] == 2 and board["totals"]["red"] == 2
    assert board["seal"]["day"] == "2025-10-22"
    warnings = client.get("/api/v1/supervision/warnings?level=red", **auth).json()
    assert len(warnings["results"]) == 2 and not warnings["more"]
    found = client.get("/api/v1/supervision/irregularities?kind=deemed_acceptance", **auth).json()
    assert [r["case"] for r in found["results"]] == [swept.number]
    assert found["results"][0]["evidence"]["intake_due"] == "2025-10-14"


def test_bad_filters_are_422(swept, supervisor):
    auth = bearer(supervisor)
    response = Client().get("/api/v1/supervision/warnings?level=purple&limit=0", **auth)
    assert response.status_code == 422
    assert set(response.json()["errors"]) >= {"level", "limit"}


def test_scope_and_roles(swept, other_head, head, supervisor, make_user):
    client = Client()
    other = client.get("/api/v1/supervision/irregularities", **bearer(other_head)).json()
    assert other["results"] == []
    pk = Irregularity.objects.get().pk
    assert (
        client.get(f"/api/v1/supervision/irregularities/{pk}", **bearer(other_head)).status_code
        == 404
    )
    citizen = make_user(Role.APPLICANT, username="citizen9")
    assert client.get("/api/v1/supervision/board", **bearer(citizen)).status_code == 403
    assert client.get("/api/v1/supervision/board").status_code == 401
    path = f"/api/v1/supervision/irregularities/{pk}/reviews"
    body = {"outcome": "explained", "note": "系统停机两天"}
    assert (
        client.post(path, body, content_type="application/json", **bearer(head)).status_code == 403
    )
    made = client.post(path, body, content_type="application/json", **bearer(supervisor))
    assert made.status_code == 201
    detail = client.get(f"/api/v1/supervision/irregularities/{pk}", **bearer(supervisor)).json()
    assert detail["status"] == "explained" and detail["reviews"][0]["note"] == "系统停机两天"
    empty = client.post(
        path,
        {"outcome": "explained", "note": "  "},
        content_type="application/json",
        **bearer(supervisor),
    )
    assert empty.status_code == 422 and "note" in empty.json()["errors"]


def test_notifications_api(swept, reviewer):
    client, auth = Client(), bearer(reviewer)
    inbox = client.get("/api/v1/notifications?unread=true", **auth).json()
    assert inbox["unread"] == 2 and len(inbox["results"]) == 2
    assert "红牌警告" in inbox["results"][0]["title"]
    ids = [r["id"] for r in inbox["results"]][:1]
    marked = client.post(
        "/api/v1/notifications/read", {"ids": ids}, content_type="application/json", **auth
    )
    assert marked.json() == {"marked": 1}
    assert client.get("/api/v1/notifications", **auth).json()["unread"] == 1
