"""The supervision API (docs/supervision.md), mounted at /api/v1/supervision/... Thin: parse, call
a selector or service, shape the answer. Scope as on the pages: supervisors, leaders and
administrators see every department, a department's staff their own, anyone else gets 403."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from zhengwu.accounts.auth import api_auth
from zhengwu.core.schemas import RowId
from zhengwu.supervision import presenters, selectors, services
from zhengwu.supervision.models import IrregularityKind, IrregularityStatus, WarningLevel

router = Router(tags=["supervision"], auth=api_auth)

MAX_LIMIT = 200


def _check(request) -> None:
    if not selectors.may_supervise(request.user):
        raise PermissionDenied


class ListQuery(Schema):
    department: RowId | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    number: Annotated[str, Field(max_length=32)] = ""
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = 50
    offset: Annotated[int, Field(ge=0, le=10_000_000)] = 0


class WarningQuery(ListQuery):
    level: Literal[tuple(WarningLevel.values)] | None = None  # type: ignore[valid-type]


class IrregularityQuery(ListQuery):
    kind: Literal[tuple(IrregularityKind.values)] | None = None  # type: ignore[valid-type]
    status: Literal[tuple(IrregularityStatus.values)] | None = None  # type: ignore[valid-type]


class ReviewIn(Schema):
    model_config = ConfigDict(extra="forbid")
    outcome: Literal["confirmed", "explained", "referred", "answered"]
    note: Annotated[str, Field(max_length=2000)]


def _filters(query: ListQuery, **extra) -> selectors.ListFilters:
    return selectors.ListFilters(
        department=query.department,
        start=query.start,
        end=query.end,
        number=query.number.replace("\x00", "").strip(),
        **{k: v or "" for k, v in extra.items()},
    )


@router.get("/supervision/board")
def board(request):
    _check(request)
    rows, totals = selectors.board(request.user)
    seal = selectors.latest_seal()
    return {
        "departments": [
            {
                "id": r.department.pk,
                "code": r.department.code,
                "name": r.department.name,
                "counts": r.counts,
                "total": r.total,
            }
            for r in rows
        ],
        "totals": totals,
        "seal": None
        if seal is None
        else {"day": seal.day, "cases": seal.cases, "events": seal.events, "hash": seal.hash},
    }


def _warning(row, told) -> dict:
    return {
        "id": row.pk,
        "case": row.case.number,
        "department": row.department.code,
        "level": row.level,
        "period": row.period,
        "due": row.due,
        "raised_on": row.raised_on,
        "raised_at": row.raised_at,
        "told": told,
    }


def _irregularity(row, people: dict[str, str] | None = None) -> dict:
    return {
        "id": row.pk,
        "case": row.case.number,
        "department": row.department.code,
        "kind": row.kind,
        "kind_label": str(row.get_kind_display()),
        "detected_on": row.detected_on,
        "detected_at": row.detected_at,
        "status": row.status,
        "evidence": row.evidence,
        "evidence_lines": [
            {"label": label, "value": value}
            for label, value in presenters.evidence_lines(row, people)
        ],
    }


@router.get("/supervision/warnings")
def warnings(request, query: Query[WarningQuery]):
    _check(request)
    queryset = selectors.warnings(request.user, _filters(query, level=query.level))
    rows = list(queryset[query.offset : query.offset + query.limit + 1])
    told = selectors.recipients([w.pk for w in rows])
    return {
        "results": [_warning(w, told.get(w.pk, [])) for w in rows[: query.limit]],
        "more": len(rows) > query.limit,
    }


@router.get("/supervision/irregularities")
def irregularities(request, query: Query[IrregularityQuery]):
    _check(request)
    queryset = selectors.irregularities(
        request.user, _filters(query, kind=query.kind, status=query.status)
    )
    rows = list(queryset[query.offset : query.offset + query.limit + 1])
    people = presenters.evidence_people(rows[: query.limit])  # one query for the whole page
    return {
        "results": [_irregularity(r, people) for r in rows[: query.limit]],
        "more": len(rows) > query.limit,
    }


@router.get("/supervision/irregularities/{pk}")
def irregularity(request, pk: int):
    _check(request)
    row = selectors.get_irregularity(request.user, pk)
    out = _irregularity(row)
    out["reviews"] = [
        {
            "outcome": r.outcome,
            "note": r.note,
            "reviewer": r.reviewer.display_name,
            "created_at": r.created_at,
        }
        for r in row.reviews.select_related("reviewer").order_by("id")
    ]
    return out


@router.post("/supervision/irregularities/{pk}/reviews", response={201: dict})
def review(request, pk: int, body: ReviewIn):
    _check(request)
    row = services.review(actor=request.user, pk=pk, outcome=body.outcome, note=body.note)
    return Status(201, {"id": row.pk, "outcome": row.outcome, "created_at": row.created_at})
