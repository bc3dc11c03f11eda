"""The one outbox for every outside receiver (DOMAIN §14; docs/exchange.md).

Any app that reports something outward calls ``enqueue`` inside the transaction of what it
reports: the record commits or rolls back with it, and once it commits the delivery task starts
(``zhengwu.exchange.push`` delivers; ``zhengwu.exchange.tasks`` registers the starter here, so this
module imports neither).

    from zhengwu.exchange import outbox, records

    outbox.enqueue(
        key=f"measure-{measure.pk}-{step_seq}",  # unique and stable: the receiver dedupes by it
        kind="rectification_measure",            # what it is (shown on the pages)
        schema=records.MEASURE,                  # the JSON schema it must satisfy
        stream=f"measure:{measure.pk}",          # records of one stream go out in order
        payload={...},                           # JSON-able, valid against the schema
    )

A second ``enqueue`` with the same key in one transaction is an error (the key is unique): pick
keys from the thing reported and its step, never from the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q

from zhengwu.core import clock
from zhengwu.exchange.models.outbound import PROVINCE, OutboxRecord

Status = OutboxRecord.Status

# What starts a delivery once records commit: ``zhengwu.exchange.tasks`` registers its task.
_STARTERS: list[Callable[[str], object]] = []


def on_enqueue(start: Callable[[str], object]) -> None:
    """Run ``start(receiver)`` after each commit that queued records for ``receiver`` (one
    starter: a later one replaces it)."""
    _STARTERS[:] = [start]


def receiver_url(receiver: str) -> str:
    """Where ``receiver``'s records go: the provincial platform's ``ZHENGWU_EXCHANGE_PUSH_URL``,
    or the endpoint of a transfer platform (its code)."""
    if receiver == PROVINCE:
        return settings.EXCHANGE_PUSH_URL
    from zhengwu.exchange.models.outbound import TransferPlatform

    return (
        TransferPlatform.objects.filter(code=receiver).values_list("url", flat=True).first() or ""
    )


def _start(receiver: str) -> None:
    for start in _STARTERS:
        start(receiver)


def enqueue(
    *,
    key: str,
    kind: str,
    schema: str,
    stream: str,
    payload: dict,
    receiver: str = PROVINCE,
) -> OutboxRecord:
    """Queue one record in the current transaction; its delivery starts once it commits."""
    now = clock.now()
    row = OutboxRecord.objects.create(
        receiver=receiver,
        key=key,
        kind=kind,
        schema=schema,
        stream=stream,
        payload=payload,
        next_attempt_at=now,
        created_at=now,
    )
    # one start per receiver and transaction, however many records it queued (the scheduler's
    # job is the safety net of a start lost with a savepoint rolled back)
    if not receiver_url(receiver):
        return row  # nowhere to send yet: the records wait (the scheduler's job picks them up)
    connection = transaction.get_connection()
    here = set(connection.savepoint_ids)
    if not any(
        isinstance(e[1], _Starter) and e[1].receiver == receiver and e[0] == here
        for e in connection.run_on_commit
    ):
        transaction.on_commit(_Starter(receiver))
    return row


class _Starter:
    def __init__(self, receiver: str):
        self.receiver = receiver

    def __call__(self):
        _start(self.receiver)


def retry_failed(receiver: str | None = None) -> int:
    """Give every failed record a fresh start (operators, after fixing the receiver)."""
    queryset = OutboxRecord.objects.filter(status=Status.FAILED)
    if receiver:
        queryset = queryset.filter(receiver=receiver)
    return queryset.update(status=Status.PENDING, attempts=0, next_attempt_at=clock.now())


def replay(start: dt.date, end: dt.date, receiver: str | None = None) -> int:
    """Send again every record written from ``start`` to ``end`` (local dates, inclusive),
    delivered or not, under the same keys (a receiver that lost data asks for it): they become
    pending with a fresh start. Refused records stay among the dead letters."""
    queryset = OutboxRecord.objects.filter(
        created_at__gte=clock.start_of_day(start),
        created_at__lt=clock.start_of_day(end + dt.timedelta(days=1)),
    ).exclude(status=Status.REFUSED)
    if receiver:
        queryset = queryset.filter(receiver=receiver)
    return queryset.update(
        status=Status.PENDING, attempts=0, next_attempt_at=clock.now(), last_error=""
    )


def requeue(record_id: int) -> bool:
    """Send a refused record again (after the receiver or the data was put right)."""
    return bool(
        OutboxRecord.objects.filter(pk=record_id, status=Status.REFUSED).update(
            status=Status.PENDING, attempts=0, next_attempt_at=clock.now()
        )
    )


def status_counts(receiver: str | None = None) -> dict[str, int]:
    queryset = OutboxRecord.objects.all()
    if receiver:
        queryset = queryset.filter(receiver=receiver)
    counts = dict(queryset.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {s: counts.get(s, 0) for s in Status.values}


def dead_letters():
    """The records refused as invalid (by the receiver, or by the schema before sending)."""
    return OutboxRecord.objects.filter(status=Status.REFUSED).order_by("-id")


def open_in(streams) -> Q:
    return Q(stream__in=list(streams), status__in=(Status.PENDING, Status.FAILED))
