"""The whole API fuzzed from its own OpenAPI document (schemathesis): whatever a client sends,
valid or not, no answer is a 5xx, and every answer matches the document (the schema declared for
its status, and its content type).

One test per operation and caller: a staff member holding every staff role of a department (so
staff operations go past their role checks) and an applicant. Bounded and derandomized, so a run
is deterministic and short. The document is the one the app serves, loaded once at collection;
requests go in-process to the project's WSGI application against the test database.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from tests.factories import UserFactory
from zhengwu.core.roles import Role

pytestmark = pytest.mark.django_db

SCHEMA = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
OPERATIONS = sorted(result.ok().label for result in SCHEMA.get_all_operations())
STAFF_ROLES = [
    Role.WINDOW_CLERK,
    Role.REVIEWER,
    Role.DEPARTMENT_HEAD,
    Role.OPERATOR,
    Role.SUPERVISOR,
]
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
EXAMPLES = 20


@pytest.fixture
def in_process(db):
    """As Django's test client does: requests do not close the test's database connection when
    they end (it holds the test's transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def caller(request, department, citizen, item, categories, bearer):
    """The Authorization header of the parametrized caller; a published item and the ticket
    categories are in the database."""
    if request.param == "staff":
        user = UserFactory(roles=STAFF_ROLES, department=department, username="staff_all")
    else:
        user = citizen
    return {"Authorization": bearer(user)["HTTP_AUTHORIZATION"]}


@pytest.mark.parametrize("caller", ["staff", "applicant"], indirect=True)
@pytest.mark.parametrize("label", OPERATIONS)
def test_no_5xx_and_answers_match_the_document(in_process, caller, label):
    operation = SCHEMA.find_operation_by_label(label)
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers=caller, checks=CHECKS)

    run()


def test_every_operation_is_fuzzed():
    assert len(OPERATIONS) > 30 and "POST /api/v1/cases" in OPERATIONS
