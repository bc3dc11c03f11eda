"""Every scope at every level (issue: centers at every level): a township clerk sees only their
center, a county supervisor the county and its townships, a city leader the city and everything
under it, a provincial leader all. The same people, through each app's list or API: cases,
hotline tickets, disclosure requests, the supervision board, the indicators, the leader's
dashboard and monthly brief, the hall's figures and the window panel. Each list is one query."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import UserFactory, WindowFactory, dispatched_ticket
from zhengwu.accounts import regions
from zhengwu.assessment import brief as briefs
from zhengwu.cases import selectors as case_selectors
from zhengwu.core import clock
from zhengwu.core.roles import Role, role_names
from zhengwu.disclosure import annual_selectors
from zhengwu.disclosure import selectors as disclosure_selectors
from zhengwu.disclosure.models import DisclosureRequest
from zhengwu.hall import queue_selectors
from zhengwu.hall.models import Hall, WindowPost
from zhengwu.tickets import selectors as ticket_selectors
from zhengwu.tickets.models import Category

pytestmark = pytest.mark.django_db

ALL = {"city", "county", "township", "other_county", "other_city"}

# who, and the centers (keys of the province fixture) they see
LEVELS = {
    "township_clerk": {"township"},
    "county_supervisor": {"county", "township"},
    "city_leader": {"city", "county", "township", "other_county"},
    "provincial_leader": ALL,
}


def person(level: str, province):
    if level == "township_clerk":
        return UserFactory(
            roles=[Role.WINDOW_CLERK], department=province["departments"]["township"]
        )
    role, region = {
        "county_supervisor": (Role.SUPERVISOR, "county"),
        "city_leader": (Role.LEADER, "city"),
        "provincial_leader": (Role.LEADER, "top"),
    }[level]
    return UserFactory(roles=[role], department=None, region=province["regions"][region])


@pytest.fixture
def records(province):
    """One hotline ticket, one disclosure request and one hall per center."""
    now = clock.now()
    category = Category.objects.create(code="SC-SCOPE", name="市场监管")
    for n, (key, department) in enumerate(province["departments"].items(), start=1):
        dispatched_ticket(f"T-{key}", department, category, now)
        DisclosureRequest.objects.create(
            number=f"Y-{key}",
            channel="online",
            applicant_type="person",
            applicant_name="张三",
            phone="13800000000",
            description="某文件",
            form="electronic",
            delivery="online",
            department=department,
            state="in_progress",
            received_at=now,
            received_on=clock.today(),
            clocks_on=clock.today(),
            created_at=now,
            updated_at=now,
        )
        Hall.objects.create(center=department.center, code=f"H-{key}", name=f"大厅{n}")
    return province


def _keys(province, codes) -> set[str]:
    """The province's keys of department codes, ticket or request numbers (``D-x``, ``T-x``)."""
    keys = {code.split("-", 1)[-1] for code in codes}
    return keys & ALL


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("level", LEVELS)
def test_the_case_list_api(level, records):
    user = person(level, records)
    body = _client(user).get("/api/v1/cases", {"limit": 100}).json()
    seen = {
        k for k, c in records["cases"].items() if c.number in {i["number"] for i in body["items"]}
    }
    assert seen == LEVELS[level]


@pytest.mark.parametrize("level", LEVELS)
def test_the_hotline_ticket_api(level, records):
    user = person(level, records)
    answer = _client(user).get("/api/v1/tickets", {"limit": 100})
    assert answer.status_code == 200
    assert _keys(records, [t["number"] for t in answer.json()["items"]]) == LEVELS[level]


def test_the_hotline_desk_sees_every_ticket(records):
    operator = UserFactory(roles=[Role.OPERATOR], department=None)
    assert (
        _keys(records, ticket_selectors.visible_tickets(operator).values_list("number", flat=True))
        == ALL
    )


@pytest.mark.parametrize("level", [lv for lv in LEVELS if lv != "township_clerk"])
def test_disclosure_requests_and_the_annual_report(level, records):
    user = person(level, records)
    numbers = disclosure_selectors.visible(user).values_list("number", flat=True)
    assert _keys(records, numbers) == LEVELS[level]
    scope = annual_selectors.report_scope(user)
    if level == "provincial_leader":
        assert scope is None
    else:
        codes = {records["departments"][k].pk: k for k in ALL}
        assert {codes[pk] for pk in scope if pk in codes} == LEVELS[level]


