"""No input gets a 500, and every API error has the documented shape (docs/api.md, "Errors")."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from tests.cases.helpers import AT, applicant_payload

pytestmark = pytest.mark.django_db

ITEM = "11330100SCJ-XK-0001"
HUGE = "99999999999999999999999"  # beyond 64 bits


def post_json(client, path, body, **headers):
    if not isinstance(body, str | bytes):
        body = json.dumps(body)
    return client.post(path, body, content_type="application/json", **headers)


def new_case(**overrides) -> dict:
    body = {
        "item": ITEM,
        "channel": "window",
        "applicant": applicant_payload(),
        "materials": ["M01", "M02"],
    }
    body.update(overrides)
    return body


def new_ticket(**overrides) -> dict:
    body = {
        "kind": "consult",
        "category": "XNTS02",
        "content": "营业执照变更需要哪些材料？",
        "caller_phone": "13800138000",
    }
    body.update(overrides)
    return body


def invalid(response, field: str, status: int = 422) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["message"] and body["errors"][field], body
    return body


# ---------------------------------------------------------------- dates outside the calendar

OUT_OF_CALENDAR = [
    pytest.param("1999-12-31T09:00:00+08:00", id="before 2004"),
    pytest.param("0001-01-01T00:00:00Z", id="year one"),
    pytest.param(12345, id="a number"),
]


@pytest.mark.parametrize("when", OUT_OF_CALENDAR)
def test_filing_a_case_received_outside_the_calendar_is_a_422(
    client, item, clerk, travel, bearer, when
):
    travel(AT("2025-10-09 09:00"))
    response = post_json(client, "/api/v1/cases", new_case(received_at=when), **bearer(clerk))
    body = invalid(response, "received_at")
    assert body["code"] == "workdays_out_of_range"
    assert "2004年1月1日" in body["errors"]["received_at"][0]


def test_a_case_action_stated_before_the_calendar_is_a_422(client, item, clerk, travel, bearer):
    travel(AT("2025-10-09 09:00"))
    number = post_json(client, "/api/v1/cases", new_case(), **bearer(clerk)).json()["number"]
    response = post_json(
        client, f"/api/v1/cases/{number}/accept", {"occurred_at": 0}, **bearer(clerk)
    )
    invalid(response, "occurred_at")


@pytest.mark.parametrize("when", OUT_OF_CALENDAR)
def test_a_ticket_received_outside_the_calendar_is_a_422(
    client, operator, categories, travel, bearer, when
):
    travel(AT("2025-10-09 09:00"))
    body = new_ticket(occurred_at=when)
    response = post_json(client, "/api/v1/tickets", body, **bearer(operator))
    body = invalid(response, "occurred_at")
    assert body["code"] == "workdays_out_of_range"


# ---------------------------------------------------------------- integers beyond 64 bits


def test_integers_beyond_64_bits_in_api_paths_and_queries(
    client, item, clerk, supervisor, operator, categories, travel, bearer
):
    travel(AT("2025-10-09 09:00"))
    staff, watcher = bearer(clerk), bearer(supervisor)
    for path, auth in [
        (f"/api/v1/cases/{HUGE}", staff),
        (f"/api/v1/cases?limit={HUGE}", staff),
        (f"/api/v1/cases?after={HUGE}", staff),
        (f"/api/v1/tickets/{HUGE}", bearer(operator)),
        (f"/api/v1/tickets?limit={HUGE}", bearer(operator)),
        (f"/api/v1/tickets/public-stats?year={HUGE}&month=1", {}),
        (f"/api/v1/ratings?offset={HUGE}", watcher),
        (f"/api/v1/ratings?level={HUGE}", watcher),
        (f"/api/v1/ratings?case={HUGE}", watcher),
        (f"/api/v1/items/{HUGE}", {}),
        (f"/api/v1/items?limit={HUGE}&offset={HUGE}", {}),
        (f"/api/v1/supervision/irregularities/{HUGE}", watcher),
        (f"/api/v1/supervision/warnings?department={HUGE}", watcher),
        (f"/api/v1/workdays/add?start=2025-01-02&days={HUGE}", {}),
    ]:
        response = client.get(path, **auth)
        assert response.status_code in (200, 404, 422), (path, response.status_code)
        assert response["Content-Type"].startswith("application/json"), path
    for path, body, auth in [
        (f"/api/v1/cases/{HUGE}/accept", {"version": int(HUGE)}, staff),
        (f"/api/v1/cases/{HUGE}/ratings", {"level": int(HUGE)}, staff),
        (f"/api/v1/supervision/irregularities/{HUGE}/reviews", {"outcome": "x"}, watcher),
    ]:
        response = post_json(client, path, body, **auth)
        assert response.status_code in (404, 422), (path, response.status_code)


def test_integers_beyond_64_bits_in_admin_urls(client, admin_user, item):
    client.force_login(admin_user)
    for path in [
        f"/admin/catalog/serviceitem/{HUGE}/change/",
        f"/admin/tickets/ticket/{HUGE}/change/",
        f"/admin/ratings/rating/{HUGE}/change/",
        f"/admin/accounts/user/{HUGE}/change/",
        f"/admin/catalog/serviceitem/?department__id__exact={HUGE}",
        f"/admin/tickets/ticket/?urge_level__exact={HUGE}",
        f"/admin/ratings/rating/?department__id__exact={HUGE}",
        f"/admin/accounts/user/?p={HUGE}",
    ]:
        response = client.get(path)
        assert response.status_code in (200, 302, 404), (path, response.status_code)


# ---------------------------------------------------------------- NUL


def test_nul_in_an_api_query_parameter_is_a_422(client, item, clerk, bearer):
    for path in ["/api/v1/items?q=%00", "/api/v1/cases?state=open%00"]:
        body = invalid(client.get(path, **bearer(clerk)), path.split("?")[1].split("=")[0])
        assert body["code"] == "invalid"
        assert "空字符" in body["errors"][next(iter(body["errors"]))][0]
    invalid(client.get("/api/v1/items/%00"), "__all__")


def test_nul_in_a_json_body_is_a_422(client, item, clerk, travel, bearer):
    travel(AT("2025-10-09 09:00"))
    body = new_case(applicant=applicant_payload(name="张\x00三"))
    response = post_json(client, "/api/v1/cases", body, **bearer(clerk))
    assert "空字符" in invalid(response, "applicant.name")["errors"]["applicant.name"][0]


def test_nul_on_pages_and_admin_list_filters_is_a_400(client, admin_user, item):
    assert client.get("/catalog/", {"q": "\x00"}).status_code == 400
    assert client.get("/catalog/items/%00/").status_code == 400
    client.force_login(admin_user)
    for path in [
        "/admin/tickets/ticket/?state__exact=%00",
        "/admin/catalog/serviceitem/?q=%00",
        "/admin/accounts/user/?is_staff__exact=1%00",
    ]:
        assert client.get(path).status_code == 400, path
    login = client.post("/accounts/login/", {"username": "a\x00", "password": "x"})
    assert login.status_code == 400


# ---------------------------------------------------------------- the error shape


def test_malformed_json_is_a_422_in_chinese(client, item, clerk, bearer):
    for raw in ["{not json", b"\xff\xfe", "[" * 100_000]:
        response = post_json(client, "/api/v1/cases", raw, **bearer(clerk))
        body = invalid(response, "__all__")
        assert body["code"] == "invalid"
        assert body["errors"]["__all__"] == ["请求体不是有效的 JSON。"]


def test_a_session_post_without_the_csrf_token_is_a_403_forbidden(item, clerk, travel):
    travel(AT("2025-10-09 09:00"))
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(clerk)
    response = post_json(browser, "/api/v1/cases", new_case())
    assert response.status_code == 403
    assert response.json() == {
        "code": "forbidden",
        "message": "安全校验未通过，请刷新页面后重试。",
    }
    # With the token the same session files the case.
    browser.get("/")
    token = browser.cookies["csrftoken"].value
    response = post_json(browser, "/api/v1/cases", new_case(), HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content[:300]


def test_a_write_without_login_is_a_401_not_a_csrf_failure(item):
    response = post_json(Client(enforce_csrf_checks=True), "/api/v1/cases", new_case())
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_an_unexpected_error_is_a_json_500_with_the_logged_request_id(client, settings, caplog):
    settings.ROOT_URLCONF = "tests.api_contract.urls"
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="zhengwu.request"):
        response = client.get("/api/test-only/boom")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    request_id = response["X-Request-ID"]
    assert body["code"] == "server_error" and body["request_id"] == request_id
    assert request_id in body["message"] and "请求编号" in body["message"]
    logged = [r for r in caplog.records if r.name == "zhengwu.request"]
    assert logged and request_id in logged[0].getMessage()
    assert logged[0].request_id == request_id and logged[0].exc_info[0] is RuntimeError


def test_every_response_carries_a_request_id(client):
    first, second = client.get("/api/v1/items"), client.get("/healthz")
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]
    kept = client.get("/api/v1/items", HTTP_X_REQUEST_ID="nginx-7f3a.1")
    assert kept["X-Request-ID"] == "nginx-7f3a.1"
    replaced = client.get("/api/v1/items", HTTP_X_REQUEST_ID="x" * 65)
    assert replaced["X-Request-ID"] != "x" * 65


def test_the_openapi_document_declares_the_errors_of_every_operation(client):
    document = client.get("/api/openapi.json").json()
    assert set(document["components"]["schemas"]["Error"]["required"]) == {"code", "message"}
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    operations = [
        (path, method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]
    assert len(operations) > 30
    for path, method, operation in operations:
        responses = operation["responses"]
        needed = {"422", "500"}
        if operation.get("security"):
            needed |= {"401", "403", "404"}
        if method == "post":
            needed.add("409")
        assert needed <= set(responses), (method, path, sorted(responses))
        for status in needed:
            assert responses[status]["content"] == error["content"], (method, path, status)
    public = document["paths"]["/api/v1/items"]["get"]["responses"]
    assert "401" not in public and "403" not in public


def test_a_ticket_report_outside_the_calendar_is_a_422(client, operator, bearer):
    response = client.get(
        "/api/v1/tickets/report", {"from": "0001-01-03", "to": "0006-01-01"}, **bearer(operator)
    )
    assert invalid(response, "from")["code"] == "workdays_out_of_range"
