"""Reads of scenes and joint cases, filtered in one query by the caller's scope.

Who sees a joint case: center-wide roles (supervisor, leader, admin) all; staff of its lead
department all of it; staff of a department with an item in it the joint summary and their own
child (``child_visible``), not another department's child; the applicant their own.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from zhengwu.accounts import regions
from zhengwu.cases.selectors import staff_department_ids
from zhengwu.core.cursors import decode_cursor, encode_cursor
from zhengwu.core.errors import NotFound
from zhengwu.core.roles import CENTER_WIDE_ROLES, Role, role_names
from zhengwu.joint.models import (
    OPEN_STATE_VALUES,
    JointCase,
    JointChild,
    Scene,
    SceneItem,
    SceneMaterial,
    SceneVersion,
)


def scope(user) -> Q:
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    roles = role_names(user)
    if roles & CENTER_WIDE_ROLES:
        return regions.department_q(user, "lead_department")
    q = Q(pk__in=[])
    departments = sorted(staff_department_ids(user))
    if departments:
        # Every item of a joint case has its row from the filing on, and the lead department
        # handles one of the items (a publishing rule, ``scenes.scene_problems``): one EXISTS
        # covers the lead department and the co-reviewing ones. Without an OR beside it,
        # PostgreSQL probes the children's (department, joint) index per joint case instead of
        # hashing every child of the department on each query (62 ms → 1 ms over 600,000
        # children, bench/joint.py).
        q |= Q(
            Exists(JointChild.objects.filter(joint=OuterRef("pk"), department_id__in=departments))
        )
    if Role.APPLICANT in roles:
        q |= Q(owner_id=user.pk)
    return q


def visible(user) -> QuerySet[JointCase]:
    return JointCase.objects.filter(scope(user))


def sees_everything(user, joint: JointCase) -> bool:
    """The lead department's staff, center-wide roles and the applicant see every child."""
    roles = role_names(user)
    if joint.owner_id == user.pk:
        return True
    if roles & CENTER_WIDE_ROLES:
        return regions.in_oversight(user, joint.lead_department_id)
    return joint.lead_department_id in staff_department_ids(user)


def child_visible(user, joint: JointCase, child: JointChild) -> bool:
    return sees_everything(user, joint) or child.department_id in staff_department_ids(user)


def published_scenes() -> QuerySet[Scene]:
    return (
        Scene.objects.filter(status=Scene.Status.PUBLISHED)
        .select_related("current_version__lead_department")
        .order_by("code")
    )


def scene_items() -> QuerySet[SceneItem]:
    """A version's items in order, with what the scene rules read of each (the item's department
    and current version, and its count of process steps) in the same query."""
    return (
        SceneItem.objects.select_related("item__department", "item__current_version")
        .annotate(step_count=Count("item__current_version__steps"))
        .order_by("stage", "position")
    )


def published_scenes_with_items() -> QuerySet[Scene]:
    """The published scenes with their current version's items (``scene_items``): the scene
    report reads every scene's figures in three queries, however many scenes and items."""
    return (
        published_scenes()
        .select_related("current_version__scene")
        .prefetch_related(Prefetch("current_version__items", queryset=scene_items()))
    )


@dataclass(frozen=True)
class JointFilters:
    """The filters of a joint case list (the API's and the pages'); empty means any."""

    state: tuple[str, ...] = ()
    scene: str = ""
    level: str = ""
    lead_department: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    project_code: str = ""  # the printed form (``services.clean_project_code``)


def filtered(user, filters: JointFilters) -> QuerySet[JointCase]:
    """The joint cases ``user`` may see that match ``filters``, in one query."""
    queryset = visible(user)
    if filters.state:
        queryset = queryset.filter(state__in=filters.state)
    if filters.scene:
        queryset = queryset.filter(scene__code=filters.scene[:64])
    if filters.level:
        queryset = queryset.filter(level=filters.level)
    if filters.lead_department:
        queryset = queryset.filter(lead_department__code=filters.lead_department[:32])
    if filters.received_from:
        queryset = queryset.filter(received_on__gte=filters.received_from)
    if filters.received_to:
        queryset = queryset.filter(received_on__lte=filters.received_to)
    if filters.project_code:
        queryset = queryset.filter(project_code=filters.project_code)
    return queryset


def page(
    queryset: QuerySet[JointCase], *, after: str = "", limit: int = 20
) -> tuple[list[JointCase], str]:
    """Keyset paging, newest first: ``(joint cases, next cursor or "")``. No COUNT is run."""
    after_id = decode_cursor(after)
    if after_id is not None:
        queryset = queryset.filter(id__lt=after_id)
    rows = list(
        queryset.select_related("scene", "scene_version", "lead_department", "applicant").order_by(
            "-id"
        )[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1].pk) if more and rows else ""


