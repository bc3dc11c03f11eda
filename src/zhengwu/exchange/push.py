"""Delivery of the outbox to its receivers (docs/exchange.md), run by the task workers
(``zhengwu.exchange.tasks``), the scheduler's safety net and ``manage.py exchange_push``.

``deliver(receiver=...)`` attempts every record of the receiver due at the start of the run once:

1. claim a batch of due records (``status=pending``, ``next_attempt_at <= start``) oldest first,
   with ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL and keep those that overtake no
   earlier open record of their stream (``rules.in_stream_order``). PostgreSQL holds their row
   locks until step 4 settles them, in one transaction (other deliverers skip them; a deliverer
   that dies releases them); SQLite's one writer would block every filing meanwhile, so there
   the batch is leased instead (``next_attempt_at`` moved on, the attempt counted) in a short
   transaction and settled in another;
2. check each payload against its schema (``records``): a record that fails is never sent and
   becomes ``refused`` with the reasons (a dead letter);
3. ``POST`` the rest as one JSON batch with an ``Idempotency-Key`` header (the batch's key) and
   each record's own ``key``, over one kept-alive connection for the whole run (``KeepAlive``);
4. mark delivered exactly the keys the receiver acknowledged (``accepted``), and refused the ones
   it refused as invalid (``refused`` with a reason), one ``UPDATE`` per outcome and batch (the
   receiver's references and reasons go in through a ``CASE``); everything else - an error status, a
   timeout, a refused connection, garbage, a key left out - waits
   ``min(base * 2**(attempts-1), cap)`` seconds less up to ``jitter`` of it and is tried again;
   after ``EXCHANGE_PUSH_MAX_ATTEMPTS`` it becomes ``failed`` until ``--retry-failed``.

The receiver treats a key it has seen as accepted again: a batch whose answer was lost is sent
again, which is the only way to be sure nothing is lost; nothing is marked delivered that the
receiver did not acknowledge.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import http.client
import json
import random
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, CharField, F, TextField, Value, When
from django.db.models.functions import Cast

from zhengwu.core import clock
from zhengwu.exchange import records, rules
from zhengwu.exchange.models.outbound import PROVINCE, OutboxRecord
from zhengwu.exchange.outbox import receiver_url

Status = OutboxRecord.Status
MAX_ERROR = 500
MAX_ANSWER = 10_000_000  # bytes of an answer read at most

# kind -> what follows an acknowledgment of records of that kind, inside the transaction that
# marks them delivered: ``handler(rows, references)`` (``zhengwu.exchange.transfers``).
_ACKNOWLEDGED: dict[str, Callable] = {}


def on_acknowledged(kind: str, handler: Callable) -> None:
    _ACKNOWLEDGED[kind] = handler


@dataclass
class Report:
    delivered: int = 0
    refused: int = 0
    failed_attempts: int = 0
    gave_up: int = 0
    batches: int = 0
    errors: list[str] = field(default_factory=list)


Poster = Callable[[str, bytes, dict, float], tuple[int, bytes]]


def http_post(url: str, body: bytes, headers: dict, timeout: float) -> tuple[int, bytes]:
    """POST on a connection of its own and return (status, body); an HTTP error status is
    returned, not raised."""
    # The URL is the operator's setting, not user input.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            return answer.status, answer.read(MAX_ANSWER)
    except urllib.error.HTTPError as error:
        return error.code, error.read(10_000) if error.fp else b""


class KeepAlive:
    """A poster (the signature of ``http_post``) that keeps its connection to the receiver open
    from one batch to the next (HTTP/1.1 keep-alive), as ``deliver`` uses by default: one TCP
    (and TLS) handshake per run instead of one per batch. A kept connection the receiver closed
    meanwhile is noticed when the next request finds it dead before any answer: that request is
    made once more on a new connection (the receiver dedupes by key, so a batch it did get is
    only acknowledged again). Anything else - an error status, a timeout, garbage - is the
    caller's to judge, as with ``http_post``."""

    def __init__(self):
        self._connection: http.client.HTTPConnection | None = None
        self._target: tuple | None = None

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection = None

    def __call__(self, url: str, body: bytes, headers: dict, timeout: float) -> tuple[int, bytes]:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        target = (parts.scheme, parts.hostname, parts.port)
        if self._target != target:
            self.close()
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        while True:
            fresh = self._connection is None
            if fresh:
                kind = (
                    http.client.HTTPSConnection
                    if parts.scheme == "https"
                    else http.client.HTTPConnection
                )
                self._connection = kind(parts.hostname, parts.port, timeout=timeout)
                self._target = target
            connection = self._connection
            connection.timeout = timeout
            if connection.sock is not None:
                connection.sock.settimeout(timeout)
            try:
                connection.request("POST", path, body=body, headers=headers)
                answer = connection.getresponse()
                data = answer.read(MAX_ANSWER)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if fresh:
                    raise
                continue  # the receiver had closed the kept connection: once on a new one
            except BaseException:
                self.close()
                raise
            if answer.will_close or not answer.isclosed():
                self.close()  # the receiver closes it, or the answer was too long to finish
            return answer.status, data


