"""The licence register API: /api/v1/licences (docs/joint.md)."""

from __future__ import annotations

from typing import Annotated

from ninja import Query, Router, Schema
from pydantic import Field

from zhengwu.accounts.auth import api_auth
from zhengwu.licences import selectors

router = Router(tags=["licences"], auth=api_auth)


class LicenceFilterIn(Schema):
    holder: Annotated[str, Field(max_length=18, description="ID number or credit code")]


@router.get("/licences", summary="A holder's licences")
def list_licences(request, filters: Query[LicenceFilterIn]):
    return [
        {
            "number": licence.number,
            "name": licence.name,
            "holder": licence.holder,
            "valid_from": licence.valid_from.isoformat(),
            "valid_to": licence.valid_to.isoformat() if licence.valid_to else None,
            "case": licence.case.number,
        }
        for licence in selectors.of_holder(request.user, filters.holder)
    ]
