"""Reads of scenes and joint cases, filtered in one query by the caller's scope.

Who sees a joint case: center-wide roles (supervisor, leader, admin) all; staff of its lead
department all of it; staff of a department with an item in it the joint summary and their own
child (``child_visible``), not another department's child; the applicant their own.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from zhengwu.cases.selectors import staff_department_ids
from zhengwu.core.errors import NotFound
from zhengwu.core.roles import CENTER_WIDE_ROLES, Role, role_names
from zhengwu.joint.models import JointCase, JointChild, Scene, SceneVersion


def scope(user) -> Q:
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    roles = role_names(user)
    if roles & CENTER_WIDE_ROLES:
        return Q()
    q = Q(pk__in=[])
    departments = sorted(staff_department_ids(user))
    if departments:
        q |= Q(lead_department_id__in=departments)
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
    if roles & CENTER_WIDE_ROLES or joint.owner_id == user.pk:
        return True
    return joint.lead_department_id in staff_department_ids(user)


def child_visible(user, joint: JointCase, child: JointChild) -> bool:
    return sees_everything(user, joint) or child.department_id in staff_department_ids(user)


def published_scenes() -> QuerySet[Scene]:
    return (
        Scene.objects.filter(status=Scene.Status.PUBLISHED)
        .select_related("current_version__lead_department")
        .order_by("code")
    )


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
