"""The one outbox against a real local HTTP receiver that fails, times out, answers garbage,
acknowledges part of a batch and refuses a record as invalid: every record ends delivered exactly
once at the receiver, in order within its stream, and nothing is marked delivered that the
receiver did not acknowledge. (The ratings push moved onto this outbox: its tests are here.)"""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from django.core.management import call_command

from tests.cases.helpers import AT
from tests.exchange.receiver import Receiver, drain, queue
from tests.ratings.helpers import rate
from zhengwu.core import clock
from zhengwu.exchange import push, records
from zhengwu.exchange.models.outbound import OutboxRecord

pytestmark = pytest.mark.django_db


def test_exactly_once_through_failures(db, receiver_settings, travel):
    travel(AT("2025-03-03 10:00"))
    keys = queue(7)
    script = ["500", "500", "timeout", "garbage", "partial", "down"]
    with Receiver(script) as receiver:
        receiver_settings.EXCHANGE_PUSH_URL = receiver.url
        moment = AT("2025-03-03 10:00")
        for _round in range(30):
            push.deliver()
            # never delivered what the receiver did not acknowledge
            delivered = set(
                OutboxRecord.objects.filter(status="delivered").values_list("key", flat=True)
            )
            assert delivered <= set(receiver.accepted)
            if len(delivered) == len(keys):
                break
            moment += dt.timedelta(seconds=301)  # past any back-off
            travel(moment)
    assert set(receiver.accepted) == set(keys)
    assert all(count == 1 for count in receiver.accepted.values())
    rows = OutboxRecord.objects.order_by("key")
    assert all(r.status == "delivered" and r.delivered_at for r in rows)
    assert max(r.attempts for r in rows) >= 3
    assert receiver.requests > len(keys) // 3  # the failures made it retry
    # a batch is sent again under the same Idempotency-Key
    assert len(set(receiver.idempotency_keys)) < len(receiver.idempotency_keys)


def test_in_order_per_stream_through_partial_acknowledgments(db, receiver_settings, travel):
    """Three streams of five records, batches of three, every other answer partial: each
    stream's records reach the receiver in the order they were written."""
    travel(AT("2025-03-03 10:00"))
    keys = queue(15, streams=3)
    with Receiver(["partial", "ok"] * 20) as receiver:
        receiver_settings.EXCHANGE_PUSH_URL = receiver.url
        drain(receiver_settings, travel, AT("2025-03-03 10:00"))
    assert set(receiver.accepted) == set(keys)
    written = {}
    for key, stream in OutboxRecord.objects.order_by("id").values_list("key", "stream"):
        written.setdefault(stream, []).append(key)
    assert receiver.order == written


def test_a_later_record_waits_for_an_earlier_one_of_its_stream(db, receiver_settings, travel):
    travel(AT("2025-03-03 10:00"))
    first, second = queue(2, streams=1)
    OutboxRecord.objects.filter(key=first).update(next_attempt_at=AT("2025-03-03 11:00"))
    with Receiver() as receiver:
        receiver_settings.EXCHANGE_PUSH_URL = receiver.url
        push.deliver()
        assert receiver.requests == 0  # the second may not overtake the first
        travel(AT("2025-03-03 11:00"))
        push.deliver()
    assert receiver.order == {"case:0": [first, second]}


def test_backoff_schedule_and_give_up(db, receiver_settings, travel):
    receiver_settings.EXCHANGE_PUSH_MAX_ATTEMPTS = 3
    travel(AT("2025-03-03 10:00"))
    queue(1)
    with Receiver(["500"] * 10) as receiver:
        receiver_settings.EXCHANGE_PUSH_URL = receiver.url
        push.deliver()
        row = OutboxRecord.objects.get()
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
        call_command("exchange_push", "--retry-failed")
        row.refresh_from_db()
        assert row.status == "delivered" and set(receiver.accepted) == {row.key}


