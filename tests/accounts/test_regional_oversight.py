"""Centers at every level: a township clerk sees their center's cases only, a county supervisor
the county's center and its townships', a city leader the city's, a provincial leader all; a
supervisor of one center (no region) that center. The same scope holds for the cases, the
joint cases, the supervision board, the indicators and the ratings."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory
from zhengwu.accounts import regions
from zhengwu.accounts.models import Region
from zhengwu.assessment import selectors as assessment_selectors
from zhengwu.cases import selectors as case_selectors
from zhengwu.core import clock
from zhengwu.core.roles import Role
from zhengwu.ratings import selectors as rating_selectors
from zhengwu.supervision import selectors as supervision_selectors

pytestmark = pytest.mark.django_db


def _seen(user, province) -> set[str]:
    numbers = set(case_selectors.visible_cases(user).values_list("number", flat=True))
    return {key for key, case in province["cases"].items() if case.number in numbers}


def test_paths_nest_by_division_code(province):
    township = province["regions"]["township"]
    assert township.path == "330000/330100/330106/330106001/"
    assert regions.path_of("330106", "330000/330100/") == "330000/330100/330106/"
    with pytest.raises(ValueError):
        regions.path_of("33/01")


def test_moving_a_region_moves_everything_under_it(province):
    county = province["regions"]["county"]
    other_city = Region.objects.get(code="330200")
    county.parent = other_city
    regions.place(county)
    county.save()
    assert Region.objects.get(code="330106001").path == "330000/330200/330106/330106001/"


def test_a_township_clerk_sees_their_own_center_only(province):
    clerk = UserFactory(roles=[Role.WINDOW_CLERK], department=province["departments"]["township"])
    assert _seen(clerk, province) == {"township"}


def test_a_county_supervisor_sees_the_county_and_its_townships(province):
    supervisor = UserFactory(
        roles=[Role.SUPERVISOR], department=None, region=province["regions"]["county"]
    )
    assert _seen(supervisor, province) == {"county", "township"}
    ids = supervision_selectors.department_scope(supervisor)
    assert ids == {province["departments"]["county"].pk, province["departments"]["township"].pk}
    assert set(assessment_selectors.department_scope(supervisor)) == ids


def test_a_city_leader_sees_the_city_and_everything_under_it(province):
    leader = UserFactory(roles=[Role.LEADER], department=None, region=province["regions"]["city"])
    assert _seen(leader, province) == {"city", "county", "township", "other_county"}


def test_a_provincial_leader_sees_all_without_any_filter(province):
    leader = UserFactory(roles=[Role.LEADER], department=None, region=province["regions"]["top"])
    assert _seen(leader, province) == set(province["cases"])
    assert supervision_selectors.department_scope(leader) is None
    assert assessment_selectors.department_scope(leader) is None


def test_a_supervisor_of_one_center_sees_that_center(province):
    supervisor = UserFactory(
        roles=[Role.SUPERVISOR], department=None, center=province["centers"]["county"]
    )
    assert _seen(supervisor, province) == {"county"}


def test_without_center_or_region_a_supervisor_oversees_the_whole_deployment(province):
    supervisor = UserFactory(roles=[Role.SUPERVISOR], department=None)
    assert _seen(supervisor, province) == set(province["cases"])


def test_the_ratings_scope_follows_the_region(province):
    from zhengwu.accounts.models import Department

    supervisor = UserFactory(
        roles=[Role.SUPERVISOR], department=None, region=province["regions"]["county"]
    )
    # The ratings scope filters on the rating's department: applied to the departments
    # themselves (field ``pk``), it admits the county's two.
    q = rating_selectors.rating_scope(supervisor)
    ((field, departments),) = q.children
    assert field == "department_id__in" or field == "department__in"
    admitted = set(Department.objects.filter(pk__in=departments).values_list("code", flat=True))
    assert admitted == {"D-county", "D-township"}


def test_the_regional_scope_is_one_query(province):
    supervisor = UserFactory(
        roles=[Role.SUPERVISOR], department=None, region=province["regions"]["county"]
    )
    supervisor = type(supervisor).objects.get(pk=supervisor.pk)
    case_selectors.scope(supervisor)  # reads the roles and the region once
    with CaptureQueriesContext(connection) as queries:
        list(case_selectors.visible_cases(supervisor).values_list("number", flat=True))
    assert len(queries.captured_queries) == 1


def test_joint_cases_follow_the_lead_departments_center(province):
    from zhengwu.joint import selectors as joint_selectors

    supervisor = UserFactory(
        roles=[Role.SUPERVISOR], department=None, region=province["regions"]["county"]
    )
    q = joint_selectors.scope(supervisor)
    assert "lead_department__in" in str(q)


def test_indicators_roll_up_by_region_level_with_exact_counts(province):
    from zhengwu.assessment.selectors import table

    today = clock.today()
    by_center = {
        row.key: row for row in table(start=today, end=today, group="center", department_ids=None)
    }
    by_county = {
        row.key: row for row in table(start=today, end=today, group="county", department_ids=None)
    }
    centers = province["centers"]
    # The county's own center and its township's add up; the city's center stays its own.
    county = by_county["330106"]
    assert county.name == "西湖区"
    for key, count in county.indicators.items():
        parts = [by_center[centers[k].pk].indicators[key] for k in ("county", "township")]
        assert count.numerator == sum(p.numerator for p in parts)
        assert count.denominator == sum(p.denominator for p in parts)
    # One case received at each center today: the online rate's denominator counts them.
    assert county.indicators["online_rate"].denominator == 2
    assert by_county["330108"].indicators["online_rate"].denominator == 1
    assert by_county["330100"].name == "示范市（本级）"
    # (110100 is the catalogue's own center, which the item fixtures' departments belong to.)
    assert set(by_county) == {"110100", "330100", "330106", "330108", "330200"}
    by_city = {
        row.key: row for row in table(start=today, end=today, group="city", department_ids=None)
    }
    assert set(by_city) == {"110100", "330100", "330200"}
    assert by_city["330100"].indicators["online_rate"].denominator == 4


def test_the_overseen_departments_are_read_once_per_request(province, client):
    """A county supervisor's workbench counts its two warning tabs on the departments it
    oversees: their ids are read once for the page, not once per tab; a caller that changes the
    set it is given does not change the next caller's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhengwu.accounts import regions

    supervisor = UserFactory(
        roles=[Role.SUPERVISOR], department=None, region=province["regions"]["county"]
    )
    first = regions.overseen_department_ids(supervisor)
    first.add(-1)
    with CaptureQueriesContext(connection) as reads:
        again = regions.overseen_department_ids(supervisor)
    assert -1 not in again and len(again) == 2 and not reads
    client.force_login(supervisor)
    with CaptureQueriesContext(connection) as page:
        assert client.get("/cases/?queue=overdue").status_code == 200
    department_reads = [
        q["sql"] for q in page if q["sql"].startswith('SELECT "accounts_department"."id" AS "pk"')
    ]
    assert len(department_reads) == 1, department_reads
