"""Ticket fixtures: the default categories, one user per role (the SCJ department is the handling
unit, ZJJ another unit), and helpers that walk a ticket through the services. Time is controlled
with ``travel`` (time-machine), shared with the case tests."""

from __future__ import annotations

import pytest

from tests.cases.conftest import clerk, item, travel  # noqa: F401  (fixtures, shared)
from tests.cases.helpers import AT
from zhengwu.core.roles import Role
from zhengwu.tickets import services

__all__ = ["AT"]


@pytest.fixture
def categories(db):
    services.seed_ticket_categories()


@pytest.fixture
def operator(make_user):
    return make_user(Role.OPERATOR, username="operator1", full_name="话务员甲")


@pytest.fixture
def unit(make_user, department):
    """A reviewer of the SCJ department: staff of the handling unit."""
    return make_user(Role.REVIEWER, department=department, username="unit_scj")


@pytest.fixture
def other_unit(make_user, other_department):
    return make_user(Role.REVIEWER, department=other_department, username="unit_zjj")


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.SUPERVISOR, username="supervisor1")


@pytest.fixture
def leader(make_user):
    return make_user(Role.LEADER, username="leader1")


@pytest.fixture
def citizen(make_user):
    return make_user(Role.APPLICANT, username="citizen1")


@pytest.fixture
def new_ticket(operator, categories):
    """``new_ticket(**overrides)``: a phone ticket registered by the operator."""

    def make(**overrides):
        data = {
            "actor": operator,
            "kind": "complaint",
            "category": "XNTS02",
            "content": "办理营业执照变更，窗口互相推诿，跑了三次没办成。",
            "caller_phone": "13800138000",
            "caller_name": "王先生",
        }
        data.update(overrides)
        return services.create_ticket(**data)

    return make


@pytest.fixture
def dispatched(new_ticket, operator, department):
    """``dispatched(**overrides)``: a ticket dispatched to SCJ."""

    def make(**overrides):
        ticket = new_ticket(**overrides)
        return services.act(
            actor=operator, number=ticket.number, action="dispatch", data={"department": "SCJ"}
        )

    return make
