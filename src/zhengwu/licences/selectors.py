"""Reads of the licence register. Staff and center-wide roles read any holder's licences (信息
共享); an applicant only their own.

- ``of_holder``: a holder's licences (the API);
- ``register``: the staff search (holder, number, type, validity), newest first, keyset paged;
- ``valid_of_user``: the licences of the applicant's own that are valid on a day (我的证照);
- ``shows_holder``: whether a reader sees a licence's holder number unmasked (DESIGN.md Personal
  data: the staff who handle the issuing department's cases);
- ``issued_for_case``: the licence a case's grant recorded, for the case pages
  (``cases.notices.register_licence_source``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from zhengwu.cases.notices import IssuedLicence
from zhengwu.cases.selectors import staff_department_ids
from zhengwu.core.masking import CASE_HANDLING_ROLES
from zhengwu.core.roles import STAFF_ROLES, role_names
from zhengwu.licences.models import CompositeLicence, Licence

VALID, EXPIRED, REVOKED, NOT_YET = "valid", "expired", "revoked", "not_yet_valid"


def of_holder(user, holder: str) -> QuerySet[Licence]:
    holder = str(holder or "").strip().upper()[:18]
    queryset = (
        Licence.objects.filter(holder=holder).select_related("case").order_by("-valid_from", "-id")
    )
    if role_names(user) & STAFF_ROLES:
        return queryset
    return queryset.filter(applicant__user=user)


def may_search(user) -> bool:
    return bool(role_names(user) & STAFF_ROLES)


def valid_on(day: dt.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


@dataclass(frozen=True)
class RegisterFilters:
    holder: str = ""
    number: str = ""
    type: str = ""
    validity: str = ""  # "", VALID or EXPIRED


def register(filters: RegisterFilters, *, today: dt.date) -> QuerySet[Licence]:
    """The register filtered (staff only: check ``may_search``)."""
    queryset = Licence.objects.all()
    if filters.holder:
        queryset = queryset.filter(holder=filters.holder.strip().upper()[:18])
    if filters.number:
        queryset = queryset.filter(number=filters.number.strip()[:40])
    if filters.type:
        queryset = queryset.filter(type__code=filters.type[:32])
    if filters.validity == VALID:
        queryset = queryset.filter(valid_on(today))
    elif filters.validity == EXPIRED:
        queryset = queryset.filter(valid_to__lt=today)
    return queryset


def page(queryset: QuerySet[Licence], *, after_id: int | None, limit: int) -> list[Licence]:
    if after_id is not None:
        queryset = queryset.filter(id__lt=after_id)
    return list(queryset.select_related("type", "case__department").order_by("-id")[: limit + 1])


def valid_of_user(user, *, today: dt.date) -> QuerySet[Licence]:
    return (
        Licence.objects.filter(applicant__user=user)
        .filter(valid_on(today))
        .select_related("type", "case__department")
        .order_by("-valid_from", "-id")
    )


def shows_holder(user, licence: Licence, departments: set[int] | None = None) -> bool:
    if not role_names(user) & CASE_HANDLING_ROLES:
        return False
    if departments is None:
        departments = staff_department_ids(user)
    return licence.case.department_id in departments


def issued_for_case(case) -> IssuedLicence | None:
    found = Licence.objects.filter(case=case).only("number", "name", "valid_from", "valid_to")
    licence = found.first()
    if licence is None:
        return None
    return IssuedLicence(licence.number, licence.name, licence.valid_from, licence.valid_to)


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
