"""The public catalogue (no login): search, filters, paging, the printable guide, downloads."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.catalog.builders import content_dict, immediate_item, item_dict
from tests.factories import DepartmentFactory
from zhengwu.catalog import services

pytestmark = pytest.mark.django_db
LIST = reverse("catalog:public_list")


def rows(response) -> list[str]:
    return re.findall(r'data-testid="item-row" data-impl-code="([^"]+)"', response.content.decode())


@pytest.fixture
def catalogue(department, other_department):
    services.import_items(
        [
            item_dict(),
            immediate_item("11330100SCJ-QT-0002", kind="20", name="食品经营许可证补办"),
            item_dict(
                impl_code="11330100ZJJ-XK-0003",
                base_code="000223344000",
                department=other_department.code,
                name="建筑工程施工许可",
            ),
        ]
    )
    services.create_item(
        actor=None,
        impl_code="DRAFT-1",
        base_code="D-1",
        department=department,
        content=content_dict(name="食品经营草稿事项"),
    )


def test_the_list_shows_published_items_with_type_and_limits(client, catalogue):
    response = client.get(LIST)
    assert response.status_code == 200
    assert rows(response) == ["11330100SCJ-QT-0002", "11330100SCJ-XK-0001", "11330100ZJJ-XK-0003"]
    html = response.content.decode()
    assert "共找到 3 项服务" in html
    assert "承诺件" in html and "即办件" in html
    assert "20个工作日" in html and "10个工作日" in html and "当场办结" in html
    assert "食品经营草稿事项" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "经营"}, ["11330100SCJ-QT-0002", "11330100SCJ-XK-0001"]),
        ({"q": "施工"}, ["11330100ZJJ-XK-0003"]),
        ({"q": "补办"}, ["11330100SCJ-QT-0002"]),
        ({"q": "XK-0001"}, ["11330100SCJ-XK-0001"]),
        ({"q": "000223344"}, ["11330100ZJJ-XK-0003"]),
        ({"department": "ZJJ"}, ["11330100ZJJ-XK-0003"]),
        ({"kind": "20"}, ["11330100SCJ-QT-0002"]),
        ({"q": "许可", "department": "SCJ", "kind": "01"}, ["11330100SCJ-XK-0001"]),
        ({"q": "不存在的事项"}, []),
    ],
)
def test_search_and_filters(client, catalogue, query, expected):
    response = client.get(LIST, query)
    assert response.status_code == 200
    assert rows(response) == expected


def test_bad_filter_values_never_break_the_page(client, catalogue):
    for query in ({"kind": "zz"}, {"page": "abc"}, {"page": "999"}, {"q": "x" * 500}):
        assert client.get(LIST, query).status_code == 200


def test_paging(client, department):
    services.import_items(
        [item_dict(impl_code=f"P-{n:03d}", name=f"分页事项{n}") for n in range(25)]
    )
    first = client.get(LIST, {"q": "分页"})
    assert len(rows(first)) == 20 and "共找到 25 项服务" in first.content.decode()
    assert "第 1 页，共 2 页" in first.content.decode()
    second = client.get(LIST, {"q": "分页", "page": 2})
    assert rows(second) == [f"P-{n:03d}" for n in range(20, 25)]


def test_htmx_gets_only_the_results(client, catalogue):
    response = client.get(LIST, {"q": "施工"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and rows(response) == ["11330100ZJJ-XK-0003"]
    assert "HX-Request" in response["Vary"]


def test_retired_items_leave_the_catalogue(client, catalogue):
    from zhengwu.catalog.models import ServiceItem

    item = ServiceItem.objects.get(impl_code="11330100SCJ-XK-0001")
    services.retire(actor=None, item=item, reason="取消")
    assert "11330100SCJ-XK-0001" not in rows(client.get(LIST))
    assert client.get(reverse("catalog:guide", args=[item.impl_code])).status_code == 404


def test_the_guide_shows_every_element(client, department):
    services.import_items(
        [
            item_dict(
                fees=[{"name": "工本费", "standard": "10元/证", "basis": "发改价格〔2017〕1186号"}],
                special_procedures=["inspection", "expert_review"],
                parallel=True,
            )
        ],
        valid_from=dt.date(2025, 1, 6),
    )
    response = client.get(reverse("catalog:guide", args=["11330100SCJ-XK-0001"]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        'data-testid="guide"',
        "食品经营许可（新办）",
        "11330100SCJ-XK-0001",
        "000123456000",
        "市场监督管理局",
        "01 行政许可",
        "承诺件",
        "20个工作日",
        "10个工作日",
        "1次",
        "现场核查经营场所",
        "Ⅲ级",
        "检验、专家评审",
        "《中华人民共和国食品安全法》第三十五条",
        "有与经营的食品品种、数量相适应的经营场所。",
        "食品经营许可申请书",
        "营业执照复印件",
        "纸质和电子",
        "可通过电子证照共享获取",
        "工本费",
        "10元/证",
        "发改价格〔2017〕1186号",
        "窗口受理申请材料",
        "市民中心二楼B区12号窗口",
        "工作日 9:00-17:00",
        "0571-87654321",
        "12345",
        "2025年1月6日",
        'data-action="print"',
        "catalog/catalog.css",
    ]:
        assert text in html, text
    assert html.count('data-testid="material-row"') == 3
    assert "并联审批" in html


def test_the_guide_of_an_immediate_item(client, department):
    services.import_items([immediate_item("Q-1")])
    html = client.get(reverse("catalog:guide", args=["Q-1"])).content.decode()
    assert "即办件" in html and "当场办结" in html and "Ⅳ级" in html and "不收费" in html


def test_unknown_or_unpublished_guides_are_404(client, catalogue):
    assert client.get(reverse("catalog:guide", args=["NOPE"])).status_code == 404
    assert client.get(reverse("catalog:guide", args=["DRAFT-1"])).status_code == 404


def test_blank_forms_download_for_published_versions_only(client, published_item):
    content = content_dict()
    content["materials"][0]["blank_form"] = ContentFile(b"%PDF form", name="form.pdf")
    services.update_draft(actor=None, item=published_item, content=content)
    draft_material = published_item.versions.get(status="draft").materials.get(code="M01")
    url = reverse("catalog:material_file", args=[draft_material.pk, "blank_form"])
    assert client.get(url).status_code == 404  # a draft's file is not public
    version = services.publish(actor=None, item=published_item)
    material = version.materials.get(code="M01")
    guide = client.get(reverse("catalog:guide", args=[published_item.impl_code])).content.decode()
    url = reverse("catalog:material_file", args=[material.pk, "blank_form"])
    assert url in guide
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF form"
    assert "attachment" in response["Content-Disposition"]
    assert (
        client.get(reverse("catalog:material_file", args=[material.pk, "sample"])).status_code
        == 404
    )
    assert (
        client.get(reverse("catalog:material_file", args=[material.pk, "other"])).status_code == 404
    )
    assert client.get(reverse("catalog:material_file", args=[99999, "sample"])).status_code == 404


def test_the_department_filter_lists_departments_with_items(client, catalogue):
    DepartmentFactory(code="EMPTY", name="无事项局")
    html = client.get(LIST).content.decode()
    assert "住房和城乡建设局" in html and "无事项局" not in html
