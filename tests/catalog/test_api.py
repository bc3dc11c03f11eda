"""The read API at /api/v1/items: shapes, filters, paging, 404, 4xx for bad input, no N+1."""

from __future__ import annotations

import pytest

from tests.catalog.builders import content_dict, immediate_item, item_dict
from zhengwu.catalog import services

pytestmark = pytest.mark.django_db
URL = "/api/v1/items"


@pytest.fixture
def catalogue(department, other_department):
    services.import_items(
        [
            item_dict(),
            immediate_item("11330100SCJ-QT-0002", kind="20"),
            item_dict(impl_code="ZJJ-0003", department=other_department.code, name="施工许可"),
        ]
    )
    services.create_item(
        actor=None,
        impl_code="DRAFT-1",
        base_code="D",
        department=department,
        content=content_dict(),
    )


def test_list_shape(client, catalogue):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and body["limit"] == 20 and body["offset"] == 0
    item = next(i for i in body["items"] if i["impl_code"] == "11330100SCJ-XK-0001")
    assert {
        key: item[key]
        for key in (
            "name",
            "department",
            "kind",
            "type",
            "statutory_limit",
            "promised_limit",
            "parallel",
            "version",
            "online_depth",
            "onsite_visits",
        )
    } == {
        "name": "食品经营许可（新办）",
        "department": "SCJ",
        "kind": "01",
        "type": "promised",
        "statutory_limit": 20,
        "promised_limit": 10,
        "parallel": False,
        "version": 1,
        "online_depth": 3,
        "onsite_visits": 1,
    }
    assert item["valid_from"]
    assert item["materials"][0] == {
        "code": "M01",
        "name": "食品经营许可申请书",
        "required": True,
        "form": "paper",
        "copies": 1,
    }
    assert [m["required"] for m in item["materials"]] == [True, True, False]


@pytest.mark.parametrize(
    ("params", "codes"),
    [
        ({"q": "经营"}, ["11330100SCJ-QT-0002", "11330100SCJ-XK-0001"]),
        ({"department": "ZJJ"}, ["ZJJ-0003"]),
        ({"kind": "20"}, ["11330100SCJ-QT-0002"]),
        ({"q": "DRAFT"}, []),
        ({"limit": 1, "offset": 1}, ["11330100SCJ-XK-0001"]),
    ],
)
def test_filters_and_paging(client, catalogue, params, codes):
    body = client.get(URL, params).json()
    assert [i["impl_code"] for i in body["items"]] == codes


def test_detail(client, catalogue):
    body = client.get(f"{URL}/11330100SCJ-QT-0002").json()
    assert body["type"] == "immediate" and body["promised_limit"] == 0
    assert body["basis"] and body["steps"][0]["name"] == "受理" and body["fees"] == []


def test_unknown_and_draft_items_are_404(client, catalogue):
    for code in ("NOPE", "DRAFT-1"):
        response = client.get(f"{URL}/{code}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 101}, {"limit": "abc"}, {"offset": -1}, {"q": "x" * 101}],
)
def test_bad_parameters_are_422(client, catalogue, params):
    response = client.get(URL, params)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_no_query_per_item(client, department, django_assert_max_num_queries):
    services.import_items([item_dict(impl_code=f"N-{n}") for n in range(30)])
    with django_assert_max_num_queries(4):
        body = client.get(URL, {"limit": 30}).json()
    assert len(body["items"]) == 30


def test_the_openapi_document_lists_the_routes(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/v1/items" in paths and "/api/v1/items/{impl_code}" in paths


def test_nul_characters_are_refused(client, catalogue):
    """No one types NUL: the API answers 422, a page 400 (never a 500, on any database)."""
    assert client.get(URL, {"q": "经营\x00"}).status_code == 422
    assert client.get(URL, {"department": "\x00"}).status_code == 422
    assert client.get(f"{URL}/%00").status_code == 422
    assert client.get("/catalog/items/%00/").status_code == 400
    assert client.get("/catalog/", {"q": "\x00", "department": "\x00"}).status_code == 400
