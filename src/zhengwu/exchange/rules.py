"""The pure rules of the outbound exchange (no Django): the retry back-off, what a receiver's
answer acknowledges or refuses, and which claimed records may go out without overtaking an
earlier record of their stream (docs/exchange.md)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

MAX_REASON = 500


def backoff_seconds(attempts: int, *, base: float, cap: float, jitter: float, rand: float) -> float:
    """Seconds to wait after the ``attempts``-th failed attempt (1, 2, ...):
    ``min(base * 2**(attempts-1), cap)``, spread by up to ``jitter`` (0..1) of itself using
    ``rand`` in [0, 1) so that many records failing together do not come back together."""
    exponent = max(attempts - 1, 0)
    delay = cap if exponent >= 62 else min(base * (2**exponent), cap)
    return delay * (1 - jitter * rand)


class AnswerError(Exception):
    """The answer acknowledges nothing (an error status, not JSON, no ``accepted`` list)."""


@dataclass
class Answer:
    accepted: set[str] = field(default_factory=set)
    refused: dict[str, str] = field(default_factory=dict)  # key -> the receiver's reason
    references: dict[str, str] = field(default_factory=dict)  # key -> the receiver's number


def _text(value, limit: int) -> str:
    return str(value)[:limit] if value is not None else ""


def parse_answer(status: int, body: bytes, keys: Iterable[str]) -> Answer:
    """What a receiver's answer says of the records ``keys`` it was sent.

    A 2xx answer with a JSON object: ``accepted`` (required) lists the keys taken; ``refused``
    (optional) lists ``{"key", "reason"}`` of the records refused as invalid; ``references``
    (optional) maps a key to the receiver's own number for it. Keys not sent are ignored; a key
    both accepted and refused counts as accepted. Anything else raises ``AnswerError``."""
    if not 200 <= status < 300:
        raise AnswerError(f"HTTP {status}: {body[:200].decode('utf-8', 'replace')}")
    try:
        answer = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise AnswerError(f"HTTP {status} with a body that is not JSON") from None
    accepted = answer.get("accepted") if isinstance(answer, dict) else None
    if not isinstance(accepted, list):
        raise AnswerError(f"HTTP {status} without an 'accepted' list")
    sent = set(keys)
    result = Answer(accepted={k for k in accepted if isinstance(k, str)} & sent)
    refused = answer.get("refused")
    if isinstance(refused, list):
        for entry in refused:
            if not isinstance(entry, dict):
                continue
            key = entry.get("key")
            if isinstance(key, str) and key in sent and key not in result.accepted:
                reason = _text(entry.get("reason"), MAX_REASON) or "refused"
                result.refused[key] = reason
    references = answer.get("references")
    if isinstance(references, dict):
        for key, value in references.items():
            if key in result.accepted and isinstance(value, str | int):
                result.references[key] = _text(value, 80)
    return result


def in_stream_order(
    claimed: Iterable[tuple[int, str]], open_before: Mapping[str, Iterable[int]]
) -> list[int]:
    """The ids of the ``claimed`` ``(id, stream)`` records that may be sent now: a record goes
    out only when every earlier open record of its stream (``open_before[stream]``: the ids of
    its pending or failed records) goes out before it in the same batch. The others wait for a
    later run, so a stream's records reach the receiver in the order they were written."""
    claimed = sorted(claimed)
    chosen = {record_id for record_id, _stream in claimed}
    blocked_from: dict[str, int] = {}
    for stream, ids in open_before.items():
        outside = [i for i in ids if i not in chosen]
        if outside:
            blocked_from[stream] = min(outside)
    sendable = []
    for record_id, stream in claimed:
        first_blocker = blocked_from.get(stream)
        if first_blocker is not None and first_blocker < record_id:
            continue
        sendable.append(record_id)
    return sendable