def batch_key(keys: list[str]) -> str:
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()


FIELDS = ("id", "key", "kind", "schema", "stream", "attempts")
# The payload as the database keeps it, JSON text: parsed once for the schema check and put in
# the request as it is (not parsed into objects by the ORM and written out again).
PAYLOAD_TEXT = Cast("payload", TextField())


def _claim(receiver: str, start: dt.datetime, after_id: int, size: int, lease: float | None):
    """The next batch to send, the id to continue after (None: nothing is left) and how many
    were held back. With a ``lease`` (SQLite) the batch is leased in its own transaction; without
    one (PostgreSQL) the caller's transaction keeps the rows locked until it settles them."""
    with transaction.atomic(savepoint=False):
        queryset = OutboxRecord.objects.filter(
            receiver=receiver, status=Status.PENDING, next_attempt_at__lte=start, id__gt=after_id
        ).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            queryset = queryset.select_for_update(skip_locked=True)
        rows = list(queryset.values(*FIELDS, text=PAYLOAD_TEXT)[:size])
        if not rows:
            return [], None, 0
        last = rows[-1]["id"]
        streams = {r["stream"] for r in rows}
        open_before: dict[str, list[int]] = {}
        for stream, record_id in _open_before(streams, last):
            open_before.setdefault(stream, []).append(record_id)
        sendable = set(rules.in_stream_order([(r["id"], r["stream"]) for r in rows], open_before))
        held = len(rows) - len(sendable)
        rows = [r for r in rows if r["id"] in sendable]
        if rows and lease is not None:
            OutboxRecord.objects.filter(id__in=[r["id"] for r in rows]).update(
                next_attempt_at=clock.now() + dt.timedelta(seconds=lease),
                attempts=F("attempts") + 1,
            )
    return rows, last, held


def _settle(
    rows: list[dict], answer: rules.Answer, error: str, report: Report, rand, count: dict
) -> None:
    """Record the outcome of a batch; ``count`` is ``{"attempts": F("attempts") + 1}`` when the
    claim did not count the attempt already (PostgreSQL), else empty."""
    now = clock.now()
    done = [r for r in rows if r["key"] in answer.accepted]
    refused = [r for r in rows if r["key"] in answer.refused]
    missed = [r for r in rows if r["key"] not in answer.accepted and r["key"] not in answer.refused]
    with transaction.atomic(savepoint=False):
        if done:
            references = answer.references
            given = {r["id"]: references[r["key"]] for r in done if r["key"] in references}
            if given:
                report.delivered += OutboxRecord.objects.filter(
                    id__in=[r["id"] for r in done], status=Status.PENDING
                ).update(
                    status=Status.DELIVERED,
                    delivered_at=now,
                    last_error="",
                    reference=_per_id(given, "reference", CharField()),
                    **count,
                )
            else:  # the common case, without the ORM's cost per id of a long IN list
                report.delivered += _mark_delivered([r["id"] for r in done], now, bool(count))
            by_kind: dict[str, list[dict]] = {}
            for r in done:
                by_kind.setdefault(r["kind"], []).append(r)
            for kind, kind_rows in by_kind.items():
                if kind in _ACKNOWLEDGED:
                    _ACKNOWLEDGED[kind](kind_rows, references)
        if refused:
            reasons = {r["id"]: answer.refused[r["key"]][:MAX_ERROR] for r in refused}
            report.refused += OutboxRecord.objects.filter(id__in=list(reasons)).update(
                status=Status.REFUSED,
                last_error=_per_id(reasons, "last_error", TextField()),
                **count,
            )
        by_attempts: dict[int, list[int]] = {}
        for row in missed:
            by_attempts.setdefault(row["attempts"] + 1, []).append(row["id"])
        message = (error or "not acknowledged")[:MAX_ERROR]
        for attempts, ids in by_attempts.items():
            report.failed_attempts += len(ids)
            if attempts >= settings.EXCHANGE_PUSH_MAX_ATTEMPTS:
                report.gave_up += OutboxRecord.objects.filter(id__in=ids).update(
                    status=Status.FAILED, last_error=message, **count
                )
                continue
            delay = rules.backoff_seconds(
                attempts,
                base=settings.EXCHANGE_PUSH_BASE_SECONDS,
                cap=settings.EXCHANGE_PUSH_CAP_SECONDS,
                jitter=settings.EXCHANGE_PUSH_JITTER,
                rand=rand(),
            )
            OutboxRecord.objects.filter(id__in=ids).update(
                next_attempt_at=now + dt.timedelta(seconds=delay), last_error=message, **count
            )