# ---------------------------------------------------------------- a published version's content

# A published scene version's items and merged materials never change (a new draft is a new
# version), so a process keeps them by version id, as the catalogue keeps its published item
# versions (``catalog.selectors.intake_version``): filing reads them without a query.
CONTENT_CACHE_SIZE = 256
_contents: OrderedDict[int, tuple[list[SceneItem], list[SceneMaterial]]] = OrderedDict()
_contents_lock = threading.Lock()


def published_content(version) -> tuple[list[SceneItem], list[SceneMaterial]]:
    """``(items with their item and department, merged materials)`` of a published version,
    in order; shared: read them, never change them."""
    with _contents_lock:
        found = _contents.get(version.pk)
        if found is not None:
            _contents.move_to_end(version.pk)
            return found
    items = list(
        SceneItem.objects.filter(version_id=version.pk)
        .select_related("item__department")
        .order_by("stage", "position", "id")
    )
    materials = list(SceneMaterial.objects.filter(version_id=version.pk).order_by("position", "id"))
    found = (items, materials)
    if version.status == "published":
        with _contents_lock:
            _contents[version.pk] = found
            while len(_contents) > CONTENT_CACHE_SIZE:
                _contents.popitem(last=False)
    return found


def forget_published_contents() -> None:
    """Empty this process's cache (tests reuse ids on fresh databases)."""
    with _contents_lock:
        _contents.clear()


def staff_scenes(*, q: str = "", status: str = "", lead: str = "") -> QuerySet[Scene]:
    """Every scene for the managing pages, filtered by a code or name substring, its status
    (or ``has_draft``) and its lead department's code; newest change first."""
    queryset = Scene.objects.select_related(
        "current_version__lead_department", "draft_version__lead_department"
    )
    if q:
        queryset = queryset.filter(
            Q(code__icontains=q)
            | Q(current_version__name__icontains=q)
            | Q(draft_version__name__icontains=q)
        )
    if status == "has_draft":
        queryset = queryset.filter(draft_version__isnull=False)
    elif status:
        queryset = queryset.filter(status=status)
    if lead:
        queryset = queryset.filter(
            Q(current_version__lead_department__code=lead)
            | Q(draft_version__lead_department__code=lead)
        )
    return queryset.order_by("code")


def scene_for_staff(code: str) -> Scene:
    found = (
        Scene.objects.select_related(
            "current_version__lead_department", "draft_version__lead_department"
        )
        .filter(code=str(code or "")[:64])
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def published_scene(code: str) -> SceneVersion:
    found = published_scenes().filter(code=str(code or "")[:64]).first()
    if found is None or found.current_version is None:
        raise NotFound()
    return found.current_version


def scene_content(version: SceneVersion) -> dict:
    """A version's content in the shape ``services.save_scene`` takes (and Excel holds)."""
    stages: list[list[str]] = []
    for entry in version.items.select_related("item").order_by("stage", "position", "id"):
        while len(stages) <= entry.stage:
            stages.append([])
        stages[entry.stage].append(entry.item.impl_code)
    return {
        "code": version.scene.code,
        "name": version.name,
        "lead_department": version.lead_department.code,
        "promised_limit": version.promised_limit,
        "composite_licence": version.composite_licence,
        "stages": stages,
        "stage_names": list(version.stage_names),
    }


def scene_content_of(code: str) -> dict | None:
    """The content of scene ``code``'s published version, when it has one and no draft."""
    found = Scene.objects.filter(code=code).select_related("current_version__scene").first()
    if found is None or found.current_version is None or found.draft_version_id is not None:
        return None
    return scene_content(found.current_version)


def item_names(version: SceneVersion) -> dict[str, str]:
    """Implementation code → the name of the item's current (else draft) version."""
    names = {}
    entries = version.items.select_related("item__current_version", "item__draft_version")
    for entry in entries:
        current = entry.item.current_version or entry.item.draft_version
        names[entry.item.impl_code] = current.name if current else entry.item.impl_code
    return names


def leads(user, joint: JointCase) -> bool:
    """Whether ``user`` is on the staff of the joint case's lead department (handles it)."""
    return joint.lead_department_id in staff_department_ids(user)


def open_received_between(low: dt.datetime, high: dt.datetime) -> int:
    """Joint cases received in [low, high) and still open: their warnings would still be
    recorded in that month (``core.partitions``' archive keeps the month while any is)."""
    return JointCase.objects.filter(
        received_at__gte=low, received_at__lt=high, state__in=OPEN_STATE_VALUES
    ).count()
