"""The home page entries of 好差评 (added to ``zhengwu.core.navigation`` when the app is ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.roles import Role

_RECTIFY = (
    _("Bad-rating rectification"),
    _("Call raters back, rectify and feed back within the deadline."),
)

ENTRIES = [
    (Role.DEPARTMENT_HEAD, "ratings:tasks", *_RECTIFY),
    (Role.REVIEWER, "ratings:tasks", *_RECTIFY),
    (Role.WINDOW_CLERK, "ratings:list", _("Ratings"), _("What applicants said of the service.")),
    (
        Role.SUPERVISOR,
        "ratings:supervision",
        _("Rating supervision"),
        _("Escalated and overdue tasks, appeals, bad ratings without a callback."),
    ),
]
