"""The assessment API (thin: parse, call a selector, shape the answer). docs/assessment.md."""

from __future__ import annotations

from ninja import Query, Router

from zhengwu.accounts.auth import api_auth
from zhengwu.assessment import presenters, selectors

router = Router(tags=["assessment"], auth=api_auth)


@router.get("/indicators", summary="Indicators of a period, grouped")
def indicators(
    request,
    date_from: str = Query("", alias="from", max_length=32, description="YYYY-MM-DD"),
    to: str = Query("", max_length=32, description="YYYY-MM-DD, included"),
    group: str = Query("department", max_length=32),
):
    """Every indicator for each group: numerator, denominator and the exact ratio ``value``
    (``null`` when the denominator is 0); ``display`` is the percentage rounded half up;
    ``total`` is the whole table (sums, or a pooled figure for a percentile)."""
    start, end = selectors.parse_date(date_from), selectors.parse_date(to)
    rows, total = selectors.indicator_table_for(request.auth, start=start, end=end, group=group)
    return presenters.api_table(start=start, end=end, group=group, rows=rows, total=total)
