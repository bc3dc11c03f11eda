"""Items handled by centers (事项进驻): delegation down to township centers, the nearby list, the
window-only-receives marking, the public catalogue filtered by center, and the counts."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.catalog.builders import item_dict
from tests.factories import CenterFactory, DepartmentFactory, RegionFactory
from zhengwu.accounts import regions
from zhengwu.catalog import selectors, services, stations
from zhengwu.catalog.models import ServiceItem
from zhengwu.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    city = RegionFactory(code="330100", name="示范市")
    county = RegionFactory(code="330106", name="西湖区", parent=city)
    township = RegionFactory(code="330106001", name="北山街道", parent=county)
    other_township = RegionFactory(code="330108001", name="长河街道", parent=city)
    centers = {
        "county": CenterFactory(code="C-COUNTY", name="西湖区政务服务中心", region=county),
        "township": CenterFactory(code="C-TOWN", name="北山街道便民服务中心", region=township),
        "other": CenterFactory(code="C-OTHER", name="长河街道便民服务中心", region=other_township),
    }
    mz = DepartmentFactory(code="MZJ", name="民政局", center=centers["county"])
    sb = DepartmentFactory(code="RSJ", name="人力社保局", center=centers["county"])
    services.import_items(
        [
            item_dict(impl_code="330106MZJ-QT-0001", department="MZJ", name="低保申请"),
            item_dict(impl_code="330106RSJ-QT-0002", department="RSJ", name="退休审批"),
        ],
        valid_from=dt.date(2025, 1, 1),
    )
    items = {i.impl_code: i for i in ServiceItem.objects.all()}
    return {"centers": centers, "departments": {"MZJ": mz, "RSJ": sb}, "items": items}


def client_as_staff(district):
    from django.test import Client

    from tests.factories import UserFactory
    from zhengwu.core.roles import Role

    client = Client()
    client.force_login(UserFactory(roles=[Role.ADMIN], department=None, full_name="管理员"))
    return client


def test_levels_follow_the_division_code():
    assert regions.level_of("330000") == "province"
    assert regions.level_of("330100") == "city"
    assert regions.level_of("330106") == "county"
    assert regions.level_of("330106001") == "township"


def test_a_township_takes_an_item_only_delegated_by_its_department(district):
    centers, items = district["centers"], district["items"]
    low = items["330106MZJ-QT-0001"]
    with pytest.raises(ValidationFailed) as refused:
        services.station_item(center=centers["township"], item=low, nearby=True)
    assert refused.value.errors["center"] == [
        "上级部门的事项须经委托下放方可在本中心办理，请填写委托（下放）部门。"
    ]
    with pytest.raises(ValidationFailed):
        services.station_item(
            center=centers["township"], item=low, delegated_by=district["departments"]["RSJ"]
        )
    row = services.station_item(
        center=centers["township"],
        item=low,
        nearby=True,
        delegated_by=district["departments"]["MZJ"],
    )
    assert row.delegated_by.code == "MZJ" and row.nearby


def test_a_center_outside_the_departments_region_cannot_take_the_item(district):
    with pytest.raises(ValidationFailed):
        services.station_item(
            center=district["centers"]["other"],
            item=district["items"]["330106MZJ-QT-0001"],
            delegated_by=district["departments"]["MZJ"],
        )


def test_only_a_township_keeps_a_nearby_list(district):
    with pytest.raises(ValidationFailed):
        services.station_item(
            center=district["centers"]["county"],
            item=district["items"]["330106RSJ-QT-0002"],
            nearby=True,
        )


def test_the_rules_alone():
    own = stations.Station("330100/330106/", "330100/330106/", True, None, False, False)
    assert stations.problems(own) == []
    delegated = stations.Station(
        "330100/330106/330106001/", "330100/330106/", False, True, True, True
    )
    assert stations.problems(delegated) == []
    undelegated = stations.Station(
        "330100/330106/330106001/", "330100/330106/", False, None, False, True
    )
    assert len(stations.problems(undelegated)) == 1


def test_the_public_catalogue_filters_by_center_and_nearby_list(district, client):
    centers, items = district["centers"], district["items"]
    services.station_item(center=centers["county"], item=items["330106MZJ-QT-0001"])
    services.station_item(
        center=centers["county"], item=items["330106RSJ-QT-0002"], handling="receive_only"
    )
    services.station_item(
        center=centers["township"],
        item=items["330106MZJ-QT-0001"],
        nearby=True,
        delegated_by=district["departments"]["MZJ"],
    )
    county = selectors.search_published(center="C-COUNTY")
    assert {v.item.impl_code for v in county} == set(items)
    township = selectors.search_published(center="C-TOWN", nearby=True)
    assert [v.item.impl_code for v in township] == ["330106MZJ-QT-0001"]

    page = client.get("/catalog/", {"center": "C-TOWN"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "低保申请" in text and "退休审批" not in text
    assert "北山街道便民服务中心" in text

    report = client_as_staff(district).get("/catalog/manage/centers/")
    assert report.status_code == 200
    assert "北山街道便民服务中心" in report.content.decode()

    counts = {row["code"]: row for row in selectors.hall_counts()}
    assert counts["C-COUNTY"]["items"] == 2
    assert counts["C-COUNTY"]["full"] == 1
    assert counts["C-COUNTY"]["receive_only"] == 1
    assert counts["C-TOWN"]["delegated"] == 1
    assert counts["C-TOWN"]["nearby"] == 1
