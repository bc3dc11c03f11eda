"""The quarterly bulletin follows the reader's region (accounts.regions): its hotline table and
ticket figures and its evaluations cover the centers the reader oversees: a township center's
supervisor their center, a county supervisor the county and its townships, not another county,
a provincial leader all (its rectification figures: test_rectification_regions.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import dispatched_ticket
from tests.regions import REGION_LEVELS
from zhengwu.core import clock
from zhengwu.core.roles import Role
from zhengwu.evaluation import bulletins
from zhengwu.tickets.models import Category

pytestmark = pytest.mark.django_db

LEVELS = [level for level in REGION_LEVELS if level != "city_leader"]


@pytest.fixture
def tickets(region_tree):
    now = clock.now()
    category = Category.objects.create(code="SC-BUL", name="市场监管")
    for key, department in region_tree["departments"].items():
        dispatched_ticket(f"T-{key}", department, category, now)
    return region_tree


@pytest.mark.parametrize("level", LEVELS)
def test_the_bulletin_covers_what_the_reader_oversees(level, tickets, region_reader):
    reader = region_reader(level, Role.SUPERVISOR if level == "township_clerk" else None)
    today = clock.today()
    quarter = (today.month - 1) // 3 + 1
    found = bulletins.build(year=today.year, quarter=quarter, reader=reader)
    assert found.tickets["received"] == len(REGION_LEVELS[level])
    assert {r["code"] for r in found.hotline} == {f"D-{k}" for k in REGION_LEVELS[level]}
    whole = bulletins.build(year=today.year, quarter=quarter)
    assert whole.tickets["received"] == len(REGION_LEVELS["provincial_leader"])
    client = Client()
    client.force_login(reader)
    page = client.get(reverse("evaluation:bulletin", args=[f"{today.year}-Q{quarter}"]))
    assert page.status_code == 200
    text = page.content.decode()
    for key, department in tickets["departments"].items():
        assert (department.name in text) == (key in REGION_LEVELS[level]), key
