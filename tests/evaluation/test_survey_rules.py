"""The pure scoring rules of a survey: answers to points, weighted scores, bands at their
thresholds, ranks, response rates and free-text themes."""

from __future__ import annotations

from fractions import Fraction

import pytest

from zhengwu.evaluation import survey_rules as rules
from zhengwu.evaluation.survey_rules import Question, Response

DEFAULT = rules.DEFAULT_THRESHOLDS


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (Fraction(90), "excellent"),
        (Fraction(8999, 100), "good"),
        (Fraction(80), "good"),
        (Fraction(79999, 1000), "fair"),
        (Fraction(70), "fair"),
        (Fraction(6999, 100), "poor"),
        (Fraction(0), "poor"),
        (Fraction(100), "excellent"),
    ],
)
def test_bands_at_the_default_thresholds(score, band):
    assert rules.band(score, DEFAULT) == band


def test_configured_thresholds_move_the_bands():
    limits = {"excellent": 95, "good": "85.5", "fair": 60}
    assert rules.band(Fraction(94), limits) == "good"
    assert rules.band(Fraction(855, 10), limits) == "good"
    assert rules.band(Fraction(85), limits) == "fair"
    assert rules.band(None, limits) is None


@pytest.mark.parametrize(
    "bad", [{"excellent": 80, "good": 90}, {"fair": -1}, {"excellent": 101}, {"other": 1}]
)
def test_thresholds_must_fall(bad):
    with pytest.raises(ValueError):
        rules.validate_thresholds(bad)


def test_points_of_each_kind():
    assert rules.points_for("score", 92.5) == (Fraction(185, 2), "92.5")
    assert rules.points_for("score", "100") == (Fraction(100), "100")
    assert rules.points_for("level", 4) == (Fraction(80), "4")
    assert rules.points_for("level", "1") == (Fraction(20), "1")
    choices = [{"value": "a", "points": "100"}, {"value": "b", "points": None}]
    assert rules.points_for("choice", "a", choices) == (Fraction(100), "a")
    assert rules.points_for("choice", "b", choices) == (None, "b")
    assert rules.points_for("text", "任何意见") == (None, "")


@pytest.mark.parametrize(
    ("kind", "value", "reason"),
    [
        ("score", 100.5, "out_of_range"),
        ("score", -1, "out_of_range"),
        ("score", "很好", "not_a_number"),
        ("score", True, "not_a_number"),
        ("score", "Infinity", "not_a_number"),
        ("score", "NaN", "not_a_number"),
        ("score", "1e999999999", "not_a_number"),
        ("level", "1e999999999", "not_a_level"),
        ("level", 6, "not_a_level"),
        ("level", 3.5, "not_a_level"),
        ("choice", "z", "not_a_choice"),
    ],
)
def test_answers_that_do_not_fit(kind, value, reason):
    with pytest.raises(rules.AnswerError) as caught:
        rules.points_for(kind, value, [{"value": "a", "points": 1}])
    assert caught.value.reason == reason


def test_question_weights_then_group_weights():
    questions = [
        Question("q1", "score", Fraction(3)),
        Question("q2", "score", Fraction(1)),
        Question("q3", "text", Fraction(1)),
    ]
    responses = [
        # enterprise: (3×100 + 1×60) / 4 = 90 and (3×80 + 1×80)/4 = 80 → mean 85
        Response("企业代表", {"A": {"q1": Fraction(100), "q2": Fraction(60), "q3": None}}),
        Response("企业代表", {"A": {"q1": Fraction(80), "q2": Fraction(80)}}),
        # members: 70
        Response("政协委员", {"A": {"q1": Fraction(70), "q2": Fraction(70)}}),
    ]
    [result] = rules.unit_results(
        units=["A"],
        groups={"企业代表": Fraction(3, 5), "政协委员": Fraction(2, 5)},
        questions=questions,
        responses=responses,
        thresholds=DEFAULT,
    )
    assert result.groups["企业代表"].score == 85
    assert result.groups["企业代表"].responses == 2
    assert result.groups["政协委员"].score == 70
    assert result.score == Fraction(3, 5) * 85 + Fraction(2, 5) * 70  # 79
    assert result.band == "fair"
    assert result.questions["q1"] == Fraction(3, 5) * 90 + Fraction(2, 5) * 70
    assert "q3" not in result.questions


def test_a_group_without_answers_leaves_the_weights_of_the_others():
    [result] = rules.unit_results(
        units=["A"],
        groups={"企业代表": Fraction(1), "人大代表": Fraction(1)},
        questions=[Question("q", "score", Fraction(1))],
        responses=[Response("企业代表", {"A": {"q": Fraction(91)}})],
        thresholds=DEFAULT,
    )
    assert result.score == 91
    assert result.groups["人大代表"] == rules.GroupResult(None, 0)


def test_competition_ranks_and_unanswered_units():
    q = [Question("q", "score", Fraction(1))]
    responses = [
        Response(
            "g", {"A": {"q": Fraction(80)}, "B": {"q": Fraction(90)}, "C": {"q": Fraction(80)}}
        )
    ]
    results = rules.unit_results(
        units=["A", "B", "C", "D"],
        groups={"g": Fraction(1)},
        questions=q,
        responses=responses,
        thresholds=DEFAULT,
    )
    assert [(r.key, r.rank) for r in results] == [("A", 2), ("B", 1), ("C", 2), ("D", None)]
    assert results[3].band is None
    assert rules.band_counts(results) == {"excellent": 1, "good": 2, "fair": 0, "poor": 0}


def test_response_rate_and_display():
    assert rules.response_rate(27, 28) == Fraction(27, 28)
    assert rules.response_rate(0, 0) is None
    assert str(rules.shown(Fraction(2, 3) * 100)) == "66.67"


def test_themes_group_answers_by_shared_keywords():
    texts = [
        ("审批时间太长", ["审批", "时间"]),
        ("审批环节多", ["审批", "环节"]),
        ("窗口态度好", ["窗口", "态度"]),
        ("窗口人员少", ["窗口", "人员"]),
        ("停车难", ["停车"]),
    ]
    assert rules.themes(texts, other="其他") == [
        ("审批", ["审批时间太长", "审批环节多"]),
        ("窗口", ["窗口态度好", "窗口人员少"]),
        ("其他", ["停车难"]),
    ]
