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
    """The public content shape (docs/catalog.md) plus what the API adds; the response schema
    picks the fields each endpoint shows. Lists read no fees or steps."""
    content = selectors.version_content if detail else selectors.version_summary
    return {
        **content(version),
        "department_name": version.item.department.name,
        "version": version.number,
        "valid_from": version.valid_from,
    }


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
