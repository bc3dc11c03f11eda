"""Concurrent writes to one disclosure request: of two conflicting steps one wins and the other
gets a 409; one Idempotency-Key files once. Real threads on PostgreSQL (or a file SQLite)."""

from __future__ import annotations

import pytest

from tests.cases.test_concurrency import _shared_cache_sqlite, bearer, poster, race
from tests.disclosure.conftest import AT, applicant, file
from zhengwu.disclosure.integrity import verify
from zhengwu.disclosure.models import DisclosureRequest

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(_shared_cache_sqlite(), reason="in-memory SQLite test database"),
]


def test_two_replies_one_wins(travel, office, make_user, citizen):
    from zhengwu.core.roles import Role

    second = make_user(Role.DISCLOSURE_OFFICER, username="gk_office_2", full_name="周公开")
    travel(AT("2026-03-02 10:00"))
    request = file(citizen)
    path = f"/api/v1/disclosure/requests/{request.number}/reply"
    results = race(
        poster(bearer(office), path, {"type": "disclosed"}),
        poster(bearer(second), path, {"type": "withheld", "reason": 1}),
    )
    statuses = sorted(status for status, _body in results)
    assert statuses == [200, 409], results
    request.refresh_from_db()
    assert request.event_count == 2
    assert request.documents.count() == 1
    assert all(problem is None for _id, problem in verify())


def test_one_idempotency_key_files_once(travel, citizen):
    travel(AT("2026-03-02 10:00"))
    body = {
        "channel": "internet",
        "applicant": applicant(),
        "description": "某文件",
        "form": "paper",
        "delivery": "post",
    }
    auth = bearer(citizen)
    results = race(
        *(
            poster(auth, "/api/v1/disclosure/requests", body, HTTP_IDEMPOTENCY_KEY="same")
            for _ in range(2)
        )
    )
    numbers = {answer["number"] for status, answer in results if status == 201}
    assert len(numbers) == 1, results
    assert DisclosureRequest.objects.count() == 1
