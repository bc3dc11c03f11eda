"""Red flags over the deal history, as Open Contracting Partnership's Cardinal computes them
(ocdscardinal ``indicators``; DOMAIN.md §12). Pure: no Django imports.

Each record is one contracting process: a lot of a deal, with its bids and its award. Words
differ: Cardinal's *buyer* is our 招标人 (``tenderer``), its *procuring entity* our 招标代理机构
(``agent``), its *tenderer* our 投标人 (``bidder``). Results are grouped as Cardinal's are, under
``process`` (its OCID), ``bidder`` (its Tenderer), ``tenderer`` (its Buyer) and ``agent`` (its
ProcuringEntity); ``meta`` holds the quartiles and fences used, rounded to 4 decimals.

Quartiles are Cardinal's (statrs ``Data::quantile``): Hyndman and Fan's definition 8, the
median-unbiased one, h = (n + 1/3)·τ + 1/3. Fences are Tukey's: Q1 − 1.5·IQR below,
Q3 + 1.5·IQR above.

- **R024** price close to the winning bid: (second-lowest valid bid − winning bid) ÷ winning bid
  per process, flagged at or below the lower fence. Excluded: processes not awarded, with other
  than one winner, or whose winner is not the lowest valid bid (Cardinal's sign that the award
  was not on price alone).
- **R025** excessive unsuccessful bids: per bidder, processes won ÷ processes with a valid bid
  (awarded processes with one winner). Flagged when the bidder's number of valid bids is above
  the 75th percentile of all bidders' numbers (a top bidder) and its ratio below the lower fence
  (both strictly, as Cardinal's code compares).
- **R035** all except the winning bid disqualified: exactly one bidder has valid bids, it is the
  award's winner, and at least ``R035_THRESHOLD`` (1) other bidders had bids disqualified; the
  value is the number of those bidders.
- **R036** lowest bid disqualified: the process is awarded and its lowest submitted bid was
  disqualified. Cardinal cannot see the award method and takes every process; we know it, and
  take the processes awarded on the lowest price only.
- **R038** excessive disqualified bids: disqualified ÷ submitted bids, per bidder (bidders with
  at least ``R038_MIN_BIDS`` (2) submitted bids), per tenderer and per agent (those with at least
  ``R038_MIN_PROCESSES`` (2) processes); flagged at or above the upper fence of its group.

A *submitted* bid is one pending, valid or disqualified (not invited nor withdrawn).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SUBMITTED = frozenset({"pending", "valid", "disqualified"})
LOWEST_PRICE = "lowest_price"
IQR_FACTOR = 1.5
R025_PERCENTILE = 75
R035_THRESHOLD = 1
R038_MIN_BIDS = 2
R038_MIN_PROCESSES = 2
INDICATORS = ("R024", "R025", "R035", "R036", "R038")


@dataclass(frozen=True)
class ProcessBid:
    bidder: str
    price: float | None
    status: str  # "pending" | "valid" | "disqualified" | "withdrawn"


@dataclass(frozen=True)
class Process:
    """One lot of a deal as a contracting process. ``winners`` are the bidders of its active
    awards; ``awarded`` is whether every award is final (none pending)."""

    id: str
    tenderer: str
    bids: tuple[ProcessBid, ...]
    winners: tuple[str, ...] = ()
    awarded: bool = False
    agent: str = ""
    award_method: str = LOWEST_PRICE


def quantile(sorted_values: Sequence[float], tau: float) -> float:
    """Hyndman and Fan's definition 8 over already sorted values (Cardinal's statrs)."""
    n = len(sorted_values)
    if not n or not 0.0 <= tau <= 1.0:
        return math.nan
    h = (n + 1.0 / 3.0) * tau + 1.0 / 3.0
    hf = math.floor(h)
    if hf <= 0 or tau == 0.0:
        return sorted_values[0]
    if hf >= n or tau == 1.0:
        return sorted_values[-1]
    a, b = sorted_values[hf - 1], sorted_values[hf]
    return a + (h - hf) * (b - a)


def quartiles(values: Iterable[float]) -> tuple[float, float]:
    data = sorted(values)
    return quantile(data, 0.25), quantile(data, 0.75)


def _r4(value: float) -> float:
    return round(value, 4)


class _Results:
    def __init__(self) -> None:
        self.groups: dict[str, dict[str, dict[str, float]]] = {
            "process": {},
            "bidder": {},
            "tenderer": {},
            "agent": {},
        }
        self.meta: dict[str, dict[str, float]] = {}

    def flag(self, group: str, ident: str, code: str, value: float) -> None:
        self.groups[group].setdefault(ident, {})[code] = value

    def as_dict(self) -> dict:
        return {**self.groups, "meta": self.meta}


def _single_winner(process: Process) -> str | None:
    if process.awarded and len(set(process.winners)) == 1:
        return process.winners[0]
    return None


def r024(processes: Sequence[Process], out: _Results) -> None:
    ratios: dict[str, float] = {}
    for p in processes:
        winner = _single_winner(p)
        if winner is None:
            continue
        winning = None
        others = []
        for bid in p.bids:
            if bid.status != "valid" or bid.price is None:
                continue
            if bid.bidder == winner:
                winning = bid.price if winning is None else min(winning, bid.price)
            else:
                others.append(bid.price)
        if winning is None or winning <= 0 or not others or min(others) < winning:
            continue
        ratios[p.id] = (min(others) - winning) / winning
    if not ratios:
        return
    q1, q3 = quartiles(ratios.values())
    lower = q1 - IQR_FACTOR * (q3 - q1)
    out.meta["R024"] = {"q1": _r4(q1), "q3": _r4(q3), "lower_fence": _r4(lower)}
    for ident, ratio in ratios.items():
        if ratio <= lower:
            out.flag("process", ident, "R024", ratio)


def r025(processes: Sequence[Process], out: _Results) -> None:
    won: dict[str, int] = defaultdict(int)
    valid: dict[str, int] = defaultdict(int)
    for p in processes:
        winner = _single_winner(p)
        if winner is None:
            continue
        for bidder in {b.bidder for b in p.bids if b.status == "valid"}:
            valid[bidder] += 1
            won[bidder] += bidder == winner
    if not valid:
        return
    counts = sorted(valid.values())
    upper = quantile(counts, R025_PERCENTILE / 100)
    ratios = {bidder: won[bidder] / n for bidder, n in valid.items()}
    q1, q3 = quartiles(ratios.values())
    lower = q1 - IQR_FACTOR * (q3 - q1)
    out.meta["R025"] = {
        "q1": _r4(q1),
        "q3": _r4(q3),
        "lower_fence": _r4(lower),
        "bids_percentile": R025_PERCENTILE,
        "bids_upper_fence": _r4(upper),
    }
    for bidder, ratio in ratios.items():
        if valid[bidder] > upper and ratio < lower:
            out.flag("bidder", bidder, "R025", ratio)


def r035(processes: Sequence[Process], out: _Results) -> None:
    for p in processes:
        if not p.awarded:
            continue
        valid = {b.bidder for b in p.bids if b.status == "valid"}
        disqualified = {b.bidder for b in p.bids if b.status == "disqualified"}
        if len(valid) == 1 and valid == set(p.winners):
            others = len(disqualified - valid)
            if others >= R035_THRESHOLD:
                out.flag("process", p.id, "R035", float(others))


def r036(processes: Sequence[Process], out: _Results) -> None:
    for p in processes:
        if not p.winners or p.award_method != LOWEST_PRICE:
            continue
        lowest = None
        for bid in p.bids:
            if bid.status in SUBMITTED and bid.price is not None:
                if lowest is None or bid.price < lowest.price:
                    lowest = bid
        if lowest is not None and lowest.status == "disqualified":
            out.flag("process", p.id, "R036", 1.0)


def r038(processes: Sequence[Process], out: _Results) -> None:
    bidder_dq: dict[str, int] = defaultdict(int)
    bidder_n: dict[str, int] = defaultdict(int)
    # tenderer or agent → [disqualified, submitted, processes]
    orgs = {"tenderer": defaultdict(lambda: [0, 0, 0]), "agent": defaultdict(lambda: [0, 0, 0])}
    submitted_states = SUBMITTED
    for p in processes:
        disqualified = submitted = 0
        for bid in p.bids:
            status = bid.status
            if status not in submitted_states:
                continue
            submitted += 1
            bidder_n[bid.bidder] += 1
            if status == "disqualified":
                disqualified += 1
                bidder_dq[bid.bidder] += 1
        if not submitted:
            continue
        for group, ident in (("tenderer", p.tenderer), ("agent", p.agent)):
            if ident:
                tally = orgs[group][ident]
                tally[0] += disqualified
                tally[1] += submitted
                tally[2] += 1
    # Bidders count their submitted bids, tenderers and agents their processes.
    groups = {
        "bidder": {b: bidder_dq[b] / n for b, n in bidder_n.items() if n >= R038_MIN_BIDS},
        **{
            group: {i: t[0] / t[1] for i, t in tallies.items() if t[2] >= R038_MIN_PROCESSES}
            for group, tallies in orgs.items()
        },
    }
    meta: dict[str, float] = {}
    for group, ratios in groups.items():
        if not ratios:
            continue
        q1, q3 = quartiles(ratios.values())
        upper = q3 + IQR_FACTOR * (q3 - q1)
        meta.update(
            {f"{group}_q1": _r4(q1), f"{group}_q3": _r4(q3), f"{group}_upper_fence": _r4(upper)}
        )
        for ident, ratio in ratios.items():
            if ratio >= upper:
                out.flag(group, ident, "R038", ratio)
    if meta:
        out.meta["R038"] = meta


CALCULATORS = {"R024": r024, "R025": r025, "R035": r035, "R036": r036, "R038": r038}


def indicators(processes: Iterable[Process], *, only: Iterable[str] = INDICATORS) -> dict:
    """Every indicator of ``only`` over ``processes``: ``{"process": {id: {"R024": value}},
    "bidder": {...}, "tenderer": {...}, "agent": {...}, "meta": {"R024": {...}}}``; an id
    appears only with the indicators that flag it."""
    processes = list(processes)
    out = _Results()
    for code in only:
        CALCULATORS[code](processes, out)
    return out.as_dict()
