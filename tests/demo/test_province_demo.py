"""The demo's province: a city's center above three township centers with delegated items on
their nearby lists, a second city, and the items each center handles."""

from __future__ import annotations

import pytest

from zhengwu.accounts.models import Center, Region
from zhengwu.catalog import selectors
from zhengwu.catalog.models import CenterItem
from zhengwu.demo import province, services

pytestmark = pytest.mark.django_db


def test_the_demo_has_centers_at_every_level():
    summary = services.seed()["province"]
    assert summary["townships"] == 3
    assert Region.objects.get(code="379902001").path == "370000/379900/379902/379902001/"
    assert Center.objects.filter(region__path__startswith="370000/379900/").count() == 4
    assert Center.objects.get(code="ZW379800").region.parent.code == "370000"

    counts = {row["code"]: row for row in selectors.hall_counts()}
    township = counts["BM379902001"]
    assert (
        township["items"] == township["delegated"] == township["nearby"] == len(province.DELEGATED)
    )
    city = counts[Center.objects.get(region__code="379900").code]
    assert city["items"] == city["published"]
    assert (
        city["receive_only"]
        == CenterItem.objects.filter(
            center__region__code="379900", item__department__code="SWJ"
        ).count()
        > 0
    )

    # Seeding again changes nothing.
    before = CenterItem.objects.count()
    services.seed()
    assert CenterItem.objects.count() == before
