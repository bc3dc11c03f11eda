"""The home page entries of joint handling (``core.navigation.add``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.roles import Role

ENTRIES = [
    (
        Role.APPLICANT,
        "joint_portal:scenes",
        _("One application for one matter"),
        _("Apply once for the items of several departments, with one set of materials."),
    ),
    (
        Role.APPLICANT,
        "joint_portal:cases",
        _("My joint applications"),
        _("Follow your joint applications, hand in what the notice asks for."),
    ),
    (
        Role.WINDOW_CLERK,
        "joint:queue",
        _("Joint cases"),
        _("Take in joint applications, issue one notice, accept and deliver at once."),
    ),
    (
        Role.REVIEWER,
        "joint:queue",
        _("Joint cases"),
        _("Joint cases with an item of your department, and their clocks."),
    ),
    (
        Role.DEPARTMENT_HEAD,
        "joint:queue",
        _("Joint cases"),
        _("Joint cases your department leads or has an item in."),
    ),
    (Role.SUPERVISOR, "joint:queue", _("Joint cases"), _("Every joint case and its clock.")),
    (
        Role.LEADER,
        "joint:queue",
        _("Joint cases"),
        _("Every joint case; approve the extension of a joint period."),
    ),
]
