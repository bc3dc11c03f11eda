"""Cardinal's red flags stored on the deals they hit: once, with their bids and the quartiles and
fences, reviewed like any flag and never deleted."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from tests.trading.test_signals import NAMES, uscc
from zhengwu.core import clock
from zhengwu.core.roles import Role
from zhengwu.trading import imports, indicators, services
from zhengwu.trading.integrity import verify
from zhengwu.trading.models import DealEvent, Flag

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 20, 10, 0, tzinfo=clock.LOCAL_TZ)


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen(NOW):
        yield


@pytest.fixture
def officer(make_user):
    return make_user(Role.TRADING_OFFICER, full_name="钱交易")


def deal(n, prices, *, out=(), winner=0, method="lowest_price", tenderer="某区住建局"):
    """A deal awarded ``n`` weeks ago: bidders 0, 1, 2 … at ``prices``, ``out`` disqualified."""
    at = NOW - dt.timedelta(weeks=n + 1)
    return imports.DealInput(
        row=n,
        data={
            "type": "construction",
            "name": f"第{n}号工程",
            "tenderer": tenderer,
            "agent": "",
            "ceiling_price": "2000000",
            "award_method": method,
            "lots": [{"code": "01", "name": "一标段"}],
        },
        announced_at=at,
        opened_at=at + dt.timedelta(days=3),
        evaluated_at=at + dt.timedelta(days=4),
        awarded_at=at + dt.timedelta(days=5),
        bids=[
            imports.BidInput(
                row=n,
                data={
                    "lot": "01",
                    "bidder_uscc": uscc(i + 1),
                    "bidder_name": NAMES[i],
                    "price": str(price),
                    "project_manager": f"经理{n}-{i}",
                },
                status="disqualified" if i in out else "valid",
                reason="资格不符" if i in out else "",
                won=i == winner,
            )
            for i, price in enumerate(prices)
        ],
    )


def history(officer):
    # Margins of the winner over the second bid: 5.0 % … 5.6 %, and one of 0.1 % (R024).
    margins = [0.050, 0.051, 0.052, 0.053, 0.054, 0.055, 0.056, 0.001]
    deals = [
        deal(n, [1_000_000, round(1_000_000 * (1 + m)), 1_200_000 + n])
        for n, m in enumerate(margins)
    ]
    # R035: every bid but the winner's disqualified; R036: the lowest bid disqualified.
    deals.append(deal(8, [1_100_000, 1_000_000, 1_050_000], out=(1, 2), winner=0))
    deals.append(deal(9, [1_100_000, 1_000_000, 1_150_000], out=(1,), winner=0))
    done = imports.import_deals(actor=officer, deals=deals)
    return {d.name: d for d in done.deals}


def test_the_red_flags_land_on_the_deals_they_hit_once(officer):
    deals = history(officer)
    raised = indicators.raise_indicator_flags()
    found = {(f.deal.name, f.kind) for f in raised}
    assert ("第7号工程", "R024") in found
    assert ("第8号工程", "R035") in found
    assert ("第9号工程", "R036") in found
    r024 = Flag.objects.get(deal=deals["第7号工程"], kind="R024")
    assert sorted(b.bidder_name for b in r024.bids.all()) == sorted(NAMES[:2])
    assert r024.evidence["value"] == pytest.approx(0.001)
    assert set(r024.evidence["meta"]) == {"q1", "q3", "lower_fence"}
    assert r024.evidence["meta"]["lower_fence"] > 0.001
    assert r024.status == "open" and r024.lot.code == "01"
    r035 = Flag.objects.get(deal=deals["第8号工程"], kind="R035")
    assert r035.bids.count() == 3 and r035.evidence["value"] == 2
    # No honest deal carries R024.
    assert not Flag.objects.filter(kind="R024").exclude(deal=deals["第7号工程"]).exists()
    event = DealEvent.objects.filter(deal=deals["第7号工程"], kind="flags_raised").get()
    assert event.data["flags"][0]["kind"] == "R024"
    # A second run (the scheduler's job) raises nothing new.
    assert indicators.raise_indicator_flags() == []
    out = io.StringIO()
    call_command("scheduler", "--once", stdout=out)
    assert " trading_indicators flags_raised=0" in out.getvalue()
    assert all(problem is None for _id, problem in verify())


def test_a_red_flag_is_reviewed_like_any_flag_and_never_deleted(officer, make_user):
    history(officer)
    indicators.raise_indicator_flags()
    supervisor = make_user(Role.SUPERVISOR, full_name="孙监督")
    flag = Flag.objects.get(kind="R036", deal__name="第9号工程")
    services.review_flag(
        actor=supervisor, flag_id=flag.pk, decision="dismissed", note="最低价投标人确未交保证金"
    )
    flag.refresh_from_db()
    assert flag.status == "dismissed"
    with pytest.raises(TypeError):
        flag.delete()
    assert indicators.raise_indicator_flags() == []
    assert Flag.objects.get(pk=flag.pk).status == "dismissed"
