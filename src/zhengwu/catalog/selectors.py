"""Reads of the catalogue. Every list is filtered by the caller's scope in one query."""

from __future__ import annotations

import copy
import datetime as dt
import threading
from collections import OrderedDict

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Prefetch, Q, QuerySet

from zhengwu.accounts.models import Department
from zhengwu.catalog import permissions, rules
from zhengwu.catalog.models import (
    CenterItem,
    Fee,
    Material,
    ProcessStep,
    ServiceItem,
    ServiceItemVersion,
)
from zhengwu.catalog.problem_messages import problem_message
from zhengwu.core.errors import NotFound
from zhengwu.core.queries import CompiledQuery

Published = ServiceItemVersion.Status.PUBLISHED


def _text(value) -> str:
    """A search or lookup term as the database can take it (PostgreSQL refuses NUL)."""
    return str(value or "").replace("\x00", "").strip()


def with_children(queryset: QuerySet[ServiceItemVersion]) -> QuerySet[ServiceItemVersion]:
    """Fetch materials, fees and steps with the versions (three queries, whatever the count)."""
    return queryset.prefetch_related(
        Prefetch("materials", queryset=Material.objects.order_by("position", "id")),
        Prefetch("fees", queryset=Fee.objects.order_by("position", "id")),
        Prefetch("steps", queryset=ProcessStep.objects.order_by("position", "id")),
    )


def with_materials(queryset: QuerySet[ServiceItemVersion]) -> QuerySet[ServiceItemVersion]:
    return queryset.prefetch_related(
        Prefetch("materials", queryset=Material.objects.order_by("position", "id"))
    )


def published_versions() -> QuerySet[ServiceItemVersion]:
    """The current version of every item on public display (published, not retired)."""
    return ServiceItemVersion.objects.filter(
        status=Published, item__status=ServiceItem.Status.PUBLISHED
    ).select_related("item", "item__department")


def search_published(
    *, q: str = "", department: str = "", kind: str = "", center: str = "", nearby: bool = False
) -> QuerySet[ServiceItemVersion]:
    """Public search: ``q`` is a substring of the name or of either code; filters are codes.
    ``center``: the items that center handles (事项进驻); ``nearby``: only its 就近办 list."""
    queryset = published_versions()
    q, department, kind, center = _text(q), _text(department), _text(kind), _text(center)
    if center:
        handled = CenterItem.objects.filter(center__code=center)
        if nearby:
            handled = handled.filter(nearby=True)
        queryset = queryset.filter(item__in=handled.values("item"))
    if q:
        queryset = queryset.filter(
            Q(name__icontains=q) | Q(item__impl_code__icontains=q) | Q(item__base_code__icontains=q)
        )
    if department:
        queryset = queryset.filter(item__department__code=department)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by(
        "item__department__sort_order", "item__department__code", "item__impl_code"
    )


def published_version(impl_code: str) -> ServiceItemVersion:
    """The version new cases of ``impl_code`` are filed under, with its children; else NotFound."""
    version = with_children(published_versions()).filter(item__impl_code=_text(impl_code)).first()
    if version is None:
        raise NotFound()
    return version


# Published versions never change (catalog.models): each process keeps the ones intake has used,
# with their materials, keyed by the version's id and the moment its item last changed (publishing
# is such a change). Which version is current, and whether the item is still on display, is read
# afresh on every call, so a newly published version or a retired item counts at once everywhere.
INTAKE_CACHE_SIZE = 1024
_intake_versions: OrderedDict[tuple[int, dt.datetime], ServiceItemVersion] = OrderedDict()
_intake_lock = threading.Lock()
# base_code: the exchange's record of the filing names the item by it (exchange.receivers).
_INTAKE_ITEM_FIELDS = (
    "id",
    "impl_code",
    "base_code",
    "department_id",
    "status",
    "current_version_id",
)
_INTAKE_DEPARTMENT_FIELDS = ("id", "code", "name")


def _published_with_materials(version_id: int, item_changed: dt.datetime) -> ServiceItemVersion:
    key = (version_id, item_changed)
    with _intake_lock:
        found = _intake_versions.get(key)
        if found is not None:
            _intake_versions.move_to_end(key)
            return found
    found = with_materials(ServiceItemVersion.objects.filter(pk=version_id)).get()
    with _intake_lock:
        _intake_versions[key] = found
        while len(_intake_versions) > INTAKE_CACHE_SIZE:
            _intake_versions.popitem(last=False)
    return found


def forget_intake_versions() -> None:
    """Empty this process's cache of published versions (tests reuse ids on fresh databases)."""
    with _intake_lock:
        _intake_versions.clear()


_INTAKE_ITEM = CompiledQuery(
    lambda impl_code: (
        ServiceItem.objects.filter(
            impl_code=impl_code,
            status=ServiceItem.Status.PUBLISHED,
            current_version__isnull=False,
        )
        .order_by()
        .values_list(*_INTAKE_ITEM_FIELDS, "updated_at", "department__code", "department__name")[:1]
    ),
    kinds=(str,),
)


