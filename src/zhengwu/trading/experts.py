"""The evaluation committee: its composition and draw (招标投标法 art. 37), and the appraisal of
experts' scores. Pure: no Django imports.

Composition [law]: five members or more, an odd number, experts at least two thirds of them (the
rest are the tenderer's representatives), the experts drawn at random from the expert pool by
field, and anyone with an interest in a bidder withdrawn (recused). Recusal here: the expert
worked for a bidder within ``EMPLOYER_YEARS`` (3) years before the draw, or the pool lists a
relation between the expert and a bidder (a relative among its principals, a business tie).

The draw is reproducible and sealed: the random choice is seeded by ``seed`` (the caller keeps
it secret until the evaluation ends, and publishes ``seal`` = sha256(seed) at the draw); the
record (who was eligible per field, who was recused and why, who was drawn) is hashed as
canonical JSON, so anyone holding the seed and the record can redraw and compare.

Appraisal [cfg]:
- ``deviation``: an expert's total for a bid more than ``DEVIATION_THRESHOLD`` (20 %) away from
  the committee's median total for that bid;
- ``favouring``: over the history, an expert who scored one bidder above the committee's median
  by more than ``FAVOUR_MARGIN`` (10 %) in at least ``FAVOUR_MIN_TIMES`` (3) evaluations and in
  at least ``FAVOUR_MIN_SHARE`` (60 %) of the evaluations where the expert scored that bidder;
- ``late_scoring``: an expert who submitted or changed scores after the other members' scores
  were visible to the committee.
Each is returned as an ``expert_deviation`` finding with its pattern and evidence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

MIN_MEMBERS = 5
EXPERT_SHARE = (2, 3)  # experts ≥ 2/3 of the members
EMPLOYER_YEARS = 3
DEVIATION_THRESHOLD = 0.2
FAVOUR_MARGIN = 0.1
FAVOUR_MIN_TIMES = 3
FAVOUR_MIN_SHARE = 0.6


class DrawError(ValueError):
    """A committee that the law does not allow, or a pool that cannot fill it. ``code`` is stable;
    the Chinese message is ``trading.messages.draw_message(error)``."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(f"{code} {params}")


@dataclass(frozen=True)
class Employment:
    employer: str  # the employer's 统一社会信用代码 (or name, when it has none)
    start: dt.date
    end: dt.date | None = None  # None: still there


@dataclass(frozen=True)
class Expert:
    id: str
    name: str
    fields: frozenset[str]
    employments: tuple[Employment, ...] = ()
    relations: frozenset[str] = frozenset()  # bidders the pool lists a relation with
    city: str = ""


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def check_composition(members: int, representatives: int = 0) -> int:
    """The number of experts of a committee of ``members`` with ``representatives`` of the
    tenderer; a committee the law does not allow raises ``DrawError``."""
    if members < MIN_MEMBERS:
        raise DrawError("too_few_members", members=members, minimum=MIN_MEMBERS)
    if members % 2 == 0:
        raise DrawError("even_members", members=members)
    if representatives < 0 or representatives >= members:
        raise DrawError("bad_representatives", representatives=representatives)
    experts = members - representatives
    num, den = EXPERT_SHARE
    if experts * den < members * num:
        raise DrawError("too_few_experts", experts=experts, members=members)
    return experts


def recusals(
    pool: Iterable[Expert], bidders: Iterable[str], *, on: dt.date
) -> dict[str, list[dict]]:
    """Expert id → why the expert withdraws (each tie to a bidder), for the experts tied."""
    bidders = set(bidders)
    since = _years_before(on, EMPLOYER_YEARS)
    found: dict[str, list[dict]] = {}
    for expert in pool:
        reasons = []
        for job in expert.employments:
            if (
                job.employer in bidders
                and job.start <= on
                and (job.end is None or job.end >= since)
            ):
                reasons.append({"reason": "employer", "bidder": job.employer})
        for bidder in sorted(expert.relations & bidders):
            reasons.append({"reason": "relation", "bidder": bidder})
        if reasons:
            found[expert.id] = reasons
    return found


def seal(seed: str) -> str:
    """The commitment published at the draw: sha256 of the seed."""
    return hashlib.sha256(seed.encode()).hexdigest()


