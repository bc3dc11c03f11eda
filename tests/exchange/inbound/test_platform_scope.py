"""The provincial platform's account files online applications and reads what it filed, and
nothing else: every list of the API (each GET without a path parameter) that needs a login,
outside its own paths, answers it 403 with a Chinese message; its own paths and the public
ones show none of the cases it did not file."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.cases.helpers import applicant_payload
from tests.exchange.inbound.helpers import bearer, platform_body
from zhengwu.cases import services
from zhengwu.core.roles import platform_may_call

pytestmark = pytest.mark.django_db


def test_the_platform_paths_are_matched_by_segment():
    assert platform_may_call("/api/v1/cases")
    assert platform_may_call("/api/v1/cases/ZW2026000001/events")
    assert platform_may_call("/api/v1/items")
    assert platform_may_call("/api/v1/me")
    assert not platform_may_call("/api/v1/cases-summary")
    assert not platform_may_call("/api/v1/joint-cases")
    assert not platform_may_call("/api/v1/hall/attendance")
    assert not platform_may_call("/api/v1/exchange/outbox")


def test_the_platform_reads_only_what_it_filed(item, platform, clerk):
    window = services.submit(
        actor=clerk,
        item=item.impl_code,
        channel="window",
        applicant=services.ApplicantInput(**applicant_payload(2)),
        materials=["M01", "M02"],
    )
    auth = bearer(platform)
    mine = (
        Client()
        .post("/api/v1/cases", platform_body(), content_type="application/json", **auth)
        .json()["number"]
    )
    spec = Client().get("/api/openapi.json").json()
    lists = sorted(
        (path, bool(operations["get"].get("security")))
        for path, operations in spec["paths"].items()
        if path.startswith("/api/v1/")
        if "get" in operations and "{" not in path
    )
    assert len(lists) > 20
    refused = []
    for path, needs_login in lists:
        response = Client().get(path, **auth)
        if platform_may_call(path) or not needs_login:  # its own, or public to anyone
            assert response.status_code in (200, 404, 422), path  # 404: no hall here
            assert window.number not in response.content.decode(), path
        else:
            assert response.status_code == 403, path
            body = response.json()
            assert body["code"] == "forbidden"
            assert "省级政务服务平台" in body["message"]
            refused.append(path)
    assert "/api/v1/joint-cases" in refused
    assert "/api/v1/hall/attendance" in refused
    listed = Client().get("/api/v1/cases", **auth).content.decode()
    assert mine in listed
    assert window.number not in listed


def test_a_clerk_still_reads_the_other_lists(clerk):
    response = Client().get("/api/v1/joint-cases", **bearer(clerk))
    assert response.status_code == 200
