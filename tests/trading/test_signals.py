"""Art. 40 signals: each one found on a lot built to show it, and not raised on an honest lot
that looks like it (different authors on the same template text, prices close but irregular)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.trading.texts import TEMPLATE, honest_bid, own_text
from zhengwu.core.identity import uscc_check_char
from zhengwu.trading import signals
from zhengwu.trading.signals import Bid


def uscc(n: int) -> str:
    first17 = f"91110105MA{n:07d}"
    return first17 + uscc_check_char(first17)


NAMES = [
    "北京宏达建设工程有限公司",
    "河北正泰建筑有限公司",
    "天津华信市政工程有限公司",
    "山东鲁安路桥建设有限公司",
    "江苏恒远建设集团有限公司",
    "浙江永兴建工有限公司",
]


def honest_lot(count: int = 5) -> list[Bid]:
    """Different authors, machines, addresses, accounts and people; every text on the tender's
    template; prices within about 1 % of each other, irregularly."""
    prices = ["4512300.00", "4498760.50", "4530120.00", "4487000.00", "4521880.00", "4505410.30"]
    return [
        Bid(
            key=f"B{i + 1}",
            bidder=uscc(i + 1),
            bidder_name=NAMES[i],
            price=Decimal(prices[i]),
            author=["王建国", "李明", "Administrator", "张磊", "Administrator", "刘洋"][i],
            company=NAMES[i],
            machine_code=f"00-1A-2B-3C-4D-{i:02d}",
            ip=f"203.0.113.{10 + i}",
            deposit_account=f"6222 0200 0000 {1000 + i}",
            personnel=(["赵一", "钱二", "孙三", "李四", "周五", "吴六"][i], f"技术负责人{i}"),
            text=honest_bid(100 + i),
        )
        for i in range(count)
    ]


def kinds(flags) -> set[str]:
    return {f.kind for f in flags}


def test_an_honest_lot_on_one_template_raises_nothing():
    assert signals.detect(honest_lot(), ceiling=Decimal("4800000")) == []
    assert signals.detect(honest_lot(), ceiling=Decimal("4800000"), tender_text=TEMPLATE) == []


@pytest.mark.parametrize(
    ("kind", "change", "evidence"),
    [
        ("same_author", {"author": " 王建国 "}, {"author": ["王建国"]}),
        (
            "same_machine",
            {"machine_code": "00:1a:2b:3c:4d:00"},
            {"machine_code": ["00-1A-2B-3C-4D-00"]},
        ),
        ("same_ip", {"ip": "203.0.113.10"}, {"ip": ["203.0.113.10"]}),
        (
            "same_deposit_account",
            {"deposit_account": "6222-0200-0000-1000"},
            {"deposit_account": ["6222 0200 0000 1000"]},
        ),
        ("same_personnel", {"personnel": ("赵一", "别人")}, {"personnel": ["赵一"]}),
    ],
)
def test_a_shared_value_flags_the_pair(kind, change, evidence):
    bids = honest_lot()
    bids[3] = replace(bids[3], **change)
    flags = signals.detect(bids)
    assert [(f.kind, f.bids, f.evidence) for f in flags] == [(kind, ("B1", "B4"), evidence)]
    assert 0 < flags[0].score <= 1


def test_a_shared_value_of_three_bidders_is_one_group():
    bids = honest_lot()
    for i in (1, 2, 4):
        bids[i] = replace(bids[i], deposit_account="6222020000009999")
    [flag] = signals.same_deposit_account(bids)
    assert flag.bids == ("B2", "B3", "B5")


def test_generic_authors_and_one_bidders_own_bids_say_nothing():
    bids = honest_lot()
    assert [b.author for b in bids].count("Administrator") == 2
    assert signals.same_author(bids) == []
    twin = replace(bids[0], key="B9", text="")  # the same bidder's second bid
    assert signals.same_machine([*bids, twin]) == []


def test_a_file_made_by_another_bidder_is_same_author():
    bids = honest_lot()
    bids[2] = replace(bids[2], company="北京宏达建设工程有限公司")
    [flag] = signals.same_author(bids)
    assert flag.bids == ("B1", "B3")
    assert flag.evidence == {"company": ["北京宏达建设工程有限公司"]}


def copied_lot() -> list[Bid]:
    """B2 copies the middle of B1's own text, and B5 a few paragraphs from B1 and its own."""
    bids = honest_lot()
    b1 = bids[0].text
    mine = own_text(902)
    bids[1] = replace(
        bids[1], text=TEMPLATE + mine[:800] + b1[len(TEMPLATE) + 200 : len(TEMPLATE) + 2600]
    )
    return bids


