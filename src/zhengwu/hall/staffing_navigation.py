"""The home page entries of the hall's staffing (added to ``zhengwu.core.navigation`` when the
app is ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.roles import Role

ENTRIES = [
    (
        Role.WINDOW_CLERK,
        "hall:attendance",
        _("Attendance"),
        _("Sign in and out, your month, leave requests."),
    ),
    (
        Role.WINDOW_CLERK,
        "hall:patrols",
        _("Patrols and duty"),
        _("Today's duty roster and patrols, findings assigned to you."),
    ),
    (
        Role.DEPARTMENT_HEAD,
        "hall:department_attendance",
        _("Department attendance sheet"),
        _("The month's attendance of your department, leave to approve."),
    ),
    (
        Role.DEPARTMENT_HEAD,
        "hall:irregularities",
        _("Hall irregularities"),
        _("Empty posts, missed patrols and findings not followed up."),
    ),
    (
        Role.LEADER,
        "hall:patrols",
        _("Patrols and duty"),
        _("Today's duty roster and patrols, findings assigned to you."),
    ),
    (
        Role.LEADER,
        "hall:rosters",
        _("Duty rosters"),
        _("Who is on duty each day: duty leaders A and B and the patrol staff."),
    ),
    (
        Role.SUPERVISOR,
        "hall:irregularities",
        _("Hall irregularities"),
        _("Empty posts, missed patrols and findings not followed up."),
    ),
    (
        Role.SUPERVISOR,
        "hall:patrol_log",
        _("Patrol log"),
        _("The six patrols a day and their completion, to print."),
    ),
    (
        Role.ADMIN,
        "hall:posts",
        _("Window posts and staffing settings"),
        _("A and B posts, the sign-in radius, graces and patrol times."),
    ),
    (
        Role.WINDOW_CLERK,
        "hall:assisted",
        _("Assisted services"),
        _("帮办代办 and home visits, with their callbacks."),
    ),
]


def register() -> None:
    """Called by the app's ``ready()``: the home entries and the staffing indicators."""
    from zhengwu.assessment import providers
    from zhengwu.assessment.definitions import register_section
    from zhengwu.core import navigation
    from zhengwu.hall.staffing_indicators import SECTION, staffing_counts

    navigation.add(ENTRIES)
    providers.register("hall_staffing", staffing_counts)
    register_section(SECTION)
