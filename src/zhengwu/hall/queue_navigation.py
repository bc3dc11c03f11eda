"""The home page entries of the hall's queue (added to ``zhengwu.core.navigation`` when the app
is ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.roles import Role

ENTRIES = [
    (
        Role.WINDOW_CLERK,
        "hall:panel",
        _("Window panel"),
        _("Sign in to your window, call the next number, finish it and link its case."),
    ),
    (
        Role.APPLICANT,
        "hall:appointments",
        _("Appointments in the hall"),
        _("Book a time at the service hall and be called first on arrival."),
    ),
    (
        Role.DEPARTMENT_HEAD,
        "hall:figures",
        _("Queue figures"),
        _("Numbers taken and served, waiting times and no-shows per business, window and hour."),
    ),
    (
        Role.SUPERVISOR,
        "hall:figures",
        _("Queue figures"),
        _("Numbers taken and served, waiting times and no-shows per business, window and hour."),
    ),
    (
        Role.LEADER,
        "hall:figures",
        _("Queue figures"),
        _("Numbers taken and served, waiting times and no-shows per business, window and hour."),
    ),
]
