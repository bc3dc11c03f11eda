"""GET /api/v1/workdays/{add,between,is}: public, 422 with per-field Chinese messages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from zhengwu.core import clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return Client()


def test_add(api):
    response = api.get("/api/v1/workdays/add", {"start": "2025-09-30", "days": 20})
    assert response.status_code == 200
    assert response.json() == {"date": "2025-11-04", "provisional": False}
    response = api.get("/api/v1/workdays/add", {"start": "2026-02-13", "days": 7})
    assert response.json() == {"date": "2026-03-02", "provisional": False}


def test_add_provisional(api, provisional_2027):
    response = api.get("/api/v1/workdays/add", {"start": "2027-03-01", "days": 5})
    assert response.status_code == 200
    assert response.json()["provisional"] is True


def test_between(api):
    response = api.get("/api/v1/workdays/between", {"start": "2025-09-30", "end": "2025-11-04"})
    assert response.status_code == 200
    assert response.json() == {"days": 20, "provisional": False}


def test_is(api):
    response = api.get("/api/v1/workdays/is", {"date": "2026-02-14"})
    assert response.status_code == 200
    assert response.json() == {
        "date": "2026-02-14",
        "workday": True,
        "name": "",
        "provisional": False,
    }
    body = api.get("/api/v1/workdays/is", {"date": "2026-02-17"}).json()
    assert body["workday"] is False and body["name"] == "春节"


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("add", {"start": "2025-13-01", "days": 1}, "start"),
        ("add", {"start": "2025-09-30", "days": "x"}, "days"),
        ("add", {"start": "2025-09-30"}, "days"),
        ("between", {"start": "2025-09-30", "end": "later"}, "end"),
        ("is", {}, "date"),
    ],
)
def test_bad_input_is_422_per_field(api, path, params, field):
    response = api.get(f"/api/v1/workdays/{path}", params)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_negative_days_is_422_in_chinese(api):
    response = api.get("/api/v1/workdays/add", {"start": "2025-09-30", "days": -1})
    assert response.status_code == 422
    assert response.json()["errors"]["days"] == ["请输入 0 或更大的工作日天数。"]


@time_machine.travel(dt.datetime(2025, 6, 1, tzinfo=clock.LOCAL_TZ), tick=False)
@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("add", {"start": "2003-12-31", "days": 1}, "start"),
        ("add", {"start": "2031-01-01", "days": 1}, "start"),
        ("add", {"start": "2030-12-20", "days": 30}, "days"),
        ("between", {"start": "2003-01-01", "end": "2025-01-01"}, "start"),
        ("between", {"start": "2025-01-01", "end": "2040-01-01"}, "end"),
        ("is", {"date": "2031-01-01"}, "date"),
    ],
)
def test_out_of_range_is_422_on_the_field(api, path, params, field):
    response = api.get(f"/api/v1/workdays/{path}", params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "workdays_out_of_range"
    assert list(body["errors"]) == [field]
    assert "超出" in body["errors"][field][0]


def test_the_api_needs_no_login(api):
    assert api.get("/api/v1/workdays/is", {"date": "2025-10-01"}).status_code == 200
