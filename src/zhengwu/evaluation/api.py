"""The evaluation API (docs/evaluation.md). Thin: parse, call a service or a selector, shape the
answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import FileResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from zhengwu.accounts.auth import api_auth
from zhengwu.core.documents import content_disposition
from zhengwu.core.errors import Forbidden, NotFound
from zhengwu.core.idempotency import fingerprint, run_once
from zhengwu.evaluation import api_surveys
from zhengwu.evaluation import rectification_presenters as rect_presenters
from zhengwu.evaluation import rectification_selectors as rect_selectors
from zhengwu.evaluation import rectification_services as rect_services

router = Router(tags=["evaluation and rectification"], auth=api_auth)

# 民主评议 and satisfaction surveys (api_surveys), then the rectification ledger below.
api_surveys.register(router)

# ------------------------------------------------------------------ 整改台账

Text = Annotated[str, Field(max_length=2000)]
Title = Annotated[str, Field(max_length=500)]
SourceKind = Literal[
    "inspection", "evaluation", "congress", "cppcc", "brief", "complaint", "trading", "supervision"
]


class LinkIn(Schema):
    type: Annotated[str, Field(max_length=100, description="app_label.model, e.g. tickets.ticket")]
    id: Annotated[int, Field(ge=1, le=2**62)]
    label: Annotated[str, Field(max_length=200)] = ""


class SourceIn(Schema):
    kind: SourceKind
    title: Annotated[str, Field(max_length=200)]
    date: dt.date
    reference: LinkIn | None = None


class ProblemIn(Schema):
    text: Text
    link: LinkIn | None = None


class ItemIn(Schema):
    title: Title
    problems: Annotated[list[ProblemIn], Field(max_length=500)] = []


class AreaIn(Schema):
    title: Title
    items: Annotated[list[ItemIn], Field(max_length=100)]


class RectificationIn(Schema):
    source: SourceIn
    areas: Annotated[list[AreaIn], Field(min_length=1, max_length=50)]


class MoreProblemIn(Schema):
    item: Annotated[int, Field(ge=1, le=2**62)] | None = None
    area_title: Title = ""
    item_title: Title = ""
    text: Text
    link: LinkIn | None = None


class MeasureIn(Schema):
    problem: Annotated[int, Field(ge=1, le=2**62)]
    text: Text
    unit: Annotated[str, Field(max_length=32, description="The department's code")]
    leader: Annotated[int, Field(ge=1, le=2**62, description="The leader's user id")]
    person: Annotated[int, Field(ge=1, le=2**62, description="The responsible person's user id")]
    kind: Literal["immediate", "deadline", "long_term"]
    deadline: dt.date | Annotated[int, Field(ge=1, le=1000)] = Field(
        description="A date, or a number of working days from today"
    )


class StepIn(Schema):
    text: Text = ""
    version: Annotated[int, Field(ge=1)] | None = None


class ReturnIn(Schema):
    reason: Text
    version: Annotated[int, Field(ge=1)] | None = None


class DisciplineIn(Schema):
    kind: Literal["interview", "criticism", "notice", "return"]
    taken_on: dt.date
    problem: Annotated[int, Field(ge=1, le=2**62)] | None = None
    person: Annotated[int, Field(ge=1, le=2**62)] | None = None
    person_name: Annotated[str, Field(max_length=60)] = ""
    unit: Annotated[str, Field(max_length=32)] = ""
    note: Text = ""


class LedgerFilterIn(Schema):
    kind: SourceKind | None = None
    year: Annotated[int, Field(ge=2000, le=2100)] | None = None
    q: Annotated[str, Field(max_length=100)] = ""
    state: Literal["open", "done"] | None = None
    offset: Annotated[int, Field(ge=0, le=10**7)] = 0
    limit: Annotated[int, Field(ge=1, le=200)] = 50


def _ledger(request, pk) -> dict:
    row = rect_selectors.ledger(request.user, pk)
    if row is None:
        raise NotFound()
    return rect_presenters.ledger(row, request.user)


@router.post("/rectifications", response={201: dict}, summary="Record a source and its problems")
def create_rectification(request, payload: RectificationIn):
    """The supervising office. Answers with the tree (areas, items, problems and their ids) and
    the counts. Send an `Idempotency-Key` header to make retries safe."""
    data = payload.dict()

    def create():
        ledger = rect_services.create_rectification(actor=request.user, data=data)
        return 201, _ledger(request, ledger.pk)

    status, answer, _replayed = run_once(
        user=request.user,
        scope="evaluation.rectification",
        key=request.headers.get("Idempotency-Key"),
        fingerprint=fingerprint(payload.dict()),
        create=create,
    )
    return Status(status, answer)


@router.get("/rectifications", summary="The ledgers you may see, each with its counts")
def list_rectifications(request, filters: Query[LedgerFilterIn]):
    if not rect_selectors.may_view(request.user):
        raise Forbidden()
    rows = rect_selectors.ledger_rows(
        request.user,
        kind=filters.kind or "",
        year=filters.year,
        query=filters.q.strip(),
        state=filters.state or "",
    )
    return {
        "items": [
            rect_presenters.ledger_row(r)
            for r in rows[filters.offset : filters.offset + filters.limit]
        ],
        "total": rows.count(),
        "offset": filters.offset,
        "limit": filters.limit,
    }


@router.get("/rectifications/{ledger_id}", summary="A ledger: its tree and counts")
def get_rectification(request, ledger_id: int):
    """`counts`: `problems`, `measures`, `measures_done` (verified), `problems_done` (every
    measure of the problem verified), `overdue` (not verified after the deadline); over the
    measures you see (a unit: its own)."""
    return _ledger(request, ledger_id)


@router.post("/rectifications/{ledger_id}/problems", response={201: dict}, summary="Add a problem")
def add_problem(request, ledger_id: int, payload: MoreProblemIn):
    """Under an item (`item`) or an area and item by title; `link` raises it from a record."""
    problem = rect_services.add_problem(
        actor=request.user,
        rectification_id=ledger_id,
        item_id=payload.item,
        area_title=payload.area_title,
        item_title=payload.item_title,
        text=payload.text,
        link=payload.link.dict() if payload.link else None,
    )
    return Status(201, {"id": problem.pk, "item": problem.item_id, "text": problem.text})


@router.post("/rectifications/{ledger_id}/measures", response={201: dict}, summary="Set a measure")
def add_measure(request, ledger_id: int, payload: MeasureIn):
    """The supervising office. A deadline on a rest day moves to the next working day."""
    measure = rect_services.add_measure(
        actor=request.user, rectification_id=ledger_id, **payload.dict()
    )
    row = rect_selectors.measure(request.user, measure.pk)
    return Status(201, rect_presenters.measure(row))


@router.post(
    "/rectifications/{ledger_id}/discipline",
    response={201: dict},
    summary="Record discipline of one person (一人次)",
)
def add_discipline(request, ledger_id: int, payload: DisciplineIn):
    record = rect_services.record_discipline(
        actor=request.user, rectification_id=ledger_id, **payload.dict()
    )
    return Status(
        201,
        {"id": record.pk, "kind": record.kind, "person": record.person_name},
    )


def _measure(request, pk) -> dict:
    row = rect_selectors.measure(request.user, pk)
    if row is None:
        raise NotFound()
    return rect_presenters.measure(row)


@router.get("/measures/{measure_id}", summary="A measure")
def get_measure(request, measure_id: int):
    return _measure(request, measure_id)


@router.post("/measures/{measure_id}/progress", summary="Report progress with evidence files")
def measure_progress(
    request,
    measure_id: int,
    text: Form[Text],
    files: File[list[UploadedFile]] = None,
):
    """Multipart: `text` and any number of `files` (PDF, OFD, JPEG, PNG). The responsible unit;
    a long-term measure keeps reporting after it is verified (its periodic report)."""
    rect_services.act(
        actor=request.user, measure_id=measure_id, action="progress", text=text, files=files or ()
    )
    return _measure(request, measure_id)


@router.post("/measures/{measure_id}/claim", summary="Claim completion (the unit)")
def measure_claim(request, measure_id: int, payload: StepIn):
    rect_services.act(
        actor=request.user,
        measure_id=measure_id,
        action="claim",
        text=payload.text,
        version=payload.version,
    )
    return _measure(request, measure_id)


@router.post("/measures/{measure_id}/verify", summary="Verify completion (supervising office)")
def measure_verify(request, measure_id: int, payload: StepIn):
    rect_services.act(
        actor=request.user,
        measure_id=measure_id,
        action="verify",
        text=payload.text,
        version=payload.version,
    )
    return _measure(request, measure_id)


@router.post("/measures/{measure_id}/return", summary="Return a claim with a reason")
def measure_return(request, measure_id: int, payload: ReturnIn):
    rect_services.act(
        actor=request.user,
        measure_id=measure_id,
        action="return",
        text=payload.reason,
        version=payload.version,
    )
    return _measure(request, measure_id)


@router.get("/rectification-evidence/{evidence_id}", summary="An evidence file")
def evidence_file(request, evidence_id: int):
    """Those who see the measure: its unit and the supervising office."""
    row = rect_selectors.evidence(request.user, evidence_id)
    if row is None:
        raise NotFound()
    response = FileResponse(row.file.open("rb"), content_type=row.content_type)
    response["Content-Disposition"] = content_disposition(row.original_name, "evidence")
    return response
