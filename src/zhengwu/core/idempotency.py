"""Idempotent creation (DESIGN.md Idempotency): a retry with the same key gets the first answer.

``run_once(user=, scope=, key=, fingerprint=, create=)`` runs ``create()`` (which returns
``(status, body)``) inside one transaction together with the key's row, so the key and what it
created commit or roll back together. A concurrent retry waits on the key's unique index and then
returns the stored answer; the same key sent with a different request is a 409.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from zhengwu.core import clock
from zhengwu.core.audit import canonical_json
from zhengwu.core.errors import DomainError, ValidationFailed
from zhengwu.core.models import IdempotencyKey

MAX_KEY_LENGTH = 128


def fingerprint(payload) -> str:
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def _stored(record: IdempotencyKey, fingerprint: str) -> tuple[int, dict]:
    if record.fingerprint != fingerprint:
        raise DomainError(
            _("This Idempotency-Key was already used for a different request."),
            code="idempotency_key_reused",
        )
    return record.status, record.body


def run_once(
    *,
    user,
    scope: str,
    key: str | None,
    fingerprint: str | Callable[[], str],
    create: Callable[[], tuple[int, dict]],
) -> tuple[int, dict, bool]:
    """``(status, body, replayed)``: the answer of ``create()``, or the stored first answer.
    ``fingerprint`` may be a function that makes it: it is then called only with a key."""
    if not key:
        with transaction.atomic():
            status, body = create()
        return status, body, False
    if callable(fingerprint):
        fingerprint = fingerprint()
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or "\x00" in key:
        raise ValidationFailed(
            {"Idempotency-Key": [_("The Idempotency-Key must be 1 to 128 characters.")]}
        )
    lookup = {"user": user, "scope": scope, "key": key}
    record = IdempotencyKey.objects.filter(**lookup).first()
    if record is not None:
        return (*_stored(record, fingerprint), True)
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                **lookup, fingerprint=fingerprint, created_at=clock.now()
            )
            status, body = create()
            record.status, record.body = status, body
            record.save(update_fields=["status", "body"])
            return status, body, False
    except IntegrityError:
        # Another request with this key committed first (the unique index made us wait for it).
        record = IdempotencyKey.objects.filter(**lookup).first()
        if record is None:
            raise
        return (*_stored(record, fingerprint), True)
