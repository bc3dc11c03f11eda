"""Concurrent steps on one measure: of a verify and a return sent at once one wins and the other
gets a 409; of two claims one. The ledger's trail stays whole. Real threads on PostgreSQL (or a
file SQLite)."""

from __future__ import annotations

import pytest

from tests.cases.test_concurrency import _shared_cache_sqlite, bearer, poster, race
from tests.evaluation.rectification_fixtures import *  # noqa: F403
from tests.evaluation.rectification_fixtures import measure_on, one_problem_ledger
from zhengwu.core.roles import Role
from zhengwu.evaluation import rectification_services as services
from zhengwu.evaluation.models.rectification import Measure, RectificationEvent
from zhengwu.evaluation.rectification_integrity import verify

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(_shared_cache_sqlite(), reason="in-memory SQLite test database"),
]


def test_verify_against_return_one_wins(office, make_user, unit_a, head_a, clerk_a):
    second = make_user(Role.SUPERVISOR, username="xn_2", full_name="钱督查")
    ledger = one_problem_ledger(office)
    measure = measure_on(office, ledger, unit=unit_a, head=head_a, person=clerk_a)
    services.act(actor=clerk_a, measure_id=measure.pk, action="claim", text="完成")
    path = f"/api/v1/measures/{measure.pk}"
    results = race(
        poster(bearer(office), f"{path}/verify", {}),
        poster(bearer(second), f"{path}/return", {"reason": "佐证不足"}),
    )
    assert sorted(status for status, _body in results) == [200, 409], results
    assert RectificationEvent.objects.filter(rectification=ledger).count() == 5
    assert all(problem is None for _id, problem in verify())


def test_two_claims_one_wins(office, unit_a, head_a, clerk_a):
    ledger = one_problem_ledger(office)
    measure = measure_on(office, ledger, unit=unit_a, head=head_a, person=clerk_a)
    path = f"/api/v1/measures/{measure.pk}/claim"
    results = race(
        poster(bearer(clerk_a), path, {"text": "完成"}),
        poster(bearer(head_a), path, {"text": "完成"}),
    )
    assert sorted(status for status, _body in results) == [200, 409], results
    assert Measure.objects.get(pk=measure.pk).version == 2
    assert all(problem is None for _id, problem in verify())
