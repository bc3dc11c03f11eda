"""Reads of the trading record, each filtered by the caller's scope in one query."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet

from zhengwu.core.roles import Role, role_names
from zhengwu.trading import cardinal
from zhengwu.trading.models import Bid, BidStatus, Deal, DealState, Flag, Lot

# Who sees the deals: the trading center's staff and those who watch it.
READERS = frozenset({Role.TRADING_OFFICER, Role.SUPERVISOR, Role.LEADER, Role.ADMIN})
# Who may open a bidder's files: the trading center and the supervisors (DOMAIN.md §12).
FILE_READERS = frozenset({Role.TRADING_OFFICER, Role.SUPERVISOR})


def may_read(user) -> bool:
    return bool(role_names(user) & {str(r) for r in READERS})


def may_read_files(user) -> bool:
    return bool(role_names(user) & {str(r) for r in FILE_READERS})


def visible(user) -> QuerySet[Deal]:
    if not may_read(user):
        return Deal.objects.none()
    return Deal.objects.all()


def deal_detail(user, code: str) -> Deal | None:
    code = str(code or "")[:32]
    if "\x00" in code:
        return None
    return (
        visible(user)
        .filter(code=code)
        .prefetch_related(
            Prefetch("lots", queryset=Lot.objects.order_by("pk")),
            Prefetch("lots__bids", queryset=Bid.objects.order_by("pk").defer("text")),
            Prefetch(
                "flags", queryset=Flag.objects.order_by("pk").select_related("lot", "reviewed_by")
            ),
            "flags__bids",
        )
        .first()
    )


def bid_file(user, bid_id: int) -> Bid | None:
    if not may_read_files(user):
        return None
    return Bid.objects.filter(pk=bid_id).exclude(file="").only("file", "file_name").first()


def processes(start: dt.date | None, end: dt.date | None) -> list[cardinal.Process]:
    """Every lot of the deals announced from ``start`` to ``end`` (inclusive) as a contracting
    process for the Cardinal indicators; a deal not yet awarded is a process without a final
    award, a cancelled one is left out."""
    deals = Deal.objects.exclude(state=DealState.CANCELLED)
    if start:
        deals = deals.filter(announced_on__gte=start)
    if end:
        deals = deals.filter(announced_on__lte=end)
    rows = (
        Bid.objects.filter(lot__deal__in=deals)
        .values_list(
            "lot__deal__code",
            "lot__code",
            "lot__deal__tenderer",
            "lot__deal__agent",
            "lot__deal__state",
            "lot__deal__award_method",
            "bidder_uscc",
            "price",
            "status",
            "awarded",
        )
        .order_by("lot_id", "pk")
        .iterator(chunk_size=5000)
    )
    grouped: dict[str, dict] = {}
    for deal_code, lot_code, tenderer, agent, state, method, uscc, price, status, won in rows:
        key = f"{deal_code}/{lot_code}"
        entry = grouped.get(key)
        if entry is None:
            entry = grouped[key] = {
                "tenderer": tenderer,
                "agent": agent,
                "awarded": state == DealState.AWARDED,
                "method": method,
                "bids": [],
                "winners": [],
            }
        entry["bids"].append(
            cardinal.ProcessBid(
                uscc, float(price), status if status != BidStatus.PENDING else "pending"
            )
        )
        if won:
            entry["winners"].append(uscc)
    return [
        cardinal.Process(
            id=key,
            tenderer=e["tenderer"],
            agent=e["agent"],
            bids=tuple(e["bids"]),
            winners=tuple(e["winners"]),
            awarded=e["awarded"],
            award_method=e["method"],
        )
        for key, e in grouped.items()
    ]


def deal_for_ocds(user, code: str) -> Deal | None:
    """A deal with its lots, for its OCDS releases (trading/ocds.py reads its events)."""
    code = str(code or "")[:32]
    if "\x00" in code:
        return None
    return visible(user).filter(code=code).prefetch_related("lots").first()
