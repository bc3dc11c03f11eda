"""Deals as OCDS 1.1: one release per published step, the compiled release made by ocdsmerge, and
every output valid against the OCDS 1.1 release schema vendored in the test data (not the copy
the code uses)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import jsonschema_rs
import pytest
from django.core.management import call_command

from tests.trading.test_api import bearer
from tests.trading.test_services import DEAL, bid_data
from tests.trading.texts import honest_bid
from zhengwu.core import clock
from zhengwu.core.roles import Role
from zhengwu.trading import ocds, services

pytestmark = pytest.mark.django_db

DATA = Path(__file__).with_name("data")
AT = dt.datetime(2026, 11, 18, 9, 30, tzinfo=clock.LOCAL_TZ)


def load(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


RELEASE_SCHEMA = load("ocds-1.1-release-schema.json")
RELEASE = jsonschema_rs.Draft4Validator(RELEASE_SCHEMA, validate_formats=True)
# The package schema refers to the release schema by its URL: the registry answers it offline.
PACKAGE = jsonschema_rs.Draft4Validator(
    load("ocds-1.1-release-package-schema.json"),
    validate_formats=True,
    registry=jsonschema_rs.Registry([(RELEASE_SCHEMA["id"], RELEASE_SCHEMA)]),
)


def assert_valid(release: dict) -> None:
    errors = [f"{list(e.instance_path)}: {e.message}" for e in RELEASE.iter_errors(release)]
    assert errors == []


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def officer(make_user):
    return make_user(Role.TRADING_OFFICER, full_name="钱交易")


def awarded_deal(officer):
    with clock.frozen(AT):
        deal = services.announce_deal(actor=officer, data=DEAL)
    for i in range(3):
        with clock.frozen(AT + dt.timedelta(days=1, hours=i)):
            services.record_bid(
                actor=officer,
                code=deal.code,
                data=bid_data(i),
                upload=(f"bid{i}.txt", honest_bid(10 + i).encode()),
            )
    out = {"lot": "01", "bidder_uscc": bid_data(2)["bidder_uscc"], "reason": "投标保证金未按时到账"}
    steps = [
        ("open", {}),
        ("evaluate", {"disqualified": [out]}),
        ("award", {"winners": {"01": bid_data(1)["bidder_uscc"]}}),
    ]
    for day, (action, data) in enumerate(steps, start=20):
        with clock.frozen(AT + dt.timedelta(days=day)):
            services.act(actor=officer, code=deal.code, action=action, data=data)
    deal.refresh_from_db()
    return deal


def test_each_published_step_is_a_release_and_sealed_bids_stay_out_until_the_opening(officer):
    with clock.frozen(AT):
        deal = services.announce_deal(actor=officer, data=DEAL)
        services.record_bid(actor=officer, code=deal.code, data=bid_data(0))
    [tender] = ocds.releases(deal)
    assert tender["tag"] == ["tender"] and "bids" not in tender
    assert tender["ocid"] == f"ocds-zhengwu-{deal.code}"
    assert tender["tender"]["value"] == {"amount": 4800000, "currency": "CNY"}
    assert tender["tender"]["awardCriteria"] == "priceOnly"
    assert tender["tender"]["mainProcurementCategory"] == "works"
    assert [p["roles"] for p in tender["parties"]] == [["buyer"], ["procuringEntity"]]
    assert_valid(tender)


def test_the_compiled_release_is_merged_by_ocdsmerge_and_valid_against_the_ocds_schema(officer):
    deal = awarded_deal(officer)
    released = ocds.releases(deal)
    assert [r["tag"] for r in released] == [
        ["tender"],
        ["tenderUpdate"],
        ["tenderUpdate"],
        ["award"],
    ]
    for release in released:
        assert_valid(release)
    compiled = ocds.compiled_release(deal)
    assert_valid(compiled)
    # ocdsmerge's marks of a compiled release: its tag, and an id of the ocid and the last date.
    assert compiled["tag"] == ["compiled"]
    assert compiled["id"] == f"{compiled['ocid']}-{released[-1]['date']}"
    assert compiled["date"] == released[-1]["date"] == "2026-12-10T09:30:00+08:00"
    assert compiled["tender"]["status"] == "complete"
    bids = {b["tenderers"][0]["name"]: b for b in compiled["bids"]["details"]}
    assert {name: b["status"] for name, b in bids.items()} == {
        "北京宏达建设工程有限公司": "valid",
        "河北正泰建筑有限公司": "valid",
        "天津华信市政工程有限公司": "disqualified",
    }
    assert bids["河北正泰建筑有限公司"]["value"] == {"amount": 4498760.5, "currency": "CNY"}
    [award] = compiled["awards"]
    assert award["suppliers"][0]["name"] == "河北正泰建筑有限公司"
    assert award["value"]["amount"] == 4498760.5 and award["relatedLots"] == ["01"]
    roles = {p["name"]: p["roles"] for p in compiled["parties"]}
    assert roles["河北正泰建筑有限公司"] == ["tenderer", "supplier"]
    assert roles["北京宏达建设工程有限公司"] == ["tenderer"]
    winner = next(p for p in compiled["parties"] if p["name"] == "河北正泰建筑有限公司")
    assert winner["identifier"] == {
        "scheme": "CN-USCC",
        "id": bid_data(1)["bidder_uscc"],
        "legalName": "河北正泰建筑有限公司",
    }


def test_a_cancelled_deal_compiles_to_a_cancelled_tender(officer):
    with clock.frozen(AT):
        deal = services.announce_deal(actor=officer, data=DEAL)
        services.act(actor=officer, code=deal.code, action="cancel", data={"reason": "项目调整"})
    compiled = ocds.compiled_release(deal)
    assert compiled["tender"]["status"] == "cancelled"
    assert compiled["tender"]["lots"][0]["status"] == "cancelled"
    assert_valid(compiled)


def test_the_api_answers_the_compiled_release_to_readers_only(client, officer, make_user):
    deal = awarded_deal(officer)
    supervisor = make_user(Role.SUPERVISOR, full_name="孙监督")
    clerk = make_user(Role.WINDOW_CLERK, full_name="李窗口")
    url = f"/api/v1/trading/deals/{deal.code}/ocds"
    answer = client.get(url, **bearer(supervisor))
    assert answer.status_code == 200
    assert answer.json() == json.loads(json.dumps(ocds.compiled_release(deal)))
    assert_valid(answer.json())
    assert client.get(url, **bearer(clerk)).status_code == 404
    assert client.get(url).status_code == 401
    assert client.get("/api/v1/trading/deals/JY-none/ocds", **bearer(supervisor)).status_code == 404
    package = client.get(url + "?releases=1", **bearer(supervisor)).json()
    assert [e.message for e in PACKAGE.iter_errors(package)] == []
    assert len(package["releases"]) == 4


def test_the_bulk_export_writes_one_line_per_deal(officer, tmp_path):
    awarded_deal(officer)
    with clock.frozen(AT):
        services.announce_deal(actor=officer, data={**DEAL, "name": "第二个项目"})
    out = io.StringIO()
    call_command("export_ocds", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["tender"]["title"] for line in lines] == ["城东污水管网改造工程", "第二个项目"]
    for line in lines:
        assert_valid(line)
    target = tmp_path / "releases.jsonl"
    call_command("export_ocds", "--releases", "--out", str(target), stdout=io.StringIO())
    packages = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [len(p["releases"]) for p in packages] == [4, 1]
    assert all(PACKAGE.is_valid(p) for p in packages)
