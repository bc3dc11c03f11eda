"""The exchange's figures follow the reader's region (accounts.regions): the month's
reconciliations (board, export and API) and the tickets counted by source cover the centers the
reader oversees: a township center's supervisor their center, a county supervisor the county and
its townships, not another county, a provincial leader all; the hotline desk counts every
ticket."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import UserFactory, dispatched_ticket
from tests.regions import ALL_CENTERS, REGION_LEVELS
from zhengwu.core import clock
from zhengwu.core.roles import Role
from zhengwu.exchange import inbound_selectors
from zhengwu.exchange.models.inbound import Reconciliation
from zhengwu.tickets.models import Category

pytestmark = pytest.mark.django_db

LEVELS = [level for level in REGION_LEVELS if level != "city_leader"]


@pytest.fixture
def figures(region_tree):
    """One reconciliation of this month and one ticket received today per center."""
    now = clock.now()
    month = clock.today().replace(day=1)
    category = Category.objects.create(code="SC-EX", name="市场监管")
    for key, department in region_tree["departments"].items():
        Reconciliation.objects.create(
            department=department,
            month=month,
            records=1,
            by_number=1,
            by_attributes=0,
            unmatched=0,
            run_at=now,
        )
        dispatched_ticket(f"T-{key}", department, category, now)
    return {**region_tree, "month": month}


def _reader(level, region_reader):
    return region_reader(level, Role.SUPERVISOR if level == "township_clerk" else None)


@pytest.mark.parametrize("level", LEVELS)
def test_reconciliations_and_ticket_counts_follow_the_reader(level, figures, region_reader):
    reader = _reader(level, region_reader)
    month = figures["month"]
    seen = inbound_selectors.reconciliations(month, reader=reader)
    assert {r.department.code for r in seen} == {f"D-{k}" for k in REGION_LEVELS[level]}
    today = clock.today()
    counts = inbound_selectors.tickets_by_source(today, today, reader=reader)
    assert counts[inbound_selectors.HOTLINE] == len(REGION_LEVELS[level])
    assert sum(counts.values()) == len(REGION_LEVELS[level])

    client = Client()
    client.force_login(reader)
    answer = client.get("/api/v1/exchange/reconciliations", {"month": f"{month:%Y-%m}"})
    assert answer.status_code == 200, answer.content
    assert {r["department"] for r in answer.json()} == {f"D-{k}" for k in REGION_LEVELS[level]}
    answer = client.get(
        "/api/v1/exchange/tickets/by-source", {"from": today.isoformat(), "to": today.isoformat()}
    )
    assert answer.status_code == 200
    assert answer.json()[inbound_selectors.HOTLINE] == len(REGION_LEVELS[level])
    page = client.get("/exchange/inbound/", {"month": f"{month:%Y-%m}"})
    assert page.status_code == 200
    text = page.content.decode()
    for key, department in figures["departments"].items():
        assert (department.name in text) == (key in REGION_LEVELS[level]), key


def test_the_hotline_desk_counts_every_ticket(figures):
    operator = UserFactory(roles=[Role.OPERATOR], department=None)
    today = clock.today()
    counts = inbound_selectors.tickets_by_source(today, today, reader=operator)
    assert counts[inbound_selectors.HOTLINE] == len(ALL_CENTERS)
