"""The joint review meeting API (docs/joint.md): /api/v1/joint-cases/{number}/meetings. Thin:
parse, call ``zhengwu.joint.meetings``, shape the answer with ``meeting_presenters``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Router, Schema, Status
from pydantic import Field

from zhengwu.accounts.auth import api_auth
from zhengwu.joint import meeting_presenters as presenters
from zhengwu.joint import meetings

router = Router(tags=["joint handling"], auth=api_auth)

Text = Annotated[str, Field(max_length=2000)]
Code = Annotated[str, Field(max_length=64)]


class ConveneIn(Schema):
    held_on: dt.date
    place: Annotated[str, Field(max_length=200)]
    topic: Annotated[str, Field(max_length=500)]
    departments: Annotated[list[Code], Field(max_length=50, description="Department codes")]


class AttendeeIn(Schema):
    department: Code
    name: Annotated[str, Field(max_length=50)]
    title: Annotated[str, Field(max_length=100)] = ""
    may_decide: bool = Field(description="Whether the attendee may decide on the spot")


class DecisionIn(Schema):
    item: Code = Field(description="The item's implementation code")
    opinion: Literal["agree", "conditional", "disagree"]
    text: Text = Field("", description="The conditions or the reasons (required unless agree)")


class CloseIn(Schema):
    conclusion: Text


def _meeting(request, number: str, seq: int) -> dict:
    return presenters.meeting(meetings.get_meeting(request.user, number, seq))


@router.post(
    "/joint-cases/{number}/meetings",
    response={201: dict},
    summary="Convene a joint review meeting (联审会; the lead department)",
)
def convene(request, number: str, payload: ConveneIn):
    meeting = meetings.convene(actor=request.user, number=number, **payload.dict())
    return Status(201, _meeting(request, number, meeting.seq))


@router.get("/joint-cases/{number}/meetings", summary="The joint case's review meetings")
def list_meetings(request, number: str):
    joint = meetings.visible_joint(request.user, number)
    rows = meetings.meetings_visible(request.user, joint).order_by("seq")
    for row in rows:
        row.joint = joint
    return [presenters.meeting(row) for row in rows]


@router.get("/joint-cases/{number}/meetings/{seq}", summary="One review meeting and its minutes")
def get_meeting(request, number: str, seq: int):
    return _meeting(request, number, seq)


@router.post(
    "/joint-cases/{number}/meetings/{seq}/attendees",
    response={201: dict},
    summary="Record an attendee and whether they may decide on the spot",
)
def record_attendee(request, number: str, seq: int, payload: AttendeeIn):
    meetings.record_attendee(actor=request.user, number=number, seq=seq, **payload.dict())
    return Status(201, _meeting(request, number, seq))


@router.post(
    "/joint-cases/{number}/meetings/{seq}/decisions",
    response={201: dict},
    summary="Record the meeting's opinion on an item",
)
def record_decision(request, number: str, seq: int, payload: DecisionIn):
    meetings.record_decision(actor=request.user, number=number, seq=seq, **payload.dict())
    return Status(201, _meeting(request, number, seq))


@router.post("/joint-cases/{number}/meetings/{seq}/close", summary="Close the meeting")
def close(request, number: str, seq: int, payload: CloseIn):
    meetings.close(actor=request.user, number=number, seq=seq, **payload.dict())
    return _meeting(request, number, seq)
