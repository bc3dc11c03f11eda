"""Exact ratios and the one rounding rule for showing them. Pure: no Django imports.

Every rate the platform reports is a ``Ratio(numerator, denominator)``: its ``value`` is an exact
``Fraction`` (``None`` when the denominator is 0: "no data", never 0 % nor 100 %). Only display
rounds, with ``percent(value, places)``: the value times 100, rounded **half up** (四舍五入: a
half goes away from zero, so 12.65 → 12.7 and −12.65 → −12.7) to ``places`` decimals, computed on
the exact fraction so no binary floating point can tip a half either way.

Differences between two rates are taken on the exact values, then rounded once:
``points(a, b)`` = ``percent(a − b)`` percentage points.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

__all__ = ["Ratio", "percent", "points", "round_half_up"]


def round_half_up(value: Fraction, places: int = 0) -> Decimal:
    """``value`` rounded half away from zero to ``places`` decimals, exactly."""
    scaled = Fraction(value) * 10**places
    magnitude = abs(scaled)
    whole = magnitude.numerator * 2 + magnitude.denominator
    rounded = whole // (2 * magnitude.denominator)  # floor(|x| + 1/2)
    if scaled < 0:
        rounded = -rounded
    return Decimal(rounded).scaleb(-places)


def percent(value: Fraction | None, places: int = 1) -> Decimal | None:
    """``value`` as a percentage rounded half up to ``places`` decimals (None stays None)."""
    if value is None:
        return None
    return round_half_up(Fraction(value) * 100, places)


def points(a: Fraction | None, b: Fraction | None, places: int = 1) -> Decimal | None:
    """The difference ``a − b`` of two rates in percentage points, rounded once at the end."""
    if a is None or b is None:
        return None
    return percent(Fraction(a) - Fraction(b), places)


@dataclass(frozen=True, slots=True)
class Ratio:
    numerator: int
    denominator: int

    @property
    def value(self) -> Fraction | None:
        if not self.denominator:
            return None
        return Fraction(self.numerator, self.denominator)

    def percent(self, places: int = 1) -> Decimal | None:
        return percent(self.value, places)

    def as_dict(self, places: int = 1) -> dict:
        """``{"numerator", "denominator", "value"}`` with ``value`` the percentage rounded half
        up (a float for JSON; None without a denominator)."""
        shown = self.percent(places)
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "value": None if shown is None else float(shown),
        }
