"""A bearer token's user, its roles and the departments its window serves: read for each request
(the window's departments in one query), nothing kept between requests, so a change of roles or
of a window's departments counts from the next request on."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import DepartmentFactory, WindowFactory
from zhengwu.accounts.services import issue_token, user_for_token
from zhengwu.cases.selectors import staff_department_ids
from zhengwu.core.roles import Role, role_names

pytestmark = pytest.mark.django_db


@pytest.fixture
def comprehensive(department, other_department):
    window = WindowFactory(number="01", name="综合窗口")
    window.serves.add(department, other_department)
    return window


@pytest.mark.parametrize("roles_first", [False, True])
def test_roles_and_the_departments_a_comprehensive_window_serves(
    make_user, comprehensive, department, other_department, roles_first
):
    clerk = make_user(Role.WINDOW_CLERK, window=comprehensive, username="c1")
    clerk.groups.add(Group.objects.get_or_create(name=Role.REVIEWER.value)[0])
    _token, raw = issue_token(user=clerk)
    user = user_for_token(raw)
    assert user.pk == clerk.pk
    with CaptureQueriesContext(connection) as queries:
        if roles_first:
            roles = role_names(user)
        departments = staff_department_ids(user)
        roles = role_names(user)
    assert departments == {department.pk, other_department.pk}
    assert roles == {"window_clerk", "reviewer"}
    # Asked for first, the departments bring the roles along; else one query each.
    assert len(queries.captured_queries) == (2 if roles_first else 1)


def test_a_user_without_roles_or_window_has_none(make_user):
    nobody = make_user(Role.APPLICANT, username="a1")
    nobody.groups.clear()
    _token, raw = issue_token(user=nobody)
    user = user_for_token(raw)
    assert role_names(user) == frozenset()
    assert staff_department_ids(user) == set()


def test_a_superuser_holds_the_admin_role(make_user):
    root = make_user(Role.SUPERVISOR, username="root", is_superuser=True)
    _token, raw = issue_token(user=root)
    assert role_names(user_for_token(raw)) == {"supervisor", "admin"}


def test_a_department_window_serves_its_own_department(make_user, department, other_department):
    window = WindowFactory(number="02", department=other_department)
    clerk = make_user(Role.WINDOW_CLERK, department=department, window=window, username="c2")
    _token, raw = issue_token(user=clerk)
    assert staff_department_ids(user_for_token(raw)) == {department.pk, other_department.pk}


def test_role_and_window_changes_count_from_the_next_request(
    client, make_user, comprehensive, department, other_department
):
    clerk = make_user(Role.WINDOW_CLERK, window=comprehensive, username="c3")
    _token, raw = issue_token(user=clerk)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/me", **auth).json()["roles"] == ["window_clerk"]
    assert staff_department_ids(user_for_token(raw)) == {department.pk, other_department.pk}

    clerk.groups.add(Group.objects.get_or_create(name=Role.DEPARTMENT_HEAD.value)[0])
    comprehensive.serves.remove(other_department)
    third = DepartmentFactory(code="SWJ", name="税务局")
    comprehensive.serves.add(third)
    assert client.get("/api/v1/me", **auth).json()["roles"] == ["department_head", "window_clerk"]
    assert staff_department_ids(user_for_token(raw)) == {department.pk, third.pk}

    clerk.groups.clear()
    assert client.get("/api/v1/me", **auth).json()["roles"] == []


def test_an_inactive_user_or_a_revoked_token_gets_no_user(make_user):
    from zhengwu.accounts.services import revoke_token

    clerk = make_user(Role.WINDOW_CLERK, username="c4")
    token, raw = issue_token(user=clerk)
    assert user_for_token(raw) is not None
    revoke_token(token=token)
    assert user_for_token(raw) is None
    _token, raw = issue_token(user=clerk)
    clerk.is_active = False
    clerk.save(update_fields=["is_active"])
    assert user_for_token(raw) is None


def test_a_clerk_without_a_window_handles_their_own_department(make_user, department):
    clerk = make_user(Role.WINDOW_CLERK, department=department, username="c5")
    _token, raw = issue_token(user=clerk)
    assert staff_department_ids(user_for_token(raw)) == {department.pk}


def test_a_comprehensive_window_serving_nothing_adds_nothing(make_user, department):
    window = WindowFactory(number="03", name="空综合窗口")
    clerk = make_user(Role.WINDOW_CLERK, department=department, window=window, username="c6")
    _token, raw = issue_token(user=clerk)
    assert staff_department_ids(user_for_token(raw)) == {department.pk}


def test_a_window_user_without_a_staff_role_handles_no_department(make_user, comprehensive):
    user = make_user(Role.APPLICANT, window=comprehensive, username="a2")
    _token, raw = issue_token(user=user)
    found = user_for_token(raw)
    assert staff_department_ids(found) == set()
    assert role_names(found) == {"applicant"}


def test_a_superuser_at_a_window_keeps_the_admin_role(make_user, comprehensive, department):
    root = make_user(Role.WINDOW_CLERK, window=comprehensive, username="r2", is_superuser=True)
    _token, raw = issue_token(user=root)
    found = user_for_token(raw)
    assert department.pk in staff_department_ids(found)
    assert role_names(found) == {"window_clerk", "admin"}
