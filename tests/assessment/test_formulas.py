"""The pure formulas: exact ratios, the one half-up rounding, scores, ranks and the flag."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhengwu.assessment import formulas as f
from zhengwu.assessment.formulas import Count


def test_seed_figures():
    # 网办率: 75 online of 15,527 received; 并联审批使用率: 6 of 290.
    assert Count(75, 15527).value == Fraction(75, 15527)
    assert f.percent(Count(75, 15527).value) == Decimal("0.48")
    assert f.percent(Count(6, 290).value) == Decimal("2.07")
    assert f.percent_text(Count(6, 290).value) == "2.07%"
    # 查实率 of the county study: 282 of 300 → 94.00 %.
    assert f.percent_text(Count(282, 300).value) == "94.00%"
    assert f.percent(Count(6, 290).value, places=1) == Decimal("2.1")


def test_no_denominator_is_no_value_not_zero():
    assert Count(0, 0).value is None
    assert f.percent(None) is None
    assert f.percent_text(None) == "—"
    assert Count(0, 5).value == 0


def test_half_up_not_bankers():
    assert f.half_up(Fraction(1, 8), 2) == Decimal("0.13")  # 0.125 → 0.13
    assert f.half_up(Fraction(5, 8), 2) == Decimal("0.63")  # 0.625 → 0.63 (banker's: 0.62)
    assert f.half_up(Fraction(-1, 8), 2) == Decimal("-0.13")
    assert f.half_up(Fraction(1, 3), 2) == Decimal("0.33")
    assert f.half_up(2, 2) == Decimal("2.00")
    # 0.005 exactly as a percentage: 1 of 20,000 = 0.005 % → 0.01 %
    assert f.percent(Fraction(1, 20000)) == Decimal("0.01")


@given(st.integers(0, 10**6), st.integers(1, 10**6))
def test_half_up_is_within_half_a_unit(numerator, denominator):
    exact = Fraction(numerator, denominator) * 100
    shown = Fraction(f.percent(Fraction(numerator, denominator)))
    assert abs(shown - exact) <= Fraction(1, 200)
    assert shown - exact < Fraction(1, 200) or shown > exact  # ties go up


def test_counts_add():
    assert Count(1, 2) + Count(3, 4) == Count(4, 6)
    assert f.total([Count(1, 2), Count(0, 0), Count(2, 3)]) == Count(3, 5)


def test_score_is_weighted_mean_of_available_values():
    values = {"on_time_rate": Fraction(9, 10), "online_rate": Fraction(1, 2), "late_rate": None}
    assert f.score(values, {"on_time_rate": 3, "online_rate": 1}) == Fraction(3 * 90 + 50, 4)
    # A missing indicator drops out with its weight.
    assert f.score(values, {"on_time_rate": 3, "late_rate": 5}) == 90
    # Lower is better: a late rate of 10 % scores 90.
    assert f.score({"late_rate": Fraction(1, 10)}, {"late_rate": 1}) == 90
    assert f.score({"online_rate": None}, {"online_rate": 1}) is None


@pytest.mark.parametrize(
    "weights",
    [{}, {"nope": 1}, {"online_rate": -1}, {"online_rate": "x"}, {"online_rate": 0}, [1]],
)
def test_bad_weights(weights):
    with pytest.raises(ValueError):
        f.validate_weights(weights)


def test_weights_accept_decimals():
    assert f.validate_weights({"online_rate": 0.1})["online_rate"] == Fraction(1, 10)


def test_rank_is_competition_ranking():
    scores = {"a": Fraction(90), "b": Fraction(80), "c": Fraction(80), "d": Fraction(70), "e": None}
    assert f.rank(scores) == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_last_places():
    ranks = {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}
    assert f.in_last_places(ranks) == {"c", "d", "e"}
    # Ties at the boundary are all in.
    assert f.in_last_places({"a": 1, "b": 2, "c": 3, "d": 3, "e": 5}) == {"c", "d", "e"}
    assert f.in_last_places({"a": 1, "b": 2, "c": 2, "d": 2, "e": 2}) == {"b", "c", "d", "e"}
    # Three or fewer ranked groups: nobody is flagged.
    assert f.in_last_places({"a": 1, "b": 2, "c": 3}) == set()


def test_last_places_two_months_running():
    now = {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}
    before = {"a": 5, "b": 4, "c": 1, "d": 2, "e": 3}
    assert f.last_places_twice(now, before) == {"e"}
    # A group without a rank last month is not flagged.
    assert f.last_places_twice(now, {"a": 1, "b": 2, "c": 3, "d": 4}) == {"c", "d"}


def test_months():
    assert f.parse_month("2025-10") == (2025, 10)
    for bad in ("2025-13", "2025/10", "25-10", "", "2025-1x", None):
        with pytest.raises(ValueError):
            f.parse_month(bad)
    assert f.month_range(2025, 2) == (dt.date(2025, 2, 1), dt.date(2025, 2, 28))
    assert f.month_range(2024, 12) == (dt.date(2024, 12, 1), dt.date(2024, 12, 31))
    assert f.previous_month(2025, 1) == (2024, 12)
    assert f.last_months(2025, 2, 3) == [(2024, 12), (2025, 1), (2025, 2)]


def test_keys_are_the_contract():
    assert f.INDICATOR_KEYS == (
        "completion_rate", "on_time_rate", "early_rate", "late_rate", "immediate_rate",
        "online_rate", "parallel_rate", "promised_speedup", "statutory_speedup",
        "active_rating_rate", "good_rate", "satisfaction_rate", "bad_rate",
        "rectification_rate", "callback_rate",
        "joint_completion_rate", "joint_on_time_rate", "joint_time_ratio",
        "composite_licence_share",
    )  # fmt: skip
