"""Who may see and change the catalogue's staff side.

- administrators see and edit every item (and import the whole catalogue);
- supervisors see every item, edit none;
- department heads see and edit the items of their own department;
- everybody else has no staff access (the public pages need no login).
"""

from __future__ import annotations

from zhengwu.core.roles import Role, has_role


def can_manage(user) -> bool:
    """May open the staff pages at all."""
    return has_role(user, Role.ADMIN, Role.SUPERVISOR, Role.DEPARTMENT_HEAD)


def sees_all(user) -> bool:
    return has_role(user, Role.ADMIN, Role.SUPERVISOR)


def can_edit_all(user) -> bool:
    return has_role(user, Role.ADMIN)


def can_edit_any(user) -> bool:
    """May edit at least some items (so the create and import pages make sense)."""
    return has_role(user, Role.ADMIN) or (
        has_role(user, Role.DEPARTMENT_HEAD) and user.department_id is not None
    )


def can_edit_department(user, department_id: int | None) -> bool:
    if can_edit_all(user):
        return True
    return (
        has_role(user, Role.DEPARTMENT_HEAD)
        and department_id is not None
        and user.department_id == department_id
    )
