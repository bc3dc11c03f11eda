"""Roles are Django groups (DESIGN.md Access). The names are a contract for operator commands."""

from __future__ import annotations

import enum

from django.utils.translation import gettext_lazy as _

from zhengwu.core.queries import CompiledQuery


class Role(enum.StrEnum):
    APPLICANT = "applicant"
    WINDOW_CLERK = "window_clerk"
    REVIEWER = "reviewer"
    DEPARTMENT_HEAD = "department_head"
    SUPERVISOR = "supervisor"
    LEADER = "leader"
    ADMIN = "admin"
    # The hotline operator and dispatcher (话务员/派单员): registers and dispatches tickets, calls
    # callers back. A staff role; tickets are its own scope, cases are not (not center-wide).
    OPERATOR = "operator"
    # Staff of the public-resource trading center (交易中心工作人员): record deals, bids and the
    # steps of each deal (DOMAIN.md §12). A staff role; cases are not its scope.
    TRADING_OFFICER = "trading_officer"
    # The disclosure office (政府信息公开工作机构): registers, routes and answers requests
    # (zhengwu.disclosure); of its department, or of the whole government when it has none.
    DISCLOSURE_OFFICER = "disclosure_officer"
    # The provincial 一体化政务服务平台 as an integration account (a bearer token, no pages): files
    # the online applications received there (``channel`` online with its ``platform_number``)
    # and sees only the cases it filed.
    PLATFORM = "platform"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.APPLICANT: _("Applicant"),
    Role.WINDOW_CLERK: _("Window clerk"),
    Role.REVIEWER: _("Reviewer"),
    Role.DEPARTMENT_HEAD: _("Department head"),
    Role.SUPERVISOR: _("Supervisor"),
    Role.LEADER: _("Leader"),
    Role.ADMIN: _("Administrator"),
    Role.OPERATOR: _("Hotline operator"),
    Role.TRADING_OFFICER: _("Trading officer"),
    Role.DISCLOSURE_OFFICER: _("Disclosure officer"),
    Role.PLATFORM: _("Provincial platform"),
}

# Neither applicants nor the platform (an integration, not a person) are staff.
STAFF_ROLES = frozenset(Role) - {Role.APPLICANT, Role.PLATFORM}
# Roles that see every department's data; the others see their own department's.
CENTER_WIDE_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN})

# What the provincial platform's token may call (DOMAIN §14): filing online applications and
# reading the cases it filed, with the catalogue, the calendar and its own identity that a
# filing needs. Every other part of the API answers it 403, whatever that part lets an
# authenticated caller read.
PLATFORM_API_PATHS = ("/api/v1/cases", "/api/v1/items", "/api/v1/workdays", "/api/v1/me")


def platform_may_call(path: str) -> bool:
    """Whether the platform's token may call ``path`` (a request's path, without its query)."""
    return any(path == p or path.startswith(p + "/") for p in PLATFORM_API_PATHS)


def remember_roles(user, group_names) -> frozenset[str]:
    """Keep on the user object, for the request, the roles of its groups ``group_names`` (read
    by a query that needed more than the roles)."""
    roles = frozenset(group_names)
    if user.is_superuser:
        roles |= {Role.ADMIN.value}
    user._zhengwu_roles = roles
    return roles


def roles_read(user) -> bool:
    return getattr(user, "_zhengwu_roles", None) is not None


def _groups_of(pk):
    from django.contrib.auth.models import Group

    return Group.objects.filter(user__pk=pk).order_by().values_list("name")


# Read for most requests: compiled once (core.queries.CompiledQuery).
_GROUP_NAMES = CompiledQuery(_groups_of, kinds=(int,))


def role_names(user) -> frozenset[str]:
    """The user's role names, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_zhengwu_roles", None)
    if cached is None:
        cached = remember_roles(user, (name for (name,) in _GROUP_NAMES.rows(user.pk)))
    return cached


def has_role(user, *roles: Role | str) -> bool:
    names = role_names(user)
    return any(str(role) in names for role in roles)


def is_center_wide(user) -> bool:
    return has_role(user, *CENTER_WIDE_ROLES)
