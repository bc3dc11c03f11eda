"""The scene and joint case API (docs/joint.md): /api/v1/scenes, /api/v1/joint-cases. Thin:
parse, call a service or a selector, shape the answer with ``presenters``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field, StrictInt

from zhengwu.accounts.auth import api_auth
from zhengwu.cases.api import OrgIn, PersonIn
from zhengwu.cases.services import ApplicantInput
from zhengwu.core.cursors import decode_cursor
from zhengwu.core.errors import NotFound, ValidationFailed
from zhengwu.core.idempotency import fingerprint, run_once
from zhengwu.core.masking import watches_only
from zhengwu.joint import presenters, selectors, services
from zhengwu.joint.models import JointState

scenes_router = Router(tags=["joint handling"])
router = Router(tags=["joint handling"], auth=api_auth)

Text = Annotated[str, Field(max_length=2000)]
Code = Annotated[str, Field(max_length=32)]


class JointIn(Schema):
    channel: Literal["window", "online"]
    applicant: Annotated[PersonIn | OrgIn, Field(discriminator="kind")]
    materials: Annotated[list[Code], Field(max_length=200)] = []
    received_at: dt.datetime | None = Field(None, description="Staff only: when received")
    project_code: Annotated[str, Field(max_length=64)] = Field(
        "",
        description="The investment project code of the online approval platform "
        "(2019-330102-47-03-012345); optional, checked when given",
    )


class ActionIn(Schema):
    occurred_at: dt.datetime | None = Field(
        None, description="Staff only: when the step happened (backfilling paper work)"
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


class ExtendIn(ActionIn):
    workdays: StrictInt
    reason: Text


class DeliverIn(ActionIn):
    method: Literal["window", "mail", "electronic"]


class JointFilterIn(Schema):
    state: Annotated[str, Field(max_length=200)] = Field(
        "", description="One state or several separated by commas"
    )
    scene: Annotated[str, Field(max_length=64)] = ""
    level: Literal["", "normal", "yellow", "red", "statutory_overdue"] = ""
    lead_department: Annotated[str, Field(max_length=32)] = Field(
        "", description="The lead department's code (its joint queue)"
    )
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    project_code: Annotated[str, Field(max_length=64)] = Field(
        "", description="The investment project code: the project's joint cases"
    )
    after: Annotated[str, Field(max_length=40)] = ""
    limit: int = Field(20, ge=1, le=100)


@scenes_router.get("/scenes", summary="Published scenes (一件事) with their speed-up figures")
def list_scenes(request):
    return [presenters.scene(s.current_version) for s in selectors.published_scenes()]


@scenes_router.get("/scenes/{code}", summary="One published scene")
def get_scene(request, code: str):
    found = selectors.published_scenes().filter(code=code[:64]).first()
    if found is None:
        raise NotFound()
    return presenters.scene(found.current_version)


def _detail(request, number: str) -> dict:
    joint = (
        selectors.visible(request.user)
        .select_related("scene", "scene_version", "lead_department")
        .filter(number=number[:32])
        .first()
    )
    if joint is None:
        raise NotFound()
    return presenters.detail(request.user, joint, masked=watches_only(request.user))


@router.post(
    "/scenes/{code}/applications", response={201: dict}, summary="Apply for a scene (联办件)"
)
def apply(request, code: str, payload: JointIn):
    """One application for every item of the scene. Send an `Idempotency-Key` header to make
    retries safe: a retry returns the first answer."""
    body = payload.dict()
    person = body.pop("applicant")

    def create():
        joint = services.file(
            actor=request.user,
            scene=code,
            channel=body["channel"],
            applicant=ApplicantInput(**person),
            materials=body["materials"],
            received_at=body["received_at"],
            project_code=body["project_code"],
        )
        # the service's joint case as filed (its scene, version, department and applicant
        # loaded): no second read
        return 201, presenters.detail(request.user, joint, masked=watches_only(request.user))

    status, answer, _replayed = run_once(
        user=request.user,
        scope="joint.apply",
        key=request.headers.get("Idempotency-Key"),
        fingerprint=fingerprint({"scene": code, **payload.dict()}),
        create=create,
    )
    return Status(status, answer)


@router.get("/joint-cases", summary="Joint cases you may see, newest first")
def list_joint_cases(request, filters: Query[JointFilterIn]):
    """Keyset paged: follow `next` with `after`. Filters combine."""
    states = tuple(s for s in filters.state.split(",") if s)
    errors: dict[str, list] = {}
    if any(s not in JointState.values for s in states):
        errors["state"] = [_("Choose one of the allowed values.")]
    if filters.after and decode_cursor(filters.after) is None:
        errors["after"] = [_("This value is not valid.")]
    project_code = services.clean_project_code(filters.project_code, "project_code", errors)
    if errors:
        raise ValidationFailed(errors)
    queryset = selectors.filtered(
        request.user,
        selectors.JointFilters(
            state=states,
            scene=filters.scene,
            level=filters.level,
            lead_department=filters.lead_department,
            received_from=filters.received_from,
            received_to=filters.received_to,
            project_code=project_code,
        ),
    )
    rows, cursor = selectors.page(queryset, after=filters.after, limit=filters.limit)
    masked = watches_only(request.user)
    return {
        "items": [presenters.summary(row, masked=masked) for row in rows],
        "next": cursor or None,
    }


@router.get("/joint-cases/{number}", summary="One joint case with its children and events")
def get_joint_case(request, number: str):
    return _detail(request, number)


def _action(name: str, schema, summary: str):
    def handler(request, number, payload):
        data = payload.dict()
        occurred_at = data.pop("occurred_at")
        joint = services.act(
            actor=request.user, number=number, action=name, data=data, occurred_at=occurred_at
        )
        return _detail(request, joint.number)

    handler.__name__ = "joint_" + name.replace("-", "_")
    handler.__annotations__ = {"number": str, "payload": schema}
    router.post(
        f"/joint-cases/{{number}}/{name}",
        summary=summary,
        operation_id=handler.__name__,
    )(handler)


_action("request-supplement", SupplementRequestIn, "One one-time notice for every item")
_action("supplement", SupplementIn, "Hand in the materials the notice asked for")
_action("accept", ActionIn, "Accept the application; the first stage's cases open")
_action("refuse", ReasonIn, "Refuse the whole application in writing")
_action("extend", ExtendIn, "Extend the joint period once, 1 to 15 working days (leader)")
_action("deliver", DeliverIn, "Deliver every decision at once (统一出件)")
_action("withdraw", OptionalReasonIn, "Withdraw the whole application")
