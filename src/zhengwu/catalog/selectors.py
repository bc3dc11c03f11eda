"""Reads of the catalogue. Every list is filtered by the caller's scope in one query."""

from __future__ import annotations

import copy
import datetime as dt
import threading
from collections import OrderedDict

from django.db import DEFAULT_DB_ALIAS
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

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
from zhengwu.core.ratios import Ratio

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
    ``center``: the items that center handles (事项进驻), each annotated with how
    (``station_handling``) and the delegating department's name (``station_delegated_by``);
    ``nearby``: only its 就近办 list."""
    queryset = published_versions()
    q, department, kind, center = _text(q), _text(department), _text(kind), _text(center)
    if center:
        handled = CenterItem.objects.filter(center__code=center)
        if nearby:
            handled = handled.filter(nearby=True)
        queryset = queryset.filter(item__in=handled.values("item"))
        # How that center handles each (窗口只收件 or wholly), and who delegated it down to it.
        station = CenterItem.objects.filter(center__code=center, item=OuterRef("item"))
        queryset = queryset.annotate(
            station_handling=Subquery(station.values("handling")[:1]),
            station_delegated_by=Subquery(station.values("delegated_by__name")[:1]),
        )
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


LICENSING = "01"  # 行政许可 (DOMAIN.md §1, item_kind)


def report_centers(user) -> QuerySet:
    """The centers whose items ``user`` counts on the 各中心进驻事项 page: an administrator's or
    supervisor's those they oversee (``accounts.regions``), a department head's their center."""
    from zhengwu.accounts import regions
    from zhengwu.accounts.models import Center

    if permissions.sees_all(user):
        return regions.overseen_centers(user)
    center_id = getattr(getattr(user, "department", None), "center_id", None)
    return Center.objects.filter(pk=center_id) if center_id else Center.objects.none()


def hall_counts(centers: QuerySet | None = None) -> list[dict]:
    """Per center (of ``centers`` when given), in three grouped queries and one for the names:

    - ``own``: the published items of the center's own departments, and ``own_in_hall`` those of
      them the center has taken in (进厅办理; seed 003: 164 of 329);
    - ``items``: every item the center handles (its own and those delegated down to it), of them
      ``full`` (全程在中心办理), ``receive_only`` (窗口只收件), ``delegated`` and ``nearby``;
    - ``kinds``: per item kind (行政许可, 公共服务, ...) the own items and those in the hall
      (seed 003: 行政许可 243, 非行政许可 86)."""
    from django.db.models import Count, Exists, OuterRef

    from zhengwu.accounts.models import Center

    if centers is None:
        centers = Center.objects.all()
    chosen = centers.values("pk")
    handled = (
        CenterItem.objects.filter(center__in=chosen, item__status=ServiceItem.Status.PUBLISHED)
        .order_by()
        .values("center_id")
        .annotate(
            items=Count("pk"),
            full=Count("pk", filter=Q(handling="full")),
            receive_only=Count("pk", filter=Q(handling="receive_only")),
            delegated=Count("pk", filter=Q(delegated_by__isnull=False)),
            nearby=Count("pk", filter=Q(nearby=True)),
        )
    )
    in_hall = CenterItem.objects.filter(item=OuterRef("pk"), center=OuterRef("department__center"))
    own = (
        ServiceItem.objects.filter(status=ServiceItem.Status.PUBLISHED)
        .filter(department__center__in=chosen)
        .annotate(stationed=Exists(in_hall))
        .order_by()
        .values("department__center_id", "current_version__kind")
        .annotate(total=Count("pk"), in_hall=Count("pk", filter=Q(stationed=True)))
    )
    counts: dict[int, dict] = {}

    def row(center_id: int) -> dict:
        return counts.setdefault(
            center_id,
            {
                "own": 0,
                "own_in_hall": 0,
                "items": 0,
                "full": 0,
                "receive_only": 0,
                "delegated": 0,
                "nearby": 0,
                "by_kind": {},
            },
        )

    for r in handled:
        row(r.pop("center_id")).update(r)
    for r in own:
        found = row(r["department__center_id"])
        found["own"] += r["total"]
        found["own_in_hall"] += r["in_hall"]
        found["by_kind"][r["current_version__kind"] or ""] = (r["total"], r["in_hall"])
    for found in counts.values():
        # 行政许可 (kind 01) and the rest, as seed 003 counts them (243 and 86 of 329).
        found["licensing"] = found["by_kind"].get(LICENSING, (0, 0))[0]
        found["non_licensing"] = found["own"] - found["licensing"]
        found["in_hall_rate"] = Ratio(found["own_in_hall"], found["own"])
    centers = Center.objects.filter(pk__in=list(counts)).select_related("region")
    out = []
    for center in sorted(centers, key=lambda c: (c.region.path if c.region_id else "", c.code)):
        out.append({"code": center.code, "name": center.name, **counts[center.pk]})
    return out


def window_may_receive(window_id: int, item: ServiceItem) -> bool:
    """Whether the window ``window_id`` may receive applications for ``item``: a window of the
    item's department's own center may; a window of another center (a township's 便民服务中心)
    only when that center handles the item, delegated down to it (``catalog.stations``). One
    query: the window, unless it is elsewhere and its center does not handle the item."""
    from zhengwu.accounts.models import Window

    own_center = Department.objects.filter(pk=item.department_id).values("center_id")[:1]
    refused = (
        Window.objects.filter(pk=window_id)
        .exclude(center_id=Subquery(own_center))
        .exclude(center__items_handled__item_id=item.pk)
    )
    return not refused.exists()
