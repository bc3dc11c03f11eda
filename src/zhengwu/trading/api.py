"""The trading API (docs/trading.md): /api/v1/trading/... Thin: parse, call a service or a
selector, shape the answer with ``presenters``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from zhengwu.accounts.auth import api_auth
from zhengwu.core.errors import NotFound, ValidationFailed
from zhengwu.core.idempotency import fingerprint, run_once
from zhengwu.trading import cardinal, ocds, presenters, selectors, services

router = Router(tags=["public-resource trading"], auth=api_auth)

Text = Annotated[str, Field(max_length=2000)]
Short = Annotated[str, Field(max_length=200)]
Code = Annotated[str, Field(max_length=32)]
MAX_RANGE_DAYS = 3660


class LotIn(Schema):
    code: Code
    name: Short
    tender_text: Annotated[str, Field(max_length=2_000_000)] = ""


class DealIn(Schema):
    type: Literal[
        "construction", "procurement", "land", "state_assets", "water", "transport", "other"
    ]
    name: Short
    tenderer: Short
    agent: Short = ""
    ceiling_price: Decimal | None = Field(None, max_digits=16, decimal_places=2)
    award_method: Literal["lowest_price", "scoring"]
    lots: Annotated[list[LotIn], Field(min_length=1, max_length=services.MAX_LOTS)]


class BidIn(Schema):
    lot: Code
    bidder_uscc: Annotated[str, Field(max_length=18)]
    bidder_name: Short
    price: Annotated[str, Field(max_length=24)]
    deposit_account: Annotated[str, Field(max_length=64)] = ""
    project_manager: Annotated[str, Field(max_length=64)] = ""
    team: Annotated[str, Field(max_length=2000, description="Names separated by commas")] = ""
    author: Short = ""
    company: Short = ""
    machine_code: Annotated[str, Field(max_length=128)] = ""
    ip: Annotated[str, Field(max_length=64)] = ""


class DisqualifiedIn(Schema):
    lot: Code
    bidder_uscc: Annotated[str, Field(max_length=18)]
    reason: Annotated[str, Field(max_length=500)]


class EvaluateIn(Schema):
    disqualified: Annotated[list[DisqualifiedIn], Field(max_length=1000)] = []


class AwardIn(Schema):
    winners: dict[Code, Annotated[str, Field(max_length=18)]]


class CancelIn(Schema):
    reason: Text


class ReviewIn(Schema):
    decision: Literal["confirmed", "dismissed"]
    note: Text


class RangeIn(Schema):
    start: dt.date | None = Field(None, alias="from", description="Deals announced from this day")
    end: dt.date | None = Field(None, alias="to", description="… up to this day (inclusive)")


def _detail(request, code: str) -> dict:
    deal = selectors.deal_detail(request.user, code)
    if deal is None:
        raise NotFound()
    return presenters.deal(
        deal,
        files=selectors.may_read_files(request.user),
        events=deal.events.order_by("seq"),
    )


@router.post("/trading/deals", response={201: dict}, summary="Record a deal and its lots")
def create_deal(request, payload: DealIn):
    """The trading center's staff (`trading_officer`). Send an `Idempotency-Key` header to make
    retries safe."""

    def create():
        deal = services.announce_deal(actor=request.user, data=payload.dict())
        return 201, _detail(request, deal.code)

    status, answer, _replayed = run_once(
        user=request.user,
        scope="trading.deal",
        key=request.headers.get("Idempotency-Key"),
        fingerprint=fingerprint(payload.dict()),
        create=create,
    )
    return Status(status, answer)


@router.post(
    "/trading/deals/{code}/bids", response={201: dict}, summary="Record a bid with its file"
)
def add_bid(request, code: str, payload: Form[BidIn], file: File[UploadedFile] = None):
    """Multipart: the fields and the technical bid `file` (.docx, .pdf or .txt), before the
    opening. The file's own author and company are kept where it has them."""
    upload = None
    if file is not None:
        if file.size > services.MAX_FILE_BYTES:
            raise ValidationFailed({"file": [_("The file is larger than 50 MB.")]})
        upload = (file.name or "", file.read())
    bid = services.record_bid(actor=request.user, code=code, data=payload.dict(), upload=upload)
    return Status(201, presenters.bid(bid, files=True))


@router.get("/trading/deals/{code}", summary="A deal with its bids, flags and trail")
def get_deal(request, code: str):
    return _detail(request, code)


def _action(name: str, schema, summary: str):
    def handler(request, code, payload):
        data = payload.dict() if payload is not None else {}
        deal = services.act(actor=request.user, code=code, action=name, data=data)
        return _detail(request, deal.code)

    handler.__name__ = f"trading_{name}"
    handler.__annotations__ = {"code": str, "payload": schema}
    router.post(f"/trading/deals/{{code}}/{name}", summary=summary, operation_id=handler.__name__)(
        handler
    )


class NothingIn(Schema):
    pass


_action("open", NothingIn, "Open the bids (开标); the detector runs over every lot")
_action("evaluate", EvaluateIn, "Record the evaluation: the disqualified bids, the rest valid")
_action("award", AwardIn, "Record the award: the winning bidder of each lot")
_action("cancel", CancelIn, "End the deal before its award, with the reason")


@router.post("/trading/flags/{flag_id}/review", summary="Confirm or dismiss a flag (supervisor)")
def review_flag(request, flag_id: int, payload: ReviewIn):
    flag = services.review_flag(
        actor=request.user, flag_id=flag_id, decision=payload.decision, note=payload.note
    )
    return presenters.flag(flag)


@router.get("/trading/bids/{bid_id}/file", summary="A bid's technical file")
def bid_file(request, bid_id: int):
    """Only the trading center's staff and the supervisors."""
    found = selectors.bid_file(request.user, bid_id)
    if found is None:
        raise NotFound()
    response = FileResponse(
        found.file.open("rb"), as_attachment=True, filename=found.file_name or "bid"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@router.get("/trading/indicators", summary="Cardinal's red flags over the deal history")
def indicators(request, period: Query[RangeIn]):
    """R024, R025, R035, R036 and R038 over the lots of the deals announced in the period, with
    `meta`: the quartiles and fences used."""
    if not selectors.may_read(request.user):
        raise NotFound()
    if period.start and period.end:
        if period.end < period.start:
            raise ValidationFailed({"to": [_("The end is before the start.")]})
        if (period.end - period.start).days > MAX_RANGE_DAYS:
            raise ValidationFailed({"to": [_("Ask for ten years at most.")]})
    return cardinal.indicators(selectors.processes(period.start, period.end))


# ---------------------------------------------------------------- OCDS (trading/ocds.py)


@router.get("/trading/deals/{code}/ocds", summary="The deal as an OCDS compiled release")
def deal_ocds(request, code: str):
    """The OCDS 1.1 compiled release of the deal, merged by Open Contracting Partnership's
    ocdsmerge from one release per published step (announcement, opening, evaluation, award,
    cancellation). `?releases=1` answers the release package of those releases instead."""
    deal = selectors.deal_for_ocds(request.user, code)
    if deal is None:
        raise NotFound()
    if request.GET.get("releases") in ("1", "true"):
        return ocds.package(ocds.releases(deal), uri=request.build_absolute_uri())
    return ocds.compiled_release(deal)
