"""Reads of disclosure requests, filtered in one query by the caller's scope (DESIGN.md Access).

- a disclosure officer without a department is the government's disclosure office: every
  request; one with a department: the requests routed to it;
- the supervisor, the leader and the administrator watch every request routed to a department
  they oversee (``accounts.regions``; they take no step);
- an applicant sees the requests filed from their account;
- anyone else sees none (a 404, never a 403, for a request out of scope).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zhengwu.accounts import regions
from zhengwu.core.roles import CENTER_WIDE_ROLES, Role, role_names
from zhengwu.disclosure.models import DisclosureEvent, DisclosureRequest

NUMBER_MAX = 32


def officer_scope(user) -> Q | None:
    """The requests ``user`` handles as a disclosure officer; None when not one."""
    if Role.DISCLOSURE_OFFICER not in role_names(user):
        return None
    if user.department_id is None:
        return Q()
    return Q(department_id=user.department_id)


def scope(user) -> Q:
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    roles = role_names(user)
    if roles & CENTER_WIDE_ROLES:
        return regions.department_q(user)  # the departments they oversee (accounts.regions)
    q = Q(pk__in=[])
    handled = officer_scope(user)
    if handled is not None:
        if not handled:  # the government's disclosure office (an empty Q would be absorbed)
            return Q()
        q |= handled
    if Role.APPLICANT in roles:
        q |= Q(owner_id=user.pk)
    return q


def visible(user) -> QuerySet[DisclosureRequest]:
    return DisclosureRequest.objects.filter(scope(user))


def clean_number(number) -> str:
    number = str(number or "")[:NUMBER_MAX]
    return "" if "\x00" in number else number


def find_by_number_and_phone(number: str, phone: str) -> DisclosureRequest | None:
    """The public follow-up: a request by its number and the applicant's phone (both must match)."""
    number, phone = clean_number(number), str(phone or "").strip()[:20]
    if not number or not phone or "\x00" in phone:
        return None
    return DisclosureRequest.objects.filter(number=number, phone=phone).first()


def events(request: DisclosureRequest) -> QuerySet[DisclosureEvent]:
    return request.events.order_by("seq")
