"""The delegated-item rules: a township's 便民服务中心 handles only items delegated down to it, and
its window receives only those; an item its window only receives (收发室) is filed to the
delegating department, which decides it; the public catalogue shows who delegated each item."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.cases.helpers import file_case
from tests.catalog.builders import item_dict
from tests.factories import (
    CenterFactory,
    DepartmentFactory,
    RegionFactory,
    UserFactory,
    WindowFactory,
)
from zhengwu.cases import selectors as case_selectors
from zhengwu.catalog import services
from zhengwu.catalog.models import ServiceItem
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.roles import Role

pytestmark = pytest.mark.django_db

DELEGATED, KEPT = "330106MZJ-QT-0001", "330106MZJ-QT-0002"


@pytest.fixture
def district():
    city = RegionFactory(code="330100", name="示范市")
    county = RegionFactory(code="330106", name="西湖区", parent=city)
    township = RegionFactory(code="330106001", name="北山街道", parent=county)
    county_center = CenterFactory(code="C-COUNTY", name="西湖区政务服务中心", region=county)
    town = CenterFactory(code="C-TOWN", name="北山街道便民服务中心", region=township)
    mz = DepartmentFactory(code="MZJ", name="西湖区民政局", center=county_center)
    office = DepartmentFactory(code="BS-OFFICE", name="北山街道办事处", center=town)
    services.import_items(
        [
            item_dict(impl_code=DELEGATED, department="MZJ", name="低保申请"),
            item_dict(impl_code=KEPT, department="MZJ", name="殡葬补助"),
            item_dict(impl_code="330106001BS-0001", department="BS-OFFICE", name="街道事项"),
        ],
        valid_from=dt.date(2025, 1, 1),
    )
    items = {i.impl_code: i for i in ServiceItem.objects.all()}
    # The township's comprehensive window (一窗受理) takes the civil affairs bureau's items.
    window = WindowFactory(center=town, number="01", name="综合窗口")
    window.serves.add(mz)
    clerk = UserFactory(
        roles=[Role.WINDOW_CLERK], department=office, window=window, full_name="街道窗口"
    )
    return {"town": town, "mz": mz, "office": office, "items": items, "clerk": clerk}


def test_a_township_center_takes_no_item_of_its_own(district):
    with pytest.raises(ValidationFailed) as refused:
        services.station_item(center=district["town"], item=district["items"]["330106001BS-0001"])
    assert refused.value.errors["center"] == ["镇街便民服务中心只办理上级部门委托下放的事项。"]


def test_a_township_window_receives_only_delegated_items(district):
    services.station_item(
        center=district["town"],
        item=district["items"][DELEGATED],
        delegated_by=district["mz"],
        nearby=True,
        handling="receive_only",
    )
    with pytest.raises(ValidationFailed) as refused:
        file_case(district["clerk"], item=KEPT, materials=())
    assert refused.value.errors["item"] == ["本中心未承接该事项：该事项未委托下放到本中心。"]

    # A window-only-receives item is forwarded: the case is the delegating department's, and
    # its reviewers see it in their queue.
    case = file_case(district["clerk"], item=DELEGATED, materials=())
    assert case.department_id == district["mz"].pk
    assert case.window.center_id == district["town"].pk
    reviewer = UserFactory(roles=[Role.REVIEWER], department=district["mz"])
    assert case_selectors.visible_cases(reviewer).filter(pk=case.pk).exists()


def test_the_public_catalogue_names_the_delegating_department(district, client):
    services.station_item(
        center=district["town"],
        item=district["items"][DELEGATED],
        delegated_by=district["mz"],
        handling="receive_only",
    )
    text = client.get("/catalog/", {"center": "C-TOWN"}).content.decode()
    assert "由西湖区民政局委托下放" in text
    assert "窗口只收件，转交部门办理" in text
    assert "殡葬补助" not in text


def test_a_township_clerk_sees_only_what_their_center_received(
    district, django_assert_max_num_queries
):
    services.station_item(
        center=district["town"], item=district["items"][DELEGATED], delegated_by=district["mz"]
    )
    county_window = WindowFactory(
        center=district["mz"].center, number="05", department=district["mz"]
    )
    county_clerk = UserFactory(
        roles=[Role.WINDOW_CLERK], department=district["mz"], window=county_window
    )
    at_county = file_case(county_clerk, item=DELEGATED, materials=())
    at_town = file_case(district["clerk"], item=DELEGATED, materials=())

    from zhengwu.accounts.models import User

    clerk = User.objects.get(pk=district["clerk"].pk)  # nothing read yet
    with django_assert_max_num_queries(3):  # its roles, its window, then the list
        seen = set(case_selectors.visible_cases(clerk).values_list("pk", flat=True))
    assert seen == {at_town.pk}
    county = User.objects.get(pk=county_clerk.pk)
    assert set(case_selectors.visible_cases(county).values_list("pk", flat=True)) == {
        at_county.pk,
        at_town.pk,
    }


def test_a_township_clerks_board_and_indicators_keep_to_their_center(district):
    from zhengwu.assessment import selectors as assessment_selectors
    from zhengwu.supervision import selectors as supervision_selectors

    clerk = district["clerk"]
    # The window serves the county's bureau, whose cases elsewhere are not theirs to count.
    assert district["mz"].pk in case_selectors.staff_department_ids(clerk)
    assert supervision_selectors.department_scope(clerk) == {district["office"].pk}
    assert assessment_selectors.department_scope(clerk) == [district["office"].pk]
