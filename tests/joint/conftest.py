"""Joint case fixtures: a 开办餐饮店-like scene of three items of two departments in two stages,
led by SCJ; one user per role. Time is controlled with time-machine."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.cases.helpers import AT, applicant_payload
from tests.catalog.builders import item_dict
from zhengwu.cases.services import ApplicantInput
from zhengwu.catalog import services as catalog_services
from zhengwu.core.roles import Role
from zhengwu.joint import services

SCJ_ITEM = "11330100SCJ-XK-0001"  # 食品经营许可: M01 申请书, M02 营业执照复印件, M03 optional
ZJJ_FIRST = "11330100ZJJ-XK-0001"
ZJJ_SECOND = "11330100ZJJ-XK-0002"
SCENE = "KBCYD"


def zjj_item(impl_code: str, name: str, statutory_limit: int) -> dict:
    return item_dict(
        impl_code=impl_code,
        department="ZJJ",
        name=name,
        statutory_limit=statutory_limit,
        promised_limit=statutory_limit,
        materials=[
            {"code": "Z01", "name": f"{name}申请表", "required": True, "form": "paper"},
            {"code": "Z02", "name": "营业执照复印件", "required": True, "form": "paper"},
        ],
    )


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
def admin(make_user):
    return make_user(Role.ADMIN, username="admin_joint", full_name="管理员")


@pytest.fixture
def items(department, other_department, travel):
    travel(AT("2026-01-05 09:00"))
    catalog_services.import_items(
        [
            item_dict(),
            zjj_item(ZJJ_FIRST, "建设工程消防设计审查", 15),
            zjj_item(ZJJ_SECOND, "建设工程消防验收", 20),
        ],
        valid_from=dt.date(2026, 1, 5),
    )


@pytest.fixture
def scene(items, admin, travel):
    travel(AT("2026-01-06 09:00"))
    services.save_scene(
        actor=admin,
        code=SCENE,
        name="开办餐饮店",
        lead_department="SCJ",
        promised_limit=30,
        stages=[[SCJ_ITEM, ZJJ_FIRST], [ZJJ_SECOND]],
    )
    return services.publish_scene(actor=admin, code=SCENE)


@pytest.fixture
def clerk(make_user, department):
    return make_user(
        Role.WINDOW_CLERK, department=department, username="clerk_scj", full_name="王窗口"
    )


@pytest.fixture
def zjj_clerk(make_user, other_department):
    return make_user(Role.WINDOW_CLERK, department=other_department, username="clerk_zjj")


@pytest.fixture
def reviewer(make_user, department):
    return make_user(Role.REVIEWER, department=department, username="reviewer_scj")


@pytest.fixture
def zjj_reviewer(make_user, other_department):
    return make_user(Role.REVIEWER, department=other_department, username="reviewer_zjj")


@pytest.fixture
def leader(make_user):
    return make_user(Role.LEADER, username="leader1", full_name="李县长")


@pytest.fixture
def citizen(make_user):
    return make_user(Role.APPLICANT, username="citizen1", full_name="张三")


def file_joint(actor, *, materials=("S01", "S02", "S04", "S05"), channel="window", **kwargs):
    person = kwargs.pop("applicant", None) or applicant_payload()
    return services.file(
        actor=actor,
        scene=kwargs.pop("scene", SCENE),
        channel=channel,
        applicant=ApplicantInput(**person),
        materials=list(materials),
        **kwargs,
    )
