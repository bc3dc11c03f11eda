"""The tickets API, mounted at /api/v1 (docs/tickets.md). Thin: parse, call a service or a
selector, shape the answer with ``presenters``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field, StrictBool, StrictInt

from zhengwu.accounts.auth import api_auth
from zhengwu.core.errors import Forbidden, ValidationFailed
from zhengwu.core.idempotency import fingerprint, run_once
from zhengwu.core.roles import Role, has_role
from zhengwu.tickets import presenters, selectors, services
from zhengwu.tickets.models import TicketState
from zhengwu.workdays.loader import check_supported

router = Router(tags=["tickets"], auth=api_auth)

Text = Annotated[str, Field(max_length=2000)]
LongText = Annotated[str, Field(max_length=5000)]
Code = Annotated[str, Field(max_length=32)]


class TicketIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["consult", "help", "complaint", "report", "suggestion"]
    category: Code = Field(description="A category code (GET /api/v1/ticket-categories)")
    content: LongText
    caller_phone: Annotated[str, Field(max_length=20)]
    caller_name: Annotated[str, Field(max_length=60)] = ""
    address: Annotated[str, Field(max_length=200)] = ""
    area: Annotated[str, Field(max_length=100)] = ""
    channel: Literal["phone", "web", "mobile"] = "phone"
    urgent: StrictBool = False
    related_case: Code = Field("", description="The number of a case the call is about")
    related_department: Code = Field("", description="The code of the department complained of")
    occurred_at: dt.datetime | None = Field(
        None, description="The hotline desk only: when the call came in (backfilling)"
    )


class ActionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    occurred_at: dt.datetime | None = Field(
        None, description="Staff only: when the step happened (backfilling)"
    )
    version: int | None = Field(None, description="The version you saw; a stale one gets 409")


class DispatchIn(ActionIn):
    department: Code = Field(description="The handling unit's department code")
    due: dt.date | None = Field(None, description="A reply deadline set by hand (a day)")


class ReasonIn(ActionIn):
    reason: Text


class ReviewReturnIn(ActionIn):
    approve: StrictBool
    department: Code = Field("", description="On approval: dispatch at once to this unit")
    note: Text = ""


class ExtendIn(ActionIn):
    workdays: StrictInt
    reason: Text


class ApproveIn(ActionIn):
    approve: StrictBool
    note: Text = ""


class ReplyIn(ActionIn):
    result: LongText


class UrgeIn(ActionIn):
    level: StrictInt = Field(description="1 dispatcher, 2 center supervisor, 3 government office")
    reason: Text


class CallbackIn(ActionIn):
    reached: StrictBool
    resolved: StrictBool | None = None
    satisfaction: Literal["satisfied", "basic", "unsatisfied"] | None = None
    note: Text = ""


class InvestigateIn(ActionIn):
    outcome: Literal["substantiated", "partly", "not"]
    department: Code = ""
    staff: Annotated[str, Field(max_length=100)] = ""
    note: Text = ""


class NoteIn(ActionIn):
    note: Text = ""


class AnswerIn(ActionIn):
    answer: LongText


class TransferIn(ActionIn):
    service: Literal["110", "119", "120", "122"]
    note: Text = ""


class MergeIn(ActionIn):
    into: Code = Field(description="The number of the ticket this one repeats")


class EventOut(Schema):
    seq: int
    kind: str
    occurred_at: str
    recorded_at: str
    actor: str
    data: dict
    retroactive: bool


class TicketSummaryOut(Schema):
    number: str
    kind: str
    category: str
    category_name: str
    state: str
    urgent: bool
    channel: str
    caller_name: str
    caller_phone: str
    department: str | None
    received_at: str
    accept_due: str | None
    due_at: str | None
    urge_level: int
    urge_due: str | None
    closed_at: str | None
    version: int


class TicketOut(TicketSummaryOut):
    content: str
    address: str
    area: str
    related_case: str | None
    related_department: str | None
    dispatched_at: str | None
    accepted_at: str | None
    returned: bool
    extension_status: str | None
    extension_workdays: int
    redo_count: int
    reply: str
    replied_at: str | None
    callback: dict
    investigation: dict
    emergency_service: str | None
    duplicate_of: str | None
    events: list[EventOut]


class TicketPage(Schema):
    items: list[TicketSummaryOut]
    next: str | None = Field(description="Cursor of the next page (pass as `after`)")


class CategoryOut(Schema):
    code: str
    name: str
    parent: str | None
    kind_hint: str
    is_efficiency: bool


class TicketFilterIn(Schema):
    queue: Literal[selectors.QUEUE_NAMES] = "all"  # type: ignore[valid-type]
    state: Annotated[str, Field(max_length=300)] = Field(
        "", description="One state or several separated by commas"
    )
    kind: Literal["", "consult", "help", "complaint", "report", "suggestion"] = ""
    category: Code = Field("", description="A category code (its children included)")
    department: Code = ""
    phone: Annotated[str, Field(max_length=20)] = ""
    urgent: bool | None = None
    urged: bool | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    after: Annotated[str, Field(max_length=40)] = ""
    limit: int = Field(20, ge=1, le=100)


class ReportIn(Schema):
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    group: Literal["category", "department", "year"] = "category"
    scope: Literal["efficiency", "all"] = Field(
        "efficiency", description="category/year: efficiency complaints only, or every ticket"
    )


class MonthIn(Schema):
    year: int = Field(ge=2000, le=2100)
    month: int = Field(ge=1, le=12)


def _detail(request, ticket) -> dict:
    ticket = selectors.get_ticket(request.user, ticket.number)
    return presenters.detail(
        ticket, selectors.events(ticket), masked=presenters.masked_for(request.user)
    )


@router.post("/tickets", response={201: TicketOut}, summary="Register a call or a web request")
def create_ticket(request, payload: TicketIn):
    """Operators register calls (and may state `occurred_at`); citizens file their own web
    requests. Send an `Idempotency-Key` header to make retries safe."""
    body = payload.dict()

    def create():
        ticket = services.create_ticket(
            actor=request.user,
            kind=body["kind"],
            category=body["category"],
            content=body["content"],
            caller_phone=body["caller_phone"],
            caller_name=body["caller_name"],
            address=body["address"],
            area=body["area"],
            channel=body["channel"],
            urgent=body["urgent"],
            related_case=body["related_case"],
            related_department=body["related_department"] or None,
            occurred_at=body["occurred_at"],
        )
        # The ticket create_ticket returned has its category and links loaded: present it as
        # it is (no second read), with its one event.
        return 201, presenters.detail(
            ticket, selectors.events(ticket), masked=presenters.masked_for(request.user)
        )

    status, answer, _replayed = run_once(
        user=request.user,
        scope="tickets.create",
        key=request.headers.get("Idempotency-Key"),
        fingerprint=fingerprint(body),
        create=create,
    )
    return Status(status, answer)


@router.get("/tickets", response=TicketPage, summary="Tickets you may see, newest first")
def list_tickets(request, filters: Query[TicketFilterIn]):
    """Keyset paged: follow `next` with `after`. `queue` picks a work queue; filters combine."""
    states = tuple(s for s in filters.state.split(",") if s)
    errors = {}
    if any(s not in TicketState.values for s in states):
        errors["state"] = [_("Choose one of the allowed values.")]
    if filters.after and selectors.decode_cursor(filters.after) is None:
        errors["after"] = [_("This value is not valid.")]
    if errors:
        raise ValidationFailed(errors)
    queryset = selectors.queue(
        request.user,
        filters.queue,
        selectors.TicketFilters(
            state=states,
            kind=filters.kind,
            category=filters.category,
            department=filters.department,
            phone=filters.phone,
            urgent=filters.urgent,
            urged=filters.urged,
            received_from=filters.received_from,
            received_to=filters.received_to,
        ),
    )
    rows, cursor = selectors.page(queryset, after=filters.after, limit=filters.limit)
    masked = presenters.masked_for(request.user)
    return {"items": [presenters.summary(t, masked=masked) for t in rows], "next": cursor or None}


@router.get("/ticket-categories", response=list[CategoryOut], summary="Ticket categories")
def list_categories(request):
    return [
        {
            "code": c.code,
            "name": c.name,
            "parent": c.parent.code if c.parent_id else None,
            "kind_hint": c.kind_hint,
            "is_efficiency": c.is_efficiency,
        }
        for c in selectors.categories()
    ]


REPORT_ROLES = (Role.OPERATOR, Role.SUPERVISOR, Role.LEADER, Role.ADMIN)


@router.get("/tickets/report", summary="Ticket reports by category, department or year")
def report(request, params: Query[ReportIn]):
    """Every rate comes with its numerator and denominator; `value` is the percentage rounded
    half up to one decimal (null without a denominator). docs/tickets.md defines each figure."""
    if not has_role(request.user, *REPORT_ROLES):
        raise Forbidden()
    check_supported(params.start, field="from")  # tickets exist only inside the calendar,
    check_supported(params.end, field="to")  # and a report compares with the year before
    if params.end < params.start:
        raise ValidationFailed({"to": [_("The end date cannot be before the start date.")]})
    if (params.end - params.start).days > 3660:
        raise ValidationFailed({"to": [_("A report covers at most ten years.")]})
    efficiency = params.scope == "efficiency"
    head = {
        "group": params.group,
        "from": params.start.isoformat(),
        "to": params.end.isoformat(),
        "scope": params.scope,
    }
    if params.group == "category":
        data = selectors.category_report(
            start=params.start, end=params.end, efficiency_only=efficiency, reader=request.user
        )
        return presenters.report({**head, **data})
    if params.group == "year":
        rows = selectors.year_report(
            start=params.start, end=params.end, efficiency_only=efficiency, reader=request.user
        )
        return presenters.report({**head, "rows": rows})
    rows = selectors.performance_report(start=params.start, end=params.end, reader=request.user)
    return presenters.report({**head, "rows": rows})


@router.get(
    "/tickets/public-stats", auth=None, summary="A month's public hotline figures (no login)"
)
def public_stats(request, params: Query[MonthIn]):
    return presenters.report(selectors.public_monthly_stats(params.year, params.month))


@router.get("/tickets/{number}", response=TicketOut, summary="One ticket with its events")
def get_ticket(request, number: str):
    ticket = selectors.get_ticket(request.user, number)
    return presenters.detail(
        ticket, selectors.events(ticket), masked=presenters.masked_for(request.user)
    )


def _action(name: str, schema, summary: str):
    path = "/tickets/{number}/" + name.replace("_", "-")

    def handler(request, number, payload):
        data = payload.dict()
        occurred_at = data.pop("occurred_at")
        version = data.pop("version")
        ticket = services.act(
            actor=request.user,
            number=number,
            action=name,
            data=data,
            occurred_at=occurred_at,
            version=version,
        )
        return _detail(request, ticket)

    handler.__name__ = f"ticket_{name}"
    handler.__annotations__ = {"number": str, "payload": schema}
    router.post(path, response=TicketOut, summary=summary, operation_id=f"ticket_{name}")(handler)


_action("dispatch", DispatchIn, "Dispatch to a handling unit (派单)")
_action("accept", ActionIn, "The unit accepts the ticket (签收)")
_action("return", ReasonIn, "The unit returns it as outside its duties, once (退单)")
_action("review_return", ReviewReturnIn, "The dispatcher approves or rejects a return")
_action("extend", ExtendIn, "The unit asks for an extension, once (延期申请)")
_action("approve_extension", ApproveIn, "The dispatcher approves or rejects the extension")
_action("reply", ReplyIn, "The unit replies with the result (办结回复)")
_action("urge", UrgeIn, "Order a 督办 of level 1–3")
_action("callback", CallbackIn, "Call the caller back (回访)")
_action("redo", ReasonIn, "Send back for redoing after an unsatisfied callback (返工)")
_action("investigate", InvestigateIn, "Record the investigation of an efficiency complaint")
_action("close", NoteIn, "Close the ticket (办结)")


def _desk(name: str, schema, summary: str, call):
    path = "/tickets/{number}/" + name

    def handler(request, number, payload):
        data = payload.dict()
        data.pop("version")
        ticket = call(actor=request.user, number=number, **data)
        return _detail(request, ticket)

    handler.__name__ = f"ticket_{name}"
    handler.__annotations__ = {"number": str, "payload": schema}
    router.post(path, response=TicketOut, summary=summary, operation_id=f"ticket_{name}")(handler)


_desk(
    "answer",
    AnswerIn,
    "Answer a consultation on the spot and close it",
    services.answer_on_the_spot,
)
_desk("transfer", TransferIn, "Transfer to 110/119/120/122 and close", services.transfer_emergency)
_desk(
    "merge", MergeIn, "Merge a repeated call into the ticket it repeats", services.merge_duplicate
)
