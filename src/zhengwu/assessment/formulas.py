"""The indicator formulas of DOMAIN.md §5, the display rounding and the monthly ranking. Pure: no
Django.

- An indicator of a group is a ``Count``: a ``numerator`` and a ``denominator`` (whole numbers);
  its ``value`` is the exact ratio as a ``Fraction``, ``None`` when the denominator is 0 (no data:
  never 0 %).
- The monthly score ignores an indicator without a weight; ``joint_time_ratio`` (working days
  used ÷ the serial days of the items) is lower-is-better when weighted.
- Display: a ratio is shown as a percentage rounded to two decimals **half up** (``percent``):
  75 / 15,527 → 0.48 %, 6 / 290 → 2.07 %. That is the only rounding; scores and ranks use the
  exact ratios.
- The monthly score of a group is the weighted mean of its indicator values (in percent) over the
  weighted indicators that have data; an indicator where lower is better (``late_rate``,
  ``bad_rate``) enters as 100 − value. A group with none of them has no score and no rank.
- Ranks are competition ranks (1, 2, 2, 4) by score, highest first. "Ranked in the last three" means
  fewer than three ranked groups scored strictly lower; the flag is only raised when more than three
  groups are ranked. "Last three two months running" holds for a group in the last three this month
  and last month.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

__all__ = [
    "CASE_KEYS",
    "DEFAULT_WEIGHTS",
    "INDICATOR_KEYS",
    "JOINT_KEYS",
    "LAST_PLACES",
    "LOWER_IS_BETTER",
    "RATING_KEYS",
    "Count",
    "half_up",
    "in_last_places",
    "last_months",
    "last_places_twice",
    "month_range",
    "parse_month",
    "percent",
    "percent_text",
    "previous_month",
    "rank",
    "ratio",
    "score",
    "total",
    "validate_weights",
]

# The indicator keys (the API contract), in display order.
CASE_KEYS = (
    "completion_rate",
    "on_time_rate",
    "early_rate",
    "late_rate",
    "immediate_rate",
    "online_rate",
    "parallel_rate",
    "promised_speedup",
    "statutory_speedup",
)
RATING_KEYS = (
    "active_rating_rate",
    "good_rate",
    "satisfaction_rate",
    "bad_rate",
    "rectification_rate",
    "callback_rate",
)
# 一件事 (joint applications, DOMAIN §10) and 一业一证: the joint provider's.
JOINT_KEYS = (
    "joint_completion_rate",
    "joint_on_time_rate",
    "joint_time_ratio",
    "composite_licence_share",
)
INDICATOR_KEYS = CASE_KEYS + RATING_KEYS + JOINT_KEYS
LOWER_IS_BETTER = frozenset({"late_rate", "bad_rate", "joint_time_ratio"})

# [cfg] ZHENGWU_BRIEF_WEIGHTS overrides these (docs/assessment.md).
DEFAULT_WEIGHTS: dict[str, int] = {
    "on_time_rate": 30,
    "completion_rate": 20,
    "online_rate": 15,
    "promised_speedup": 15,
    "immediate_rate": 10,
    "satisfaction_rate": 10,
}
LAST_PLACES = 3


def ratio(numerator: int, denominator: int) -> Fraction | None:
    """The exact ratio; ``None`` when there is nothing to divide by."""
    if denominator == 0:
        return None
    return Fraction(numerator, denominator)


@dataclass(frozen=True, slots=True)
class Count:
    numerator: int = 0
    denominator: int = 0

    @property
    def value(self) -> Fraction | None:
        return ratio(self.numerator, self.denominator)

    def __add__(self, other: Count) -> Count:
        return Count(self.numerator + other.numerator, self.denominator + other.denominator)


def half_up(value: Fraction | decimal.Decimal | int, places: int = 2) -> decimal.Decimal:
    """``value`` rounded to ``places`` decimals, halves away from zero (四舍五入)."""
    value = Fraction(value)
    scale = 10**places
    scaled = abs(value) * scale
    whole = scaled.numerator // scaled.denominator
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    if value < 0:
        whole = -whole
    return decimal.Decimal(whole).scaleb(-places)


def percent(value: Fraction | None, places: int = 2) -> decimal.Decimal | None:
    """A ratio in percent, rounded for display: ``Fraction(6, 290)`` → ``Decimal("2.07")``."""
    if value is None:
        return None
    return half_up(value * 100, places)


def percent_text(value: Fraction | None, places: int = 2, empty: str = "—") -> str:
    shown = percent(value, places)
    return empty if shown is None else f"{shown}%"


def validate_weights(weights: Mapping[str, object]) -> dict[str, Fraction]:
    """Weights as exact numbers; ``ValueError`` for an unknown key, a negative weight or none."""
    if not isinstance(weights, Mapping) or not weights:
        raise ValueError("the weights are a non-empty mapping of indicator key to weight")
    clean = {}
    for key, weight in weights.items():
        if key not in INDICATOR_KEYS:
            raise ValueError(f"unknown indicator {key!r}")
        if isinstance(weight, bool):
            raise ValueError(f"the weight of {key} is a number")
        try:
            exact = Fraction(str(weight)) if isinstance(weight, float) else Fraction(weight)
        except (TypeError, ValueError):
            raise ValueError(f"the weight of {key} is a number") from None
        if exact < 0:
            raise ValueError(f"the weight of {key} is negative")
        clean[key] = exact
    if sum(clean.values()) == 0:
        raise ValueError("at least one weight must be positive")
    return clean


def score(values: Mapping[str, Fraction | None], weights: Mapping[str, object]) -> Fraction | None:
    """The weighted mean in percent of the weighted indicators that have a value."""
    clean = validate_weights(weights)
    total = Fraction(0)
    weight_sum = Fraction(0)
    for key, weight in clean.items():
        value = values.get(key)
        if value is None or weight == 0:
            continue
        points = value * 100
        if key in LOWER_IS_BETTER:
            points = 100 - points
        total += weight * points
        weight_sum += weight
    if weight_sum == 0:
        return None
    return total / weight_sum


def rank(scores: Mapping[Hashable, Fraction | None]) -> dict[Hashable, int]:
    """Competition ranks, highest score first; groups without a score are left out."""
    ranked = sorted((s for s in scores.values() if s is not None), reverse=True)
    first_place: dict[Fraction, int] = {}
    for position, value in enumerate(ranked, start=1):
        first_place.setdefault(value, position)
    return {key: first_place[s] for key, s in scores.items() if s is not None}


def in_last_places(ranks: Mapping[Hashable, int], places: int = LAST_PLACES) -> set[Hashable]:
    """The groups in the last ``places``: fewer than ``places`` ranked groups are strictly below
    them. Empty when no more than ``places`` groups are ranked."""
    if len(ranks) <= places:
        return set()
    below = {}
    ordered = sorted(ranks.values())
    for key, position in ranks.items():
        below[key] = sum(1 for other in ordered if other > position)
    return {key for key, count in below.items() if count < places}


def last_places_twice(
    current: Mapping[Hashable, int],
    previous: Mapping[Hashable, int],
    places: int = LAST_PLACES,
) -> set[Hashable]:
    """The groups in the last ``places`` this month and last month."""
    return in_last_places(current, places) & in_last_places(previous, places)


def total(counts: Iterable[Count]) -> Count:
    result = Count()
    for count in counts:
        result = result + count
    return result


def parse_month(text: str) -> tuple[int, int]:
    """``"2025-10"`` → ``(2025, 10)``; ``ValueError`` for anything else."""
    text = str(text or "").strip()
    parts = text.split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        raise ValueError(f"not a month: {text!r}")
    year, month = int(parts[0]), int(parts[1])
    if not 1 <= month <= 12 or year < 1900:
        raise ValueError(f"not a month: {text!r}")
    return year, month


def month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a month."""
    first = dt.date(year, month, 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def last_months(year: int, month: int, count: int) -> list[tuple[int, int]]:
    """``count`` months ending with ``(year, month)``, oldest first."""
    months = [(year, month)]
    for _ in range(count - 1):
        months.append(previous_month(*months[-1]))
    return months[::-1]
