"""The case API, mounted at /api/v1/cases (docs/cases.md). Thin: parse, call a service or a
selector, shape the answer with ``presenters``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field, StrictBool, StrictInt

from zhengwu.accounts.auth import api_auth
from zhengwu.cases import files, presenters, selectors, services
from zhengwu.cases.models import CaseState
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.idempotency import fingerprint, run_once
from zhengwu.core.masking import watches_only
from zhengwu.core.roles import Role, has_role

router = Router(tags=["cases"], auth=api_auth)

Text = Annotated[str, Field(max_length=2000)]
Code = Annotated[str, Field(max_length=32)]


class PersonIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["person"]
    name: Annotated[str, Field(max_length=200)]
    id_number: Annotated[str, Field(max_length=32)]
    phone: Annotated[str, Field(max_length=20)]


class OrgIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["org"]
    name: Annotated[str, Field(max_length=200)]
    uscc: Annotated[str, Field(max_length=32)]
    contact: Annotated[str, Field(max_length=60)] = ""
    legal_representative: Annotated[str, Field(max_length=60)] = ""
    phone: Annotated[str, Field(max_length=20)]


class PlatformMaterialIn(Schema):
    """A material handed in on the provincial platform: a reference to the file it keeps, or
    the file itself (base64)."""

    model_config = ConfigDict(extra="forbid")
    material: Code
    reference: Annotated[str, Field(max_length=500)] = ""
    name: Annotated[str, Field(max_length=255)] = ""
    content_base64: Annotated[str, Field(max_length=30_000_000)] = ""


class CaseIn(Schema):
    item: Annotated[str, Field(max_length=64)]
    channel: Literal["window", "online"]
    applicant: Annotated[PersonIn | OrgIn, Field(discriminator="kind")]
    materials: Annotated[list[Code], Field(max_length=200)] = []
    received_at: dt.datetime | None = Field(
        None, description="Window clerks and the provincial platform: when received"
    )
    platform_number: Annotated[str, Field(max_length=64)] | None = Field(
        None,
        description="The provincial platform only (required of it): its own application "
        "number; a resend returns the case filed first",
    )
    platform_materials: Annotated[list[PlatformMaterialIn], Field(max_length=50)] = Field(
        [], description="The provincial platform only: its files, by reference or uploaded"
    )


class ActionIn(Schema):
    occurred_at: dt.datetime | None = Field(
        None, description="Staff only: when the step happened (backfilling paper work)"
    )
    version: int | None = Field(None, description="The version you saw; a stale one gets 409")


class AcceptIn(ActionIn):
    parallel: StrictBool = Field(
        False, description="Accept into parallel approval (并联审批), if the item allows it"
    )


class SupplementRequestIn(ActionIn):
    missing: Annotated[list[Code], Field(max_length=200)]
    note: Text = ""


class SupplementIn(ActionIn):
    materials: Annotated[list[Code], Field(max_length=200)]


class ReasonIn(ActionIn):
    reason: Text


class OptionalReasonIn(ActionIn):
    reason: Text = ""


class SuspendIn(ActionIn):
    procedure: Annotated[str, Field(max_length=32)]
    reason: Text


class ResumeIn(ActionIn):
    note: Text = ""


class ExtendIn(ActionIn):
    workdays: StrictInt  # not true, 3.5 or "3"
    reason: Text


class DecideIn(ActionIn):
    outcome: Literal["grant", "deny"]
    reason: Text = ""


class DeliverIn(ActionIn):
    method: Literal["window", "mail", "electronic"]


class ApplicantOut(Schema):
    kind: str
    name: str
    number: str


class EventOut(Schema):
    seq: int
    kind: str
    occurred_at: str
    recorded_at: str
    actor: str
    data: dict
    retroactive: bool


class CaseSummaryOut(Schema):
    number: str
    state: str
    item: str
    item_name: str
    department: str
    channel: str
    applicant: ApplicantOut
    received_on: str
    intake_due: str
    accepted_on: str | None
    promised_due: str | None
    statutory_due: str | None
    completed_on: str | None
    completion: str | None
    level: str | None
    remaining_workdays: int | None
    version: int


class CaseOut(CaseSummaryOut):
    item_version: int
    platform_number: str | None = None
    materials: list[str]
    missing: list[str]
    supplement_due: str | None
    deemed_accepted: bool
    parallel: bool
    delivery_due: str | None
    delivered_on: str | None
    suspended_since: str | None
    suspended_workdays: int
    extension_workdays: int
    statutory_overdue: bool
    delivery_overdue: bool
    provisional: bool
    clocks_on: str
    events: list[EventOut]


class CasePage(Schema):
    items: list[CaseSummaryOut]
    next: str | None = Field(description="Cursor of the next page (pass as `after`)")


class CaseFilterIn(Schema):
    state: Annotated[str, Field(max_length=200)] = Field(
        "", description="One state or several separated by commas"
    )
    level: Literal["", "normal", "yellow", "red", "statutory_overdue"] = ""
    department: Annotated[str, Field(max_length=32)] = ""
    item: Annotated[str, Field(max_length=64)] = ""
    applicant: Annotated[str, Field(max_length=32)] = Field(
        "", description="The applicant's ID number or credit code"
    )
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    after: Annotated[str, Field(max_length=40)] = ""
    limit: int = Field(20, ge=1, le=100)


def _masked(request) -> bool:
    """Supervisors and leaders watch cases without handling them: they see masked numbers."""
    return watches_only(request.user)


def _detail(request, case) -> dict:
    return presenters.detail(case, selectors.events(case), masked=_masked(request))


@router.post("", response={200: CaseOut, 201: CaseOut}, summary="File an application")
def create_case(request, payload: CaseIn):
    """Window clerks file at the window (and may state `received_at`); applicants apply online;
    the provincial platform files online what was applied for there, with its
    `platform_number` (201 filed, 200 a resend: the case filed first). Send an
    `Idempotency-Key` header to make retries safe: a retry returns the first answer."""
    body = payload.dict()
    person = body.pop("applicant")
    # First: at a window, the roles are read along with the departments it serves (one query).
    selectors.staff_department_ids(request.user)
    if has_role(request.user, Role.PLATFORM):
        case, created = files.file_from_platform(
            actor=request.user,
            item=body["item"],
            channel=body["channel"],
            applicant=services.ApplicantInput(**person),
            materials=body["materials"],
            received_at=body["received_at"],
            platform_number=body["platform_number"],
            platform_materials=body["platform_materials"],
        )
        return Status(201 if created else 200, _detail(request, case))
    if body["platform_materials"]:
        raise ValidationFailed(
            {"platform_materials": [_("Only the provincial platform refers to files it keeps.")]}
        )

    def create():
        case = services.submit(
            actor=request.user,
            item=body["item"],
            channel=body["channel"],
            applicant=services.ApplicantInput(**person),
            materials=body["materials"],
            received_at=body["received_at"],
            platform_number=body["platform_number"],
        )
        return 201, _detail(request, case)

    status, answer, _replayed = run_once(
        user=request.user,
        scope="cases.create",
        key=request.headers.get("Idempotency-Key"),
        fingerprint=lambda: fingerprint(payload.dict()),
        create=create,
    )
    return Status(status, answer)


@router.get("", response=CasePage, summary="Cases you may see, newest first")
def list_cases(request, filters: Query[CaseFilterIn]):
    """Keyset paged: follow `next` with `after`. Filters combine."""
    states = tuple(s for s in filters.state.split(",") if s)
    unknown = [s for s in states if s not in CaseState.values]
    errors = {}
    if unknown:
        errors["state"] = [_("Choose one of the allowed values.")]
    if filters.after and selectors.decode_cursor(filters.after) is None:
        errors["after"] = [_("This value is not valid.")]
    if errors:
        raise ValidationFailed(errors)
    queryset = selectors.filtered(
        request.user,
        selectors.CaseFilters(
            state=states,
            level=filters.level,
            department=filters.department,
            item=filters.item,
            applicant=filters.applicant,
            received_from=filters.received_from,
            received_to=filters.received_to,
        ),
    )
    rows, cursor = selectors.page(queryset, after=filters.after, limit=filters.limit)
    masked = _masked(request)
    return {"items": [presenters.summary(c, masked=masked) for c in rows], "next": cursor or None}


@router.get("/{number}", response=CaseOut, summary="One case with its clocks and events")
def get_case(request, number: str):
    return _detail(request, selectors.get_case(request.user, number))


def _action(name: str, schema, summary: str):
    path = "/{number}/" + name.replace("_", "-")

    def handler(request, number, payload):
        data = payload.dict()
        occurred_at = data.pop("occurred_at")
        version = data.pop("version")
        case = services.act(
            actor=request.user,
            number=number,
            action=name,
            data=data,
            occurred_at=occurred_at,
            version=version,
        )
        return _detail(request, selectors.get_case(request.user, case.number))

    handler.__name__ = f"case_{name}"
    handler.__annotations__ = {"number": str, "payload": schema}
    router.post(path, response=CaseOut, summary=summary, operation_id=f"case_{name}")(handler)


_action("request_supplement", SupplementRequestIn, "Issue a one-time notice (一次性告知)")
_action("supplement", SupplementIn, "Hand in the materials a notice asked for")
_action("accept", AcceptIn, "Accept the application (受理)")
_action("refuse", ReasonIn, "Refuse the application in writing (不予受理)")
_action("suspend", SuspendIn, "Start a special procedure (特别程序)")
_action("resume", ResumeIn, "End the special procedure")
_action("extend", ExtendIn, "Extend the decision period once (department head)")
_action("decide", DecideIn, "Decide: grant or deny (a denial needs reasons)")
_action("deliver", DeliverIn, "Deliver the decision")
_action("withdraw", OptionalReasonIn, "Withdraw the application before the decision")
