"""The trading API contract: deals, bids with files, the steps, flags with their evidence, the
indicators with their meta, and who may see what."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.trading.test_services import DEAL, bid_data
from tests.trading.test_signals import uscc
from tests.trading.texts import TEMPLATE, own_text
from zhengwu.accounts.services import issue_token
from zhengwu.core import clock
from zhengwu.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"


def bearer(user) -> dict:
    _token, raw = issue_token(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def officer(make_user):
    return make_user(Role.TRADING_OFFICER, full_name="钱交易")


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.SUPERVISOR, full_name="孙监督")


@pytest.fixture
def clerk(make_user):
    return make_user(Role.WINDOW_CLERK, full_name="李窗口")


def new_deal(client, officer, **headers) -> dict:
    response = client.post(
        "/api/v1/trading/deals", DEAL, content_type="application/json", **bearer(officer), **headers
    )
    assert response.status_code == 201, response.json()
    return response.json()


def add_bid(client, officer, code, i, text):
    upload = SimpleUploadedFile(f"bid{i}.txt", text.encode(), content_type="text/plain")
    return client.post(
        f"/api/v1/trading/deals/{code}/bids", {**bid_data(i), "file": upload}, **bearer(officer)
    )


def test_a_deal_three_bids_the_opening_and_the_similar_documents_flag(client, officer, supervisor):
    deal = new_deal(client, officer, HTTP_IDEMPOTENCY_KEY="d-1")
    code = deal["code"]
    assert new_deal(client, officer, HTTP_IDEMPOTENCY_KEY="d-1")["code"] == code  # a retry
    first = own_text(1, sentences=160)
    texts = [TEMPLATE + first, TEMPLATE + own_text(2, 40) + first[300:3000], TEMPLATE + own_text(3)]
    for i, text in enumerate(texts):
        response = add_bid(client, officer, code, i, text)
        assert response.status_code == 201, response.json()
        assert response.json()["file"]["sha256"]
    response = client.post(
        f"/api/v1/trading/deals/{code}/open", {}, content_type="application/json", **bearer(officer)
    )
    assert response.status_code == 200, response.json()
    body = client.get(f"/api/v1/trading/deals/{code}", **bearer(supervisor)).json()
    assert body["state"] == "opened"
    [flag] = body["flags"]
    assert set(flag) >= {"kind", "bids", "evidence", "score", "status"}
    assert (flag["kind"], flag["status"]) == ("similar_documents", "open")
    bids = {b["id"]: b for b in body["lots"][0]["bids"]}
    assert [bids[i]["bidder_uscc"] for i in flag["bids"]] == [uscc(1), uscc(2)]
    passage = flag["evidence"]["passages"][0]
    assert passage["a"]["text"][:50] == passage["b"]["text"][:50]
    assert [e["kind"] for e in body["events"]][-2:] == ["open", "flags_raised"]
    # The supervisor confirms it.
    response = client.post(
        f"/api/v1/trading/flags/{flag['id']}/review",
        {"decision": "confirmed", "note": "技术标雷同"},
        content_type="application/json",
        **bearer(supervisor),
    )
    assert response.status_code == 200 and response.json()["status"] == "confirmed"


def test_bad_input_and_conflicts_in_chinese(client, officer):
    response = client.post(
        "/api/v1/trading/deals",
        {**DEAL, "award_method": "cheapest"},
        content_type="application/json",
        **bearer(officer),
    )
    assert response.status_code == 422
    assert (
        response.json()["errors"]["award_method"] == ["请选择允许的值之一。"]
        or response.json()["errors"]
    )
    code = new_deal(client, officer)["code"]
    response = client.post(
        f"/api/v1/trading/deals/{code}/bids",
        {**bid_data(0), "bidder_uscc": "123"},
        **bearer(officer),
    )
    assert response.status_code == 422 and "bidder_uscc" in response.json()["errors"]
    response = client.post(
        f"/api/v1/trading/deals/{code}/award",
        {"winners": {}},
        content_type="application/json",
        **bearer(officer),
    )
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert response.json()["message"] == "交易项目当前所处阶段不能办理这一步。"


def test_who_sees_deals_and_files(client, officer, supervisor, clerk, make_user):
    code = new_deal(client, officer)["code"]
    add_bid(client, officer, code, 0, TEMPLATE + own_text(1))
    # A window clerk sees no deal; a leader sees the deal but not the files.
    assert client.get(f"/api/v1/trading/deals/{code}", **bearer(clerk)).status_code == 404
    leader = make_user(Role.LEADER, full_name="周领导")
    body = client.get(f"/api/v1/trading/deals/{code}", **bearer(leader)).json()
    bid = body["lots"][0]["bids"][0]
    assert bid["file"]["url"] is None
    assert client.get(f"/api/v1/trading/bids/{bid['id']}/file", **bearer(leader)).status_code == 404
    assert client.get(f"/api/v1/trading/bids/{bid['id']}/file", **bearer(clerk)).status_code == 404
    url = client.get(f"/api/v1/trading/deals/{code}", **bearer(supervisor)).json()["lots"][0][
        "bids"
    ][0]["file"]["url"]
    response = client.get(url, **bearer(supervisor))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == TEMPLATE + own_text(1)
    assert response["Cache-Control"] == "private, no-store"
    # Only the trading center's staff record deals.
    response = client.post(
        "/api/v1/trading/deals", DEAL, content_type="application/json", **bearer(supervisor)
    )
    assert response.status_code == 403
    assert client.get(f"/api/v1/trading/deals/{code}").status_code == 401


def test_the_indicators_with_their_meta(client, officer, supervisor, clerk):
    for n in range(5):
        code = new_deal(client, officer)["code"]
        prices = ["1000000", str(1_000_000 + 50_000 + n * 1000)]
        for i, price in enumerate(prices):
            data = {**bid_data(i), "price": price}
            assert (
                client.post(
                    f"/api/v1/trading/deals/{code}/bids", data, **bearer(officer)
                ).status_code
                == 201
            )
        for step, body in (("open", {}), ("evaluate", {}), ("award", {"winners": {"01": uscc(1)}})):
            response = client.post(
                f"/api/v1/trading/deals/{code}/{step}",
                body,
                content_type="application/json",
                **bearer(officer),
            )
            assert response.status_code == 200, response.json()
    today = clock.today().isoformat()
    response = client.get(
        f"/api/v1/trading/indicators?from={today}&to={today}", **bearer(supervisor)
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"process", "bidder", "tenderer", "agent", "meta"}
    assert set(body["meta"]["R024"]) == {"q1", "q3", "lower_fence"}
    assert body["meta"]["R024"]["q1"] == pytest.approx(0.0508, abs=1e-4)
    assert client.get("/api/v1/trading/indicators", **bearer(clerk)).status_code == 404
    response = client.get(
        "/api/v1/trading/indicators?from=2026-12-01&to=2026-11-01", **bearer(supervisor)
    )
    assert response.status_code == 422


def test_the_nul_character_is_refused_before_it_reaches_the_database(client, officer, supervisor):
    """The site refuses NUL in a path or a form field (422); PostgreSQL would refuse to store it."""
    assert client.get("/api/v1/trading/deals/JY%00", **bearer(supervisor)).status_code == 422
    response = client.post(
        "/api/v1/trading/deals/JY%00/open", {}, content_type="application/json", **bearer(officer)
    )
    assert response.status_code == 422
    code = new_deal(client, officer)["code"]
    for field, value in (("lot", "01\x00"), ("team", "张三\x00,李四"), ("price", "1\x00")):
        data = {**bid_data(0), field: value}
        response = client.post(f"/api/v1/trading/deals/{code}/bids", data, **bearer(officer))
        assert response.status_code == 422, response.json()
        assert set(response.json()["errors"]) == {field}
    upload = SimpleUploadedFile("a\x00.txt", "技术标".encode(), content_type="text/plain")
    response = client.post(
        f"/api/v1/trading/deals/{code}/bids", {**bid_data(0), "file": upload}, **bearer(officer)
    )
    assert response.status_code == 201, response.json()
    assert response.json()["file"]["name"] == "a.txt"