def intake_version(impl_code: str) -> ServiceItemVersion:
    """The version new cases of ``impl_code`` are filed under, for intake: its materials (no fees,
    no steps) and its item with the item's department; else NotFound. One query of the columns
    intake uses: the item and its department carry those (any other field loads when read), the
    version's immutable content comes from the cache above."""
    rows = _INTAKE_ITEM.rows(_text(impl_code))
    if not rows:
        raise NotFound()
    *item_values, changed, department_code, name = rows[0]
    item = ServiceItem.from_db(DEFAULT_DB_ALIAS, _INTAKE_ITEM_FIELDS, item_values)
    department_id = item.department_id
    version_id = item.current_version_id
    item.department = Department.from_db(
        DEFAULT_DB_ALIAS, _INTAKE_DEPARTMENT_FIELDS, (department_id, department_code, name)
    )
    cached = _published_with_materials(version_id, changed)
    version = copy.copy(cached)  # its own relation cache (the item below)
    # Its own prefetch dict too, holding the shared, never-changed materials.
    version._prefetched_objects_cache = dict(cached._prefetched_objects_cache)
    version.item = item
    return version


def get_version(version_id: int) -> ServiceItemVersion:
    """Any version by id, whatever its status (a case reads the version it was filed under)."""
    version = (
        with_children(ServiceItemVersion.objects.select_related("item", "item__department"))
        .filter(pk=version_id)
        .first()
    )
    if version is None:
        raise NotFound()
    return version


def material_codes(version: ServiceItemVersion, *, required_only: bool = False) -> list[str]:
    """The version's material codes in guide order (all, or only the required ones)."""
    cache = getattr(version, "_prefetched_objects_cache", {})
    if "materials" in cache:
        materials = cache["materials"]
        return [m.code for m in materials if m.required or not required_only]
    queryset = version.materials.order_by("position", "id")
    if required_only:
        queryset = queryset.filter(required=True)
    return list(queryset.values_list("code", flat=True))


def version_summary(version: ServiceItemVersion) -> dict:
    """The public dict shape (docs/catalog.md) without fees and steps: reads only the materials."""
    item = version.item
    return {
        "impl_code": item.impl_code,
        "base_code": item.base_code,
        "department": item.department.code,
        "name": version.name,
        "kind": version.kind,
        "type": version.handling_type,
        "statutory_limit": version.statutory_limit,
        "promised_limit": version.promised_limit,
        "onsite_visits": version.onsite_visits,
        "onsite_reason": version.onsite_reason,
        "online_depth": version.online_depth,
        "basis": version.legal_basis,
        "conditions": version.conditions,
        "parallel": version.parallel_approval,
        "place": version.place,
        "hours": version.hours,
        "consult_phone": version.consult_phone,
        "complaint_phone": version.complaint_phone,
        "special_procedures": list(version.special_procedures),
        "licence_type": version.licence_type,
        "materials": [
            {
                "code": m.code,
                "name": m.name,
                "required": m.required,
                "form": m.form,
                "copies": m.copies,
                "source": m.source,
                "notes": m.notes,
                "licence_type": m.licence_type,
            }
            for m in version.materials.all()
        ],
    }


def version_content(version: ServiceItemVersion) -> dict:
    """The version as the public dict shape (docs/catalog.md), identity included."""
    return {
        **version_summary(version),
        "fees": [
            {"name": f.name, "standard": f.standard, "basis": f.basis} for f in version.fees.all()
        ],
        "steps": [{"name": s.name, "description": s.description} for s in version.steps.all()],
    }


def stored_content(version: ServiceItemVersion) -> dict:
    """The version's content (no identity) in the canonical form of ``rules.normalize_content``."""
    content = version_content(version)
    normalized, _problems = rules.normalize_content(
        {key: content[key] for key in rules.CONTENT_FIELDS}
    )
    return normalized


def publish_problems(version: ServiceItemVersion) -> list[str]:
    """What keeps the version from being published, in words (empty when it may be)."""
    return [problem_message(p) for p in rules.check_content(stored_content(version))]


def editing_base(item: ServiceItem) -> ServiceItemVersion | None:
    """The version an editor starts from: the draft, else the current one (children fetched)."""
    version_id = item.draft_version_id or item.current_version_id
    if version_id is None:
        return None
    return with_children(ServiceItemVersion.objects.select_related("item", "item__department")).get(
        pk=version_id
    )


