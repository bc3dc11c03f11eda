"""The ticket report formulas (DOMAIN.md §5 and §7). Pure: no Django imports.

The selectors count; these functions turn counts into rows of exact ``Ratio``s
(``zhengwu.core.ratios``: exact fractions, shown as percentages rounded half up, one decimal).
docs/tickets.md states every definition; in short:

Per category (efficiency complaints by default), over the tickets received in the period:

- received: tickets of the category; substantiated (查实): investigated as substantiated or
  partly substantiated;
- share (占比) = received ÷ all received in the report;
- 查实率 = substantiated ÷ received; the overall 查实率 = all substantiated ÷ all received;
- diff_points = (the category's 查实率 − the overall 查实率) × 100, in percentage points, from the
  exact values, rounded once;
- yoy (同比) = (received − received a year earlier) ÷ received a year earlier, over the same days
  one year before.

Per handling unit, over the tickets received in the period and dispatched to it (the unit holding
the ticket last):

- 响应率 response rate = accepted by the acceptance deadline ÷ dispatched;
- 按时办结率 on-time rate = replied by the reply deadline ÷ replied;
- 回访率 callback rate = replied with the current reply called back ÷ replied (a redo withdraws
  the reply: numerator ⊆ denominator);
- 解决率 resolution rate = latest callback resolved ÷ latest callback reached the caller;
- 满意率 satisfaction rate = latest callback satisfied or basically satisfied ÷ latest callback
  reached the caller;
- returns (退单) and redo rounds (返工) as counts.
Units are ranked by satisfaction, then resolution, on-time and response rates (higher first; a
rate without data ranks below any rate), then by code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from zhengwu.core.ratios import Ratio, points

__all__ = [
    "CategoryCount",
    "DepartmentCount",
    "category_rows",
    "department_rows",
    "year_rows",
]


@dataclass(frozen=True, slots=True)
class CategoryCount:
    code: str
    name: str
    received: int
    substantiated: int
    previous_received: int = 0


def category_rows(counts: Sequence[CategoryCount]) -> dict:
    """``{"rows": [...], "total": {...}}``: every category with its share, 查实率, its difference
    from the overall 查实率 in points and its year-on-year change; rows by received, most first."""
    received = sum(c.received for c in counts)
    substantiated = sum(c.substantiated for c in counts)
    previous = sum(c.previous_received for c in counts)
    overall = Ratio(substantiated, received)
    rows = []
    for c in sorted(counts, key=lambda c: (-c.received, c.code)):
        rate = Ratio(c.substantiated, c.received)
        rows.append(
            {
                "code": c.code,
                "name": c.name,
                "received": Ratio(c.received, received),
                "substantiated": Ratio(c.substantiated, substantiated),
                "share": Ratio(c.received, received),
                "substantiation_rate": rate,
                "diff_points": points(rate.value, overall.value),
                "previous_received": c.previous_received,
                "yoy": Ratio(c.received - c.previous_received, c.previous_received),
            }
        )
    return {
        "rows": rows,
        "total": {
            "received": received,
            "substantiated": substantiated,
            "substantiation_rate": overall,
            "previous_received": previous,
            "yoy": Ratio(received - previous, previous),
        },
    }


def year_rows(counts: Iterable[tuple[int, int, int]]) -> list[dict]:
    """Rows per year from ``(year, received, substantiated)``, with 查实率 and the change
    against the year before when it is in the data."""
    by_year = {year: (received, sub) for year, received, sub in counts}
    rows = []
    for year in sorted(by_year):
        received, sub = by_year[year]
        before = by_year.get(year - 1)
        rows.append(
            {
                "year": year,
                "received": received,
                "substantiated": sub,
                "substantiation_rate": Ratio(sub, received),
                "yoy": Ratio(received - before[0], before[0]) if before else Ratio(0, 0),
            }
        )
    return rows


@dataclass(frozen=True, slots=True)
class DepartmentCount:
    code: str
    name: str
    dispatched: int = 0
    accepted_in_time: int = 0
    replied: int = 0
    replied_on_time: int = 0
    called_back: int = 0
    reached: int = 0
    resolved: int = 0
    satisfied: int = 0  # satisfied + basically satisfied
    returned: int = 0
    redo: int = 0


def department_rows(counts: Iterable[DepartmentCount]) -> list[dict]:
    """Every unit's rates, ranked (``rank`` 1 is the best)."""
    rows = []
    for c in counts:
        rows.append(
            {
                "code": c.code,
                "name": c.name,
                "dispatched": c.dispatched,
                "response_rate": Ratio(c.accepted_in_time, c.dispatched),
                "on_time_rate": Ratio(c.replied_on_time, c.replied),
                "callback_rate": Ratio(c.called_back, c.replied),
                "resolution_rate": Ratio(c.resolved, c.reached),
                "satisfaction_rate": Ratio(c.satisfied, c.reached),
                "returned": c.returned,
                "redo": c.redo,
            }
        )

    def key(row):
        ranked = []
        for name in ("satisfaction_rate", "resolution_rate", "on_time_rate", "response_rate"):
            value = row[name].value
            ranked.append((value is None, -(value or 0)))
        return (*ranked, row["code"])

    rows.sort(key=key)
    for index, row in enumerate(rows, start=1):
        row["rank"] = index
    return rows
