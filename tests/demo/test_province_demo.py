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
    # Every published item of the city's departments is in its hall.
    assert city["items"] == city["own_in_hall"] == city["own"] > 0
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


def test_the_demo_has_an_account_at_each_level():
    from zhengwu.accounts.models import User
    from zhengwu.cases import selectors as case_selectors
    from zhengwu.core.roles import Role

    services.seed()
    clerk = User.objects.get(username="clerk_town")
    assert clerk.department.center.code == "BM379902001"
    assert clerk.window.center_id == clerk.department.center_id
    # The township's comprehensive window takes the delegated items' departments.
    delegating = set(
        CenterItem.objects.filter(center__code="BM379902001").values_list(
            "delegated_by_id", flat=True
        )
    )
    assert set(clerk.window.serves.values_list("pk", flat=True)) == delegating
    supervisor = User.objects.get(username="supervisor_district")
    assert supervisor.region.code == "379902"
    assert Role.SUPERVISOR in {g.name for g in supervisor.groups.all()}
    leader = User.objects.get(username="leader_province")
    assert leader.region.code == "370000"
    assert (
        case_selectors.visible_cases(leader).count()
        == case_selectors.visible_cases(User.objects.get(username="leader")).count()
    )
