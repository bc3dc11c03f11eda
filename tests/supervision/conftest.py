"""Supervision fixtures: the case fixtures (item, clerk, reviewer, head, supervisor, travel)."""

from __future__ import annotations

import pytest

from tests.cases.conftest import (  # noqa: F401
    citizen,
    clerk,
    head,
    item,
    other_clerk,
    private_root,
    reviewer,
    supervisor,
    travel,
)
from zhengwu.core.roles import Role


@pytest.fixture
def leader(make_user):
    return make_user(Role.LEADER, username="leader1")


@pytest.fixture
def other_head(make_user, other_department):
    return make_user(Role.DEPARTMENT_HEAD, department=other_department, username="head_zjj")
