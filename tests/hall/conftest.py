"""Hall queue fixtures: one hall (09:00–17:00, lunch 12:00–13:30) with windows 1–3; business types
A (market regulation, windows 1 and 3), B (housing, window 2) and Y (一件事, window 3); clerks;
time controlled with time-machine (``AT("2026-03-02 10:00")`` is Shanghai time)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.cases.conftest import item, private_root, travel  # noqa: F401 (fixtures, shared)
from tests.cases.helpers import AT
from tests.factories import WindowFactory
from zhengwu.core.roles import Role
from zhengwu.hall.models.floor import Hall, WindowPost
from zhengwu.hall.models.queue import BusinessType

__all__ = ["AT"]


@pytest.fixture
def hall(department):
    return Hall.objects.create(
        center=department.center,
        code="MAIN",
        name="市民服务大厅",
        opens_at=dt.time(9, 0),
        closes_at=dt.time(17, 0),
        break_from=dt.time(12, 0),
        break_to=dt.time(13, 30),
    )


@pytest.fixture
def windows(hall, department, other_department):
    made = {}
    for number, dept in (("1", department), ("2", other_department), ("3", None)):
        window = WindowFactory(
            center=department.center, number=number, name=f"{number}号窗口", department=dept
        )
        if dept is None:
            window.serves.add(department)
        WindowPost.objects.create(window=window, hall=hall)
        made[number] = window
    return made


@pytest.fixture
def types(hall, windows, department, other_department):
    a = BusinessType.objects.create(
        hall=hall, code="SCJ", name="市场准入", prefix="A", department=department, position=1
    )
    a.windows.add(windows["1"], windows["3"])
    b = BusinessType.objects.create(
        hall=hall, code="ZJJ", name="住房建设", prefix="B", department=other_department, position=2
    )
    b.windows.add(windows["2"])
    y = BusinessType.objects.create(
        hall=hall, code="YJS", name="一件事综合受理", prefix="Y", kind="bundle", position=3
    )
    y.windows.add(windows["3"])
    return {"A": a, "B": b, "Y": y}


@pytest.fixture
def clerk(make_user, department, windows):
    return make_user(Role.WINDOW_CLERK, department, username="clerk1", full_name="张窗口")


@pytest.fixture
def clerk3(make_user, department, windows):
    return make_user(Role.WINDOW_CLERK, department, username="clerk3", full_name="赵综合")


@pytest.fixture
def housing_clerk(make_user, other_department, windows):
    return make_user(Role.WINDOW_CLERK, other_department, username="clerk2", full_name="钱住建")
