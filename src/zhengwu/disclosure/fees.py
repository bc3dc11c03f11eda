"""信息处理费 (政府信息公开条例 art. 42; 国办函〔2020〕109号). Pure: no Django.

Two ways to charge, never both for one request (109号 二(二)):

- **per item** (按件计收): counted per applicant per calendar month over all its requests: items
  1–10 free, items 11–30 100元 each, then for every further 10 the price of an item rises by
  100元 (31–40 200元, 41–50 300元, ...);
- **per page** (按量计收): for one request, pages 1–30 free, pages 31–100 10元 each, pages 101–200
  20元 each, pages from 201 40元 each.

``fee(items=..., earlier_items=...)`` or ``fee(pages=...)`` returns a ``Fee`` with the amount in
yuan and the parts it is made of (for the 收费通知).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = [
    "FREE_ITEMS",
    "FREE_PAGES",
    "Basis",
    "Fee",
    "FeePart",
    "fee",
    "item_price",
    "page_price",
]

FREE_ITEMS = 10
FREE_PAGES = 30


class Basis(enum.StrEnum):
    ITEMS = "items"
    PAGES = "pages"


@dataclass(frozen=True, slots=True)
class FeePart:
    first: int  # the first item or page of the part (counted in the month, or in the request)
    last: int
    price: int  # yuan each

    @property
    def amount(self) -> int:
        return (self.last - self.first + 1) * self.price


@dataclass(frozen=True, slots=True)
class Fee:
    basis: Basis
    quantity: int  # items of this request, or its pages
    amount: int  # yuan
    parts: tuple[FeePart, ...]


def item_price(n: int) -> int:
    """The price in yuan of the ``n``-th item an applicant asks for in a calendar month."""
    if n <= FREE_ITEMS:
        return 0
    if n <= 30:
        return 100
    return 100 * (2 + (n - 31) // 10)


def page_price(n: int) -> int:
    """The price in yuan of the ``n``-th page of one request."""
    if n <= FREE_PAGES:
        return 0
    if n <= 100:
        return 10
    if n <= 200:
        return 20
    return 40


def _parts(first: int, last: int, price) -> tuple[FeePart, ...]:
    parts: list[FeePart] = []
    for n in range(first, last + 1):
        p = price(n)
        if parts and parts[-1].price == p:
            parts[-1] = FeePart(parts[-1].first, n, p)
        else:
            parts.append(FeePart(n, n, p))
    return tuple(part for part in parts if part.price)


def _count(value, what: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{what} must be a whole number >= {minimum}")
    return value


def fee(*, items: int | None = None, pages: int | None = None, earlier_items: int = 0) -> Fee:
    """The fee of a request charged per item (``items`` of this request, after
    ``earlier_items`` the applicant asked for earlier in the same calendar month) or per page.
    Exactly one of ``items`` and ``pages``; raises ``ValueError`` otherwise."""
    if (items is None) == (pages is None):
        raise ValueError("charge per item or per page, never both")
    if items is not None:
        items = _count(items, "items", minimum=1)
        earlier = _count(earlier_items, "earlier_items", minimum=0)
        parts = _parts(earlier + 1, earlier + items, item_price)
        return Fee(Basis.ITEMS, items, sum(p.amount for p in parts), parts)
    pages = _count(pages, "pages", minimum=1)
    parts = _parts(1, pages, page_price)
    return Fee(Basis.PAGES, pages, sum(p.amount for p in parts), parts)
