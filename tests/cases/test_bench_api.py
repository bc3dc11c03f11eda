"""The bench-only endpoint: absent unless ZHENGWU_BENCH_ENDPOINTS is on; one bare row when on."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from ninja.testing import TestClient

from tests.cases.helpers import AT, applicant_payload
from zhengwu.accounts.models import Applicant
from zhengwu.accounts.services import issue_token
from zhengwu.api import api
from zhengwu.cases import bench_api
from zhengwu.cases.models import Case, CaseEvent

pytestmark = pytest.mark.django_db

PATH = "/api/bench/cases-row"


@pytest.fixture(autouse=True)
def fresh_keys():
    bench_api.reset_cache()
    yield
    bench_api.reset_cache()


def body(seq: int = 1) -> dict:
    return {
        "item": "11330100SCJ-XK-0001",
        "channel": "window",
        "applicant": applicant_payload(seq),
        "materials": ["M01", "M02"],
    }


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user=user)[1]}"}


def test_the_bench_route_is_absent_by_default(client, item, clerk):
    assert settings.BENCH_ENDPOINTS is False
    response = client.post(
        PATH,
        body(),
        content_type="application/json",
        HTTP_AUTHORIZATION=bearer(clerk)["Authorization"],
    )
    assert response.status_code == 404
    assert not any("/bench" in path for path in api.get_openapi_schema()["paths"])
    assert Case.objects.count() == 0


def test_one_bare_case_row_per_request(item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    bench = TestClient(bench_api.router, headers=bearer(clerk))
    response = bench.post("/cases-row", json=body(1))
    assert response.status_code == 201, response.json()
    first = Case.objects.get(pk=response.json()["id"])
    assert first.number == response.json()["number"]
    assert first.item_id == item.pk
    assert first.item_version_id == item.current_version_id
    assert first.department_id == item.department_id
    assert first.state == "submitted"
    assert first.materials == ["M01", "M02"]
    assert str(first.received_on) == "2025-09-30"
    assert first.created_by_id == clerk.pk

    # Later requests reuse the resolved keys: exactly one INSERT, no business rules.
    with CaptureQueriesContext(connection) as captured:
        response = bench.post("/cases-row", json=body(2))
    assert response.status_code == 201, response.json()
    inserts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    assert "cases_case" in inserts[0]
    assert Case.objects.count() == 2
    assert Applicant.objects.filter(id_number=bench_api.BENCH_APPLICANT_ID).count() == 1
    assert CaseEvent.objects.count() == 0


def test_the_bench_route_authenticates_and_parses_like_the_case_api(item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    assert TestClient(bench_api.router).post("/cases-row", json=body()).status_code == 401
    bench = TestClient(bench_api.router, headers=bearer(clerk))
    assert bench.post("/cases-row", json={**body(), "channel": "fax"}).status_code == 422
    assert bench.post("/cases-row", json={"item": item.impl_code}).status_code == 422
    assert Case.objects.count() == 0
