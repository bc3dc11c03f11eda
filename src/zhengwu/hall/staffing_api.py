"""The hall staffing API (docs/hall.md, 值守与考勤), under /api/v1/hall. Thin: parse, call a
service or a selector, shape the answer."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Router, Schema, Status
from pydantic import Field

from zhengwu.accounts.auth import api_auth
from zhengwu.core import clock
from zhengwu.core.errors import NotFound, ValidationFailed
from zhengwu.core.idempotency import fingerprint, run_once
from zhengwu.core.schemas import RowId
from zhengwu.hall import staffing_reports as reports
from zhengwu.hall import staffing_selectors as selectors
from zhengwu.hall import staffing_services as services

router = Router(tags=["the service hall: staffing"], auth=api_auth)


class AttendanceIn(Schema):
    method: str = Field(description="kiosk (face photo), panel (window panel), mobile (location)")
    lat: float | None = Field(None, description="mobile: latitude in degrees")
    lon: float | None = Field(None, description="mobile: longitude in degrees")
    photo: str | None = Field(None, description="kiosk: the face photo, base64 JPEG or PNG")
    action: str = Field("sign_in", description="sign_in (the default) or sign_out")


def _attendance(row) -> dict:
    return {
        "day": row.day.isoformat(),
        "signed_in_at": row.signed_in_at.isoformat(),
        "sign_in_method": row.sign_in_method,
        "signed_out_at": row.signed_out_at.isoformat() if row.signed_out_at else None,
        "sign_out_method": row.sign_out_method,
        "distance_m": row.distance_m,
        "late_minutes": row.late_minutes,
        "early_minutes": row.early_minutes,
    }


@router.post(
    "/attendance",
    response={201: dict, 200: dict},
    summary="Sign in (201) or out (200) for today",
)
def attendance(request, payload: AttendanceIn):
    """By location (`mobile`) only within the hall's radius: farther is a 422 whose body
    carries `distance_m` and `radius_m`. Late and early minutes against the hall's hours."""
    data = payload.dict()
    action = data.pop("action")
    if action == "sign_out":
        return Status(200, _attendance(services.sign_out(user=request.user, **data)))
    if action != "sign_in":
        raise ValidationFailed({"action": ["sign_in / sign_out"]})
    return Status(201, _attendance(services.sign_in(user=request.user, **data)))


@router.get("/attendance", summary="Your attendance of a month (YYYY-MM, this month by default)")
def my_attendance(request, month: str = ""):
    first, last = reports.parse_month(month)
    rows = selectors.attendance(request.user).filter(
        user=request.user, day__gte=first, day__lte=last
    )
    return {"month": f"{first:%Y-%m}", "days": [_attendance(r) for r in rows.order_by("day")]}


class LeaveIn(Schema):
    kind: str = Field(description="personal, sick, annual or duty")
    first_day: str
    last_day: str
    reason: str


def _leave(row) -> dict:
    return {
        "id": row.pk,
        "kind": row.kind,
        "first_day": row.first_day.isoformat(),
        "last_day": row.last_day.isoformat(),
        "state": row.state,
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
    }


@router.post("/leave", response={201: dict}, summary="Ask for leave before its first day")
def request_leave(request, payload: LeaveIn):
    def create():
        return 201, _leave(services.request_leave(user=request.user, **payload.dict()))

    status, answer, _replayed = run_once(
        user=request.user,
        scope="hall.leave",
        key=request.headers.get("Idempotency-Key"),
        fingerprint=fingerprint(payload.dict()),
        create=create,
    )
    return Status(status, answer)


@router.post("/leave/{leave_id}/approve", summary="The department head approves (beforehand)")
def approve_leave(request, leave_id: RowId):
    return _leave(services.decide_leave(head=request.user, leave_id=leave_id, approve=True))


@router.post("/leave/{leave_id}/refuse", summary="The department head refuses")
def refuse_leave(request, leave_id: RowId):
    return _leave(services.decide_leave(head=request.user, leave_id=leave_id, approve=False))


class CheckIn(Schema):
    window: RowId | None = None
    area: str | None = None
    on_post: bool = True
    attire: bool = True
    order: bool = True
    equipment: bool = True
    safety: bool = True


