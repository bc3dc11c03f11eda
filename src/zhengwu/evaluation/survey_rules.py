"""The scoring of a 民主评议 / satisfaction survey (DOMAIN §13, docs/evaluation.md).
Pure: no Django.

Every answer becomes points on 0–100 (``points_for``):
- a **score** question takes 0 … 100 as given (decimals allowed);
- a **level** question takes one of five levels, 5 非常满意 … 1 非常不满意, worth
  ``LEVEL_POINTS`` (100, 80, 60, 40, 20);
- a **choice** question takes one of its choices; a choice with ``points`` scores them, one
  without is counted but not scored;
- a **text** question is never scored (its answers are grouped by theme).

Then, for each unit:
1. a respondent's score = the weighted mean of their scored answers (question weights);
2. a group's score = the mean of its respondents' scores;
3. the unit's score = Σ group weight × group score ÷ Σ weights of the groups that answered;
4. its band: 优秀 ``excellent`` ≥ 90, 良好 ``good`` ≥ 80, 一般 ``fair`` ≥ 70, 较差 ``poor`` below
   [cfg: the thresholds are fixed on each evaluation]; compared exactly, before rounding;
5. its rank: competition ranks (1, 2, 2, 4), highest score first.
A question's score per unit is computed the same way over that question's answers alone.
Scores are exact fractions; they are rounded half up to two decimals only for display.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from zhengwu.assessment.formulas import half_up, rank

BANDS = ("excellent", "good", "fair", "poor")
DEFAULT_THRESHOLDS = {"excellent": 90, "good": 80, "fair": 70}
LEVEL_POINTS = {5: 100, 4: 80, 3: 60, 2: 40, 1: 20}
KINDS = ("score", "level", "choice", "text")
SCORED_KINDS = ("score", "level", "choice")


class AnswerError(ValueError):
    """An answer that does not fit its question; ``reason`` is one of ``required``,
    ``not_a_number``, ``out_of_range``, ``not_a_level``, ``not_a_choice``, ``too_long``."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def exact(value) -> Fraction:
    """A number (int, Decimal, str, float via its text) as an exact fraction."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip()[:40])
    except (InvalidOperation, ValueError, TypeError):
        raise ValueError("not a number") from None
    # Infinity, NaN and absurd exponents (1e999999999) are no answer to anything here.
    if not number.is_finite() or abs(number.adjusted()) > 12:
        raise ValueError("not a number")
    return Fraction(number)


def validate_thresholds(raw: Mapping | None) -> dict[str, Fraction]:
    """The thresholds as exact numbers, 100 ≥ excellent > good > fair ≥ 0; ``ValueError``."""
    merged = dict(DEFAULT_THRESHOLDS)
    merged.update(raw or {})
    if set(merged) != {"excellent", "good", "fair"}:
        raise ValueError("thresholds are excellent, good and fair")
    clean = {k: exact(v) for k, v in merged.items()}
    if not (100 >= clean["excellent"] > clean["good"] > clean["fair"] >= 0):
        raise ValueError("thresholds fall from excellent to fair, within 0–100")
    return clean


def band(score: Fraction | None, thresholds: Mapping) -> str | None:
    """The band of a score (``None``: no score, no band)."""
    if score is None:
        return None
    limits = validate_thresholds(thresholds)
    for name in ("excellent", "good", "fair"):
        if score >= limits[name]:
            return name
    return "poor"


def points_for(kind: str, value, choices: Sequence[Mapping] = ()) -> tuple[Fraction | None, str]:
    """``(points or None, the value as stored)`` for one answer; ``AnswerError`` if it does not
    fit. A text answer returns ``(None, "")`` (the text is kept apart)."""
    if kind == "score":
        try:
            number = exact(value)
        except ValueError:
            raise AnswerError("not_a_number") from None
        if not 0 <= number <= 100:
            raise AnswerError("out_of_range")
        return number, format(half_up(number, 2).normalize(), "f")
    if kind == "level":
        try:
            level = exact(value)
        except ValueError:
            raise AnswerError("not_a_level") from None
        if level.denominator != 1 or int(level) not in LEVEL_POINTS:
            raise AnswerError("not_a_level")
        return Fraction(LEVEL_POINTS[int(level)]), str(int(level))
    if kind == "choice":
        text = str(value).strip() if isinstance(value, str | int) else None
        for choice in choices:
            if text is not None and str(choice.get("value")) == text:
                given = choice.get("points")
                return (None if given is None else exact(given)), text
        raise AnswerError("not_a_choice")
    if kind == "text":
        return None, ""
    raise ValueError(kind)


@dataclass(frozen=True)
class Question:
    code: str
    kind: str
    weight: Fraction


@dataclass(frozen=True)
class Response:
    """One respondent's answers: ``{unit key: {question code: points or None}}``."""

    group: str
    points: Mapping[str, Mapping[str, Fraction | None]]


