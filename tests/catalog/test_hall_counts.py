"""The report of items by center (各中心进驻事项) reproduces seed 003's figures from data built to
match: the county center's 22 window departments keep 329 published items, 243 of them 行政许可
and 86 not, and 164 are handled in the hall (进厅办理)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.catalog.builders import item_dict
from tests.factories import CenterFactory, DepartmentFactory, RegionFactory, UserFactory
from zhengwu.catalog import selectors, services
from zhengwu.catalog.models import CenterItem, ServiceItem
from zhengwu.core import clock
from zhengwu.core.roles import Role

pytestmark = pytest.mark.django_db

DEPARTMENTS = 22
LICENSING, OTHER, IN_HALL = 243, 86, 164


@pytest.fixture
def county():
    city = RegionFactory(code="330100", name="示范市")
    county = RegionFactory(code="330106", name="示范县", parent=city)
    other = RegionFactory(code="330108", name="邻县", parent=city)
    center = CenterFactory(code="C-COUNTY", name="示范县政务服务中心", region=county)
    neighbour = CenterFactory(code="C-NEXT", name="邻县政务服务中心", region=other)
    codes = [f"D{n:02d}" for n in range(DEPARTMENTS)]
    for code in codes:
        DepartmentFactory(code=code, name=f"部门{code}", center=center)
    DepartmentFactory(code="NEXT", name="邻县民政局", center=neighbour)
    rows = [
        item_dict(
            impl_code=f"330106{codes[n % DEPARTMENTS]}-{n:04d}",
            department=codes[n % DEPARTMENTS],
            name=f"事项{n}",
            kind="01" if n < LICENSING else "20",
        )
        for n in range(LICENSING + OTHER)
    ]
    rows.append(item_dict(impl_code="330108NEXT-0001", department="NEXT", name="邻县事项"))
    services.import_items(rows, valid_from=dt.date(2025, 1, 1))
    ours = ServiceItem.objects.filter(department__center=center).order_by("impl_code")
    # 164 in the hall: every other item, in code order (both kinds), up to 164.
    chosen = [i for n, i in enumerate(ours) if n % 2 == 0][:IN_HALL]
    CenterItem.objects.bulk_create(
        CenterItem(center=center, item=item, since=clock.today()) for item in chosen
    )
    services.station_item(
        center=neighbour, item=ServiceItem.objects.get(impl_code="330108NEXT-0001")
    )
    return {"center": center, "neighbour": neighbour, "county": county}


def test_the_counts_reproduce_seed_003(county, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        rows = {row["code"]: row for row in selectors.hall_counts()}
    row = rows["C-COUNTY"]
    assert row["own"] == LICENSING + OTHER == 329
    assert (row["licensing"], row["non_licensing"]) == (243, 86)
    assert row["own_in_hall"] == row["items"] == 164
    assert str(row["in_hall_rate"].percent()) == "49.8"
    assert row["by_kind"]["01"][0] == 243 and row["by_kind"]["20"][0] == 86
    assert sum(in_hall for _total, in_hall in row["by_kind"].values()) == 164
    # The neighbouring county's one item counts there, not here.
    assert rows["C-NEXT"]["own"] == rows["C-NEXT"]["own_in_hall"] == 1


def test_the_page_and_the_workbook_show_them_with_their_definitions(county):
    client = Client()
    client.force_login(UserFactory(roles=[Role.ADMIN], department=None, full_name="管理员"))
    page = client.get("/catalog/manage/centers/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "164 / 329" in text and "49.8%" in text
    assert "进厅办理" in text and "行政许可" in text
    answer = client.get("/catalog/manage/centers/", {"export": "xlsx"})
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    sheet = book.worksheets[0]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["示范县政务服务中心"][1:6] == (329, 243, 86, 164, "49.8%")
    assert all(
        isinstance(h, str) and not h.isascii() for h in next(sheet.iter_rows(values_only=True))
    )


def test_a_supervisor_of_a_county_counts_that_county_only(county):
    client = Client()
    client.force_login(
        UserFactory(roles=[Role.SUPERVISOR], department=None, region=county["county"])
    )
    text = client.get("/catalog/manage/centers/").content.decode()
    assert "示范县政务服务中心" in text and "邻县政务服务中心" not in text
