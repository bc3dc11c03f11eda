"""The Cardinal-style red flags on hand-built histories whose quartiles are worked out below."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhengwu.trading import cardinal
from zhengwu.trading.cardinal import Process, ProcessBid


def process(
    ident, bids, winners=(), *, tenderer="T", agent="", method="lowest_price", awarded=True
):
    return Process(
        id=ident,
        tenderer=tenderer,
        agent=agent,
        bids=tuple(ProcessBid(*b) for b in bids),
        winners=tuple(winners),
        awarded=awarded,
        award_method=method,
    )


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=40), st.floats(0, 1))
def test_quantiles_are_definition_8(values, tau):
    """The same as numpy's median-unbiased method (Hyndman and Fan 8), as statrs computes it."""
    ours = cardinal.quantile(sorted(values), tau)
    assert ours == pytest.approx(np.quantile(values, tau, method="median_unbiased"), abs=1e-6)


def test_r024_a_winner_just_below_the_second_bid():
    # Margins 0.050 … 0.056 and one of 0.001. Sorted, n = 8:
    # Q1: h = (8 + 1/3)·0.25 + 1/3 = 2.4167 → 0.050 + 0.4167·0.001 = 0.05042
    # Q3: h = (8 + 1/3)·0.75 + 1/3 = 6.5833 → 0.054 + 0.5833·0.001 = 0.05458
    # lower fence = 0.05042 − 1.5·0.00417 = 0.04417
    margins = [0.050, 0.051, 0.052, 0.054, 0.055, 0.056, 0.001]  # and 0.053 from Q below
    history = [
        process(f"P{i}", [("W", 1_000_000, "valid"), ("L", 1_000_000 * (1 + m), "valid")], ["W"])
        for i, m in enumerate(margins)
    ]
    history += [
        # Excluded: the winner is not the lowest, two winners, not yet awarded.
        process("S", [("W", 100, "valid"), ("L", 99, "valid")], ["W"]),
        process("D", [("W", 100, "valid"), ("L", 100.01, "valid")], ["W", "L"]),
        process("U", [("W", 100, "valid"), ("L", 100.01, "valid")], ["W"], awarded=False),
        # A disqualified lower bid is not the second-lowest valid bid: the margin is 0.053.
        process(
            "Q", [("W", 100, "valid"), ("X", 100.01, "disqualified"), ("L", 105.3, "valid")], ["W"]
        ),
    ]
    out = cardinal.indicators(history, only=["R024"])
    assert out["meta"]["R024"] == {"q1": 0.0504, "q3": 0.0546, "lower_fence": 0.0442}
    assert out["process"] == {"P6": {"R024": pytest.approx(0.001)}}


def test_r025_a_top_bidder_that_seldom_wins():
    # B1..B8 win their own processes and lose others to Z; X loses ten times to Z.
    plan = {"B1": (2, 2), "B2": (2, 2), "B3": (2, 3), "B4": (3, 2), "B5": (2, 2), "B6": (2, 2)}
    plan |= {"B7": (2, 3), "B8": (3, 2)}
    history, n = [], 0
    for bidder, (wins, losses) in plan.items():
        for _ in range(wins):
            history.append(process(f"P{(n := n + 1)}", [(bidder, 100, "valid")], [bidder]))
        for _ in range(losses):
            history.append(
                process(f"P{(n := n + 1)}", [(bidder, 110, "valid"), ("Z", 100, "valid")], ["Z"])
            )
    for _ in range(10):
        history.append(
            process(f"P{(n := n + 1)}", [("X", 110, "valid"), ("Z", 100, "valid")], ["Z"])
        )
    # Win ratios sorted, n = 10: 0, .4, .4, .5, .5, .5, .5, .6, .6, 1
    # Q1: h = 2.9167 → .4; Q3: h = 8.0833 → .6; lower fence .4 − 1.5·.2 = .1
    # Valid bids sorted: 4 4 4 4 5 5 5 5 10 28; 75th percentile: h = 8.0833 → 5 + .0833·5 = 5.4167
    out = cardinal.indicators(history, only=["R025"])
    assert out["meta"]["R025"] == {
        "q1": 0.4,
        "q3": 0.6,
        "lower_fence": 0.1,
        "bids_percentile": 75,
        "bids_upper_fence": 5.4167,
    }
    assert out["bidder"] == {"X": {"R025": 0.0}}