def test_copied_technical_bids_are_similar_documents_with_the_passages_side_by_side():
    bids = copied_lot()
    flags = signals.detect(bids, tender_text=TEMPLATE)
    assert kinds(flags) == {"similar_documents"}
    [flag] = flags
    assert flag.bids == ("B1", "B2")
    assert flag.evidence["basis"] == "text"
    assert flag.evidence["jaccard"] >= 0.3
    assert flag.score == flag.evidence["jaccard"]
    longest = flag.evidence["passages"][0]
    a, b = longest["a"], longest["b"]
    assert (a["bid"], b["bid"]) == ("B1", "B2")
    # The offsets point at the same words in both files.
    assert bids[0].text[a["start"] : a["end"]] == bids[1].text[b["start"] : b["end"]]
    assert a["end"] - a["start"] >= 2000
    assert b["start"] == len(TEMPLATE) + 800
    assert a["text"].endswith("…") and len(a["text"]) == 401


def test_the_template_alone_is_not_a_similarity_even_without_the_tender_document():
    bids = honest_lot()
    # Everyone copied the template twice over, with a different own part.
    bids = [replace(b, text=TEMPLATE * 2 + own_text(300 + i)) for i, b in enumerate(bids)]
    assert signals.similar_documents(bids) == []


def test_similarity_is_found_in_a_two_bid_lot_only_beside_the_tender_document():
    bids = copied_lot()[:2]
    assert [f.bids for f in signals.similar_documents(bids, tender_text=TEMPLATE)] == [("B1", "B2")]


def test_identical_unusual_errors():
    bids = honest_lot()
    bids[0] = replace(bids[0], text=bids[0].text + "采用C30混泥土浇筑，执行GB50204-2051。")
    bids[3] = replace(bids[3], text=bids[3].text + "基础采用混泥土，按GB50204-2051验收。")
    bids[4] = replace(bids[4], text=bids[4].text + "按GB50204-2015验收。")
    [flag] = signals.detect(bids)
    assert (flag.kind, flag.bids, flag.evidence["basis"]) == (
        "similar_documents",
        ("B1", "B4"),
        "errors",
    )
    errors = {e["error"]: e for e in flag.evidence["errors"]}
    assert errors["混泥土"]["correct"] == "混凝土"
    assert errors["GB50204-2051"]["correct"] == "GB50204-2015"
    at = errors["混泥土"]["offsets"]["B4"]
    assert bids[3].text[at : at + 3] == "混泥土"


def test_errors_copied_from_the_tender_or_common_codes_are_not_unusual():
    bids = honest_lot()
    tender = TEMPLATE + "基础采用混泥土。"
    bids = [replace(b, text=b.text + "基础采用混泥土，按GB50204-2015验收。") for b in bids]
    assert signals.identical_errors(bids, tender_text=tender) == []
    # A correct code two bidders cite, with nothing near it, is no error either.
    bids = honest_lot()
    bids[0] = replace(bids[0], text=bids[0].text + "执行JGJ130-2011。")
    bids[1] = replace(bids[1], text=bids[1].text + "执行JGJ130-2011。")
    assert signals.identical_errors(bids) == []


def test_a_bidders_name_or_code_in_another_file_is_mixed_documents():
    bids = honest_lot()
    bids[4] = replace(bids[4], text=bids[4].text + "投标人：北京宏达建设（工程）有限公司 盖章")
    bids[2] = replace(bids[2], text=bids[2].text + f"统一社会信用代码 {uscc(2)}")
    flags = signals.detect(bids)
    assert {(f.kind, f.bids) for f in flags} == {
        ("mixed_documents", ("B5", "B1")),
        ("mixed_documents", ("B3", "B2")),
    }
    by_pair = {f.bids: f for f in flags}
    hit = by_pair[("B5", "B1")].evidence["hits"][0]
    assert bids[4].text[hit["offset"] :].startswith("北京宏达建设")
    assert by_pair[("B3", "B2")].evidence["hits"][0]["found"] == uscc(2)


def test_a_name_the_tender_gives_is_not_mixed_documents():
    bids = honest_lot()
    bids[4] = replace(bids[4], text=bids[4].text + "参照北京宏达建设工程有限公司的做法")
    assert signals.mixed_documents(bids, tender_text="推荐参照北京宏达建设工程有限公司") == []


# ---------------------------------------------------------------- prices


def priced(prices, **extra) -> list[Bid]:
    return [
        Bid(key=f"B{i + 1}", bidder=uscc(i + 1), price=Decimal(p), **extra)
        for i, p in enumerate(prices)
    ]


def test_equal_differences_with_the_ratios_to_the_ceiling():
    ceiling = Decimal("5000000")
    # 92 %, 93 %, 94 % of the ceiling, among honest prices.
    bids = priced(["4600000.00", "4651234.00", "4650000.00", "4700000.00", "4583321.50"])
    [flag] = signals.regular_prices(bids, ceiling=ceiling)
    assert flag.bids == ("B1", "B3", "B4")
    assert flag.evidence["pattern"] == "equal_difference"
    assert flag.evidence["step"] == "50000.00"
    assert flag.evidence["step_of_ceiling"] == "0.010000"
    assert flag.evidence["ratios_to_ceiling"] == ["0.920000", "0.930000", "0.940000"]


def test_equal_differences_allow_rounding_to_the_yuan():
    bids = priced(["1000000.00", "1012345.67", "1024691.80"])
    [flag] = signals.regular_prices(bids)
    assert flag.evidence["pattern"] == "equal_difference"


