"""Filings made concurrently write their events to the outbox while deliverers drain it at the
same time: every event reaches the receiver exactly once (1,000 events on PostgreSQL, where the
deliverers claim with SKIP LOCKED; fewer on a SQLite file, whose writers take turns)."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection

from tests.cases.helpers import AT, applicant_payload, file_case
from tests.cases.test_concurrency import _shared_cache_sqlite
from tests.exchange.receiver import Receiver
from zhengwu.exchange import push
from zhengwu.exchange.models.outbound import OutboxRecord

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(_shared_cache_sqlite(), reason="in-memory SQLite test database"),
]

FILERS = 8


def test_events_of_concurrent_filings_are_all_delivered_once(
    item, clerk, receiver_settings, travel
):
    total = 1000 if connection.vendor == "postgresql" else 80
    receiver_settings.EXCHANGE_PUSH_BATCH = 50
    travel(AT("2025-03-03 10:00"))
    sent: list[str] = []
    sent_lock = threading.Lock()
    errors: list[str] = []
    filing_done = threading.Event()

    with Receiver() as receiver:
        receiver_settings.EXCHANGE_PUSH_URL = receiver.url

        def post(url, body, headers, timeout):
            keys = [r["key"] for r in json.loads(body)["records"]]
            with sent_lock:
                sent.extend(keys)
            return push.http_post(url, body, headers, timeout)

        def filer(index: int):
            try:
                for n in range(total // FILERS):
                    file_case(clerk, applicant=applicant_payload(1 + index * 1000 + n))
            except BaseException as error:
                errors.append(repr(error))
            finally:
                connection.close()

        def deliverer():
            try:
                while not filing_done.is_set():
                    push.deliver(post=post)
                push.deliver(post=post)
            except BaseException as error:
                errors.append(repr(error))
            finally:
                connection.close()

        filers = [threading.Thread(target=filer, args=(i,)) for i in range(FILERS)]
        deliverers = [threading.Thread(target=deliverer) for _ in range(2)]
        for thread in filers + deliverers:
            thread.start()
        for thread in filers:
            thread.join()
        filing_done.set()
        for thread in deliverers:
            thread.join()
        push.deliver(post=post)  # whatever committed after the deliverers' last claim
    assert not errors, errors[:3]
    keys = set(OutboxRecord.objects.values_list("key", flat=True))
    assert len(keys) == total
    assert len(sent) == total and set(sent) == keys  # each sent once
    assert set(receiver.accepted) == keys
    assert OutboxRecord.objects.exclude(status="delivered").count() == 0
