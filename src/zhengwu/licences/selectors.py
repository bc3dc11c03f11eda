"""Reads of the licence register. Staff and center-wide roles read any holder's licences (信息
共享); an applicant only their own."""

from __future__ import annotations

from django.db.models import QuerySet

from zhengwu.core.roles import STAFF_ROLES, role_names
from zhengwu.licences.models import Licence


def of_holder(user, holder: str) -> QuerySet[Licence]:
    holder = str(holder or "").strip().upper()[:18]
    queryset = (
        Licence.objects.filter(holder=holder).select_related("case").order_by("-valid_from", "-id")
    )
    if role_names(user) & STAFF_ROLES:
        return queryset
    return queryset.filter(applicant__user=user)
