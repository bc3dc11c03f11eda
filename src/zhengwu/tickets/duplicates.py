"""Possible duplicates of a call being taken: the same caller or the same address, with similar
content, within the last days.

The similarity is the mean of two Jaccard indexes: of the texts' character bigrams (robust to
word-boundary noise) and of their jieba words (robust to different phrasing, 路面有坑 / 路面坑洼).
It is symmetric and lies in [0, 1]; two accounts of one problem score about 0.3 and more, two
different problems at one address about 0.2 and less.
The threshold (``ZHENGWU_TICKET_DUPLICATE_THRESHOLD``, default 0.3) and the window
(``ZHENGWU_TICKET_DUPLICATE_DAYS``, default 7) are settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from zhengwu.core import clock
from zhengwu.tickets.models import Ticket, TicketState
from zhengwu.tickets.segment import bigrams, normalize, tokens

DEFAULT_THRESHOLD = 0.3
DEFAULT_DAYS = 7


def jaccard(x: set, y: set) -> float:
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


def similarity(a: str, b: str) -> float:
    """The mean of the bigram and the word Jaccard indexes of ``a`` and ``b`` (0 when either
    is empty)."""
    return (
        jaccard(bigrams(a), bigrams(b))
        + jaccard(set(tokens(a, search=True)), set(tokens(b, search=True)))
    ) / 2


def same_address(a: str, b: str) -> bool:
    """Two addresses name the same place when they are equal once spaces, punctuation and
    full-width forms are ignored (an empty address matches nothing)."""
    x, y = address_key(a), address_key(b)
    return bool(x) and x == y


def address_key(address: str) -> str:
    return "".join(ch for ch in normalize(address) if ch.isalnum())


@dataclass(frozen=True)
class Candidate:
    """An earlier ticket as the matcher sees it."""

    number: str
    content: str
    caller_phone: str
    address: str
    created_at: dt.datetime


@dataclass(frozen=True)
class Match:
    number: str
    score: float
    same_caller: bool
    same_address: bool


def rank(
    content: str,
    caller_phone: str,
    address: str,
    candidates,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = 5,
) -> list[Match]:
    """The candidates by the same caller or at the same address whose content is at least
    ``threshold`` similar, best first (ties: the newer first)."""
    phone = (caller_phone or "").strip()
    found = []
    for c in candidates:
        by_caller = bool(phone) and c.caller_phone.strip() == phone
        by_address = same_address(address, c.address)
        if not (by_caller or by_address):
            continue
        score = similarity(content, c.content)
        if score >= threshold:
            found.append(
                (score, c.created_at, Match(c.number, round(score, 3), by_caller, by_address))
            )
    found.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [m for _, _, m in found[:limit]]


# --- the selector --------------------------------------------------------------------------------


def find(
    *,
    content: str,
    caller_phone: str = "",
    address: str = "",
    exclude: str = "",
    threshold: float | None = None,
    days: int | None = None,
    limit: int = 5,
):
    """Possible duplicates among the tickets received in the last ``days`` (setting
    ``TICKET_DUPLICATE_DAYS``) by the same caller or at the same address: ``[(ticket, match)]``,
    best first. Merged tickets are left out (their original is offered instead). One query."""
    phone = (caller_phone or "").strip()[:20]
    key = address_key(address)
    if not (content or "").strip() or not (phone or key):
        return []
    if threshold is None:
        threshold = settings.TICKET_DUPLICATE_THRESHOLD
    if days is None:
        days = settings.TICKET_DUPLICATE_DAYS
    since = clock.now() - dt.timedelta(days=days)
    where = Q(caller_phone=phone) if phone else Q()
    if key:
        # Addresses are compared normalised; the database narrows by their first word.
        near = Q(address__icontains=(address or "").split()[0][:4])
        where = (where | near) if phone else near
    queryset = (
        Ticket.objects.filter(where, received_at__gte=since, number__isnull=False)
        .exclude(state=TicketState.MERGED)
        .select_related("category", "department")
    )
    if exclude:
        queryset = queryset.exclude(number=exclude)
    rows = list(queryset.order_by("-id")[:200])
    by_number = {t.number: t for t in rows}
    candidates = [
        Candidate(t.number, t.content, t.caller_phone, t.address, t.received_at) for t in rows
    ]
    matches = rank(content, phone, address, candidates, threshold=threshold, limit=limit)
    return [(by_number[m.number], m) for m in matches]
