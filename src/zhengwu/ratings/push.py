"""Delivery of ratings and rectification outcomes to the provincial platform (DOMAIN.md §6).

An outbox: ``record()`` writes a ``PushRecord`` in the caller's transaction (so a rating and its
record commit or roll back together) and, once that commits, enqueues the delivery task.
``deliver()`` is the one delivery service, run by the task and by ``manage.py ratings_push``:

1. claim a batch of due records (``status=pending``, ``next_attempt_at <= start of the run``),
   oldest first, with ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, and lease them by moving
   ``next_attempt_at`` forward and counting the attempt; the claim commits at once, so no lock is
   held while the receiver is called, and a worker that dies mid-batch only delays its batch by the
   lease. SQLite has no row locks: its writers take turns (``BEGIN IMMEDIATE``), so two deliverers
   still never claim the same record;
2. ``POST`` the batch as JSON with an ``Idempotency-Key`` header (the batch's key) and each
   record's own ``key``;
3. mark delivered exactly the keys the receiver acknowledged (a 2xx answer whose JSON body lists
   them in ``accepted``); everything else in the batch - an error status, a timeout, a refused
   connection, an answer that is not such JSON - waits ``min(base * 2**(attempts-1), cap)`` seconds
   (less up to ``jitter`` of it) and is tried again; after ``RATINGS_PUSH_MAX_ATTEMPTS`` it becomes
   ``failed`` until an operator runs ``ratings_push --retry-failed``.

The receiver must treat a key it has seen as already accepted (and say so again): a batch whose
answer was lost is sent again, and that is the only way to be sure nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F

from zhengwu.core import clock
from zhengwu.ratings.models import PushRecord
from zhengwu.ratings.rules import backoff_seconds

RATING = "rating"
RECTIFICATION = "rectification"
MAX_ERROR = 500


def record(*, key: str, kind: str, payload: dict) -> PushRecord:
    """Queue one record in the current transaction; delivery starts once it commits."""
    row = PushRecord.objects.create(
        key=key,
        kind=kind,
        payload=payload,
        next_attempt_at=clock.now(),
        created_at=clock.now(),
    )
    transaction.on_commit(_enqueue_delivery)
    return row


# What starts a delivery once a record commits: ``zhengwu.ratings.tasks`` registers its task here
# (``on_record``), so this module never imports the tasks that call it.
_STARTERS: list[Callable[[], object]] = []


def on_record(start: Callable[[], object]) -> None:
    """Run ``start()`` after each commit that recorded something (one starter: a later one
    replaces it)."""
    _STARTERS[:] = [start]


def _enqueue_delivery() -> None:
    if not settings.RATINGS_PUSH_URL:
        return
    for start in _STARTERS:
        start()


@dataclass
class Report:
    delivered: int = 0
    failed_attempts: int = 0
    gave_up: int = 0
    batches: int = 0
    errors: list[str] = field(default_factory=list)


class PushFailed(Exception):
    pass


Poster = Callable[[str, bytes, dict, float], tuple[int, bytes]]


def http_post(url: str, body: bytes, headers: dict, timeout: float) -> tuple[int, bytes]:
    """POST and return (status, body); an HTTP error status is returned, not raised."""
    # The URL is the operator's setting, not user input.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            return answer.status, answer.read(1_000_000)
    except urllib.error.HTTPError as error:
        return error.code, error.read(10_000) if error.fp else b""


def batch_key(keys: list[str]) -> str:
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()


def acknowledged(status: int, body: bytes, keys: list[str]) -> set[str]:
    """The keys of ``keys`` the receiver acknowledged; ``PushFailed`` says why there are none."""
    if not 200 <= status < 300:
        raise PushFailed(f"HTTP {status}: {body[:200].decode('utf-8', 'replace')}")
    try:
        answer = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise PushFailed(f"HTTP {status} with a body that is not JSON") from None
    accepted = answer.get("accepted") if isinstance(answer, dict) else None
    if not isinstance(accepted, list):
        raise PushFailed(f"HTTP {status} without an 'accepted' list")
    return {k for k in accepted if isinstance(k, str)} & set(keys)


def _claim(start: dt.datetime, after_id: int, size: int, lease: float) -> list[dict]:
    with transaction.atomic():
        queryset = PushRecord.objects.filter(
            status=PushRecord.Status.PENDING, next_attempt_at__lte=start, id__gt=after_id
        ).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            queryset = queryset.select_for_update(skip_locked=True)
        rows = list(queryset.values("id", "key", "kind", "payload", "attempts")[:size])
        if rows:
            PushRecord.objects.filter(id__in=[r["id"] for r in rows]).update(
                next_attempt_at=clock.now() + dt.timedelta(seconds=lease),
                attempts=F("attempts") + 1,
            )
    return rows


def _settle(rows: list[dict], accepted: set[str], error: str, report: Report, rand) -> None:
    now = clock.now()
    done = [r["id"] for r in rows if r["key"] in accepted]
    missed = [r for r in rows if r["key"] not in accepted]
    with transaction.atomic():
        if done:
            report.delivered += PushRecord.objects.filter(
                id__in=done, status=PushRecord.Status.PENDING
            ).update(status=PushRecord.Status.DELIVERED, delivered_at=now, last_error="")
        by_attempts: dict[int, list[int]] = {}
        for row in missed:
            by_attempts.setdefault(row["attempts"] + 1, []).append(row["id"])
        message = (error or "not acknowledged")[:MAX_ERROR]
        for attempts, ids in by_attempts.items():
            report.failed_attempts += len(ids)
            if attempts >= settings.RATINGS_PUSH_MAX_ATTEMPTS:
                report.gave_up += PushRecord.objects.filter(id__in=ids).update(
                    status=PushRecord.Status.FAILED, last_error=message
                )
                continue
            delay = backoff_seconds(
                attempts,
                base=settings.RATINGS_PUSH_BASE_SECONDS,
                cap=settings.RATINGS_PUSH_CAP_SECONDS,
                jitter=settings.RATINGS_PUSH_JITTER,
                rand=rand(),
            )
            PushRecord.objects.filter(id__in=ids).update(
                next_attempt_at=now + dt.timedelta(seconds=delay), last_error=message
            )


def deliver(
    *,
    url: str | None = None,
    batch: int | None = None,
    post: Poster = http_post,
    rand: Callable[[], float] = random.random,
) -> Report:
    """Attempt every record due at the start of the run once, batch by batch, and return what
    happened. Records that fail wait for their back-off and are left to a later run."""
    url = settings.RATINGS_PUSH_URL if url is None else url
    report = Report()
    if not url:
        report.errors.append("ZHENGWU_RATINGS_PUSH_URL is not set")
        return report
    size = max(1, batch or settings.RATINGS_PUSH_BATCH)
    timeout = settings.RATINGS_PUSH_TIMEOUT
    lease = max(timeout * 3, 60.0)
    start = clock.now()
    after_id = 0
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if settings.RATINGS_PUSH_TOKEN:
        headers["Authorization"] = f"Bearer {settings.RATINGS_PUSH_TOKEN}"
    while True:
        rows = _claim(start, after_id, size, lease)
        if not rows:
            return report
        after_id = rows[-1]["id"]
        keys = [r["key"] for r in rows]
        key = batch_key(keys)
        body = json.dumps(
            {
                "batch": key,
                "records": [
                    {"key": r["key"], "kind": r["kind"], "data": r["payload"]} for r in rows
                ],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        error = ""
        accepted: set[str] = set()
        try:
            status, answer = post(url, body, {**headers, "Idempotency-Key": key}, timeout)
            accepted = acknowledged(status, answer, keys)
            if len(accepted) < len(keys):
                error = "some records were not acknowledged"
        except PushFailed as failure:
            error = str(failure)
        except Exception as failure:  # refused, reset, timed out, protocol errors, a bad URL
            error = f"{type(failure).__name__}: {failure}"
        report.batches += 1
        if error:
            report.errors.append(error)
        _settle(rows, accepted, error, report, rand)


def retry_failed() -> int:
    """Give every failed record a fresh start (operators, after fixing the receiver)."""
    return PushRecord.objects.filter(status=PushRecord.Status.FAILED).update(
        status=PushRecord.Status.PENDING, attempts=0, next_attempt_at=clock.now()
    )


def status_counts() -> dict[str, int]:
    from django.db.models import Count

    counts = dict(
        PushRecord.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return {s: counts.get(s, 0) for s in PushRecord.Status.values}