def test_jitter_spreads_the_back_off(db, receiver_settings, travel):
    receiver_settings.EXCHANGE_PUSH_JITTER = 0.5
    travel(AT("2025-03-03 10:00"))
    queue(2)
    with Receiver(["500"]) as receiver:
        receiver_settings.EXCHANGE_PUSH_URL = receiver.url
        push.deliver(batch=2, rand=lambda: 0.999)
    row = OutboxRecord.objects.first()
    assert row.next_attempt_at == AT("2025-03-03 10:00") + dt.timedelta(seconds=10 * 0.5005)


def test_receiver_down_loses_nothing(db, receiver_settings, travel):
    travel(AT("2025-03-03 10:00"))
    keys = queue(4)
    with Receiver() as receiver:
        port_url = receiver.url
    receiver_settings.EXCHANGE_PUSH_URL = port_url  # nobody listens there now
    report = push.deliver()
    assert report.delivered == 0 and report.errors
    assert OutboxRecord.objects.filter(status="pending").count() == 4
    travel(AT("2025-03-03 11:00"))
    with Receiver() as receiver:
        receiver_settings.EXCHANGE_PUSH_URL = receiver.url
        call_command("exchange_push")
    assert set(receiver.accepted) == set(keys)
    assert OutboxRecord.objects.filter(status="delivered").count() == 4


def test_a_record_refused_as_invalid_is_a_dead_letter_with_the_reason(
    db, receiver_settings, travel
):
    travel(AT("2025-03-03 10:00"))
    keys = queue(3)
    with Receiver(invalid={keys[1]}) as receiver:
        receiver_settings.EXCHANGE_PUSH_URL = receiver.url
        report = push.deliver()
        assert report.refused == 1 and report.delivered == 2
        refused = OutboxRecord.objects.get(key=keys[1])
        assert refused.status == "refused" and refused.last_error == "办件编号格式不符"
        travel(AT("2025-03-03 12:00"))
        push.deliver()  # a dead letter is not retried
        assert receiver.requests == 1


def test_a_record_invalid_against_its_schema_is_never_sent(db, receiver_settings, travel):
    travel(AT("2025-03-03 10:00"))
    keys = queue(2)
    bad = OutboxRecord.objects.get(key=keys[0])
    bad.payload = {**bad.payload, "level": 9, "rated_at": "yesterday"}
    bad.save()
    with Receiver() as receiver:
        receiver_settings.EXCHANGE_PUSH_URL = receiver.url
        push.deliver()
    assert set(receiver.accepted) == {keys[1]}
    bad.refresh_from_db()
    assert bad.status == "refused" and bad.attempts == 1
    assert bad.last_error.startswith(f"schema {records.RATING}: ")
    assert "level" in bad.last_error and "rated_at" in bad.last_error


def test_references_are_kept(db, receiver_settings, travel):
    travel(AT("2025-03-03 10:00"))
    keys = queue(1)
    with Receiver(references={keys[0]: "SZ-88"}) as receiver:
        receiver_settings.EXCHANGE_PUSH_URL = receiver.url
        push.deliver()
    assert OutboxRecord.objects.get().reference == "SZ-88"


def test_references_of_a_batch_in_one_go(db, receiver_settings, travel):
    """Some keys of a batch come back with the receiver's number, the others keep theirs."""
    travel(AT("2025-03-03 10:00"))
    keys = queue(3)
    OutboxRecord.objects.filter(key=keys[2]).update(reference="OLD-1")
    with Receiver(references={keys[0]: "SZ-1", keys[1]: 42}) as receiver:
        receiver_settings.EXCHANGE_PUSH_URL = receiver.url
        report = push.deliver()
    assert report.delivered == 3 and report.batches == 1
    assert dict(OutboxRecord.objects.values_list("key", "reference")) == {
        keys[0]: "SZ-1",
        keys[1]: "42",
        keys[2]: "OLD-1",
    }