def _table() -> str:
    return connection.ops.quote_name(OutboxRecord._meta.db_table)


def _any(column: str, values: list) -> tuple[str, list]:
    """``column`` is one of ``values``: one array parameter on PostgreSQL, a list elsewhere."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _open_before(streams: set[str], last: int) -> list[tuple[str, int]]:
    """``(stream, id)`` of the open (pending or failed) records of ``streams`` up to ``last``
    (the ``outbox_stream_open`` index)."""
    where, params = _any("stream", sorted(streams))
    # fixed fragments and the model's table name; the values are parameters
    sql = (
        f"SELECT stream, id FROM {_table()} WHERE {where} "  # noqa: S608
        "AND status IN (%s, %s) AND id <= %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, Status.PENDING, Status.FAILED, last])
        return cursor.fetchall()


def _mark_delivered(ids: list[int], now: dt.datetime, count_attempt: bool) -> int:
    """Mark the pending records ``ids`` delivered in one statement; how many were."""
    where, params = _any("id", ids)
    attempts = ", attempts = attempts + 1" if count_attempt else ""
    sql = (
        f"UPDATE {_table()} SET status = %s, delivered_at = %s, last_error = ''{attempts} "  # noqa: S608
        f"WHERE {where} AND status = %s"
    )
    with connection.cursor() as cursor:
        moment = connection.ops.adapt_datetimefield_value(now)
        cursor.execute(sql, [Status.DELIVERED, moment, *params, Status.PENDING])
        return cursor.rowcount


def _per_id(values: dict[int, str], field: str, output) -> Case:
    """``field``'s value per record id (the others keep theirs), for one ``UPDATE`` of a whole
    batch."""
    return Case(
        *(When(id=record_id, then=Value(value)) for record_id, value in values.items()),
        default=F(field),
        output_field=output,
    )


def _refuse_invalid(rows: list[dict], report: Report, count: dict) -> list[dict]:
    """Set aside the records whose payload fails their schema (dead letters); the rest."""
    valid = []
    for row in rows:
        found = records.problems(row["schema"], json.loads(row["text"]))
        if not found:
            valid.append(row)
            continue
        reason = ("schema " + row["schema"] + ": " + "; ".join(found))[:MAX_ERROR]
        report.refused += OutboxRecord.objects.filter(id=row["id"]).update(
            status=Status.REFUSED, last_error=reason, **count
        )
    return valid


# One encoder for the strings of every request (``json.dumps`` with options builds one a call).
text = json.JSONEncoder(ensure_ascii=False).encode


def encode(rows: list[dict], key: str) -> bytes:
    """The request body: each record's payload goes in as the JSON text the database holds."""

    head = f'{{"batch":{text(key)},"family":{text(records.FAMILY)},"records":['
    return (
        head
        + ",".join(
            f'{{"key":{text(r["key"])},"kind":{text(r["kind"])},"schema":{text(r["schema"])},'
            f'"stream":{text(r["stream"])},"data":{r["text"]}}}'
            for r in rows
        )
        + "]}"
    ).encode()


