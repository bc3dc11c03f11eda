"""Fixtures of the hall's staffing tests: a hall with two department windows and their A and B
posts, the department's head, a supervisor, time travel and a minimal window sign-in helper
(the queue's sign-in service is tested with the queue)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from tests.cases.helpers import AT
from tests.factories import CenterFactory, DepartmentFactory, UserFactory, WindowFactory
from zhengwu.core.roles import Role
from zhengwu.hall.models import Hall, WindowPost, WindowSession

__all__ = ["AT", "open_session"]

LAT, LON = Decimal("30.000000"), Decimal("120.000000")


@pytest.fixture
def travel():
    machines = []

    def go(moment: dt.datetime):
        if machines:
            machines.pop().stop()
        machine = time_machine.travel(moment, tick=False)
        machine.start()
        machines.append(machine)

    yield go
    for machine in machines:
        machine.stop()


class Floor:
    pass


@pytest.fixture
def floor(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    f = Floor()
    f.center = CenterFactory()
    f.dept = DepartmentFactory(center=f.center, code="SCJ", name="市场监督管理局")
    f.other = DepartmentFactory(center=f.center, code="ZJJ", name="住房和城乡建设局")

    def user(username, name, role=Role.WINDOW_CLERK, dept=None):
        return UserFactory(
            username=username, full_name=name, roles=[role], department=dept or f.dept
        )

    f.head = user("scj_head", "李主任", Role.DEPARTMENT_HEAD)
    f.dept.head = f.head
    f.dept.save()
    f.other_head = user("zjj_head", "赵主任", Role.DEPARTMENT_HEAD, f.other)
    f.other.head = f.other_head
    f.other.save()
    f.a = user("clerk_a", "张三")
    f.b = user("clerk_b", "李四")
    f.c = user("clerk_c", "王五", dept=f.other)
    f.leader = user("duty_a", "陈值班", Role.LEADER, f.other)
    f.leader_b = user("duty_b", "周值班", Role.LEADER, f.other)
    f.supervisor = user("sup", "刘监察", Role.SUPERVISOR)
    f.admin = UserFactory(
        username="hall_admin", full_name="管理员", roles=[Role.ADMIN], is_superuser=True
    )
    f.hall = Hall.objects.create(
        center=f.center,
        code="H1",
        name="示范市政务服务大厅",
        latitude=LAT,
        longitude=LON,
        opens_at=dt.time(9),
        closes_at=dt.time(17),
        break_from=dt.time(12),
        break_to=dt.time(13, 30),
    )
    f.w1 = WindowFactory(center=f.center, number="01", name="1号窗口", department=f.dept)
    f.w2 = WindowFactory(center=f.center, number="02", name="2号窗口", department=f.other)
    f.p1 = WindowPost.objects.create(window=f.w1, hall=f.hall, post_a=f.a, post_b=f.b)
    f.p2 = WindowPost.objects.create(window=f.w2, hall=f.hall, post_a=f.c)
    return f


def open_session(window, user, start: dt.datetime, end: dt.datetime | None = None):
    """A sign-in at a window, written directly (the queue's service writes them in use)."""
    return WindowSession.objects.create(window=window, user=user, started_at=start, ended_at=end)
