"""Reads of the trading pages, each filtered by the caller's scope in one query (the readers of
``trading.selectors``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, ExtractYear

from zhengwu.trading import selectors
from zhengwu.trading.models import (
    Bid,
    BidStatus,
    Committee,
    CreditKind,
    CreditRecord,
    CreditSubject,
    Deal,
    Expert,
    Flag,
    FlagStatus,
    Seat,
)


def _count(queryset: QuerySet, outer: str = "pk") -> Coalesce:
    counted = (
        queryset.filter(deal=OuterRef(outer))
        .order_by()
        .values("deal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def deals(user, filters: dict) -> QuerySet[Deal]:
    """The deals the user reads, filtered: ``type``, ``state``, ``department`` (code),
    ``tenderer`` (part of the name), ``start`` / ``end`` (announced), ``flag`` (an open flag
    of that kind); newest first, with the bids and open flags counted."""
    rows = selectors.visible(user).select_related("department")
    if filters.get("type"):
        rows = rows.filter(type=filters["type"])
    if filters.get("state"):
        rows = rows.filter(state=filters["state"])
    if filters.get("department") == NO_DEPARTMENT:
        rows = rows.filter(department__isnull=True)
    elif filters.get("department"):
        rows = rows.filter(department__code=filters["department"])
    if filters.get("tenderer"):
        rows = rows.filter(tenderer__icontains=filters["tenderer"])
    if filters.get("start"):
        rows = rows.filter(announced_on__gte=filters["start"])
    if filters.get("end"):
        rows = rows.filter(announced_on__lte=filters["end"])
    if filters.get("flag"):
        rows = rows.filter(
            pk__in=Flag.objects.filter(kind=filters["flag"], status=FlagStatus.OPEN).values(
                "deal_id"
            )
        )
    bids = (
        Bid.objects.filter(lot__deal=OuterRef("pk"))
        .order_by()
        .values("lot__deal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return rows.annotate(
        bid_count=Coalesce(Subquery(bids, output_field=IntegerField()), 0),
        open_flags=_count(Flag.objects.filter(status=FlagStatus.OPEN)),
    ).order_by("-announced_on", "-pk")


NO_DEPARTMENT = "-"


def board(user) -> dict:
    """Open flags by kind and the deal's supervising department: ``{"departments": [(code,
    name)], "cells": {(kind, code): n}, "by_kind": {kind: n}, "by_department": {code: n},
    "total": n}`` (a deal without a department under ``NO_DEPARTMENT``)."""
    rows = (
        Flag.objects.filter(status=FlagStatus.OPEN, deal__in=selectors.visible(user))
        .values("kind", "deal__department__code", "deal__department__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cells: dict[tuple[str, str], int] = {}
    departments: dict[str, str] = {}
    by_kind: dict[str, int] = defaultdict(int)
    by_department: dict[str, int] = defaultdict(int)
    for row in rows:
        code = row["deal__department__code"] or NO_DEPARTMENT
        departments[code] = row["deal__department__name"] or ""
        cells[(row["kind"], code)] = cells.get((row["kind"], code), 0) + row["n"]
        by_kind[row["kind"]] += row["n"]
        by_department[code] += row["n"]
    return {
        "departments": sorted(departments.items(), key=lambda d: (d[0] == NO_DEPARTMENT, d[0])),
        "cells": cells,
        "by_kind": dict(by_kind),
        "by_department": dict(by_department),
        "total": sum(by_kind.values()),
    }


def flag(user, flag_id: int) -> Flag | None:
    return (
        Flag.objects.filter(pk=flag_id, deal__in=selectors.visible(user))
        .select_related("deal", "lot", "reviewed_by")
        .prefetch_related("bids")
        .first()
    )


def committee(deal: Deal) -> Committee | None:
    return (
        Committee.objects.filter(deal=deal).select_related("deal").prefetch_related("seats").first()
    )


def _years(rows, counts: dict[int, dict[str, int]]) -> list[dict]:
    years = sorted({*counts, *(r.year for r in rows)}, reverse=True)
    return [
        {
            "year": year,
            "counts": counts.get(year, {}),
            "records": [r for r in rows if r.year == year],
        }
        for year in years
    ]


def bidder_credit(user, uscc: str) -> dict | None:
    """A bidder's yearly record: its bids and disqualified bids (from the deals), the
    collusion findings and the complaints recorded against it."""
    if not selectors.may_read(user):
        return None
    uscc = str(uscc or "").upper()[:18]
    if "\x00" in uscc:
        return None
    records = list(
        CreditRecord.objects.filter(subject=CreditSubject.BIDDER, bidder_uscc=uscc)
        .select_related("deal", "flag", "recorded_by")
        .order_by("-occurred_on", "-pk")
    )
    bids = (
        Bid.objects.filter(bidder_uscc=uscc)
        .annotate(year=ExtractYear("lot__deal__announced_on"))
        .values("year")
        .annotate(
            submitted=Count("pk"),
            disqualified=Count("pk", filter=Q(status=BidStatus.DISQUALIFIED)),
            won=Count("pk", filter=Q(awarded=True)),
        )
        .order_by()
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in bids:
        if row["year"]:
            counts[row["year"]].update(
                bids=row["submitted"], disqualified=row["disqualified"], won=row["won"]
            )
    for r in records:
        key = r.kind if r.kind != CreditKind.COMPLAINT or r.substantiated else "complaint_not"
        counts[r.year][key] = counts[r.year].get(key, 0) + 1
    name = (
        records[0].bidder_name
        if records
        else Bid.objects.filter(bidder_uscc=uscc).values_list("bidder_name", flat=True).first()
    )
    if not name:
        return None
    return {"uscc": uscc, "name": name, "years": _years(records, counts)}


def expert_credit(user, expert_id: int) -> dict | None:
    """An expert's yearly record: the committees sat on, the appraisal's flags raised and
    confirmed, the complaints."""
    if not selectors.may_read(user):
        return None
    expert = Expert.objects.filter(pk=expert_id).first()
    if expert is None:
        return None
    records = list(
        CreditRecord.objects.filter(subject=CreditSubject.EXPERT, expert=expert)
        .select_related("deal", "flag", "recorded_by")
        .order_by("-occurred_on", "-pk")
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Seat.objects.filter(expert=expert)
        .annotate(year=ExtractYear("committee__drawn_at"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["year"]]["seats"] = row["n"]
    for row in (
        Flag.objects.filter(kind="expert_deviation", evidence__expert=expert.pk)
        .annotate(year=ExtractYear("raised_at"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["year"]]["flags"] = row["n"]
    for r in records:
        key = r.kind if r.kind != CreditKind.COMPLAINT or r.substantiated else "complaint_not"
        counts[r.year][key] = counts[r.year].get(key, 0) + 1
    return {"expert": expert, "years": _years(records, counts)}


def credit_index(user, *, year: int | None, name: str) -> tuple[QuerySet, QuerySet]:
    """The bidders and the experts with credit records (of ``year``, named like ``name``)."""
    if not selectors.may_read(user):
        return CreditRecord.objects.none(), CreditRecord.objects.none()
    rows = CreditRecord.objects.all()
    if year:
        rows = rows.filter(year=year)
    bidders = rows.filter(subject=CreditSubject.BIDDER)
    experts = rows.filter(subject=CreditSubject.EXPERT)
    if name:
        bidders = bidders.filter(Q(bidder_name__icontains=name) | Q(bidder_uscc=name.upper()))
        experts = experts.filter(expert__name__icontains=name)

    def per(kind):
        return Count("pk", filter=Q(kind=kind))

    bidders = (
        bidders.values("bidder_uscc")
        .annotate(
            name=Coalesce(Subquery(_latest_name()), "bidder_uscc"),
            disqualifications=per(CreditKind.DISQUALIFICATION),
            collusion=per(CreditKind.COLLUSION),
            complaints=per(CreditKind.COMPLAINT),
        )
        .order_by("-collusion", "bidder_uscc")
    )
    experts = (
        experts.values("expert_id", "expert__name")
        .annotate(scoring=per(CreditKind.SCORING), complaints=per(CreditKind.COMPLAINT))
        .order_by("-scoring", "expert_id")
    )
    return bidders, experts


def _latest_name():
    return (
        CreditRecord.objects.filter(bidder_uscc=OuterRef("bidder_uscc"))
        .exclude(bidder_name="")
        .order_by("-pk")
        .values("bidder_name")[:1]
    )


def announced_range(start: dt.date | None, end: dt.date | None) -> bool:
    return not (start and end and end < start)


def waiting_work(user) -> list:
    """A supervisor's home page line: the trading signals awaiting review."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    from zhengwu.core.paging import COUNT_CAP, capped_count, shown
    from zhengwu.core.roles import Role, has_role
    from zhengwu.core.workbench import Work

    if not has_role(user, Role.SUPERVISOR):
        return []
    open_ = Flag.objects.filter(status=FlagStatus.OPEN, deal__in=selectors.visible(user))
    return [
        Work(
            key="trading-flags",
            label=gettext_lazy("Trading signals awaiting review"),
            count=shown(*capped_count(open_, COUNT_CAP)),
            url=reverse("trading:board"),
            urgent=True,
            section=gettext_lazy("Public-resource trading"),
        )
    ]