class FindingIn(Schema):
    window: RowId | None = None
    area: str | None = None
    item: str = Field(description="on_post, attire, order, equipment or safety")
    description: str
    assignee: RowId = Field(description="the id of the member of staff who follows it up")
    photo: str | None = Field(None, description="base64 JPEG or PNG")


class PatrolIn(Schema):
    number: int = Field(ge=1, le=99, description="which of the day's patrols (1–6)")
    checks: list[CheckIn] = []
    findings: list[FindingIn] = []
    notes: str = ""


@router.get("/patrols", summary="The patrols of a day (today by default) and their states")
def patrols(request, date: str = ""):
    hall = selectors.hall_of(request.user)
    if hall is None:
        raise NotFound()
    try:
        day = dt.date.fromisoformat(date) if date else clock.today()
    except ValueError:
        raise ValidationFailed({"date": ["YYYY-MM-DD"]}) from None
    return reports.day_patrols(hall, day)


@router.post("/patrols", response={201: dict}, summary="Record a patrol of today (duty roster)")
def record_patrol(request, payload: PatrolIn):
    hall = selectors.hall_of(request.user)
    if hall is None:
        raise NotFound()
    data = payload.dict()
    patrol = services.record_patrol(actor=request.user, hall=hall, **data)
    return Status(
        201,
        {
            "id": patrol.pk,
            "day": patrol.day.isoformat(),
            "number": patrol.number,
            "findings": list(patrol.findings.values_list("pk", flat=True)),
        },
    )


class FollowUpIn(Schema):
    text: str


@router.post("/findings/{finding_id}/follow-up", summary="The assignee follows a finding up")
def follow_up(request, finding_id: RowId, payload: FollowUpIn):
    row = services.follow_up(actor=request.user, finding_id=finding_id, text=payload.text)
    return {"id": row.pk, "followed_up_at": row.followed_up_at.isoformat()}


class AssistedIn(Schema):
    person: str
    phone: str = ""
    items: str
    mode: str = Field(description="on_site or home (上门, with the address)")
    address: str = ""
    case_number: str = ""
    served_on: str = ""


@router.post("/assisted", response={201: dict}, summary="Record a 帮办代办 service")
def record_assisted(request, payload: AssistedIn):
    def create():
        row = services.record_assisted(actor=request.user, **payload.dict())
        return 201, {"id": row.pk, "served_on": row.served_on.isoformat()}

    status, answer, _replayed = run_once(
        user=request.user,
        scope="hall.assisted",
        key=request.headers.get("Idempotency-Key"),
        fingerprint=fingerprint(payload.dict()),
        create=create,
    )
    return Status(status, answer)


class CallbackIn(Schema):
    satisfaction: str = Field(description="satisfied, fair or dissatisfied")
    note: str = ""


@router.post("/assisted/{service_id}/callback", summary="The callback and its satisfaction")
def call_back(request, service_id: RowId, payload: CallbackIn):
    row = services.call_back(actor=request.user, service_id=service_id, **payload.dict())
    return {"id": row.pk, "satisfaction": row.satisfaction}


@router.get("/assisted/figures", summary="The monthly 帮办代办 figures in the caller's scope")
def assisted_figures(request, month: str = ""):
    first, last = reports.parse_month(month)
    return reports.assisted_figures(selectors.assisted(request.user), first, last)


@router.get("/irregularities", summary="Empty posts, missed patrols, overdue findings")
def irregularities(
    request,
    kind: str = "",
    date: str = "",
    offset: Annotated[int, Field(ge=0, le=10**9)] = 0,
    limit: Annotated[int, Field(ge=1, le=200)] = 50,
):
    rows = selectors.irregularities(request.user)
    if kind:
        rows = rows.filter(kind=kind)
    if date:
        try:
            rows = rows.filter(day=dt.date.fromisoformat(date))
        except ValueError:
            raise ValidationFailed({"date": ["YYYY-MM-DD"]}) from None
    return {
        "total": rows.count(),
        "items": [
            {
                "kind": r.kind,
                "day": r.day.isoformat(),
                "window": r.window.number if r.window_id else None,
                "department": r.department.code if r.department_id else None,
                "started_at": r.started_at.isoformat(),
                "ended_at": r.ended_at.isoformat() if r.ended_at else None,
                "minutes": reports.irregularity_minutes(r),
            }
            for r in rows[offset : offset + limit]
        ],
    }
