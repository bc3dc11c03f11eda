"""Case fixtures: a published item of the SCJ department (M01, M02 required; M03 optional),
an immediate item, and one user per role. Time is controlled with time-machine."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.cases.helpers import AT, applicant_payload, file_case
from tests.catalog.builders import immediate_item, item_dict
from tests.factories import valid_id_number
from zhengwu.catalog import services as catalog_services
from zhengwu.catalog.models import ServiceItem
from zhengwu.core.roles import Role

__all__ = ["AT", "applicant_payload", "file_case"]

ITEM = item_dict()["impl_code"]
IMMEDIATE = "11330100SCJ-QT-0002"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.VAR_DIR


@pytest.fixture
def travel():
    """``travel(moment)`` moves the process clock (and zhengwu.core.clock) to an aware moment."""
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
    catalog_services.import_items(
        [item_dict(), immediate_item(IMMEDIATE)], valid_from=dt.date(2025, 1, 1)
    )
    return ServiceItem.objects.get(impl_code=ITEM)


@pytest.fixture
def clerk(make_user, department):
    return make_user(Role.WINDOW_CLERK, department=department, username="clerk_scj")


@pytest.fixture
def reviewer(make_user, department):
    return make_user(Role.REVIEWER, department=department, username="reviewer_scj")


@pytest.fixture
def head(make_user, department):
    return make_user(Role.DEPARTMENT_HEAD, department=department, username="head_scj")


@pytest.fixture
def other_clerk(make_user, other_department):
    return make_user(Role.WINDOW_CLERK, department=other_department, username="clerk_zjj")


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.SUPERVISOR, username="supervisor1")


@pytest.fixture
def citizen(make_user):
    return make_user(Role.APPLICANT, username="citizen1", full_name="张三")


@pytest.fixture
def other_citizen(make_user):
    return make_user(Role.APPLICANT, username="citizen2", full_name="李四")


@pytest.fixture
def citizen_id():
    return valid_id_number(1)
