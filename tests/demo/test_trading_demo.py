"""The demo's year of deals: seed 003's mix, recorded through the services, the planted collusion
found by the detector and the honest look-alikes left alone."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import time_machine

from zhengwu.core.clock import LOCAL_TZ
from zhengwu.demo import services
from zhengwu.demo import trading as demo_trading
from zhengwu.trading.integrity import verify
from zhengwu.trading.models import Bid, Deal, Flag

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 11, 18, 18, 0, tzinfo=LOCAL_TZ)
ART_40 = {
    "same_author",
    "same_machine",
    "same_ip",
    "same_deposit_account",
    "same_personnel",
    "similar_documents",
    "regular_prices",
    "mixed_documents",
}
EXPECTED = {
    "similar": {"similar_documents"},
    "machine_and_account": {"same_machine", "same_deposit_account"},
    "regular_prices": {"regular_prices"},
    "personnel": {"same_personnel"},
}


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_year_of_deals_with_the_planted_collusion_found_and_the_look_alikes_not():
    services.seed()
    with time_machine.travel(TODAY, tick=False):
        made = demo_trading.generate()
        assert demo_trading.generate().deals == 0  # once only
    assert made.deals == 51
    assert Counter(Deal.objects.values_list("type", flat=True)) == {
        "construction": 45,
        "procurement": 3,
        "other": 2,
        "land": 1,
    }
    assert Deal.objects.filter(announced_on__lt=dt.date(2025, 11, 18)).count() == 0
    assert Deal.objects.filter(state="awarded").count() >= 45
    assert Bid.objects.exclude(text="").count() == made.bids > 200
    # Every planted collusion is found, with the kinds planted.
    for code, plant in made.planted.items():
        kinds = set(Flag.objects.filter(deal__code=code).values_list("kind", flat=True))
        assert EXPECTED[plant] <= kinds, (code, plant, kinds)
    similar = Flag.objects.filter(deal__code__in=made.planted, kind="similar_documents")
    assert {f.evidence["basis"] for f in similar} == {"text", "errors"}
    assert all(f.evidence["passages"] for f in similar if f.evidence["basis"] == "text")
    # The look-alikes and every other deal carry no art. 40 signal.
    honest = Flag.objects.filter(kind__in=ART_40).exclude(deal__code__in=made.planted)
    assert list(honest.values_list("deal__code", "kind", "evidence")) == []
    assert set(made.look_alikes.values()) == {"template", "close_prices", "neighbour_ips"}
    assert Bid.objects.filter(status="disqualified").exists()
    assert [broken for _id, broken in verify() if broken] == []
