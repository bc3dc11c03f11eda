"""Reads of the licence register. Staff and center-wide roles read any holder's licences (信息
共享); an applicant only their own."""

from __future__ import annotations

from django.db.models import QuerySet

from zhengwu.core.roles import STAFF_ROLES, role_names
from zhengwu.licences.models import CompositeLicence, Licence


def of_holder(user, holder: str) -> QuerySet[Licence]:
    holder = str(holder or "").strip().upper()[:18]
    queryset = (
        Licence.objects.filter(holder=holder).select_related("case").order_by("-valid_from", "-id")
    )
    if role_names(user) & STAFF_ROLES:
        return queryset
    return queryset.filter(applicant__user=user)


VALID, EXPIRED, REVOKED, NOT_YET = "valid", "expired", "revoked", "not_yet_valid"


def status_on(licence, on) -> str:
    """A licence (or a composite one) on day ``on``: revoked, not yet valid, expired or valid."""
    if licence.revoked_on is not None and licence.revoked_on <= on:
        return REVOKED
    if licence.valid_from > on:
        return NOT_YET
    if licence.valid_to is not None and licence.valid_to < on:
        return EXPIRED
    return VALID


def by_verify_code(code: str):
    """The composite or single licence whose verification code is ``code``, else None."""
    code = str(code or "").strip().upper()[:32]
    if not code or "\x00" in code:
        return None
    found = (
        CompositeLicence.objects.select_related("issuer", "applicant")
        .filter(verify_code=code)
        .first()
    )
    if found is not None:
        return found
    return (
        Licence.objects.select_related("applicant", "case__department", "type")
        .filter(verify_code=code)
        .first()
    )


def composite_of(joint) -> CompositeLicence | None:
    return CompositeLicence.objects.filter(joint=joint).first()
