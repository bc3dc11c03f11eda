"""Reads of scenes and joint cases, filtered in one query by the caller's scope.

Who sees a joint case: center-wide roles (supervisor, leader, admin) all; staff of its lead
department all of it; staff of a department with an item in it the joint summary and their own
child (``child_visible``), not another department's child; the applicant their own.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from zhengwu.cases.selectors import staff_department_ids
from zhengwu.core.roles import CENTER_WIDE_ROLES, Role, role_names
from zhengwu.joint.models import JointCase, JointChild, Scene


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


def leads(user, joint: JointCase) -> bool:
    """Whether ``user`` is on the staff of the joint case's lead department (handles it)."""
    return joint.lead_department_id in staff_department_ids(user)
