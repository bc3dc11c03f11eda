"""The committee draw (招标投标法 art. 37) and the appraisal of experts' scores."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from zhengwu.trading import experts
from zhengwu.trading.experts import DrawError, Employment, Expert, Score
from zhengwu.trading.messages import draw_message

ON = dt.date(2026, 11, 18)


def pool(count: int = 12, field: str = "房屋建筑", **extra) -> list[Expert]:
    return [
        Expert(id=f"E{i:02d}", name=f"专家{i}", fields=frozenset({field}), **extra)
        for i in range(count)
    ]


def fill(members=5, representatives=0, **kw):
    return experts.draw(
        kw.pop("pool", pool()),
        fields=kw.pop("fields", {"房屋建筑": members - representatives}),
        bidders=kw.pop("bidders", ["B1", "B2"]),
        on=ON,
        seed=kw.pop("seed", "s"),
        members=members,
        representatives=representatives,
    )


@pytest.mark.parametrize(
    ("members", "representatives", "code"),
    [
        (3, 0, "too_few_members"),
        (6, 0, "even_members"),
        (5, 2, "too_few_experts"),
        (7, 3, "too_few_experts"),
    ],
)
def test_the_laws_composition(members, representatives, code):
    with pytest.raises(DrawError) as caught:
        experts.check_composition(members, representatives)
    assert caught.value.code == code


@given(st.integers(1, 41), st.integers(0, 40))
def test_a_committee_the_check_allows_is_one_the_law_allows(members, representatives):
    try:
        count = experts.check_composition(members, representatives)
    except DrawError:
        return
    assert members >= 5 and members % 2 == 1
    assert count == members - representatives and 3 * count >= 2 * members


def test_a_draw_of_five_and_of_seven_with_two_representatives():
    five = fill()
    assert len(five.experts) == len(set(five.experts)) == 5
    seven = fill(7, 2)
    assert len(seven.experts) == 5
    with pytest.raises(DrawError, match="too_few_experts"):
        fill(7, 3)


def test_experts_are_drawn_by_field():
    mixed = pool(6, "房屋建筑") + [
        Expert(id=f"C{i}", name=f"造价专家{i}", fields=frozenset({"工程造价"})) for i in range(4)
    ]
    result = fill(pool=mixed, fields={"房屋建筑": 3, "工程造价": 2})
    assert all(e.startswith("E") for e in result.drawn["房屋建筑"])
    assert all(e.startswith("C") for e in result.drawn["工程造价"])


def test_the_draw_is_random_by_seed_and_sealed():
    a, b = fill(seed="one"), fill(seed="two")
    assert a.experts == fill(seed="one").experts
    assert {tuple(fill(seed=str(i)).experts) for i in range(20)} != {tuple(a.experts)}
    assert a.seal == experts.seal("one") != b.seal
    assert experts.verify_draw(a.record(), a.record_hash, "one")
    assert not experts.verify_draw(a.record(), a.record_hash, "two")
    tampered = {**a.record(), "drawn": {"房屋建筑": list(reversed(a.experts))}}
    assert not experts.verify_draw(tampered, a.record_hash, "one")


def test_anyone_tied_to_a_bidder_withdraws():
    experts_ = pool(8)
    experts_[0] = Expert(
        "E00",
        "专家0",
        frozenset({"房屋建筑"}),
        employments=(Employment("B1", dt.date(2015, 1, 1), dt.date(2024, 6, 30)),),
    )
    # Left a bidder more than three years before the draw: no tie any more.
    experts_[1] = Expert(
        "E01",
        "专家1",
        frozenset({"房屋建筑"}),
        employments=(Employment("B2", dt.date(2010, 1, 1), dt.date(2023, 11, 17)),),
    )
    experts_[2] = Expert("E02", "专家2", frozenset({"房屋建筑"}), relations=frozenset({"B2", "B9"}))
    experts_[3] = Expert(
        "E03",
        "专家3",
        frozenset({"房屋建筑"}),
        employments=(Employment("B2", dt.date(2020, 1, 1)),),
    )
    result = fill(pool=experts_)
    assert result.recused == {
        "E00": [{"reason": "employer", "bidder": "B1"}],
        "E02": [{"reason": "relation", "bidder": "B2"}],
        "E03": [{"reason": "employer", "bidder": "B2"}],
    }
    assert len(result.experts) == 5
    assert not {"E00", "E02", "E03"} & set(result.experts)
    assert "E01" in result.eligible["房屋建筑"]


def test_a_pool_too_small_is_a_clear_error_in_chinese():
    experts_ = pool(6)
    experts_[0] = Expert("E00", "专家0", frozenset({"房屋建筑"}), relations=frozenset({"B1"}))
    experts_[1] = Expert("E01", "专家1", frozenset({"房屋建筑"}), relations=frozenset({"B2"}))
    with pytest.raises(DrawError) as caught:
        fill(pool=experts_)
    error = caught.value
    assert error.code == "pool_too_small"
    assert error.params == {"field": "房屋建筑", "needed": 5, "available": 4, "recused": 2}
    with translation.override("zh-hans"):
        message = draw_message(error)
    assert message == (
        "专家库人数不足：“房屋建筑”专业需抽取5名专家，但仅有4名可供抽取（另有2名因与投标人有利害关系须回避）。"
        "请扩大专家库或从异地专家库抽取。"
    )
    with translation.override("zh-hans"):
        assert (
            draw_message(DrawError("even_members", members=6))
            == "评标委员会成员人数应为单数，现申请6人。"
        )


def test_an_expert_is_drawn_once_across_fields():
    both = [Expert(f"E{i}", f"专家{i}", frozenset({"房屋建筑", "工程造价"})) for i in range(5)]
    result = fill(pool=both, fields={"房屋建筑": 3, "工程造价": 2})
    assert len(set(result.experts)) == 5
    with pytest.raises(DrawError, match="pool_too_small"):
        fill(pool=both[:4], fields={"房屋建筑": 3, "工程造价": 2})


# ---------------------------------------------------------------- appraisal


def committee(evaluation: str, totals: dict[str, dict[str, float]], at=None) -> list[Score]:
    """totals: expert → bidder → points."""
    return [
        Score(evaluation, expert, f"{evaluation}-{bidder}", bidder, points, at)
        for expert, row in totals.items()
        for bidder, points in row.items()
    ]


def test_a_score_far_from_the_committees_median():
    scores = committee(
        "V1",
        {
            "E1": {"A": 80, "B": 70},
            "E2": {"A": 82, "B": 71},
            "E3": {"A": 79, "B": 69},
            "E4": {"A": 81, "B": 90},  # B: median 70.5 → +27.7 %
            "E5": {"A": 80, "B": 70},
        },
    )
    [finding] = experts.deviations(scores)
    assert (finding.kind, finding.expert, finding.pattern) == (
        "expert_deviation",
        "E4",
        "deviation",
    )
    assert finding.evidence["median"] == 70 and finding.evidence["deviation"] == pytest.approx(
        0.2857, abs=1e-4
    )
    # 20 % away is within the threshold.
    assert (
        experts.deviations(committee("V2", {"E1": {"A": 60}, "E2": {"A": 50}, "E3": {"A": 40}}))
        == []
    )


def test_an_expert_who_keeps_favouring_one_bidder():
    scores = []
    for i in range(4):
        scores += committee(
            f"V{i}",
            {
                "E1": {"X": 88 if i < 3 else 75, "Y": 75},
                "E2": {"X": 75, "Y": 76},
                "E3": {"X": 74, "Y": 75},
                "E4": {"X": 76, "Y": 74},
                "E5": {"X": 75, "Y": 75},
            },
        )
    [finding] = experts.favouring(scores)
    assert (finding.expert, finding.pattern, finding.evidence["bidder"]) == ("E1", "favouring", "X")
    assert finding.evidence["evaluations"] == ["V0", "V1", "V2"] and finding.score == 0.75
    # Twice is not yet a habit.
    assert experts.favouring([s for s in scores if s.evaluation in {"V0", "V1", "V3"}]) == []


def test_scoring_after_the_others_scores_were_visible():
    shown = dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC)
    scores = committee("V1", {"E1": {"A": 80}, "E2": {"A": 81}}, at=shown - dt.timedelta(minutes=5))
    scores.append(Score("V1", "E3", "V1-A", "A", 79, shown + dt.timedelta(minutes=1)))
    [finding] = experts.late_scoring(scores, {"V1": shown})
    assert (finding.expert, finding.pattern) == ("E3", "late_scoring")
