"""The hotline's reports follow the reader's region (accounts.regions): by category, by year and
by handling unit, on the reports page and through the API, a township center's supervisor counts
the township's tickets only, a county supervisor the county's and its townships', not another
county's, a provincial leader every ticket; the hotline desk counts every ticket. Each report
reads the same number of queries whatever the reader."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.factories import UserFactory, dispatched_ticket
from tests.regions import ALL_CENTERS, REGION_LEVELS
from zhengwu.core import clock
from zhengwu.core.roles import Role, role_names
from zhengwu.tickets import selectors
from zhengwu.tickets.models import Category

pytestmark = pytest.mark.django_db

# The reader at each level holds a role that reads reports (a township center's supervisor).
READERS = {
    "township_clerk": Role.SUPERVISOR,
    "county_supervisor": None,
    "city_leader": None,
    "provincial_leader": None,
}


@pytest.fixture
def tickets(region_tree):
    """One efficiency complaint per center, received and dispatched today to its department,
    the township's two (so each center's count is its own)."""
    now = clock.now()
    category = Category.objects.create(code="XN-SCOPE", name="效能投诉", is_efficiency=True)
    n = 0
    for key, department in region_tree["departments"].items():
        for _copy in range(2 if key == "township" else 1):
            n += 1
            dispatched_ticket(f"T{n:04d}-{key}", department, category, now)
    return region_tree


def _expected(level: str) -> int:
    """Tickets of the centers a level sees (the township has two)."""
    return sum(2 if key == "township" else 1 for key in REGION_LEVELS[level])


@pytest.mark.parametrize("level", READERS)
def test_the_reports_count_the_readers_centers(level, tickets, region_reader):
    reader = region_reader(level, READERS[level])
    today = clock.today()
    categories = selectors.category_report(start=today, end=today, reader=reader)
    assert categories["total"]["received"] == _expected(level)
    years = selectors.year_report(start=today, end=today, reader=reader)
    assert [y["received"] for y in years] == [_expected(level)]
    units = {r["code"] for r in selectors.performance_report(start=today, end=today, reader=reader)}
    assert units == {f"D-{key}" for key in REGION_LEVELS[level]}


@pytest.mark.parametrize("level", READERS)
def test_the_report_api_and_page_follow_the_reader(level, tickets, region_reader):
    reader = region_reader(level, READERS[level])
    client = Client()
    client.force_login(reader)
    today = clock.today().isoformat()
    answer = client.get("/api/v1/tickets/report", {"from": today, "to": today, "group": "category"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["total"]["received"] == _expected(level)
    answer = client.get(
        "/api/v1/tickets/report", {"from": today, "to": today, "group": "department"}
    )
    assert answer.status_code == 200
    assert {r["code"] for r in answer.json()["rows"]} == {
        f"D-{key}" for key in REGION_LEVELS[level]
    }
    page = client.get("/tickets/reports/", {"start": today, "end": today})
    assert page.status_code == 200
    text = page.content.decode()
    for key, department in tickets["departments"].items():
        assert (department.name in text) == (key in REGION_LEVELS[level]), key


def test_the_hotline_desk_and_the_public_figures_count_every_ticket(tickets):
    operator = UserFactory(roles=[Role.OPERATOR], department=None)
    today = clock.today()
    everything = _expected("provincial_leader")
    report = selectors.category_report(start=today, end=today, reader=operator)
    assert report["total"]["received"] == everything
    assert selectors.category_report(start=today, end=today)["total"]["received"] == everything
    assert selectors.public_monthly_stats(today.year, today.month)["received"] == everything
    units = {r["code"] for r in selectors.performance_report(start=today, end=today)}
    assert units == {f"D-{key}" for key in ALL_CENTERS}


@pytest.mark.parametrize("level", ["township_clerk", "county_supervisor"])
def test_a_scoped_report_reads_as_many_queries_as_the_whole_one(
    level, tickets, region_reader, django_assert_num_queries
):
    reader = region_reader(level, READERS[level])
    leader = region_reader("provincial_leader")
    today = clock.today()
    for who in (reader, leader):
        role_names(who)  # roles and region are read once per request, then kept
        selectors.scope(who)
    # The counts (one query, the scope a subquery of it), then the names of what they count.
    for report, queries in ((selectors.performance_report, 2), (selectors.year_report, 3)):
        for who in (reader, leader):
            with django_assert_num_queries(queries):
                report(start=today, end=today, reader=who)


@pytest.mark.parametrize("level", READERS)
def test_the_ticket_workbench_offers_the_readers_handling_units(level, tickets, region_reader):
    """The ticket workbench's unit filter lists the departments whose tickets the reader sees,
    grouped under their centers, and narrows to one of them; the hotline's desk lists every one."""
    reader = region_reader(level, READERS[level])
    client = Client()
    client.force_login(reader)
    text = client.get("/tickets/?queue=all").content.decode()
    for key, department in tickets["departments"].items():
        offered = f'<option value="{department.code}"' in text
        assert offered == (key in REGION_LEVELS[level]), (level, key)
    assert ("<optgroup" in text) == (len(REGION_LEVELS[level]) > 1)
    (key, *_rest) = sorted(REGION_LEVELS[level])
    code = tickets["departments"][key].code
    narrowed = client.get("/tickets/", {"queue": "all", "department": code}).content.decode()
    shown = set(re.findall(r'data-number="T\d+-(\w+)"', narrowed))
    assert shown == {key}, (level, shown)


def test_the_hotline_desk_filters_every_unit(tickets, make_user):
    operator = make_user(Role.OPERATOR, username="op_units")
    offered = {
        code for _center, units in selectors.filter_departments(operator) for code, _n in units
    }
    assert offered == {f"D-{key}" for key in ALL_CENTERS}
