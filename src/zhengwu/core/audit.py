"""Hash chains for append-only trails (DESIGN.md Events). Pure: no Django imports.

hash = sha256(prev_hash + canonical JSON of the event), hex. The canonical JSON sorts keys, has no
insignificant white space and keeps non-ASCII text as is, so the same event always hashes the same.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

GENESIS = "0" * 64


def _default(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not serialisable: {type(value).__name__}")


def canonical_json(payload) -> str:
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default
    )


def chain_hash(prev_hash: str, payload) -> str:
    return hashlib.sha256((prev_hash + canonical_json(payload)).encode()).hexdigest()


def first_break(rows, *, after: int = 0, prev: str = GENESIS) -> int | None:
    """Index of the first row whose chain is broken, or None.

    ``rows`` are (seq, payload, prev_hash, hash) in seq order, seq counting from ``after`` + 1
    (1 unless the trail's first ``after`` events were archived, the last of them hashing to
    ``prev``).
    """
    for index, (seq, payload, prev_hash, digest) in enumerate(rows):
        if seq != after + index + 1 or prev_hash != prev or chain_hash(prev, payload) != digest:
            return index
        prev = digest
    return None