def respondent_score(
    answers: Mapping[str, Fraction | None], questions: Iterable[Question]
) -> Fraction | None:
    """The weighted mean of a respondent's scored answers for one unit."""
    total = weights = Fraction(0)
    for question in questions:
        value = answers.get(question.code)
        if value is None or question.weight == 0 or question.kind not in SCORED_KINDS:
            continue
        total += question.weight * value
        weights += question.weight
    return None if weights == 0 else total / weights


def weighted(
    group_scores: Mapping[str, Fraction | None], group_weights: Mapping[str, Fraction]
) -> Fraction | None:
    """Σ weight × score ÷ Σ weights over the groups with a score."""
    total = weights = Fraction(0)
    for group, score in group_scores.items():
        weight = group_weights.get(group, Fraction(0))
        if score is None or weight == 0:
            continue
        total += weight * score
        weights += weight
    return None if weights == 0 else total / weights


def mean(values: Iterable[Fraction]) -> Fraction | None:
    values = list(values)
    return sum(values, Fraction(0)) / len(values) if values else None


@dataclass
class GroupResult:
    score: Fraction | None
    responses: int


@dataclass
class UnitResult:
    key: str
    score: Fraction | None
    band: str | None
    rank: int | None
    groups: dict[str, GroupResult]
    questions: dict[str, Fraction | None] = field(default_factory=dict)


def unit_results(
    *,
    units: Sequence[str],
    groups: Mapping[str, Fraction],
    questions: Sequence[Question],
    responses: Iterable[Response],
    thresholds: Mapping,
) -> list[UnitResult]:
    """Every unit's weighted score, band, rank, group scores and question scores, in the order of
    ``units``."""
    responses = list(responses)
    results = []
    for unit in units:
        by_group: dict[str, list[Fraction]] = {g: [] for g in groups}
        per_question: dict[str, dict[str, list[Fraction]]] = {
            q.code: {g: [] for g in groups} for q in questions
        }
        for response in responses:
            answers = response.points.get(unit)
            if not answers:
                continue
            score = respondent_score(answers, questions)
            if score is not None:
                by_group.setdefault(response.group, []).append(score)
            for question in questions:
                value = answers.get(question.code)
                if value is not None and question.kind in SCORED_KINDS:
                    per_question[question.code].setdefault(response.group, []).append(value)
        group_results = {g: GroupResult(mean(v), len(v)) for g, v in by_group.items()}
        score = weighted({g: r.score for g, r in group_results.items()}, groups)
        results.append(
            UnitResult(
                key=unit,
                score=score,
                band=band(score, thresholds),
                rank=None,
                groups=group_results,
                questions={
                    code: weighted({g: mean(v) for g, v in values.items()}, groups)
                    for code, values in per_question.items()
                    if any(values.values())
                },
            )
        )
    ranks = rank({r.key: r.score for r in results})
    for result in results:
        result.rank = ranks.get(result.key)
    return results


def band_counts(results: Iterable[UnitResult]) -> dict[str, int]:
    counts = Counter(r.band for r in results if r.band)
    return {name: counts.get(name, 0) for name in BANDS}


def response_rate(responses: int, invited: int) -> Fraction | None:
    return None if invited == 0 else Fraction(responses, invited)


def shown(score: Fraction | None) -> Decimal | None:
    """A score as displayed: two decimals, half up."""
    return None if score is None else half_up(score, 2)


# ---------------------------------------------------------------- free-text themes


def themes(
    texts: Sequence[tuple[str, Sequence[str]]], *, limit: int = 8, other: str = ""
) -> list[tuple[str, list[str]]]:
    """Free-text answers grouped by theme: ``texts`` holds each answer with its keywords. A theme is
    a keyword found in at least two answers, the most frequent first (ties by the word); each
    answer joins the most frequent theme among its keywords; the others go under ``other``.
    Returns ``[(theme, [answers])]``, at most ``limit`` themes plus ``other``."""
    frequency: Counter[str] = Counter()
    for _text, words in texts:
        frequency.update(set(words))
    order = sorted((w for w, n in frequency.items() if n >= 2), key=lambda w: (-frequency[w], w))
    chosen = order[:limit]
    position = {w: i for i, w in enumerate(chosen)}
    grouped: dict[str, list[str]] = {w: [] for w in chosen}
    rest: list[str] = []
    for text, words in texts:
        found = sorted({w for w in words if w in position}, key=position.get)
        (grouped[found[0]] if found else rest).append(text)
    result = [(w, grouped[w]) for w in chosen if grouped[w]]
    if rest:
        result.append((other, rest))
    return result