def staff_items(
    user, *, q: str = "", department: str = "", kind: str = "", status: str = ""
) -> QuerySet[ServiceItem]:
    """The items the user may see on the staff pages, filtered; none for users without access."""
    queryset = ServiceItem.objects.select_related(
        "department", "current_version", "draft_version"
    ).order_by("department__sort_order", "department__code", "impl_code")
    if not permissions.can_manage(user):
        return queryset.none()
    if not permissions.sees_all(user):
        if user.department_id is None:
            return queryset.none()
        queryset = queryset.filter(department_id=user.department_id)
    q, department, kind, status = _text(q), _text(department), _text(kind), _text(status)
    if q:
        queryset = queryset.filter(
            Q(impl_code__icontains=q)
            | Q(base_code__icontains=q)
            | Q(current_version__name__icontains=q)
            | Q(draft_version__name__icontains=q)
        )
    if department:
        queryset = queryset.filter(department__code=department)
    if kind:
        queryset = queryset.filter(Q(current_version__kind=kind) | Q(draft_version__kind=kind))
    if status == "has_draft":
        queryset = queryset.filter(draft_version__isnull=False)
    elif status:
        queryset = queryset.filter(status=status)
    return queryset


def item_for_staff(user, impl_code: str) -> ServiceItem:
    """The item when the user may see it on the staff pages; NotFound otherwise (never reveals)."""
    item = staff_items(user).filter(impl_code=_text(impl_code)).first()
    if item is None:
        raise NotFound()
    return item


def item_versions(item: ServiceItem) -> QuerySet[ServiceItemVersion]:
    return item.versions.select_related("published_by", "updated_by").order_by("-number")


def version_of_item(item: ServiceItem, number: int) -> ServiceItemVersion:
    version = (
        with_children(item.versions.select_related("item", "item__department"))
        .filter(number=number)
        .first()
    )
    if version is None:
        raise NotFound()
    return version


def public_departments() -> QuerySet[Department]:
    """Departments with at least one item on public display (the public filter)."""
    return (
        Department.objects.filter(service_items__status=ServiceItem.Status.PUBLISHED)
        .distinct()
        .order_by("sort_order", "code")
    )


def staff_departments(user) -> QuerySet[Department]:
    """Departments the user sees on the staff pages (the staff filter)."""
    queryset = Department.objects.order_by("sort_order", "code")
    if permissions.sees_all(user):
        return queryset
    if permissions.can_manage(user) and user.department_id is not None:
        return queryset.filter(pk=user.department_id)
    return queryset.none()


def editable_departments(user) -> QuerySet[Department]:
    """Departments the user may create items for."""
    queryset = Department.objects.filter(is_active=True).order_by("sort_order", "code")
    if permissions.can_edit_all(user):
        return queryset
    if permissions.can_edit_department(user, user.department_id):
        return queryset.filter(pk=user.department_id)
    return queryset.none()


def export_versions(*, department: str = "") -> QuerySet[ServiceItemVersion]:
    """What the Excel export writes: the current version of every public item, with children."""
    return with_children(search_published(department=department))


def material_for_download(user, material_id: int) -> Material:
    """A material whose files the user may download: published or superseded versions for anyone,
    drafts for the staff who see the item. NotFound otherwise."""
    material = (
        Material.objects.select_related("version", "version__item").filter(pk=material_id).first()
    )
    if material is None:
        raise NotFound()
    if material.version.status != ServiceItemVersion.Status.DRAFT:
        return material
    if staff_items(user).filter(pk=material.version.item_id).exists():
        return material
    raise NotFound()


def centers_with_items() -> QuerySet:
    """The centers that handle at least one item, for the public catalogue's filter."""
    from zhengwu.accounts.models import Center

    return Center.objects.filter(items_handled__isnull=False).distinct().order_by("code")


def hall_counts() -> list[dict]:
    """Per center: the items it handles, of them wholly in the center, only received at the
    window, delegated down to it, and on its nearby list; and per kind (行政许可, 公共服务, ...)."""
    from django.db.models import Count, Q

    rows = (
        CenterItem.objects.filter(item__status=ServiceItem.Status.PUBLISHED)
        .values("center__code", "center__name", "center__region__code")
        .annotate(
            items=Count("pk"),
            full=Count("pk", filter=Q(handling="full")),
            receive_only=Count("pk", filter=Q(handling="receive_only")),
            delegated=Count("pk", filter=Q(delegated_by__isnull=False)),
            nearby=Count("pk", filter=Q(nearby=True)),
        )
        .order_by("center__region__code", "center__code")
    )
    by_kind: dict[str, dict[str, int]] = {}
    for code, kind, count in (
        CenterItem.objects.filter(item__status=ServiceItem.Status.PUBLISHED)
        .values_list("center__code", "item__current_version__kind")
        .annotate(n=Count("pk"))
    ):
        by_kind.setdefault(code, {})[kind or ""] = count
    published = ServiceItem.objects.filter(status=ServiceItem.Status.PUBLISHED).count()
    return [
        {
            "code": row["center__code"],
            "name": row["center__name"],
            "items": row["items"],
            "full": row["full"],
            "receive_only": row["receive_only"],
            "delegated": row["delegated"],
            "nearby": row["nearby"],
            "by_kind": by_kind.get(row["center__code"], {}),
            "published": published,
        }
        for row in rows
    ]
