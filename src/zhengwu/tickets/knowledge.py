"""The knowledge base operators answer consultations from: the published service guides of the
catalogue (item, conditions, materials, fees, limits, place, basis) and the answers given to
earlier consultations (the replies of closed 咨询 tickets).

The choice: an in-process index, rebuilt when stale. Each process keeps an inverted index of jieba
words (search mode, so 营业执照 also matches 执照) over every entry and ranks by BM25 with the title
counted three times. Before each search it reads a signature of its sources (two aggregate
queries: the published items' count and last publication, the answered consultations' count and
last id) and rebuilds when that changed, so every process sees a publication or a new answer at
its next search. The same code runs on SQLite and PostgreSQL, with the same ranking, and needs no
extension (PostgreSQL's full text search has no Chinese parser without zhparser). The index is
small: a center publishes a few thousand guides; past answers are capped at the latest
``TICKET_KNOWLEDGE_ANSWERS`` (default 5000). Building it for the demo data takes well under a
second.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max
from django.urls import reverse

from zhengwu.catalog.selectors import published_versions, with_children
from zhengwu.tickets.models import Ticket
from zhengwu.tickets.segment import tokens

TITLE_WEIGHT = 3
K1 = 1.5
B = 0.75


@dataclass(frozen=True)
class Entry:
    kind: str  # "guide" | "answer"
    key: str  # the item's implementation code or the ticket's number
    title: str
    text: str
    department: str = ""
    url: str = ""


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float


class Index:
    """BM25 over jieba words; pure (no database)."""

    def __init__(self, entries: Iterable[Entry]):
        self.entries: list[Entry] = []
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        lengths = []
        for entry in entries:
            words = tokens(entry.title, search=True) * TITLE_WEIGHT + tokens(
                entry.text, search=True
            )
            doc = len(self.entries)
            self.entries.append(entry)
            lengths.append(len(words))
            for word, count in Counter(words).items():
                self.postings[word].append((doc, count))
        self.lengths = lengths
        self.average = (sum(lengths) / len(lengths)) if lengths else 0.0

    def __len__(self) -> int:
        return len(self.entries)

    def search(self, query: str, *, limit: int = 10, kind: str = "") -> list[Hit]:
        n = len(self.entries)
        if not n:
            return []
        scores: dict[int, float] = defaultdict(float)
        for word in set(tokens(query, search=True)):
            postings = self.postings.get(word)
            if not postings:
                continue
            idf = math.log(1 + (n - len(postings) + 0.5) / (len(postings) + 0.5))
            for doc, tf in postings:
                norm = K1 * (1 - B + B * self.lengths[doc] / self.average)
                scores[doc] += idf * tf * (K1 + 1) / (tf + norm)
        ranked = sorted(scores.items(), key=lambda t: (-t[1], t[0]))
        hits = []
        seen = set()
        for doc, score in ranked:
            entry = self.entries[doc]
            if (kind and entry.kind != kind) or (entry.title, entry.text) in seen:
                continue  # the same answer given to the same question shows once
            seen.add((entry.title, entry.text))
            hits.append(Hit(entry, round(score, 3)))
            if len(hits) >= limit:
                break
        return hits


# --- the entries ---------------------------------------------------------------------------------


def _limits(version) -> str:
    parts = []
    if version.statutory_limit:
        parts.append(f"法定办结时限{version.statutory_limit}个工作日")
    if version.promised_limit:
        parts.append(f"承诺办结时限{version.promised_limit}个工作日")
    if version.handling_type == "immediate":
        parts.append("即办件，当场办结")
    return "，".join(parts)


def guide_entry(version) -> Entry:
    materials = "、".join(
        m.name + ("" if m.required else "（非必需）") for m in version.materials.all()
    )
    fees = "；".join(
        f"{fee.name}{('：' + fee.standard) if fee.standard else ''}" for fee in version.fees.all()
    )
    lines = [
        ("受理条件", version.conditions),
        ("申请材料", materials),
        ("收费", fees or "不收费"),
        ("办理时限", _limits(version)),
        ("办理地点", version.place),
        ("办公时间", version.hours),
        ("咨询电话", version.consult_phone),
        ("设定依据", version.legal_basis),
    ]
    item = version.item
    return Entry(
        kind="guide",
        key=item.impl_code,
        title=version.name,
        text="\n".join(f"{label}：{value}" for label, value in lines if value),
        department=item.department.name,
        url=reverse("catalog:guide", args=(item.impl_code,)),
    )


def _answered():
    return Ticket.objects.filter(kind="consult", state="closed", duplicate_of__isnull=True).exclude(
        reply=""
    )


def answer_entries(limit: int) -> list[Entry]:
    rows = (
        _answered()
        .select_related("department")
        .order_by("-id")
        .values_list("number", "content", "reply", "department__name")[:limit]
    )
    return [
        Entry(
            kind="answer",
            key=number,
            title=content[:80],
            text=reply,
            department=department or "",
            url=reverse("tickets:detail", args=(number,)),
        )
        for number, content, reply, department in rows
    ]


def signature() -> tuple:
    guides = published_versions().aggregate(n=Count("id"), last=Max("published_at"))
    answers = _answered().aggregate(n=Count("id"), last=Max("id"))
    return (guides["n"], guides["last"], answers["n"], answers["last"], _answer_limit())


def _answer_limit() -> int:
    return int(getattr(settings, "TICKET_KNOWLEDGE_ANSWERS", 5000))


def build() -> Index:
    guides = [guide_entry(v) for v in with_children(published_versions()).order_by("item__id")]
    return Index(guides + answer_entries(_answer_limit()))


_STATE: dict = {}
_LOCK = threading.Lock()


def current_index() -> Index:
    """This process's index, rebuilt first when its sources changed since it was built."""
    stamp = signature()
    state = _STATE.get("index")
    if state is not None and state[0] == stamp:
        return state[1]
    with _LOCK:
        state = _STATE.get("index")
        if state is None or state[0] != stamp:
            state = (stamp, build())
            _STATE["index"] = state
    return state[1]


def search(query: str, *, limit: int = 10, kind: str = "") -> list[Hit]:
    query = (query or "").strip()[:500]
    if not query:
        return []
    return current_index().search(query, limit=limit, kind=kind)
