"""Twenty resends of one platform application at once file one case (PostgreSQL: on SQLite the
filings queue on the database's one write lock and the race is not a race)."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.cases.test_concurrency import poster, race
from tests.exchange.inbound.helpers import bearer, platform_body
from zhengwu.accounts.models import Applicant
from zhengwu.cases.models import Case, CaseEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent resends race on PostgreSQL"
    ),
]


def test_twenty_concurrent_resends_file_one_case(item, platform):
    call = poster(bearer(platform), "/api/v1/cases", platform_body())
    results = race(*[call] * 20)
    statuses = sorted(status for status, _answer in results)
    assert statuses == [200] * 19 + [201], results
    assert len({answer["number"] for _status, answer in results}) == 1
    assert Case.objects.count() == 1 and CaseEvent.objects.count() == 1
    assert Applicant.objects.count() == 1
