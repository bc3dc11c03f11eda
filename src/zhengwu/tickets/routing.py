"""Routing rules: which department a ticket goes to (and, for a call not yet classified, which
category it likely is), from ordered rules that administrators manage.

A rule holds conditions and an outcome. Conditions, each optional: a category (the ticket's
category or one of its ancestors), keywords (any one of them in the content or address), an area
(in the ticket's area or address). The outcome: a department. Rules are tried in their ``order``
(then id); the first whose every set condition holds wins. While a call is being typed and no
category is chosen yet, a rule with a category condition holds only if its keywords hit, and then
it proposes its category as well.

``match`` is pure: the caller loads the active rules once (``load_rules``) and passes them in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from zhengwu.tickets.segment import normalize

_SPLIT = re.compile(r"[,，、;；|\s]+")


@dataclass(frozen=True)
class Rule:
    order: int
    id: int = 0
    category: str = ""  # category code; "" = any
    keywords: tuple[str, ...] = ()
    area: str = ""
    department: str = ""  # department code: the outcome
    note: str = ""


@dataclass(frozen=True)
class Decision:
    department: str
    category: str
    rule: Rule


def parse_keywords(value) -> tuple[str, ...]:
    """Keywords as stored: a list, or one string separated by commas, 、, semicolons or spaces."""
    if not value:
        return ()
    items = value if isinstance(value, list | tuple) else _SPLIT.split(str(value))
    return tuple(dict.fromkeys(normalize(str(k)) for k in items if str(k).strip()))


def _holds(rule: Rule, *, text: str, area: str, categories: Sequence[str]) -> bool:
    hit = any(k in text for k in rule.keywords)
    if rule.keywords and not hit:
        return False
    if rule.area and normalize(rule.area) not in area:
        return False
    if rule.category:
        if categories:
            return rule.category in categories
        return hit  # no category chosen yet: only the keywords can vouch for the rule's category
    return True


def match(
    rules: Iterable[Rule],
    *,
    content: str,
    address: str = "",
    area: str = "",
    category: str = "",
    ancestors: Sequence[str] = (),
) -> Decision | None:
    """The first rule (by order, then id) that holds for the ticket, or None.

    ``category`` is the ticket's category code ("" when not chosen yet) and ``ancestors`` the
    codes of its parents, so a rule on 城市管理 also routes 城市管理/占道经营."""
    text = normalize(f"{content} {address}")
    where = normalize(f"{area} {address}")
    categories = [c for c in (category, *ancestors) if c]
    for rule in sorted(rules, key=lambda r: (r.order, r.id)):
        if rule.department and _holds(rule, text=text, area=where, categories=categories):
            return Decision(
                department=rule.department, category=category or rule.category, rule=rule
            )
    return None
