"""The disclosure request API (docs/disclosure.md): /api/v1/disclosure/requests. Thin: parse,
call a service or a selector, shape the answer with ``presenters``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Router, Schema, Status
from pydantic import Field, StrictInt

from zhengwu.accounts.auth import api_auth
from zhengwu.core.errors import NotFound
from zhengwu.core.idempotency import fingerprint, run_once
from zhengwu.disclosure import presenters, selectors, services

router = Router(tags=["disclosure requests"], auth=api_auth)

Text = Annotated[str, Field(max_length=2000)]
Short = Annotated[str, Field(max_length=200)]


class ApplicantIn(Schema):
    type: Literal["person", "business", "research", "public_interest", "legal_service", "other"]
    name: Short
    id_number: Annotated[str, Field(max_length=40)] = ""
    uscc: Annotated[str, Field(max_length=40)] = ""
    phone: Annotated[str, Field(max_length=40)]
    address: Short = ""
    contact: Short = ""
    email: Short = ""


class RequestIn(Schema):
    channel: Literal["in_person", "post_signed", "post_ordinary", "internet", "fax"]
    applicant: ApplicantIn
    description: Text
    document_number: Short = ""
    form: Literal["paper", "electronic", "inspection"]
    delivery: Literal["collect", "post", "email", "online", "fax"]
    received_at: dt.datetime | None = Field(
        None, description="Disclosure office only: when the request arrived"
    )
    confirmed_at: dt.datetime | None = Field(
        None,
        description="Disclosure office only: when an ordinary letter, an online request or a "
        "fax was confirmed with the applicant (art. 31); by default its arrival",
    )


class ActionIn(Schema):
    occurred_at: dt.datetime | None = Field(
        None, description="Disclosure office only: when the step happened (backfill)"
    )
    version: StrictInt | None = Field(None, description="The version you saw (409 when stale)")


class RouteIn(ActionIn):
    department: Annotated[str, Field(max_length=32)]


class SupplementRequestIn(ActionIn):
    items: Annotated[list[Text], Field(max_length=50)] | Text
    period_workdays: StrictInt
    note: Text = ""


class NoteIn(ActionIn):
    note: Text = ""


class ConsultIn(ActionIn):
    party: Short
    kind: Literal["third_party", "agency"]
    note: Text = ""


class ConsultedIn(ActionIn):
    answer: Literal["agree", "object", "silent"]
    note: Text = ""


class WorkdaysIn(ActionIn):
    workdays: StrictInt
    reason: Text


class ReasonsIn(ActionIn):
    text: Text


class FeeIn(ActionIn):
    items: StrictInt | None = None
    pages: StrictInt | None = None


class ReplyIn(ActionIn):
    type: Annotated[str, Field(max_length=32)]
    reason: StrictInt | None = None
    text: Text = ""
    where: Annotated[str, Field(max_length=500)] = ""
    agency: Short = ""


class TicketIn(ActionIn):
    kind: Literal["complaint", "report", "help"] = "complaint"
    category: Annotated[str, Field(max_length=32)] = ""


class DeliverIn(ActionIn):
    method: Literal["collect", "post", "email", "online", "fax", ""] = ""


def _detail(request, number: str) -> dict:
    found = (
        selectors.visible(request.user)
        .select_related("department", "ticket")
        .filter(number=selectors.clean_number(number))
        .first()
    )
    if found is None:
        raise NotFound()
    return presenters.detail(request.user, found)


@router.post("/requests", response={201: dict}, summary="File or register a disclosure request")
def file_request(request, payload: RequestIn):
    """Applicants file online; the disclosure office registers requests of every channel and
    states when they arrived. Send an `Idempotency-Key` header to make retries safe."""
    body = payload.dict()

    def create():
        found = services.file_request(actor=request.user, **body)
        answer = _detail(request, found.number)
        return 201, answer

    status, answer, _replayed = run_once(
        user=request.user,
        scope="disclosure.file",
        key=request.headers.get("Idempotency-Key"),
        fingerprint=fingerprint(payload.dict()),
        create=create,
    )
    return Status(status, answer)


@router.get("/requests/{number}", summary="One request with its clocks and events")
def get_request(request, number: str):
    return _detail(request, number)


def _action(name: str, schema, summary: str):
    def handler(request, number, payload):
        data = payload.dict()
        occurred_at = data.pop("occurred_at")
        version = data.pop("version")
        if name == "reply" and data.get("reason") is None:
            data.pop("reason")
        found = services.act(
            actor=request.user,
            number=number,
            action=name,
            data={k: v for k, v in data.items() if v not in ("", None) or k == "reason"},
            occurred_at=occurred_at,
            version=version,
        )
        return _detail(request, found.number)

    handler.__name__ = "disclosure_" + name.replace("-", "_")
    handler.__annotations__ = {"number": str, "payload": schema}
    router.post(f"/requests/{{number}}/{name}", summary=summary, operation_id=handler.__name__)(
        handler
    )


_action("route", RouteIn, "Route the request to the department holding the information")
_action("request-supplement", SupplementRequestIn, "The one 补正 notice (art. 30)")
_action("supplement", NoteIn, "The applicant's supplement: the reply clock restarts")
_action("consult", ConsultIn, "Consult a third party (art. 32) or another agency (art. 34)")
_action("consulted", ConsultedIn, "The consulted party's answer, or its silence")
_action("extend", WorkdaysIn, "Extend the reply period once, ≤ 20 working days (head)")
_action("ask-reasons", NoteIn, "Ask the applicant for reasons (art. 35)")
_action("reasons", ReasonsIn, "The applicant's reasons (art. 35)")
_action("defer", WorkdaysIn, "A reasonable delayed reply deadline (art. 35)")
_action("fee", FeeIn, "The fee notice (art. 42, 国办函〔2020〕109号)")
_action("paid", NoteIn, "The fee was paid")
_action("reply", ReplyIn, "The reply (art. 36, 37)")
_action("to-ticket", TicketIn, "A 信访/投诉/举报: a hotline ticket (art. 39), 不予处理 1")
_action("deliver", DeliverIn, "The reply was delivered")
_action("withdraw", NoteIn, "The applicant withdraws the request")
