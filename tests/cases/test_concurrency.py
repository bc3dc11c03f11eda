"""Concurrent writes to one case: exactly one of two conflicting actions wins, the other gets a
409; concurrent retries with one Idempotency-Key file one case. Each thread talks to the database
through its own connection, started together at a barrier."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from tests.cases.helpers import AT, applicant_payload, file_case
from zhengwu.accounts.models import Applicant
from zhengwu.accounts.services import issue_token
from zhengwu.cases.integrity import verify
from zhengwu.cases.models import Case, CaseEvent
from zhengwu.core.models import IdempotencyKey

ROUNDS = 3


def _shared_cache_sqlite() -> bool:
    """An in-memory SQLite test database is shared between threads through SQLite's shared
    cache, whose table locks fail at once instead of waiting: writers cannot queue there. A
    file database (``DATABASES["default"]["TEST"]["NAME"]``) queues them like production."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        return False
    name = str((db.get("TEST") or {}).get("NAME") or "")
    return not name or name == ":memory:" or "mode=memory" in name


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        _shared_cache_sqlite(),
        reason="in-memory SQLite test database: set DATABASES['default']['TEST']['NAME'] to a "
        "file so concurrent writers queue as in production",
    ),
]


def bearer(user) -> dict:
    _token, raw = issue_token(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def race(*calls):
    """Run the calls in threads started at one barrier; their ``(status, json)`` in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            response = call()
            results[index] = (response.status_code, response.json())
        except BaseException as error:  # reported by the assertions of the caller
            results[index] = ("error", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def poster(auth, path, body, **headers):
    def call():
        return Client().post(path, body, content_type="application/json", **auth, **headers)

    return call


@pytest.mark.parametrize("attempt", range(ROUNDS))
def test_accept_against_refuse_one_wins(item, clerk, reviewer, travel, attempt):
    travel(AT("2025-09-30 10:00"))
    number = file_case(clerk).number
    path = f"/api/v1/cases/{number}"
    results = race(
        poster(bearer(clerk), f"{path}/accept", {}),
        poster(bearer(reviewer), f"{path}/refuse", {"reason": "不符合法定条件"}),
    )
    statuses = sorted(str(status) for status, _body in results)
    assert statuses == ["200", "409"], results
    loser = next(body for status, body in results if status == 409)
    assert loser["code"] == "illegal_transition"
    winner = next(body for status, body in results if status == 200)
    case = Case.objects.get(number=number)
    assert case.state == winner["state"] in ("accepted", "refused")
    assert case.version == 2
    assert [e.kind for e in CaseEvent.objects.filter(case=case).order_by("seq")] == [
        "submit",
        "accept" if case.state == "accepted" else "refuse",
    ]


@pytest.mark.parametrize("attempt", range(ROUNDS))
def test_two_accepts_with_the_same_version_one_wins(item, clerk, reviewer, travel, attempt):
    travel(AT("2025-09-30 10:00"))
    case = file_case(clerk)
    path = f"/api/v1/cases/{case.number}/accept"
    results = race(
        poster(bearer(clerk), path, {"version": case.version}),
        poster(bearer(reviewer), path, {"version": case.version}),
    )
    assert sorted(str(status) for status, _body in results) == ["200", "409"], results
    loser = next(body for status, body in results if status == 409)
    assert loser["code"] == "stale_version"
    case.refresh_from_db()
    assert case.state == "accepted" and case.version == 2 and case.event_count == 2
    assert CaseEvent.objects.filter(case=case, kind="accept").count() == 1


@pytest.mark.parametrize("attempt", range(ROUNDS))
def test_concurrent_retries_with_one_key_file_one_case(item, clerk, travel, attempt):
    travel(AT("2025-09-30 10:00"))
    auth = bearer(clerk)
    body = {
        "item": "11330100SCJ-XK-0001",
        "channel": "window",
        "applicant": applicant_payload(),
        "materials": ["M01", "M02"],
    }
    call = poster(auth, "/api/v1/cases", body, HTTP_IDEMPOTENCY_KEY=f"retry-{attempt}")
    results = race(call, call, call)
    assert [status for status, _body in results] == [201, 201, 201], results
    assert len({answer["number"] for _status, answer in results}) == 1
    assert Case.objects.count() == 1
    assert IdempotencyKey.objects.filter(key=f"retry-{attempt}").count() == 1


@pytest.mark.parametrize("attempt", range(ROUNDS))
def test_concurrent_filings_get_distinct_numbers_fixed_at_filing(item, clerk, travel, attempt):
    """The number (filing day + the case id) is taken before the row is written: filings at the
    same moment never share one, and each number is the one its case keeps."""
    travel(AT("2025-09-30 10:00"))
    calls = [
        poster(
            bearer(clerk),
            "/api/v1/cases",
            {
                "item": "11330100SCJ-XK-0001",
                "channel": "window",
                "applicant": applicant_payload(100 * attempt + n),
                "materials": ["M01", "M02"],
            },
        )
        for n in range(6)
    ]
    results = race(*calls)
    assert [status for status, _body in results] == [201] * 6, results
    numbers = [answer["number"] for _status, answer in results]
    assert len(set(numbers)) == 6
    cases = Case.objects.filter(number__in=numbers)
    assert cases.count() == 6
    for case in cases:
        assert case.number == f"20250930{case.pk:08d}"
        assert case.event_count == 1
        assert case.head_hash == CaseEvent.objects.get(case=case).hash
    assert not [b for _pk, b in verify() if b is not None]


@pytest.mark.parametrize("attempt", range(ROUNDS))
def test_concurrent_filings_by_one_new_applicant_register_them_once(item, clerk, travel, attempt):
    """Windows filing at once for a person never seen before: every filing succeeds and all of
    them name the one applicant row (the insert and the collision are one statement)."""
    travel(AT("2025-09-30 10:00"))
    person = applicant_payload(900 + attempt)
    calls = [
        poster(
            bearer(clerk),
            "/api/v1/cases",
            {
                "item": "11330100SCJ-XK-0001",
                "channel": "window",
                "applicant": {**person, "phone": f"1390000000{n}"},
                "materials": ["M01", "M02"],
            },
        )
        for n in range(4)
    ]
    results = race(*calls)
    assert [status for status, _body in results] == [201] * 4, results
    registered = Applicant.objects.get(id_number=person["id_number"])
    numbers = [answer["number"] for _status, answer in results]
    assert set(Case.objects.filter(number__in=numbers).values_list("applicant", flat=True)) == {
        registered.pk
    }
    assert registered.phone in {f"1390000000{n}" for n in range(4)}
