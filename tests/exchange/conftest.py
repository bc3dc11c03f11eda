"""Exchange fixtures: the case fixtures (SCJ department, its published item, one user per role,
``travel``), the ratings' completed-case builder, and outbox settings fit for a local receiver."""

from __future__ import annotations

import pytest

from tests.cases.conftest import (  # noqa: F401 (fixtures)
    citizen,
    citizen_id,
    clerk,
    head,
    item,
    other_citizen,
    other_clerk,
    private_root,
    reviewer,
    supervisor,
    travel,
)
from tests.ratings.conftest import complete, sms_outbox  # noqa: F401 (fixtures)
from tests.tickets.conftest import categories, new_ticket, operator  # noqa: F401 (fixtures)


@pytest.fixture
def receiver_settings(settings):
    settings.EXCHANGE_PUSH_URL = ""
    settings.EXCHANGE_PUSH_TIMEOUT = 0.5
    settings.EXCHANGE_PUSH_BASE_SECONDS = 10
    settings.EXCHANGE_PUSH_CAP_SECONDS = 300
    settings.EXCHANGE_PUSH_JITTER = 0
    settings.EXCHANGE_PUSH_BATCH = 3
    return settings
