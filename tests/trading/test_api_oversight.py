"""The API of the expert pool, the committee and its scores, the on-site log and the credit
records, and who may use it."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import UserFactory
from tests.trading.test_api import bearer
from tests.trading.test_committee import AT, opened
from zhengwu.core import clock
from zhengwu.core.roles import Role
from zhengwu.trading.models import Bid

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def officer(make_user):
    return make_user(Role.TRADING_OFFICER, full_name="钱交易")


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.SUPERVISOR, full_name="孙监督")


def test_the_committee_is_drawn_scored_and_read_through_the_api(client, officer, supervisor):
    as_officer = bearer(officer)
    for i in range(5):
        answer = client.post(
            "/api/v1/trading/experts",
            {"name": f"专家{i}", "fields": ["市政工程"], "city": "邻市" if i == 0 else "本市"},
            content_type="application/json",
            **as_officer,
        )
        assert answer.status_code == 201, answer.content
    assert (
        client.post(
            "/api/v1/trading/experts",
            {"name": "x", "fields": ["市政工程"]},
            content_type="application/json",
            **bearer(supervisor),
        ).status_code
        == 403
    )
    deal = opened(officer)
    url = f"/api/v1/trading/deals/{deal.code}/committee"
    bad = client.post(
        url,
        {"fields": {"市政工程": 4}, "members": 4},
        content_type="application/json",
        **as_officer,
    )
    assert bad.status_code == 422 and "members" in bad.json()["errors"]
    short = client.post(
        url,
        {"fields": {"市政工程": 7}, "members": 7},
        content_type="application/json",
        **as_officer,
    )
    assert short.status_code == 409 and short.json()["code"] == "pool_too_small"
    made = client.post(
        url,
        {
            "fields": {"市政工程": 5},
            "members": 5,
            "host_city": "本市",
            "host_room": "第二评标室",
            "remote_rooms": {"邻市": "邻市评标室"},
        },
        content_type="application/json",
        **as_officer,
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["seed"] is None and len(body["seal"]) == 64
    assert [s["remote"] for s in body["seats"]].count(True) == 1
    seat = body["seats"][0]["id"]
    bid = Bid.objects.filter(lot__deal=deal).first()
    scored = client.post(
        f"{url}/scores",
        {"seat": seat, "scores": [{"bid": bid.pk, "criterion": "技术", "points": "88.5"}]},
        content_type="application/json",
        **as_officer,
    )
    assert scored.status_code == 200
    assert scored.json()["scores"] == [
        {"bid": bid.pk, "totals": {str(seat): "88.50"}, "mean": "88.50"}
    ]
    read = client.get(url, **bearer(supervisor))
    assert read.status_code == 200 and read.json()["record_hash"] == body["record_hash"]
    applicant = bearer(UserFactory(roles=[Role.APPLICANT]))
    assert client.get(url, **applicant).status_code == 404


def test_onsite_log_complaints_and_credit_through_the_api(client, officer, supervisor):
    deal = opened(officer)
    with clock.frozen(AT + dt.timedelta(hours=1)):
        entry = client.post(
            f"/api/v1/trading/deals/{deal.code}/onsite",
            {"phase": "opening", "seen": "唱标过程规范"},
            content_type="application/json",
            **bearer(supervisor),
        )
    assert entry.status_code == 201 and entry.json()["observer"] == "孙监督"
    assert (
        client.post(
            f"/api/v1/trading/deals/{deal.code}/onsite",
            {"phase": "opening", "seen": "x"},
            content_type="application/json",
            **bearer(officer),
        ).status_code
        == 403
    )
    log = client.get(f"/api/v1/trading/deals/{deal.code}/onsite", **bearer(officer)).json()
    assert [e["seen"] for e in log["items"]] == ["唱标过程规范"]
    bid = Bid.objects.filter(lot__deal=deal).first()
    with clock.frozen(AT + dt.timedelta(days=1)):
        made = client.post(
            "/api/v1/trading/credit/complaints",
            {
                "subject": "bidder",
                "bidder_uscc": bid.bidder_uscc,
                "bidder_name": bid.bidder_name,
                "deal": deal.code,
                "note": "业绩材料造假",
                "substantiated": True,
            },
            content_type="application/json",
            **bearer(supervisor),
        )
    assert made.status_code == 201, made.content
    found = client.get(
        f"/api/v1/trading/credit/bidders/{bid.bidder_uscc}", **bearer(supervisor)
    ).json()
    assert found["name"] == bid.bidder_name
    [year] = found["years"]
    assert year["year"] == 2026 and year["counts"]["complaint"] == 1
    assert year["counts"]["bids"] == 1
    assert (
        client.get("/api/v1/trading/credit/bidders/91110000000000000X", **bearer(officer))
    ).status_code == 404
