"""What each role's home page offers: (role, url name, label, description), in order.

The entries below name pages by URL name only, so this module imports no app. An app whose entries
carry its own labels adds them in its ``AppConfig.ready()`` with ``add()`` (the assessment and
ratings apps do); the home view shows the entries of the user's roles whose URL exists.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.roles import Role

ENTRIES: list[tuple[Role, str, object, object]] = [
    (
        Role.APPLICANT,
        "portal:home",
        _("My applications"),
        _("Apply online, hand in missing materials and follow your cases."),
    ),
    (
        Role.WINDOW_CLERK,
        "cases:workbench",
        _("Window workbench"),
        _("Take in applications, issue notices, accept and deliver."),
    ),
    (
        Role.WINDOW_CLERK,
        "cases:new",
        _("New window application"),
        _("File an application handed in at the window."),
    ),
    (
        Role.REVIEWER,
        "cases:workbench",
        _("Cases to review"),
        _("Your department's cases under review, with their due dates."),
    ),
    (
        Role.DEPARTMENT_HEAD,
        "cases:workbench",
        _("Department cases"),
        _("Review, decide and approve extensions for your department."),
    ),
    (
        Role.SUPERVISOR,
        "cases:workbench",
        _("All cases"),
        _("Every department's cases, warnings and overdue cases."),
    ),
    (Role.LEADER, "cases:workbench", _("All cases"), _("Every department's cases.")),
    (
        Role.SUPERVISOR,
        "supervision:board",
        _("Supervision board"),
        _("Open cases by department and level, warnings and irregularities to review."),
    ),
    (
        Role.LEADER,
        "supervision:board",
        _("Supervision board"),
        _("Open cases by department and level, warnings and irregularities."),
    ),
    (
        Role.DEPARTMENT_HEAD,
        "supervision:board",
        _("Department supervision"),
        _("Your department's warnings and irregularities."),
    ),
    (
        Role.REVIEWER,
        "notifications:inbox",
        _("Notifications"),
        _("Warnings about your department's cases."),
    ),
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
    # The assessment app's entries come here (``add(..., before="tickets:new")``).
    # Hotline tickets (12345).
    (
        Role.OPERATOR,
        "tickets:new",
        _("Take a call"),
        _("Register a call with suggestions, answer on the spot or transfer an emergency."),
    ),
    (
        Role.OPERATOR,
        "tickets:workbench",
        _("Hotline tickets"),
        _("Dispatch, review returns and extensions, call callers back."),
    ),
    (
        Role.OPERATOR,
        "tickets:knowledge",
        _("Knowledge base"),
        _("Guides and earlier answers for the caller's question."),
    ),
    (
        Role.WINDOW_CLERK,
        "tickets:workbench",
        _("Hotline tickets"),
        _("Accept, return, extend and reply to the tickets sent to your unit."),
    ),
    (
        Role.REVIEWER,
        "tickets:workbench",
        _("Hotline tickets"),
        _("Accept, return, extend and reply to the tickets sent to your unit."),
    ),
    (
        Role.DEPARTMENT_HEAD,
        "tickets:workbench",
        _("Hotline tickets"),
        _("Your department's tickets and their deadlines."),
    ),
    (
        Role.SUPERVISOR,
        "tickets:workbench",
        _("Hotline supervision"),
        _("Urge late tickets and investigate efficiency complaints."),
    ),
    (Role.LEADER, "tickets:workbench", _("Hotline tickets"), _("Overdue and urged tickets.")),
    (
        Role.SUPERVISOR,
        "tickets:reports",
        _("Ticket reports"),
        _("Efficiency complaints by category, substantiation rates, units' rates."),
    ),
    (
        Role.LEADER,
        "tickets:reports",
        _("Ticket reports"),
        _("Efficiency complaints by category, substantiation rates, units' rates."),
    ),
    (Role.ADMIN, "tickets:workbench", _("Hotline tickets"), _("Every ticket and queue.")),
    (
        Role.APPLICANT,
        "tickets:submit",
        _("Send a request to the hotline"),
        _("Ask, ask for help, complain, report or suggest, and follow the answer."),
    ),
]


def add(entries, *, before: str | None = None) -> None:
    """Add an app's ``(role, url name, label, description)`` entries: at the end, or in front of
    the first entry of the URL name ``before``."""
    entries = list(entries)
    urls = [url for _role, url, _label, _description in ENTRIES]
    at = urls.index(before) if before in urls else len(ENTRIES)
    ENTRIES[at:at] = entries
