"""Fixtures of the inbound exchange tests: the SCJ item of the case tests (M01, M02 required;
M03 optional), the provincial platform's account, and one user per role that matters here. Time
is controlled with time-machine."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.catalog.builders import item_dict
from tests.exchange.inbound.helpers import AT, ITEM
from zhengwu.catalog import services as catalog_services
from zhengwu.catalog.models import ServiceItem
from zhengwu.core.roles import Role


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.VAR_DIR


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


@pytest.fixture
def item(department, travel) -> ServiceItem:
    travel(AT("2025-01-02 09:00"))
    catalog_services.import_items([item_dict()], valid_from=dt.date(2025, 1, 1))
    travel(AT("2025-09-30 10:00"))
    return ServiceItem.objects.get(impl_code=ITEM)


@pytest.fixture
def platform(make_user):
    return make_user(Role.PLATFORM, username="zwfw_platform", full_name="省一体化政务服务平台")


@pytest.fixture
def clerk(make_user, department):
    return make_user(Role.WINDOW_CLERK, department=department, username="clerk_scj")


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.SUPERVISOR, username="supervisor1", full_name="赵监察")


@pytest.fixture
def citizen(make_user):
    return make_user(Role.APPLICANT, username="citizen1", full_name="张三")


@pytest.fixture
def reviewer(make_user, department):
    return make_user(Role.REVIEWER, department=department, username="reviewer_scj")


@pytest.fixture
def head(make_user, department):
    return make_user(Role.DEPARTMENT_HEAD, department=department, username="head_scj")


@pytest.fixture
def operator(make_user):
    return make_user(Role.OPERATOR, username="county_hotline", full_name="县区热线接口")


@pytest.fixture
def other_head(make_user, other_department):
    return make_user(Role.DEPARTMENT_HEAD, department=other_department, username="head_zjj")