def test_one_connection_for_a_run(db, receiver_settings, travel):
    """A run keeps its connection to a receiver that allows it (HTTP/1.1 keep-alive)."""
    travel(AT("2025-03-03 10:00"))
    keys = queue(12)
    with Receiver(keep_alive=True) as receiver:
        receiver_settings.EXCHANGE_PUSH_URL = receiver.url
        report = push.deliver()
    assert report.batches == 4 and report.delivered == 12 and not report.errors
    assert set(receiver.accepted) == set(keys)
    assert receiver.connections == 1
    for row in OutboxRecord.objects.all():
        assert row.status == "delivered" and row.last_error == ""
        assert abs(row.delivered_at - AT("2025-03-03 10:00")) < dt.timedelta(minutes=1)


def test_a_kept_connection_the_receiver_closed_is_opened_again(db, receiver_settings, travel):
    """The receiver closes each connection after its answer, unannounced: the next batch finds
    the kept connection dead and goes out on a new one, without counting as a failure."""
    travel(AT("2025-03-03 10:00"))
    keys = queue(9)
    with Receiver(keep_alive=True, hang_up=True) as receiver:
        receiver_settings.EXCHANGE_PUSH_URL = receiver.url
        report = push.deliver()
    assert report.delivered == 9 and report.failed_attempts == 0 and not report.errors
    assert set(receiver.accepted) == set(keys) and receiver.requests == 3
    assert receiver.connections == 3


def test_a_rating_is_pushed_with_the_data_elements(item, complete, receiver_settings, travel):
    case = complete("2025-03-03 10:00")
    rating = rate(case, 2, comment="慢", dimensions={"attitude": 2})
    with Receiver() as receiver:
        receiver_settings.EXCHANGE_PUSH_URL = receiver.url
        receiver_settings.EXCHANGE_PUSH_BATCH = 50
        call_command("exchange_push")
    sent = receiver.records[f"rating-{rating.pk}"]
    assert sent["schema"] == records.RATING and sent["stream"] == f"case:{case.number}"
    data = sent["data"]
    assert data["case_number"] == case.number
    assert data["item_impl_code"] == "11330100SCJ-XK-0001" and data["item_base_code"]
    assert data["applicant_type"] == "person" and data["channel"] == "onsite"
    assert data["level"] == 2 and data["dimensions"] == {"attitude": 2}
    assert (
        data["rated_at"].startswith("2025-03-03T02:00") and data["rectification_status"] == "opened"
    )
    # the rating came after the case's own steps and its completion, in one stream
    kinds = [receiver.records[k]["kind"] for k in receiver.order[f"case:{case.number}"]]
    assert kinds == [
        "case.submit",
        "case.accept",
        "case.decide_grant",
        "completion",
        "rating",
    ]


def test_rating_and_its_record_commit_together(item, complete):
    from zhengwu.core.errors import ValidationFailed

    case = complete("2025-03-03 10:00")
    with pytest.raises(ValidationFailed):
        rate(case, 9)
    assert not OutboxRecord.objects.filter(kind="rating").exists()


def test_no_endpoint(db, settings):
    settings.EXCHANGE_PUSH_URL = ""
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("exchange_push", "--receiver", "province")


def test_delivery_task_is_enqueued_once_per_commit(
    item, clerk, reviewer, settings, travel, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from tests.cases.helpers import file_case
    from zhengwu.cases import services

    settings.EXCHANGE_PUSH_URL = "http://127.0.0.1:9/none"
    travel(AT("2025-03-03 10:00"))
    case = file_case(clerk)
    services.act(actor=clerk, number=case.number, action="accept")
    with django_capture_on_commit_callbacks(execute=True):
        # the decision and the completed case: two records, one delivery
        services.act(actor=reviewer, number=case.number, action="decide", data={"outcome": "grant"})
    assert OutboxRecord.objects.filter(stream=f"case:{case.number}").count() == 4
    assert DBTaskResult.objects.filter(task_path__endswith="deliver_outbox").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_deliverers_never_send_a_record_twice(receiver_settings):
    """SKIP LOCKED on PostgreSQL, the writers' turn on SQLite, and the lease: each record is
    claimed by one deliverer only."""
    keys = queue(60)
    sent: list[str] = []
    with Receiver() as receiver:
        receiver_settings.EXCHANGE_PUSH_URL = receiver.url

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
    assert OutboxRecord.objects.filter(status="delivered").count() == 60
