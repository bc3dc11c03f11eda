"""The API of the evaluation committee, the on-site log and the credit records
(docs/trading.md): /api/v1/trading/experts, /deals/{code}/committee, /deals/{code}/onsite,
/credit/... Thin: parse, call a service or a selector, shape the answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Router, Schema, Status
from pydantic import Field

from zhengwu.accounts.auth import api_auth
from zhengwu.core.errors import NotFound
from zhengwu.trading import committee, credit, onsite, selectors
from zhengwu.trading import presenters_oversight as p
from zhengwu.trading import selectors_pages as s
from zhengwu.trading.models import Committee, OnsiteEntry

router = Router(tags=["public-resource trading"], auth=api_auth)

Name = Annotated[str, Field(max_length=64)]
Short = Annotated[str, Field(max_length=200)]
Text = Annotated[str, Field(max_length=2000)]
Uscc = Annotated[str, Field(max_length=18)]


class EmploymentIn(Schema):
    employer_uscc: Uscc = ""
    employer_name: Short
    start: dt.date
    end: dt.date | None = None


class RelationIn(Schema):
    bidder_uscc: Uscc
    bidder_name: Short = ""
    description: Short


class ExpertIn(Schema):
    name: Name
    fields: Annotated[list[Name], Field(min_length=1, max_length=20)]
    employer: Short = ""
    city: Name = ""
    employments: Annotated[list[EmploymentIn], Field(max_length=50)] = []
    relations: Annotated[list[RelationIn], Field(max_length=100)] = []


class DrawIn(Schema):
    fields: Annotated[dict[Name, Annotated[int, Field(ge=0, le=99)]], Field(max_length=20)]
    members: Annotated[int, Field(ge=0, le=99)]
    representatives: Annotated[list[Name], Field(max_length=98)] = []
    host_city: Name = ""
    host_room: Short = ""
    cities: Annotated[list[Name], Field(max_length=50)] | None = None
    remote_rooms: Annotated[dict[Name, Short], Field(max_length=50)] = {}


class ScoreIn(Schema):
    bid: Annotated[int, Field(ge=1, le=2**31 - 1)]
    criterion: Name
    points: Annotated[str, Field(max_length=12)]


class ScoresIn(Schema):
    seat: Annotated[int, Field(ge=1, le=2**31 - 1)]
    scores: Annotated[list[ScoreIn], Field(min_length=1, max_length=500)]


class OnsiteIn(Schema):
    phase: Literal["opening", "evaluation"]
    seen: Text
    observed_at: dt.datetime | None = None
    irregular: bool = False


class ComplaintIn(Schema):
    subject: Literal["bidder", "expert"]
    bidder_uscc: Uscc = ""
    bidder_name: Short = ""
    expert: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    deal: Annotated[str, Field(max_length=32)] = ""
    occurred_on: dt.date | None = None
    note: Text
    substantiated: bool = False


def _readable(request, code: str):
    deal = selectors.deal_detail(request.user, code)
    if deal is None:
        raise NotFound()
    return deal


@router.post("/trading/experts", response={201: dict}, summary="Add an expert to the pool")
def add_expert(request, payload: ExpertIn):
    """The trading center's staff: an expert with fields, employers and relations with bidders
    (the draw recuses an expert tied to a bidder)."""
    return Status(201, p.expert(committee.add_expert(actor=request.user, data=payload.dict())))


@router.post(
    "/trading/deals/{code}/committee",
    response={201: dict},
    summary="Draw the evaluation committee (art. 37)",
)
def draw(request, code: str, payload: DrawIn):
    """After the opening: experts drawn at random by field, those tied to a bidder recused, the
    seed sealed; experts of another city's pool sit in that city's room (remote seats). 422 on
    a committee the law does not allow, 409 `pool_too_small`."""
    made = committee.draw_committee(actor=request.user, code=code, **payload.dict())
    return Status(201, p.committee(Committee.objects.select_related("deal").get(pk=made.pk)))


@router.get("/trading/deals/{code}/committee", summary="The committee, its seats and scores")
def get_committee(request, code: str):
    row = s.committee(_readable(request, code))
    if row is None:
        raise NotFound()
    return p.committee(row)


@router.post("/trading/deals/{code}/committee/scores", summary="Record a member's scores")
def scores(request, code: str, payload: ScoresIn):
    committee.record_scores(
        actor=request.user,
        code=code,
        seat_id=payload.seat,
        scores=[x.dict() for x in payload.scores],
    )
    return p.committee(s.committee(_readable(request, code)))


@router.post(
    "/trading/deals/{code}/committee/show-scores",
    summary="Show the members' scores to the committee",
)
def show_scores(request, code: str):
    """From now on a score sent or changed is late scoring (an `expert_deviation` flag at the
    evaluation)."""
    committee.show_scores(actor=request.user, code=code)
    return p.committee(s.committee(_readable(request, code)))


@router.post(
    "/trading/deals/{code}/onsite", response={201: dict}, summary="Add an on-site log entry"
)
def add_onsite(request, code: str, payload: OnsiteIn):
    """Supervisors: what was seen at the opening or the evaluation, on the deal's trail."""
    entry = onsite.log_entry(actor=request.user, code=code, **payload.dict())
    return Status(201, p.onsite_entry(entry))


@router.get("/trading/deals/{code}/onsite", summary="The on-site supervision log")
def onsite_log(request, code: str):
    deal = _readable(request, code)
    rows = OnsiteEntry.objects.filter(deal=deal).order_by("observed_at", "pk")
    return {"items": [p.onsite_entry(r) for r in rows]}


@router.post(
    "/trading/credit/complaints", response={201: dict}, summary="Record a complaint (credit)"
)
def complaint(request, payload: ComplaintIn):
    row = credit.record_complaint(actor=request.user, data=payload.dict())
    return Status(201, p.credit_record(row))


@router.get("/trading/credit/bidders/{uscc}", summary="A bidder's yearly credit record")
def bidder_credit(request, uscc: str):
    found = s.bidder_credit(request.user, uscc)
    if found is None:
        raise NotFound()
    return {"uscc": found["uscc"], "name": found["name"], **p.credit(found)}


@router.get("/trading/credit/experts/{expert_id}", summary="An expert's yearly credit record")
def expert_credit(request, expert_id: int):
    found = s.expert_credit(request.user, expert_id)
    if found is None:
        raise NotFound()
    return {"expert": p.expert(found["expert"]), **p.credit(found)}
