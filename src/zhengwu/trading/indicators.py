"""Cardinal's red flags stored as flags on the deals they hit (docs/trading.md "Cardinal's red
flags"), for a supervisor to review like the art. 40 signals: recorded once, never deleted.

``raise_indicator_flags`` computes ``cardinal.indicators`` over the lots of the deals announced in
the last ``HISTORY_YEARS`` years (the history the quartiles and fences come from) and raises:

- R024, R035, R036 (a process: one lot of a deal) on that deal and lot, with the bids concerned
  (R024: the winner and the second-lowest valid bid; R035: every bid of the lot; R036: the lowest
  bid, disqualified, and the winner);
- R025 (a bidder) on each awarded deal in the history where the bidder had a valid bid and lost,
  with its bid;
- R038 per bidder on each deal where the bidder's bid was disqualified, with that bid; per
  tenderer or agent on each of its deals with a disqualified bid, with those bids.

Each flag's evidence holds the value, the group and subject, and Cardinal's ``meta`` of the
indicator (quartiles and fences). A flag is known by its kind, subject and lot, so a second run
(the scheduler's ``trading_indicators`` job, hourly) raises nothing new, even when the fences
move; the deal's trail gets a ``flags_raised`` step for the flags it gained.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from zhengwu.core import clock, trail
from zhengwu.trading import cardinal, selectors
from zhengwu.trading.models import Bid, BidStatus, Deal, DealEvent, DealState, Flag
from zhengwu.trading.services import LABEL

HISTORY_YEARS = 3
# How strongly each red flag alone points at collusion (the art. 40 signals score 0.7 to 1.0).
SCORES = {"R024": 0.5, "R025": 0.4, "R035": 0.6, "R036": 0.6, "R038": 0.4}


@dataclass
class Target:
    deal_id: int
    lot_id: int | None
    lot_code: str
    kind: str
    group: str
    subject: str
    value: float
    bids: list[int] = field(default_factory=list)


def fingerprint(kind: str, group: str, subject: str, lot_code: str) -> str:
    key = "\x1f".join(["cardinal", kind, group, subject, lot_code])
    return hashlib.sha256(key.encode()).hexdigest()


def history_start(today: dt.date) -> dt.date:
    try:
        return today.replace(year=today.year - HISTORY_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - HISTORY_YEARS, day=28)


def _bids(start: dt.date, end: dt.date):
    return (
        Bid.objects.filter(lot__deal__announced_on__gte=start, lot__deal__announced_on__lte=end)
        .exclude(lot__deal__state=DealState.CANCELLED)
        .values_list(
            "pk",
            "lot_id",
            "lot__code",
            "lot__deal_id",
            "lot__deal__code",
            "lot__deal__tenderer",
            "lot__deal__agent",
            "lot__deal__state",
            "bidder_uscc",
            "price",
            "status",
            "awarded",
        )
        .order_by("lot_id", "pk")
    )


def targets(results: dict, start: dt.date, end: dt.date) -> list[Target]:
    """Where each red flag of ``results`` lands: deals, lots and bids."""
    flagged_processes = results["process"]
    flagged_bidders = results["bidder"]
    flagged_orgs = {"tenderer": results["tenderer"], "agent": results["agent"]}
    if not (flagged_processes or flagged_bidders or any(flagged_orgs.values())):
        return []
    lots: dict[int, list[tuple]] = defaultdict(list)
    for row in _bids(start, end).iterator(chunk_size=5000):
        lots[row[1]].append(row)
    out: list[Target] = []
    for lot_id, rows in lots.items():
        _pk, _l, lot_code, deal_id, deal_code, tenderer, agent, state = rows[0][:8]
        process = f"{deal_code}/{lot_code}"
        valid = sorted((r for r in rows if r[10] == BidStatus.VALID), key=lambda r: r[9])
        disqualified = [r for r in rows if r[10] == BidStatus.DISQUALIFIED]
        winners = [r for r in rows if r[11]]

        def add(
            kind, group, subject, value, bids, deal_id=deal_id, lot_id=lot_id, lot_code=lot_code
        ):
            out.append(
                Target(deal_id, lot_id, lot_code, kind, group, subject, value, [b[0] for b in bids])
            )

        for kind, value in flagged_processes.get(process, {}).items():
            if kind == "R024":
                second = [r for r in valid if not r[11]][:1]
                add(kind, "process", process, value, winners + second)
            elif kind == "R035":
                add(kind, "process", process, value, rows)
            elif kind == "R036":
                lowest = min(rows, key=lambda r: r[9])
                add(kind, "process", process, value, [lowest, *winners])
        awarded = state == DealState.AWARDED and len({w[8] for w in winners}) == 1
        for bid in rows:
            flags = flagged_bidders.get(bid[8], {})
            if "R025" in flags and awarded and bid[10] == BidStatus.VALID and not bid[11]:
                add("R025", "bidder", bid[8], flags["R025"], [bid])
            if "R038" in flags and bid[10] == BidStatus.DISQUALIFIED:
                add("R038", "bidder", bid[8], flags["R038"], [bid])
        if disqualified:
            for group, subject in (("tenderer", tenderer), ("agent", agent)):
                value = flagged_orgs[group].get(subject, {}).get("R038")
                if subject and value is not None:
                    add("R038", group, subject, value, disqualified)
    return out


def raise_indicator_flags(*, today: dt.date | None = None) -> list[Flag]:
    """Compute the red flags over the history up to ``today`` and store those not raised
    before (each deal locked while its flags are added)."""
    end = today or clock.today()
    start = history_start(end)
    results = cardinal.indicators(selectors.processes(start, end))
    by_deal: dict[int, list[Target]] = defaultdict(list)
    for target in targets(results, start, end):
        by_deal[target.deal_id].append(target)
    raised: list[Flag] = []
    for deal_id in sorted(by_deal):
        raised += _store(deal_id, by_deal[deal_id], results["meta"])
    return raised


def _store(deal_id: int, found: list[Target], meta: dict) -> list[Flag]:
    with transaction.atomic():
        deal = Deal.objects.select_for_update().get(pk=deal_id)
        known = set(deal.flags.values_list("fingerprint", flat=True))
        now = clock.now()
        raised = []
        for target in found:
            mark = fingerprint(target.kind, target.group, target.subject, target.lot_code)
            if mark in known:
                continue
            known.add(mark)
            flag = Flag.objects.create(
                deal=deal,
                lot_id=target.lot_id,
                kind=target.kind,
                evidence={
                    "source": "cardinal",
                    "group": target.group,
                    "subject": target.subject,
                    "value": round(target.value, 4),
                    "meta": meta.get(target.kind, {}),
                },
                score=SCORES[target.kind],
                fingerprint=mark,
                raised_at=now,
            )
            flag.bids.set(target.bids)
            raised.append((flag, target.lot_code))
        if raised:
            row = DealEvent(
                deal=deal,
                kind="flags_raised",
                actor=None,
                occurred_at=now,
                data={"flags": [{"id": f.pk, "kind": f.kind, "lot": lot} for f, lot in raised]},
            )
            trail.append(deal, row, label=LABEL)
            deal.save(update_fields=["event_count", "head_hash"])
    return [flag for flag, _lot in raised]
