"""What each role's home page offers: (role, url name, label, description), in order.

Apps add their entries here as their pages arrive; the home view shows the entries of the user's
roles whose URL exists.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.roles import Role

ENTRIES: list[tuple[Role, str, object, object]] = [
    (
        Role.APPLICANT,
        "catalog:public_list",
        _("Service guides"),
        _("Find a service and its guide."),
    ),
    (
        Role.WINDOW_CLERK,
        "catalog:public_list",
        _("Service guides"),
        _("Look up an item's materials and limits for a caller."),
    ),
    (Role.REVIEWER, "catalog:public_list", _("Service guides"), _("Items and their guides.")),
    (
        Role.DEPARTMENT_HEAD,
        "catalog:staff_list",
        _("Manage service items"),
        _("Edit, publish and retire your department's items."),
    ),
    (
        Role.SUPERVISOR,
        "catalog:staff_list",
        _("Service catalogue"),
        _("Review every department's items."),
    ),
    (Role.LEADER, "catalog:public_list", _("Service guides"), _("The public catalogue.")),
    (
        Role.ADMIN,
        "catalog:staff_list",
        _("Manage service items"),
        _("Edit, import and export the whole catalogue."),
    ),
    (
        Role.ADMIN,
        "workdays:calendar",
        _("Working-day calendar"),
        _("Check the calendar and enter next year's official schedule."),
    ),
    (Role.ADMIN, "admin:index", _("System administration"), _("Users, departments and windows.")),
]
