"""The annual selection of 优秀窗口 (seed 003: eight a year) and the windows ranked last. Pure: no
Django.

From the year's ranking of windows (the monthly brief's weighted score over the whole year, the
same weights and indicators, ``assessment.formulas.score``):
1. a window is **eligible** when it has a score, completed at least ``min_completed`` cases in
   the year [cfg, default 20], and its satisfaction rate (好差评, 5+4+3 ÷ ratings) is at least
   ``min_satisfaction`` [cfg, default 90 %] when it was rated at all;
2. the **excellent windows** are the first ``count`` eligible windows by rank [cfg, default 8];
   windows tied with the last one chosen are chosen too (a tie is never broken by chance);
3. the **last windows** are those in the last ``last_places`` ranks [cfg, default 3] (fewer than
   that many ranked windows scored strictly lower), listed for a 退回原单位 review.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from zhengwu.assessment.formulas import in_last_places, rank

DEFAULT_COUNT = 8
DEFAULT_MIN_COMPLETED = 20
DEFAULT_MIN_SATISFACTION = Fraction(90, 100)
DEFAULT_LAST_PLACES = 3


@dataclass(frozen=True)
class Candidate:
    key: Hashable
    name: str
    score: Fraction | None
    completed: int
    satisfaction: Fraction | None


@dataclass(frozen=True)
class Judged:
    candidate: Candidate
    rank: int | None
    eligible: bool
    reasons: tuple[str, ...]  # why not: "no_score", "few_cases", "low_satisfaction"
    selected: bool
    last: bool


def judge(
    candidates: Sequence[Candidate],
    *,
    count: int = DEFAULT_COUNT,
    min_completed: int = DEFAULT_MIN_COMPLETED,
    min_satisfaction: Fraction = DEFAULT_MIN_SATISFACTION,
    last_places: int = DEFAULT_LAST_PLACES,
) -> list[Judged]:
    """Every candidate judged, in rank order (unranked last, by name)."""
    ranks = rank({c.key: c.score for c in candidates})
    last = in_last_places(ranks, last_places)
    judged_reasons = {}
    for c in candidates:
        reasons = []
        if c.score is None:
            reasons.append("no_score")
        if c.completed < min_completed:
            reasons.append("few_cases")
        if c.satisfaction is not None and c.satisfaction < min_satisfaction:
            reasons.append("low_satisfaction")
        judged_reasons[c.key] = tuple(reasons)
    ordered = sorted(candidates, key=lambda c: (c.key not in ranks, ranks.get(c.key, 0), c.name))
    selected: set = set()
    cutoff = None
    for c in ordered:
        if judged_reasons[c.key]:
            continue
        if len(selected) < count or (cutoff is not None and ranks[c.key] == cutoff):
            selected.add(c.key)
            cutoff = ranks[c.key]
        else:
            break
    return [
        Judged(
            candidate=c,
            rank=ranks.get(c.key),
            eligible=not judged_reasons[c.key],
            reasons=judged_reasons[c.key],
            selected=c.key in selected,
            last=c.key in last,
        )
        for c in ordered
    ]