def canonical(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Draw:
    members: int
    representatives: int
    fields: dict[str, int]
    on: dt.date
    eligible: dict[str, list[str]]  # field → the ids that could be drawn, sorted
    recused: dict[str, list[dict]]
    drawn: dict[str, list[str]]  # field → the ids drawn, in draw order
    seal: str
    record_hash: str = field(default="")

    @property
    def experts(self) -> list[str]:
        return [e for ids in self.drawn.values() for e in ids]

    def record(self) -> dict:
        return {
            "members": self.members,
            "representatives": self.representatives,
            "fields": self.fields,
            "on": self.on.isoformat(),
            "eligible": self.eligible,
            "recused": self.recused,
            "drawn": self.drawn,
            "seal": self.seal,
        }


def draw(
    pool: Sequence[Expert],
    *,
    fields: Mapping[str, int],
    bidders: Iterable[str],
    on: dt.date,
    seed: str,
    members: int,
    representatives: int = 0,
) -> Draw:
    """Draw the experts of a committee: ``fields`` says how many of each field (their sum is the
    number of experts), drawn at random by ``seed`` among the pool's experts of that field who
    are not recused and not drawn already (fields in their sorted order)."""
    experts = check_composition(members, representatives)
    wanted = sum(fields.values())
    if wanted != experts or any(n <= 0 for n in fields.values()):
        raise DrawError("fields_mismatch", wanted=wanted, experts=experts)
    ids = [e.id for e in pool]
    if len(set(ids)) != len(ids):
        raise DrawError("duplicate_expert")
    recused = recusals(pool, bidders, on=on)
    taken: set[str] = set()
    eligible: dict[str, list[str]] = {}
    drawn: dict[str, list[str]] = {}
    for name in sorted(fields):
        candidates = sorted(
            e.id for e in pool if name in e.fields and e.id not in recused and e.id not in taken
        )
        eligible[name] = candidates
        if len(candidates) < fields[name]:
            raise DrawError(
                "pool_too_small",
                field=name,
                needed=fields[name],
                available=len(candidates),
                recused=sum(1 for e in pool if name in e.fields and e.id in recused),
            )
        rng = random.Random(hashlib.sha256(f"{seed}\x1f{name}".encode()).digest())  # noqa: S311
        picked = rng.sample(candidates, fields[name])
        drawn[name] = picked
        taken.update(picked)
    result = Draw(
        members=members,
        representatives=representatives,
        fields=dict(sorted(fields.items())),
        on=on,
        eligible=eligible,
        recused=recused,
        drawn=drawn,
        seal=seal(seed),
    )
    digest = hashlib.sha256(canonical(result.record())).hexdigest()
    return Draw(**{**result.__dict__, "record_hash": digest})


def verify_draw(record: dict, record_hash: str, seed: str) -> bool:
    """Whether ``record`` is the one hashed, its seal the seed's, and the seed draws it again."""
    if hashlib.sha256(canonical(record)).hexdigest() != record_hash:
        return False
    if seal(seed) != record["seal"]:
        return False
    for name, candidates in record["eligible"].items():
        rng = random.Random(hashlib.sha256(f"{seed}\x1f{name}".encode()).digest())  # noqa: S311
        if rng.sample(candidates, record["fields"][name]) != record["drawn"][name]:
            return False
    return True


# ---------------------------------------------------------------- appraisal


@dataclass(frozen=True)
class Score:
    """One expert's total for one bid of one evaluation (the sum over the criteria)."""

    evaluation: str
    expert: str
    bid: str
    bidder: str
    points: float
    submitted_at: dt.datetime | None = None


@dataclass(frozen=True)
class Finding:
    kind: str  # always "expert_deviation"
    expert: str
    pattern: str  # "deviation" | "favouring" | "late_scoring"
    evidence: dict
    score: float


def _medians(scores: Iterable[Score]) -> dict[tuple[str, str], float]:
    by_bid: dict[tuple[str, str], list[float]] = defaultdict(list)
    for s in scores:
        by_bid[(s.evaluation, s.bid)].append(s.points)
    return {key: statistics.median(points) for key, points in by_bid.items()}


def deviations(scores: Sequence[Score], *, threshold: float = DEVIATION_THRESHOLD) -> list[Finding]:
    medians = _medians(scores)
    found = []
    for s in scores:
        median = medians[(s.evaluation, s.bid)]
        if median <= 0:
            continue
        off = (s.points - median) / median
        if abs(off) > threshold:
            found.append(
                Finding(
                    "expert_deviation",
                    s.expert,
                    "deviation",
                    {
                        "evaluation": s.evaluation,
                        "bid": s.bid,
                        "points": s.points,
                        "median": median,
                        "deviation": round(off, 4),
                        "threshold": threshold,
                    },
                    min(1.0, round(abs(off), 4)),
                )
            )
    return found


def favouring(scores: Sequence[Score]) -> list[Finding]:
    medians = _medians(scores)
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    above: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s in scores:
        key = (s.expert, s.bidder)
        seen[key].add(s.evaluation)
        median = medians[(s.evaluation, s.bid)]
        if median > 0 and (s.points - median) / median > FAVOUR_MARGIN:
            above[key].add(s.evaluation)
    found = []
    for (expert, bidder), evaluations in sorted(above.items()):
        share = len(evaluations) / len(seen[(expert, bidder)])
        if len(evaluations) >= FAVOUR_MIN_TIMES and share >= FAVOUR_MIN_SHARE:
            found.append(
                Finding(
                    "expert_deviation",
                    expert,
                    "favouring",
                    {
                        "bidder": bidder,
                        "evaluations": sorted(evaluations),
                        "scored": len(seen[(expert, bidder)]),
                        "margin": FAVOUR_MARGIN,
                    },
                    round(share, 4),
                )
            )
    return found


def late_scoring(scores: Sequence[Score], visible_at: Mapping[str, dt.datetime]) -> list[Finding]:
    """``visible_at``: evaluation → when the members' scores became visible to the committee."""
    latest: dict[tuple[str, str], dt.datetime] = {}
    for s in scores:
        if s.submitted_at is None:
            continue
        key = (s.evaluation, s.expert)
        latest[key] = max(latest.get(key, s.submitted_at), s.submitted_at)
    found = []
    for (evaluation, expert), at in sorted(latest.items()):
        shown = visible_at.get(evaluation)
        if shown is not None and at > shown:
            found.append(
                Finding(
                    "expert_deviation",
                    expert,
                    "late_scoring",
                    {
                        "evaluation": evaluation,
                        "submitted_at": at.isoformat(),
                        "visible_at": shown.isoformat(),
                    },
                    1.0,
                )
            )
    return found