def deliver(
    *,
    receiver: str = PROVINCE,
    url: str | None = None,
    batch: int | None = None,
    post: Poster | None = None,
    rand: Callable[[], float] = random.random,
) -> Report:
    """Attempt every record of ``receiver`` due at the start of the run once, batch by batch, and
    return what happened. Records that fail wait for their back-off and are left to a later run.
    ``post`` sends one batch (default: a ``KeepAlive`` connection for the run)."""
    url = receiver_url(receiver) if url is None else url
    report = Report()
    if not url:
        report.errors.append(
            "ZHENGWU_EXCHANGE_PUSH_URL is not set"
            if receiver == PROVINCE
            else f"the platform {receiver} has no endpoint"
        )
        return report
    size = max(1, batch or settings.EXCHANGE_PUSH_BATCH)
    timeout = settings.EXCHANGE_PUSH_TIMEOUT
    lease = max(timeout * 3, 60.0)
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if settings.EXCHANGE_PUSH_TOKEN:
        headers["Authorization"] = f"Bearer {settings.EXCHANGE_PUSH_TOKEN}"
    session = KeepAlive() if post is None else None
    try:
        # A record held back behind an earlier record of its stream that this run then delivered
        # is sent by a further pass (a few at most: each pass sends at least what it unblocked).
        for _pass in range(PASSES):
            delivered_before = report.delivered
            held = _run(receiver, url, size, timeout, lease, headers, post or session, rand, report)
            if not held or report.delivered == delivered_before:
                break
    finally:
        if session is not None:
            session.close()
    return report


PASSES = 5


def _run(receiver, url, size, timeout, lease, headers, post, rand, report: Report) -> int:
    """One pass over the records due now; how many were held back behind their stream.

    PostgreSQL keeps each batch's rows locked (``SKIP LOCKED`` lets other deliverers pass them)
    from the claim until they are settled, in one transaction: one write per record, and a
    deliverer that dies releases its batch at once. SQLite, whose one writer would block every
    filing during the call, leases the batch in a short transaction instead and settles it in
    another."""
    start = clock.now()
    after_id = 0
    held_back = 0
    locking = connection.features.has_select_for_update_skip_locked
    count = {"attempts": F("attempts") + 1} if locking else {}
    while True:
        with transaction.atomic() if locking else contextlib.nullcontext():
            rows, last, held = _claim(receiver, start, after_id, size, None if locking else lease)
            if last is None:
                return held_back
            held_back += held
            after_id = last
            rows = _refuse_invalid(rows, report, count)
            if (
                not rows
            ):  # every candidate waits for an earlier record of its stream, or was invalid
                continue
            _send(rows, url, timeout, headers, post, rand, report, count)


def _send(rows, url, timeout, headers, post, rand, report: Report, count: dict) -> None:
    keys = [r["key"] for r in rows]
    key = batch_key(keys)
    error = ""
    answer = rules.Answer()
    try:
        sent = {**headers, "Idempotency-Key": key}
        status, body = post(url, encode(rows, key), sent, timeout)
        answer = rules.parse_answer(status, body, keys)
        if len(answer.accepted) + len(answer.refused) < len(keys):
            error = "some records were not acknowledged"
    except rules.AnswerError as failure:
        error = str(failure)
    except Exception as failure:  # refused, reset, timed out, protocol errors, a bad URL
        error = f"{type(failure).__name__}: {failure}"
    report.batches += 1
    if error:
        report.errors.append(error)
    _settle(rows, answer, error, report, rand, count)


def deliver_all() -> str:
    """Deliver the due records of every receiver that has some and an endpoint; one line."""
    receivers = sorted(
        set(
            OutboxRecord.objects.filter(status=Status.PENDING, next_attempt_at__lte=clock.now())
            .values_list("receiver", flat=True)
            .distinct()
        )
    )
    delivered = refused = failed = 0
    skipped = []
    for receiver in receivers:
        if not receiver_url(receiver):
            skipped.append(receiver)
            continue
        report = deliver(receiver=receiver)
        delivered += report.delivered
        refused += report.refused
        failed += report.failed_attempts
    line = f"delivered={delivered} refused={refused} failed_attempts={failed}"
    if skipped:
        line += f" waiting_without_endpoint={','.join(skipped)}"
    return line
