"""Fixtures of the API contract tests: the case fixtures (the SCJ department, its published item,
one user per role, time-machine ``travel``) and the ticket categories."""

from __future__ import annotations

import pytest

from tests.cases.conftest import (  # noqa: F401 (fixtures)
    citizen,
    clerk,
    item,
    private_root,
    supervisor,
    travel,
)
from tests.tickets.conftest import categories, operator  # noqa: F401 (fixtures)
from zhengwu.accounts.services import issue_token


@pytest.fixture
def bearer():
    """``bearer(user)``: the Authorization header of a fresh API token of the user."""

    def make(user) -> dict:
        _token, raw = issue_token(user=user)
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make
