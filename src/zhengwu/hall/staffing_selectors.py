"""Reads of the hall's staffing: whose hall, a hall's settings and hours, the day's roster,
who may see what (every list filtered by the caller's scope in its one query)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from zhengwu.accounts import regions
from zhengwu.accounts.models import User
from zhengwu.core.roles import Role, has_role, is_center_wide
from zhengwu.hall import hours
from zhengwu.hall import staffing_rules as rules
from zhengwu.hall.models import Hall, WindowPost
from zhengwu.hall.models.staffing import (
    AssistedService,
    Attendance,
    DutyRoster,
    HallIrregularity,
    LeaveRequest,
    PatrolFinding,
    PatrolSlot,
    StaffingSettings,
)
from zhengwu.workdays.loader import is_workday

STAFF_ROLES_SEEN = (Role.WINDOW_CLERK, Role.REVIEWER, Role.DEPARTMENT_HEAD)


def hall_of(user) -> Hall | None:
    """The hall a member of staff works in: that of the window they hold a post at (or are
    assigned to), else the first active hall of their department's center."""
    post = (
        WindowPost.objects.filter(Q(post_a=user) | Q(post_b=user), hall__is_active=True)
        .select_related("hall")
        .first()
    )
    if post is None and user.window_id:
        post = WindowPost.objects.filter(window_id=user.window_id).select_related("hall").first()
    if post is not None:
        return post.hall
    if user.department_id:
        return Hall.objects.filter(center__departments=user.department_id, is_active=True).first()
    if not is_center_wide(user):
        return None
    # The first hall of the centers they oversee (accounts.regions).
    return Hall.objects.filter(regions.center_q(user, "center"), is_active=True).first()


def settings_of(hall: Hall) -> StaffingSettings:
    """The hall's staffing settings (the defaults, unsaved, when it has none)."""
    found = StaffingSettings.objects.filter(hall=hall).first()
    return found if found is not None else StaffingSettings(hall=hall)


def hours_of(hall: Hall) -> rules.Hours:
    return hours.of(hall)


def intervals_of(hall: Hall, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    return rules.open_intervals(day, hours_of(hall), workday=bool(is_workday(day)))


def patrol_times(hall: Hall) -> list[tuple[int, dt.time]]:
    """(number, time) of the hall's patrols a day: its configured ones, else the six default."""
    slots = list(PatrolSlot.objects.filter(hall=hall).values_list("number", "at"))
    return slots or list(enumerate(rules.DEFAULT_PATROL_TIMES, start=1))


def roster_of(hall: Hall, day: dt.date) -> DutyRoster | None:
    return (
        DutyRoster.objects.filter(hall=hall, day=day)
        .select_related("leader_a", "leader_b")
        .prefetch_related("patrol_staff")
        .first()
    )


def on_duty(user, hall: Hall, day: dt.date) -> bool:
    """Whether ``user`` is on the hall's roster of ``day`` (a duty leader or patrol staff)."""
    return DutyRoster.objects.filter(
        Q(leader_a=user) | Q(leader_b=user) | Q(patrol_staff=user), hall=hall, day=day
    ).exists()


def may_configure(user) -> bool:
    return has_role(user, Role.ADMIN, Role.LEADER)


def may_oversee(user) -> bool:
    """Center-wide readers of the staffing records (supervisors, leaders, administrators): the
    records of the halls of the centers they oversee (``accounts.regions``), leave requests by
    department."""
    return is_center_wide(user)


def is_head(user) -> bool:
    return has_role(user, Role.DEPARTMENT_HEAD) and user.department_id is not None


def staff_of(department_id: int) -> QuerySet[User]:
    return User.objects.filter(department_id=department_id, is_active=True).order_by(
        "full_name", "id"
    )


def irregularities(user) -> QuerySet[HallIrregularity]:
    rows = HallIrregularity.objects.select_related("hall", "window", "department", "finding")
    if may_oversee(user):  # the centers they oversee (accounts.regions)
        return rows.filter(regions.center_q(user, "hall__center"))
    if is_head(user):
        return rows.filter(department_id=user.department_id)
    return rows.none()


def leave_requests(user) -> QuerySet[LeaveRequest]:
    rows = LeaveRequest.objects.select_related("user", "department", "decided_by")
    if may_oversee(user):  # the centers they oversee (accounts.regions)
        return rows.filter(regions.department_q(user))
    if is_head(user):
        return rows.filter(Q(department_id=user.department_id) | Q(user=user))
    return rows.filter(user=user)


def attendance(user) -> QuerySet[Attendance]:
    rows = Attendance.objects.select_related("user", "hall")
    if may_oversee(user):  # the centers they oversee (accounts.regions)
        return rows.filter(regions.center_q(user, "hall__center"))
    if is_head(user):
        return rows.filter(Q(department_id=user.department_id) | Q(user=user))
    return rows.filter(user=user)


def findings(user) -> QuerySet[PatrolFinding]:
    """The findings a user sees: the center-wide roles those of the halls of the centers they
    oversee, their department's for a head,
    those assigned to them or found on a patrol they did for anyone else."""
    rows = PatrolFinding.objects.select_related("patrol", "window", "assignee", "followed_up_by")
    if may_oversee(user):  # the centers they oversee (accounts.regions)
        return rows.filter(regions.center_q(user, "patrol__hall__center"))
    mine = Q(assignee=user) | Q(patrol__done_by=user)
    if is_head(user):
        mine |= Q(department_id=user.department_id)
    return rows.filter(mine)


def assisted(user) -> QuerySet[AssistedService]:
    rows = AssistedService.objects.select_related("helper", "department", "called_back_by")
    if may_oversee(user):  # the centers they oversee (accounts.regions)
        return rows.filter(regions.center_q(user, "hall__center"))
    if is_head(user):
        return rows.filter(Q(department_id=user.department_id) | Q(helper=user))
    return rows.filter(helper=user)


def month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)
