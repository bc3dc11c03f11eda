"""Fixtures of the rectification ledger tests (imported by each test module): the supervising
office, two units with a head and a clerk each, a leader, time fixed before National Day 2025, and
a builder of seed 002's ledger (3 areas, 5 items, 16 problems, 44 measures)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.factories import DepartmentFactory
from zhengwu.core.roles import Role
from zhengwu.evaluation import rectification_services as services

# A Thursday before National Day 2025 (holidays 10-01..10-08, make-up days 9-28 and 10-11).
NOW = dt.datetime(2025, 9, 25, 9, 0, tzinfo=dt.UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.VAR_DIR


@pytest.fixture
def office(make_user):
    return make_user(Role.SUPERVISOR, username="xn_office", full_name="赵督查")


@pytest.fixture
def unit_a(db):
    return DepartmentFactory(code="SPJ", name="行政审批服务局")


@pytest.fixture
def unit_b(db):
    return DepartmentFactory(code="ZJJ", name="住房和城乡建设局")


@pytest.fixture
def head_a(make_user, unit_a):
    return make_user(Role.DEPARTMENT_HEAD, department=unit_a, username="a_head", full_name="钱局长")


@pytest.fixture
def clerk_a(make_user, unit_a):
    return make_user(Role.WINDOW_CLERK, department=unit_a, username="a_clerk", full_name="孙科员")


@pytest.fixture
def clerk_b(make_user, unit_b):
    return make_user(Role.REVIEWER, department=unit_b, username="b_clerk", full_name="李科员")


@pytest.fixture
def leader(make_user):
    return make_user(Role.LEADER, username="ld", full_name="周主任")


def source(**overrides) -> dict:
    data = {
        "kind": "inspection",
        "title": "区委第五巡察组巡察“回头看”反馈意见",
        "date": "2025-09-01",
    }
    data.update(overrides)
    return data


def one_problem_ledger(office):
    return services.create_rectification(
        actor=office,
        data={
            "source": source(),
            "areas": [
                {
                    "title": "党的领导",
                    "items": [{"title": "好差评", "problems": [{"text": "主动评价率低"}]}],
                }
            ],
        },
    )


def measure_on(office, ledger, *, unit, head, person, kind="deadline", deadline="2025-10-20"):
    return services.add_measure(
        actor=office,
        rectification_id=ledger.pk,
        problem=ledger.problems.first().pk,
        text="摆放好差评二维码",
        unit=unit.code,
        leader=head.pk,
        person=person.pk,
        kind=kind,
        deadline=deadline,
    )


# seed 002: 3 areas, 5 items (2 + 2 + 1), 16 problems (4 + 3 + 3 + 3 + 3), 44 measures
# (three on each of the first 12 problems, two on the last 4).
SEED_002_ITEMS = [[4, 3], [3, 3], [3]]


def seed_002(office, *, unit, head, person):
    areas = []
    n = 0
    for a, items in enumerate(SEED_002_ITEMS, start=1):
        area = {"title": f"方面{a}", "items": []}
        for i, count in enumerate(items, start=1):
            problems = []
            for _ in range(count):
                n += 1
                problems.append({"text": f"具体问题{n}"})
            area["items"].append({"title": f"大项{a}.{i}", "problems": problems})
        areas.append(area)
    ledger = services.create_rectification(actor=office, data={"source": source(), "areas": areas})
    kinds = ["immediate", "deadline", "long_term"]
    measures = []
    for index, problem in enumerate(ledger.problems.order_by("pk")):
        for m in range(3 if index < 12 else 2):
            measures.append(
                services.add_measure(
                    actor=office,
                    rectification_id=ledger.pk,
                    problem=problem.pk,
                    text=f"措施{problem.pk}-{m}",
                    unit=unit.code,
                    leader=head.pk,
                    person=person.pk,
                    kind=kinds[m],
                    deadline="2025-10-31",
                )
            )
    return ledger, measures
