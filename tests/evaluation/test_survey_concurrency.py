"""One answer per link under concurrent submission: of several answers sent at once by the same
link exactly one is kept, the others get 409. Real threads on PostgreSQL (or a file SQLite)."""

from __future__ import annotations

import pytest

from tests.cases.test_concurrency import _shared_cache_sqlite, poster, race
from tests.evaluation import seed001
from tests.evaluation.conftest import seed_evaluation
from zhengwu.evaluation.models.surveys import SurveyAnswer, SurveyResponse

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(_shared_cache_sqlite(), reason="in-memory SQLite test database"),
]


@pytest.mark.parametrize("attempt", range(2))
def test_one_answer_per_link(supervisor, six_units, template, attempt):
    _evaluation, tokens = seed_evaluation(supervisor, template)
    token = tokens["企业代表"][0]
    body = {"answers": seed001.answers("企业代表", 0)}
    results = race(*(poster({}, f"/api/v1/survey/{token}", body) for _ in range(4)))
    statuses = sorted(str(status) for status, _body in results)
    assert statuses == ["201", "409", "409", "409"], results
    assert {b["code"] for s, b in results if s == 409} == {"survey_answered"}
    assert SurveyResponse.objects.count() == 1
    assert SurveyAnswer.objects.count() == len(seed001.UNITS) * 3 + 2