def test_equal_ratios():
    bids = priced(["1000000.00", "1030000.00", "1060900.00", "1092727.00", "998000.00"])
    flags = signals.regular_prices(bids)
    assert [(f.evidence["pattern"], f.bids) for f in flags] == [
        ("equal_ratio", ("B1", "B2", "B3", "B4"))
    ]
    assert flags[0].evidence["ratio"] == "1.030000"


def test_ratios_alike_by_chance_are_not_a_pattern():
    # Honest prices of one lot (the demo's): the middle one 2.09 yuan off the geometric mean of
    # the others, their logarithms' steps 5.7e-6 apart; computed prices would be within a yuan.
    assert signals.regular_prices(priced(["727631.66", "734310.34", "741046.11"])) == []
    [flag] = signals.regular_prices(priced(["727631.66", "734308.00", "741046.11"]))
    assert flag.evidence["pattern"] == "equal_ratio"


def test_a_very_narrow_band():
    bids = priced(["3000000.00", "3001200.00", "3002500.00", "3000450.00"])
    [flag] = signals.regular_prices(bids)
    assert flag.evidence["pattern"] == "narrow_band"
    assert flag.bids == ("B1", "B4", "B2", "B3")


def test_close_but_irregular_prices_and_disqualified_bids_raise_nothing():
    assert signals.regular_prices(honest_lot(6), ceiling=Decimal("4800000")) == []
    bids = priced(["1000000.00", "1010000.00", "1020000.00"])
    bids[1] = replace(bids[1], valid=False)
    assert signals.regular_prices(bids) == []
    assert signals.regular_prices(priced(["1000000.00", "1010000.00"])) == []


@settings(max_examples=60, deadline=None)
@given(
    start=st.integers(100_000, 50_000_000),
    step=st.integers(2_000, 500_000),
    noise=st.lists(st.integers(-25, 25), min_size=3, max_size=6),
    others=st.lists(st.integers(100_000, 60_000_000), max_size=4),
)
def test_a_planted_progression_is_always_found(start, step, noise, others):
    """Prices k steps apart, each off by at most a quarter yuan (so any two steps differ by at
    most the tolerance), are found among any others."""
    planted = [Decimal(start + k * step) + Decimal(n) / 100 for k, n in enumerate(noise)]
    bids = priced([*planted, *others])
    flags = signals.regular_prices(bids)
    want = {f"B{i + 1}" for i in range(len(planted))}
    assert any(
        f.evidence["pattern"] in {"equal_difference", "narrow_band"} and want <= set(f.bids)
        for f in flags
    )


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(100_000_00, 900_000_00), min_size=3, max_size=8, unique=True))
def test_a_flagged_progression_really_is_one(cents):
    """Whatever the prices, a flagged equal-difference pattern has steps within the tolerance."""
    bids = priced([Decimal(c) / 100 for c in cents])
    for flag in signals.regular_prices(bids):
        prices = [Decimal(p) for p in flag.evidence["prices"]]
        assert len(prices) >= signals.MIN_PATTERN_BIDS
        if flag.evidence["pattern"] == "equal_difference":
            steps = [b - a for a, b in itertools.pairwise(prices)]
            assert max(steps) - min(steps) <= signals.PRICE_TOLERANCE
        elif flag.evidence["pattern"] == "narrow_band":
            assert (prices[-1] - prices[0]) / prices[0] <= signals.NARROW_BAND


def test_every_kind_is_in_the_contract():
    bids = copied_lot()
    bids[3] = replace(
        bids[3],
        author="王建国",
        machine_code="00-1A-2B-3C-4D-00",
        ip="203.0.113.10",
        deposit_account="6222020000001000",
        personnel=("赵一",),
        text=bids[3].text + "北京宏达建设工程有限公司",
    )
    found = signals.detect(bids, tender_text=TEMPLATE)
    assert kinds(found) <= set(signals.KINDS)
    assert kinds(found) == set(signals.KINDS) - {"regular_prices"}
    for flag in found:
        assert set(flag.as_dict()) == {"kind", "bids", "evidence", "score"}


def test_keys_must_be_unique():
    with pytest.raises(ValueError, match="unique"):
        signals.detect([Bid("B1", uscc(1)), Bid("B1", uscc(2))])


def test_two_copies_in_a_lot_of_three_are_never_taken_for_boilerplate():
    """The copied text is in two of three bids: more than half, but fewer than three bids."""
    bids = copied_lot()[:3]
    assert [f.bids for f in signals.similar_documents(bids)] == [("B1", "B2")]
    bids[0] = replace(bids[0], text=bids[0].text + "按GB50204-2051验收。")
    bids[1] = replace(bids[1], text=bids[1].text + "按GB50204-2051验收。")
    bids[2] = replace(bids[2], text=bids[2].text + "按GB50204-2015验收。")
    [flag] = signals.identical_errors(bids)
    assert flag.evidence["errors"][0]["error"] == "GB50204-2051"