def test_a_township_clerk_sees_no_disclosure_request(records):
    clerk = person("township_clerk", records)
    assert not disclosure_selectors.visible(clerk).exists()


@pytest.mark.parametrize("level", [lv for lv in LEVELS if lv != "township_clerk"])
def test_the_supervision_board_api(level, records):
    user = person(level, records)
    answer = _client(user).get("/api/v1/supervision/board")
    assert answer.status_code == 200
    codes = [d["code"] for d in answer.json()["departments"]]
    assert _keys(records, codes) <= LEVELS[level]
    assert _keys(records, codes)  # the center's own department shows


@pytest.mark.parametrize("level", LEVELS)
def test_the_indicators_api(level, records):
    user = person(level, records)
    today = clock.today().isoformat()
    answer = _client(user).get(
        "/api/v1/indicators", {"from": today, "to": today, "group": "department"}
    )
    assert answer.status_code == 200
    ids = {records["departments"][k].pk: k for k in ALL}
    keys = {ids[row["key"]] for row in answer.json()["rows"] if row["key"] in ids}
    assert keys == LEVELS[level]


@pytest.mark.parametrize("level", [lv for lv in LEVELS if lv != "township_clerk"])
def test_the_dashboard_and_the_brief(level, records):
    user = person(level, records)
    page = _client(user).get("/assessment/dashboard/", {"month": clock.today().strftime("%Y-%m")})
    assert page.status_code == 200
    text = page.content.decode()
    for key, department in records["departments"].items():
        assert (department.name in text) == (key in LEVELS[level]), key
    brief = briefs.brief_for(user, clock.today().strftime("%Y-%m"))
    ids = {records["departments"][k].pk: k for k in ALL}
    assert {ids[r.key] for r in brief.departments if r.key in ids} == LEVELS[level]


@pytest.mark.parametrize("level", [lv for lv in LEVELS if lv != "township_clerk"])
def test_the_hall_figures_cover_the_halls_overseen(level, records):
    user = person(level, records)
    halls = set(queue_selectors.visible_halls(user).values_list("code", flat=True))
    assert _keys(records, halls) == LEVELS[level]
    page = _client(user).get("/hall/figures/")
    assert page.status_code == 200


def test_a_department_head_sees_the_halls_of_their_center(records):
    head = UserFactory(roles=[Role.DEPARTMENT_HEAD], department=records["departments"]["township"])
    assert set(queue_selectors.visible_halls(head).values_list("code", flat=True)) == {"H-township"}


def test_the_window_panel_offers_the_clerks_own_windows_in_one_query(
    records, django_assert_num_queries
):
    township = records["departments"]["township"]
    clerk = person("township_clerk", records)
    hall = Hall.objects.get(code="H-township")
    own = WindowFactory(center=township.center, number="01", department=township)
    other = WindowFactory(
        center=records["centers"]["county"],
        number="01",
        department=records["departments"]["county"],
    )
    for window in (own, other):
        WindowPost.objects.create(
            window=window, hall=hall if window is own else Hall.objects.get(code="H-county")
        )
    role_names(clerk)
    with django_assert_num_queries(1):
        windows = list(queue_selectors.windows_to_sign_in(clerk))
    assert windows == [own]
    page = _client(clerk).get("/hall/panel/")
    assert page.status_code == 200


@pytest.mark.parametrize("level", LEVELS)
def test_each_list_is_one_query(level, records, django_assert_max_num_queries):
    """One query at most (none when the scope is empty, as a clerk's disclosure requests)."""
    user = person(level, records)
    role_names(user)  # the roles and the region are read once per request, then kept
    regions.overseen_departments(user)
    case_selectors.scope(user)
    for visible in (
        lambda: case_selectors.visible_cases(user),
        lambda: ticket_selectors.visible_tickets(user),
        lambda: disclosure_selectors.visible(user),
    ):
        with django_assert_max_num_queries(1):
            list(visible().values_list("pk", flat=True))
    if level != "township_clerk":
        with django_assert_max_num_queries(1):
            list(queue_selectors.visible_halls(user))
