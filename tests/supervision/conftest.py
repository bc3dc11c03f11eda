"""Supervision fixtures: the case fixtures (item, clerk, reviewer, head, supervisor, travel) and
the ticket fixtures (operator, the handling units, new and dispatched tickets)."""

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
from tests.tickets.conftest import (  # noqa: F401  (the ticket fixtures, for the replay)
    categories,
    dispatched,
    new_ticket,
    operator,
    other_unit,
    unit,
)
from zhengwu.core.roles import Role


@pytest.fixture
def leader(make_user):
    return make_user(Role.LEADER, username="leader1")


@pytest.fixture
def other_head(make_user, other_department):
    return make_user(Role.DEPARTMENT_HEAD, department=other_department, username="head_zjj")
