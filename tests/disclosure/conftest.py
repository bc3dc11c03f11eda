"""Disclosure fixtures: the government's disclosure office (an officer without a department and
its head), a department officer at SCJ, an applicant; time controlled with time-machine."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.cases.helpers import AT
from tests.factories import valid_id_number, valid_uscc
from zhengwu.core.roles import Role
from zhengwu.disclosure import services

__all__ = ["AT", "applicant", "file"]


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
def office(make_user):
    """The government's disclosure office: sees and handles every request."""
    return make_user(Role.DISCLOSURE_OFFICER, username="gk_office", full_name="王公开")


@pytest.fixture
def head(make_user):
    """The head of the disclosure office: approves extensions."""
    user = make_user(Role.DISCLOSURE_OFFICER, username="gk_head", full_name="李主任")
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get_or_create(name=Role.DEPARTMENT_HEAD.value)[0])
    return user


@pytest.fixture
def scj_officer(make_user, department):
    return make_user(
        Role.DISCLOSURE_OFFICER, department=department, username="gk_scj", full_name="赵市监"
    )


@pytest.fixture
def zjj_officer(make_user, other_department):
    return make_user(
        Role.DISCLOSURE_OFFICER, department=other_department, username="gk_zjj", full_name="钱住建"
    )


@pytest.fixture
def citizen(make_user):
    return make_user(Role.APPLICANT, username="citizen_gk", full_name="张三")


@pytest.fixture
def stranger(make_user):
    return make_user(Role.APPLICANT, username="citizen_other", full_name="李四")


def applicant(seq: int = 1, **overrides) -> dict:
    data = {
        "type": "person",
        "name": "张三",
        "id_number": valid_id_number(seq),
        "phone": "13800138000",
        "address": "杭州市西湖区文三路1号",
    }
    data.update(overrides)
    return data


def organisation(seq: int = 1, kind: str = "business", **overrides) -> dict:
    data = {
        "type": kind,
        "name": "某某科技有限公司",
        "uscc": valid_uscc(seq),
        "phone": "0571-88888888",
    }
    data.update(overrides)
    return data


def file(actor, *, channel="internet", who=None, **kwargs):
    values = {
        "channel": channel,
        "applicant": who or applicant(),
        "description": "2025年本区老旧小区改造项目的资金安排文件",
        "form": "electronic",
        "delivery": "email",
    }
    values.update(kwargs)
    return services.file_request(actor=actor, **values)
