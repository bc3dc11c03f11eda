"""The notification centre over the API: a user's own notifications, marked read."""

from __future__ import annotations

from typing import Annotated

from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from zhengwu.accounts.auth import api_auth
from zhengwu.notifications import messages, selectors, services

router = Router(tags=["notifications"], auth=api_auth)


class InboxQuery(Schema):
    unread: bool = False
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    offset: Annotated[int, Field(ge=0, le=10_000_000)] = 0


class ReadIn(Schema):
    model_config = ConfigDict(extra="forbid")
    ids: Annotated[list[int], Field(max_length=500)] | None = None


@router.get("/notifications")
def inbox(request, query: Query[InboxQuery]):
    rows = list(
        selectors.inbox(request.user, unread_only=query.unread)[
            query.offset : query.offset + query.limit
        ]
    )
    events = messages.events_of(rows)
    return {
        "unread": selectors.unread_count(request.user),
        "results": [
            {
                "id": n.pk,
                "kind": n.kind,
                "code": n.code,
                "case": n.case.number if n.case_id else None,
                "title": messages.title(n),
                "body": messages.body(n, events=events),
                "created_at": n.created_at,
                "read_at": n.read_at,
            }
            for n in rows
        ],
    }


@router.post("/notifications/read")
def read(request, body: ReadIn):
    return {"marked": services.mark_read(user=request.user, ids=body.ids)}
