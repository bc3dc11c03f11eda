"""The ratings API (docs/ratings.md). Thin: parse, call a service or selector, shape the answer.

- ``POST /api/v1/cases/{number}/ratings``: by the applicant's login (online), a staff login
  (telephone entry) or a signed rating link (``?token=``, on site / SMS, no login);
- ``GET /api/v1/ratings?case=&department=&level=``: the ratings staff may see, newest first.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Query, Router, Schema, Status
from ninja.security import APIKeyQuery
from pydantic import Field, StrictBool, StrictInt

from zhengwu.accounts.auth import api_auth
from zhengwu.core.errors import Forbidden
from zhengwu.core.idempotency import fingerprint, run_once
from zhengwu.core.roles import CENTER_WIDE_ROLES, role_names
from zhengwu.ratings import presenters, selectors, services

router = Router(tags=["ratings"], auth=api_auth)


class RatingLink(APIKeyQuery):
    """A signed rating link in ``?token=``; it is checked by the service (clear 400 / 410 / 409)."""

    param_name = "token"

    def authenticate(self, request, key):
        return key or None


class RatingIn(Schema):
    channel: Literal["onsite", "online", "sms", "phone"]
    level: StrictInt = Field(ge=1, le=5)
    dimensions: dict[Annotated[str, Field(max_length=32)], StrictInt] = Field(
        default_factory=dict, max_length=10
    )
    comment: Annotated[str, Field(max_length=2000)] = ""
    real_name: StrictBool = False


class TaskOut(Schema):
    id: int
    state: str
    due: str
    provisional: bool
    called_back_at: str | None
    outcome: str | None
    ledger_due: str | None
    fed_back_at: str | None
    escalated: bool


class RatingOut(Schema):
    id: int
    case: str
    item: str
    department: str
    window: str | None
    channel: str
    level: int
    level_label: str
    dimensions: dict
    comment: str
    real_name: bool
    rater: str | None
    rater_phone: str | None
    rated_at: str
    excluded: bool
    reply: str | None
    rectification: TaskOut | None


class RatingPage(Schema):
    items: list[RatingOut]
    total: int
    offset: int
    limit: int


class RatingFilterIn(Schema):
    case: Annotated[str, Field(max_length=32)] = ""
    department: Annotated[str, Field(max_length=32)] = ""
    level: int | None = Field(None, ge=1, le=5)
    channel: Literal["", "onsite", "online", "sms", "phone"] = ""
    rated_from: dt.date | None = None
    rated_to: dt.date | None = None
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(20, ge=1, le=100)


@router.post(
    "/cases/{number}/ratings",
    response={201: RatingOut},
    auth=[RatingLink(), *api_auth],
    summary="Rate a completed case (好差评)",
)
def rate_case(request, number: str, payload: RatingIn):
    """One rating per case per service event (its decision). A bad rating (2 or 1) answers with
    its `rectification` task and the task's `due` date. A signed link in `?token=` needs no login:
    400 when it was altered, 410 when it expired, 409 `already_rated` when it was used. Signed-in
    callers may send an `Idempotency-Key`: a retry returns the first answer."""
    token = request.GET.get("token")

    def create():
        rating = services.submit_rating(
            number=number, user=request.user, token=token, **payload.dict()
        )
        return 201, presenters.rating(rating, masked=True)

    key = request.headers.get("Idempotency-Key")
    if token is None and key and request.user.is_authenticated:
        status, answer, _replayed = run_once(
            user=request.user,
            scope=f"ratings.create:{number[:32]}",
            key=key,
            fingerprint=fingerprint(payload.dict()),
            create=create,
        )
        return Status(status, answer)
    return Status(*create())


@router.get("/ratings", response=RatingPage, summary="Ratings you may see, newest first")
def list_ratings(request, filters: Query[RatingFilterIn]):
    if not selectors.may_see_ratings(request.user):
        raise Forbidden()
    queryset = selectors.ratings(
        request.user,
        selectors.RatingFilters(
            case=filters.case,
            department=filters.department,
            level=filters.level,
            channel=filters.channel,
            rated_from=filters.rated_from,
            rated_to=filters.rated_to,
        ),
    )
    rows = list(queryset[filters.offset : filters.offset + filters.limit])
    masked = bool(role_names(request.user) & CENTER_WIDE_ROLES)
    return {
        "items": [presenters.rating(r, masked=masked) for r in rows],
        "total": queryset.count(),
        "offset": filters.offset,
        "limit": filters.limit,
    }
