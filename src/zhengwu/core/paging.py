"""The one pager every list shows (``templates/includes/pager.html``): the total, the rows'
position and the links, for numbered pages (Django's ``Paginator``) and for keyset pages.

A numbered list knows its total and page count. A keyset list (the case workbench, the ticket
queues) never counts the whole table: its total is a count stopped at a cap (shown as "999+"),
and the rows' position is counted the same way from the cursor, so a deep page shows only the
total.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

COUNT_CAP = 999


@dataclass(frozen=True)
class Pager:
    total: str  # "123", or "999+" past the cap
    first: int  # 1-based position of the page's first row; 0 when unknown or empty
    last: int
    number: int = 0  # page number and page count: numbered lists only
    pages: int = 0
    # Query strings (without "?") of the other pages; None when there is no such page.
    previous_query: str | None = None
    next_query: str | None = None
    first_query: str | None = None


def capped_count(queryset: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many rows, counting no further than ``cap``: ``(count, capped)``."""
    count = queryset.order_by()[: cap + 1].count()
    return min(count, cap), count > cap


def shown(count: int, capped: bool) -> str:
    return f"{count}+" if capped else str(count)


def _with(query: str, key: str, value) -> str:
    from django.http import QueryDict

    params = QueryDict(query, mutable=True)
    params.pop(key, None)
    if value not in (None, ""):
        params[key] = str(value)
    return params.urlencode()


def query_with(request, **changes) -> str:
    """The request's query string with ``changes`` set (an empty value removes the key): the
    links of filters and tabs that keep the other parameters."""
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value:
            params[key] = value
    return params.urlencode()


def numbered(page, query: str = "", param: str = "page") -> Pager:
    """The pager of a ``Paginator`` page; ``query`` is the list's other parameters."""
    count = page.paginator.count
    return Pager(
        total=str(count),
        first=page.start_index() if count else 0,
        last=page.end_index() if count else 0,
        number=page.number,
        pages=page.paginator.num_pages,
        previous_query=_with(query, param, page.previous_page_number())
        if page.has_previous()
        else None,
        next_query=_with(query, param, page.next_page_number()) if page.has_next() else None,
        first_query=_with(query, param, "") if page.number > 2 else None,
    )


def keyset(
    *,
    total: tuple[int, bool],
    before: tuple[int, bool] | None,
    rows: int,
    previous_query: str | None = None,
    next_query: str | None = None,
    first_query: str | None = None,
) -> Pager:
    """The pager of a keyset page: ``total`` and ``before`` (the rows ahead of the page, None on
    the first page) are capped counts; ``rows`` how many the page holds."""
    ahead, ahead_capped = before or (0, False)
    known = rows and not ahead_capped
    return Pager(
        total=shown(*total),
        first=ahead + 1 if known else 0,
        last=ahead + rows if known else 0,
        previous_query=previous_query,
        next_query=next_query,
        first_query=first_query,
    )


def keyset_page(
    queryset: QuerySet,
    *,
    after_id: int | None,
    rows: int,
    next_query: str | None,
    first_query: str | None = None,
    previous_query: str | None = None,
) -> Pager:
    """``keyset`` for a list paged newest first by id: the capped total of ``queryset`` and the
    capped count of the rows ahead of the cursor (two bounded counts, never a full one)."""
    return keyset(
        total=capped_count(queryset),
        before=capped_count(queryset.filter(id__gte=after_id)) if after_id is not None else None,
        rows=rows,
        previous_query=previous_query,
        next_query=next_query,
        first_query=first_query,
    )
