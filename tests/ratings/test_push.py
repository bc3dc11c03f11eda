"""The push outbox against a real local HTTP receiver that fails, times out and answers garbage:
every record ends delivered exactly once at the receiver, and nothing is marked delivered that the
receiver did not acknowledge."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command

from tests.cases.helpers import AT
from tests.ratings.helpers import rate
from zhengwu.core import clock
from zhengwu.ratings import push
from zhengwu.ratings.models import PushRecord

pytestmark = pytest.mark.django_db


class Receiver:
    """A provincial platform stand-in: dedupes by key, counts first acceptances per key, and
    misbehaves on the attempts listed in ``script`` ("500", "timeout", "garbage", "partial")."""

    def __init__(self, script=()):
        self.script = list(script)
        self.accepted: dict[str, int] = {}
        self.requests = 0
        self.idempotency_keys: list[str] = []
        self.records: dict[str, dict] = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver.lock:
                    receiver.requests += 1
                    receiver.idempotency_keys.append(self.headers.get("Idempotency-Key", ""))
                    mode = receiver.script.pop(0) if receiver.script else "ok"
                    if mode == "500":
                        return self._answer(500, b'{"error": "down"}')
                    keys = [r["key"] for r in body["records"]]
                    if mode == "partial":
                        keys = keys[: len(keys) // 2]
                    for record in body["records"]:
                        if record["key"] in keys and record["key"] not in receiver.accepted:
                            receiver.accepted[record["key"]] = 1
                            receiver.records[record["key"]] = record
                if mode == "timeout":
                    time.sleep(1.5)  # processed, but the answer comes too late
                if mode == "garbage":
                    return self._answer(200, b"<html>gateway</html>")
                return self._answer(200, json.dumps({"accepted": keys}).encode())

            def _answer(self, status, body):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/push"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_settings(settings):
    settings.RATINGS_PUSH_TIMEOUT = 0.5
    settings.RATINGS_PUSH_BASE_SECONDS = 10
    settings.RATINGS_PUSH_CAP_SECONDS = 300
    settings.RATINGS_PUSH_JITTER = 0
    settings.RATINGS_PUSH_BATCH = 3
    return settings


def queue(n: int) -> list[str]:
    now = clock.now()
    PushRecord.objects.bulk_create(
        PushRecord(
            key=f"rating-t{i}", kind="rating", payload={"i": i}, next_attempt_at=now, created_at=now
        )
        for i in range(n)
    )
    return [f"rating-t{i}" for i in range(n)]


def test_exactly_once_through_failures(db, receiver_settings, travel):
    travel(AT("2025-03-03 10:00"))
    keys = queue(7)
    script = ["500", "500", "timeout", "garbage", "partial"]
    with Receiver(script) as receiver:
        receiver_settings.RATINGS_PUSH_URL = receiver.url
        moment = AT("2025-03-03 10:00")
        for _round in range(30):
            push.deliver()
            # never delivered what the receiver did not acknowledge
            delivered = set(
                PushRecord.objects.filter(status="delivered").values_list("key", flat=True)
            )
            assert delivered <= set(receiver.accepted)
            if len(delivered) == len(keys):
                break
            moment += dt.timedelta(seconds=301)  # past any back-off
            travel(moment)
    assert set(receiver.accepted) == set(keys)
    assert all(count == 1 for count in receiver.accepted.values())
    rows = PushRecord.objects.order_by("key")
    assert all(r.status == "delivered" and r.delivered_at for r in rows)
    assert max(r.attempts for r in rows) >= 3
    assert receiver.requests > len(keys) // 3  # the failures made it retry
    # a batch is sent again under the same Idempotency-Key
    assert len(set(receiver.idempotency_keys)) < len(receiver.idempotency_keys)


def test_backoff_schedule_and_give_up(db, receiver_settings, travel):
    receiver_settings.RATINGS_PUSH_MAX_ATTEMPTS = 3
    travel(AT("2025-03-03 10:00"))
    queue(1)
    with Receiver(["500"] * 10) as receiver:
        receiver_settings.RATINGS_PUSH_URL = receiver.url
        push.deliver()
        row = PushRecord.objects.get()
        assert row.attempts == 1 and row.status == "pending" and "HTTP 500" in row.last_error
        assert row.next_attempt_at == AT("2025-03-03 10:00") + dt.timedelta(seconds=10)
        push.deliver()  # not due yet: nothing is sent
        assert receiver.requests == 1
        travel(AT("2025-03-03 10:00") + dt.timedelta(seconds=10))
        push.deliver()
        row.refresh_from_db()
        assert row.attempts == 2
        assert row.next_attempt_at == clock.now() + dt.timedelta(seconds=20)
        travel(AT("2025-03-03 10:01"))
        push.deliver()
        row.refresh_from_db()
        assert row.status == "failed" and row.attempts == 3
        # operators requeue the failed records
        receiver.script.clear()
        call_command("ratings_push", "--retry-failed")
        row.refresh_from_db()
        assert row.status == "delivered" and set(receiver.accepted) == {row.key}


def test_receiver_down_loses_nothing(db, receiver_settings, travel):
    travel(AT("2025-03-03 10:00"))
    keys = queue(4)
    with Receiver() as receiver:
        port_url = receiver.url
    receiver_settings.RATINGS_PUSH_URL = port_url  # nobody listens there now
    report = push.deliver()
    assert report.delivered == 0 and report.errors
    assert PushRecord.objects.filter(status="pending").count() == 4
    travel(AT("2025-03-03 11:00"))
    with Receiver() as receiver:
        receiver_settings.RATINGS_PUSH_URL = receiver.url
        call_command("ratings_push")
    assert set(receiver.accepted) == set(keys)
    assert PushRecord.objects.filter(status="delivered").count() == 4


def test_a_rating_is_pushed_with_the_data_elements(item, complete, receiver_settings, travel):
    case = complete("2025-03-03 10:00")
    rating = rate(case, 2, comment="慢", dimensions={"attitude": 2})
    with Receiver() as receiver:
        receiver_settings.RATINGS_PUSH_URL = receiver.url
        call_command("ratings_push")
    data = receiver.records[f"rating-{rating.pk}"]["data"]
    assert data["case_number"] == case.number
    assert data["item_impl_code"] == "11330100SCJ-XK-0001" and data["item_base_code"]
    assert data["applicant_type"] == "person" and data["channel"] == "onsite"
    assert data["level"] == 2 and data["dimensions"] == {"attitude": 2}
    assert (
        data["rated_at"].startswith("2025-03-03T02:00") and data["rectification_status"] == "opened"
    )


def test_rating_and_its_record_commit_together(item, complete):
    from zhengwu.core.errors import ValidationFailed

    case = complete("2025-03-03 10:00")
    with pytest.raises(ValidationFailed):
        rate(case, 9)
    assert not PushRecord.objects.exists()


def test_no_endpoint(db, settings):
    settings.RATINGS_PUSH_URL = ""
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("ratings_push")


def test_delivery_task_is_enqueued_on_commit(
    item, complete, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.RATINGS_PUSH_URL = "http://127.0.0.1:9/none"
    case = complete("2025-03-03 10:00")
    with django_capture_on_commit_callbacks(execute=True):
        rate(case, 5)
    assert DBTaskResult.objects.filter(task_path__endswith="deliver_pushes").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_deliverers_never_send_a_record_twice(receiver_settings):
    """SKIP LOCKED on PostgreSQL, the writers' turn on SQLite, and the lease: each record is
    claimed by one deliverer only."""
    keys = queue(60)
    sent: list[str] = []
    with Receiver() as receiver:
        receiver_settings.RATINGS_PUSH_URL = receiver.url

        def post(url, body, headers, timeout):
            sent.extend(r["key"] for r in json.loads(body)["records"])
            return push.http_post(url, body, headers, timeout)

        def run():
            try:
                push.deliver(post=post)
            finally:
                from django.db import connection

                connection.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(sent) == sorted(keys)
    assert PushRecord.objects.filter(status="delivered").count() == 60
