"""The hall's staffing records follow the reader's region (accounts.regions): attendance and
leave requests (and the department attendance sheet's departments) of the centers the reader
oversees: a township center's supervisor their center's, a county supervisor the county's and its
township's, not another county's, a provincial leader all."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory
from tests.regions import REGION_LEVELS
from zhengwu.core import clock
from zhengwu.core.roles import Role, role_names
from zhengwu.hall import staffing_selectors
from zhengwu.hall.models import Hall
from zhengwu.hall.models.staffing import Attendance, LeaveRequest

pytestmark = pytest.mark.django_db

LEVELS = [level for level in REGION_LEVELS if level != "city_leader"]


@pytest.fixture
def records(region_tree):
    """One hall per center, with one clerk's attendance and leave request."""
    now, today = clock.now(), clock.today()
    for key, department in region_tree["departments"].items():
        hall = Hall.objects.create(center=department.center, code=f"H-{key}", name=f"大厅{key}")
        clerk = UserFactory(
            username=f"clerk-{key}", roles=[Role.WINDOW_CLERK], department=department
        )
        Attendance.objects.create(
            user=clerk,
            hall=hall,
            department=department,
            day=today,
            signed_in_at=now,
            sign_in_method="panel",
        )
        LeaveRequest.objects.create(
            user=clerk,
            department=department,
            kind="personal",
            first_day=today,
            last_day=today,
            reason="事假",
            requested_at=now,
        )
    return region_tree


@pytest.mark.parametrize("level", LEVELS)
def test_staffing_records_follow_the_reader(level, records, region_reader):
    reader = region_reader(level, Role.SUPERVISOR if level == "township_clerk" else None)
    expected = {f"clerk-{k}" for k in REGION_LEVELS[level]}
    attendance = staffing_selectors.attendance(reader).values_list("user__username", flat=True)
    assert set(attendance) == expected
    leave = staffing_selectors.leave_requests(reader).values_list("user__username", flat=True)
    assert set(leave) == expected


def test_each_staffing_list_is_one_query(records, region_reader, django_assert_num_queries):
    reader = region_reader("county_supervisor")
    role_names(reader)  # roles and region are read once per request, then kept
    staffing_selectors.leave_requests(reader)
    for rows in (
        staffing_selectors.attendance,
        staffing_selectors.leave_requests,
        staffing_selectors.irregularities,
        staffing_selectors.findings,
        staffing_selectors.assisted,
    ):
        with django_assert_num_queries(1):
            list(rows(reader))
