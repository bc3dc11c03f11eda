"""Concurrent staffing writes: of two sign-ins of one person on one day, or two records of one
patrol, one wins and the other gets a 409. Real threads on PostgreSQL (or a file SQLite)."""

from __future__ import annotations

import pytest

from tests.cases.test_concurrency import _shared_cache_sqlite, bearer, poster, race
from tests.hall.staffing.conftest import AT
from zhengwu.hall import staffing_services as services
from zhengwu.hall.models.staffing import Attendance, Patrol

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(_shared_cache_sqlite(), reason="in-memory SQLite test database"),
]


def test_two_sign_ins_at_once_one_wins(floor, travel):
    travel(AT("2026-03-02 08:55"))
    auth = bearer(floor.a)
    results = race(
        poster(auth, "/api/v1/hall/attendance", {"method": "panel"}),
        poster(auth, "/api/v1/hall/attendance", {"method": "mobile", "lat": 30.0, "lon": 120.0}),
    )
    assert sorted(status for status, _body in results) == [201, 409], results
    assert Attendance.objects.count() == 1


def test_one_patrol_recorded_twice_at_once(floor, travel):
    travel(AT("2026-03-02 07:00"))
    services.save_roster(
        actor=floor.admin,
        hall=floor.hall,
        day="2026-03-02",
        leader_a=floor.leader.pk,
        leader_b=floor.leader_b.pk,
    )
    travel(AT("2026-03-02 09:10"))
    results = race(
        poster(bearer(floor.leader), "/api/v1/hall/patrols", {"number": 1}),
        poster(bearer(floor.leader_b), "/api/v1/hall/patrols", {"number": 1}),
    )
    statuses = sorted(status for status, _body in results)
    assert statuses == [201, 409], results
    assert Patrol.objects.count() == 1
