"""The case API contract (issue: Case engine, "API contract")."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.cases.helpers import AT, applicant_payload
from tests.catalog.builders import item_dict
from zhengwu.accounts.services import issue_token
from zhengwu.cases.integrity import verify
from zhengwu.cases.models import Case
from zhengwu.catalog import services as catalog_services

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _token, raw = issue_token(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, user, path, body, **headers):
    return client.post(path, body, content_type="application/json", **bearer(user), **headers)


def new_case(client, clerk, **overrides):
    body = {
        "item": "11330100SCJ-XK-0001",
        "channel": "window",
        "applicant": applicant_payload(),
        "materials": ["M01", "M02"],
    }
    body.update(overrides)
    return post(client, clerk, "/api/v1/cases", body)


def test_window_case_through_to_delivery(client, item, clerk, reviewer, travel):
    travel(AT("2025-09-30 10:00"))
    response = new_case(client, clerk)
    assert response.status_code == 201, response.json()
    case = response.json()
    number = case["number"]
    assert case["state"] == "submitted"
    assert case["received_on"] == "2025-09-30"
    # 9, 10, 11 (a make-up Saturday), 13, 14 October: the holiday ran 1 to 8 October.
    assert case["intake_due"] == "2025-10-14"
    assert case["events"][0]["kind"] == "submit"

    travel(AT("2025-10-09 09:30"))
    response = post(client, clerk, f"/api/v1/cases/{number}/accept", {})
    assert response.status_code == 200, response.json()
    case = response.json()
    assert case["accepted_on"] == "2025-10-09"
    assert case["promised_due"] == "2025-10-22"  # 10 working days
    assert case["statutory_due"] == "2025-11-05"  # 20 working days
    assert case["level"] == "normal"

    travel(AT("2025-10-20 15:00"))
    response = post(
        client, reviewer, f"/api/v1/cases/{number}/decide", {"outcome": "grant", "reason": ""}
    )
    assert response.status_code == 200, response.json()
    case = response.json()
    assert case["state"] == "granted"
    assert case["completed_on"] == "2025-10-20"
    assert case["completion"] == "early"
    assert case["delivery_due"] == "2025-11-03"

    travel(AT("2025-10-21 10:00"))
    response = post(client, clerk, f"/api/v1/cases/{number}/deliver", {"method": "window"})
    assert response.status_code == 200, response.json()
    case = client.get(f"/api/v1/cases/{number}", **bearer(clerk)).json()
    assert case["state"] == "delivered"
    assert [e["kind"] for e in case["events"]] == ["submit", "accept", "decide_grant", "deliver"]
    assert [e["seq"] for e in case["events"]] == [1, 2, 3, 4]


def test_idempotency_key_returns_the_first_case(client, item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    body = {
        "item": "11330100SCJ-XK-0001",
        "channel": "window",
        "applicant": applicant_payload(),
        "materials": ["M01"],
    }
    first = post(client, clerk, "/api/v1/cases", body, HTTP_IDEMPOTENCY_KEY="abc-1")
    again = post(client, clerk, "/api/v1/cases", body, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["number"] == again.json()["number"]
    other = post(
        client, clerk, "/api/v1/cases", {**body, "materials": ["M02"]}, HTTP_IDEMPOTENCY_KEY="abc-1"
    )
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"


def test_errors_follow_the_contract(client, item, clerk, reviewer, travel):
    travel(AT("2025-09-30 10:00"))
    bad_id = new_case(client, clerk, applicant=applicant_payload(id_number="110101199001010000"))
    assert bad_id.status_code == 422
    assert "applicant.id_number" in bad_id.json()["errors"]
    wrong_type = new_case(client, clerk, materials="M01")
    assert wrong_type.status_code == 422
    unknown = new_case(client, clerk, materials=["M09"])
    assert unknown.status_code == 422 and "materials" in unknown.json()["errors"]
    assert client.post("/api/v1/cases", {}, content_type="application/json").status_code == 401

    number = new_case(client, clerk).json()["number"]
    forbidden = post(client, reviewer, f"/api/v1/cases/{number}/deliver", {"method": "mail"})
    assert forbidden.status_code == 409  # not granted yet: illegal before the role matters
    head_only = post(
        client, reviewer, f"/api/v1/cases/{number}/extend", {"workdays": 5, "reason": "x"}
    )
    assert head_only.status_code == 409
    stale = post(client, clerk, f"/api/v1/cases/{number}/accept", {"version": 99})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    assert post(client, clerk, "/api/v1/cases/nope/accept", {}).status_code == 404


PARALLEL_ITEM = "11330100SCJ-XK-0009"


@pytest.fixture
def parallel_item(item, travel):
    """An item of the same department whose catalogue version allows parallel approval."""
    travel(AT("2025-01-02 09:00"))
    catalog_services.import_items(
        [item_dict(impl_code=PARALLEL_ITEM, name="建设项目联合审批", parallel=True)],
        valid_from=dt.date(2025, 1, 1),
    )
    return PARALLEL_ITEM


def test_a_clerk_accepts_into_parallel_approval_where_the_item_allows_it(
    client, item, parallel_item, clerk, travel
):
    travel(AT("2025-10-09 09:00"))
    plain = new_case(client, clerk).json()["number"]
    joint = new_case(client, clerk, item=parallel_item).json()["number"]

    refused = post(client, clerk, f"/api/v1/cases/{plain}/accept", {"parallel": True})
    assert refused.status_code == 422
    assert refused.json()["errors"]["parallel"] == ["该事项不适用并联审批。"]
    not_bool = post(client, clerk, f"/api/v1/cases/{joint}/accept", {"parallel": "yes"})
    assert not_bool.status_code == 422
    stored = Case.objects.get(number=joint)
    assert (stored.state, stored.parallel, stored.version) == ("submitted", False, 1)

    accepted = post(client, clerk, f"/api/v1/cases/{joint}/accept", {"parallel": True})
    assert accepted.status_code == 200, accepted.json()
    body = accepted.json()
    assert body["parallel"] is True and body["state"] == "accepted"
    assert body["events"][-1]["kind"] == "accept"
    assert body["events"][-1]["data"] == {"parallel": True}
    assert client.get(f"/api/v1/cases/{joint}", **bearer(clerk)).json()["parallel"] is True
    assert Case.objects.get(number=joint).parallel is True

    ordinary = post(client, clerk, f"/api/v1/cases/{plain}/accept", {})
    assert ordinary.json()["parallel"] is False
    assert ordinary.json()["events"][-1]["data"] == {}
    assert not [problem for _id, problem in verify() if problem is not None]