def test_r035_all_but_the_winner_disqualified():
    history = [
        process(
            "A", [("W", 100, "valid"), ("B", 90, "disqualified"), ("C", 95, "disqualified")], ["W"]
        ),
        process("B", [("W", 100, "valid"), ("B", 90, "valid"), ("C", 95, "disqualified")], ["W"]),
        process("C", [("W", 100, "valid")], ["W"]),
        process("D", [("W", 100, "valid"), ("B", 90, "disqualified")], ["W"], awarded=False),
    ]
    assert cardinal.indicators(history, only=["R035"])["process"] == {"A": {"R035": 2.0}}


def test_r036_the_lowest_bid_disqualified_under_a_lowest_price_award():
    bids = [("W", 100, "valid"), ("B", 90, "disqualified"), ("C", 95, "valid")]
    history = [
        process("A", bids, ["W"]),
        process("S", bids, ["W"], method="scoring"),
        process("N", bids, []),
        process("V", [("W", 100, "valid"), ("B", 120, "disqualified")], ["W"]),
        process("X", [("W", 100, "valid"), ("B", 90, "withdrawn")], ["W"]),
    ]
    assert cardinal.indicators(history, only=["R036"])["process"] == {"A": {"R036": 1.0}}


def test_r038_a_tenderer_that_disqualifies_many_bids():
    # Shares of disqualified bids per tenderer (two processes of five bids each):
    # sorted 0 .1 .1 .1 .1 .2 .9, n = 7: Q1: h = 2.1667 → .1;
    # Q3: h = 5.8333 → .1 + .8333·.1 = .18333
    # upper fence .18333 + 1.5·.08333 = .30833
    shares = {"T1": 0, "T2": 1, "T3": 1, "T4": 1, "T5": 2, "T6": 1, "T7": 9}
    history = []
    for tenderer, disqualified in shares.items():
        for half in (0, 1):
            dq = disqualified // 2 + (half and disqualified % 2)
            bids = [
                (f"{tenderer}-{half}-{i}", 100 + i, "disqualified" if i < dq else "valid")
                for i in range(5)
            ]
            history.append(process(f"{tenderer}{half}", bids, [bids[-1][0]], tenderer=tenderer))
    # One process is too few for the fence: T8 is not counted at all.
    history.append(process("T80", [("x", 1, "disqualified")], [], tenderer="T8"))
    out = cardinal.indicators(history, only=["R038"])
    meta = out["meta"]["R038"]
    assert (meta["tenderer_q1"], meta["tenderer_q3"], meta["tenderer_upper_fence"]) == (
        0.1,
        0.1833,
        0.3083,
    )
    assert out["tenderer"] == {"T7": {"R038": 0.9}}
    # Every bidder here bid once: below the minimum of two submitted bids.
    assert out["bidder"] == {}
    assert not any(k.startswith("bidder_") for k in meta)


def test_r038_per_bidder_and_per_agent():
    history = []
    for i in range(6):
        history.append(
            process(
                f"P{i}",
                [
                    ("good1", 100, "valid"),
                    ("good2", 101, "valid"),
                    ("good3", 102, "valid"),
                    ("bad", 99, "disqualified" if i < 5 else "valid"),
                ],
                ["good1"],
                agent="A1" if i < 3 else "A2",
            )
        )
    # Bidders: good1..3 share 0, bad 5/6. Sorted 0 0 0 .8333, n = 4:
    # Q1: h = 1.4167 → 0; Q3: h = 3.5833 → 0 + .5833·.8333 = .4861; upper .4861 + 1.5·.4861 = 1.2153
    out = cardinal.indicators(history, only=["R038"])
    meta = out["meta"]["R038"]
    assert (meta["bidder_q1"], meta["bidder_q3"], meta["bidder_upper_fence"]) == (
        0.0,
        0.4861,
        1.2153,
    )
    assert out["bidder"] == {}
    # Agents: A1 3/12 = .25, A2 2/12: two values, both inside their own fences.
    assert (meta["agent_q1"], meta["agent_q3"]) == (0.1667, 0.25)
    assert out["agent"] == {}


def test_no_history_no_results():
    out = cardinal.indicators([])
    assert out == {"process": {}, "bidder": {}, "tenderer": {}, "agent": {}, "meta": {}}
