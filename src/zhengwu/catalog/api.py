"""Read API of the public catalogue, mounted at /api/v1/items (docs/catalog.md "API")."""

from __future__ import annotations

import datetime as dt

from ninja import Query, Router, Schema
from pydantic import Field

from zhengwu.catalog import selectors
from zhengwu.catalog.models import ServiceItemVersion

router = Router(tags=["catalogue"])


class MaterialOut(Schema):
    code: str
    name: str
    required: bool
    form: str
    copies: int


class FeeOut(Schema):
    name: str
    standard: str
    basis: str


class StepOut(Schema):
    name: str
    description: str


class ItemOut(Schema):
    impl_code: str
    base_code: str
    name: str
    department: str = Field(description="Department code")
    department_name: str
    kind: str = Field(description="Item kind code, e.g. 01 (administrative licensing)")
    type: str = Field(description="immediate | promised")
    statutory_limit: int = Field(description="Working days")
    promised_limit: int = Field(description="Working days")
    onsite_visits: int
    online_depth: int = Field(description="1 to 4 (shown Ⅰ to Ⅳ)")
    parallel: bool
    special_procedures: list[str]
    version: int
    valid_from: dt.date | None
    materials: list[MaterialOut]


class ItemDetailOut(ItemOut):
    basis: str
    conditions: str
    onsite_reason: str
    place: str
    hours: str
    consult_phone: str
    complaint_phone: str
    fees: list[FeeOut]
    steps: list[StepOut]


class ItemPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ItemOut]


class ItemFilters(Schema):
    q: str = Field("", max_length=100, description="Substring of the name or of a code")
    department: str = Field("", max_length=32, description="Department code")
    kind: str = Field("", max_length=2, description="Item kind code")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=1_000_000)


def _item(version: ServiceItemVersion, *, detail: bool = False) -> dict:
    item = version.item
    data = {
        "impl_code": item.impl_code,
        "base_code": item.base_code,
        "name": version.name,
        "department": item.department.code,
        "department_name": item.department.name,
        "kind": version.kind,
        "type": version.handling_type,
        "statutory_limit": version.statutory_limit,
        "promised_limit": version.promised_limit,
        "onsite_visits": version.onsite_visits,
        "online_depth": version.online_depth,
        "parallel": version.parallel_approval,
        "special_procedures": list(version.special_procedures),
        "version": version.number,
        "valid_from": version.valid_from,
        "materials": [
            {
                "code": m.code,
                "name": m.name,
                "required": m.required,
                "form": m.form,
                "copies": m.copies,
            }
            for m in version.materials.all()
        ],
    }
    if detail:
        data.update(
            basis=version.legal_basis,
            conditions=version.conditions,
            onsite_reason=version.onsite_reason,
            place=version.place,
            hours=version.hours,
            consult_phone=version.consult_phone,
            complaint_phone=version.complaint_phone,
            fees=[
                {"name": f.name, "standard": f.standard, "basis": f.basis}
                for f in version.fees.all()
            ],
            steps=[{"name": s.name, "description": s.description} for s in version.steps.all()],
        )
    return data


@router.get("", response=ItemPage, auth=None, summary="Search the published catalogue")
def list_items(request, filters: Query[ItemFilters]):
    """Published items, paged with ``limit`` (1–100, default 20) and ``offset``; ``count`` is the
    total number of matches."""
    queryset = selectors.search_published(
        q=filters.q, department=filters.department, kind=filters.kind
    )
    page = selectors.with_materials(queryset)[filters.offset : filters.offset + filters.limit]
    return {
        "count": queryset.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_item(version) for version in page],
    }


@router.get("/{impl_code}", response=ItemDetailOut, auth=None, summary="One published item")
def get_item(request, impl_code: str):
    """The current published version of an item; 404 when there is none."""
    return _item(selectors.published_version(impl_code), detail=True)
