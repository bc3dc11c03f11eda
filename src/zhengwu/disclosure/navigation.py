"""The home page entries of the disclosure requests (added to ``zhengwu.core.navigation`` when the
app is ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.roles import Role

ENTRIES = [
    (
        Role.DISCLOSURE_OFFICER,
        "disclosure:queues",
        _("Information requests"),
        _("Route, ask for supplements, consult, extend and reply within the legal periods."),
    ),
    (
        Role.DISCLOSURE_OFFICER,
        "disclosure:register",
        _("Register a request"),
        _("A request handed in at the office, sent by post or by fax."),
    ),
    (
        Role.APPLICANT,
        "disclosure:apply",
        _("Request government information"),
        _("Ask for information the government makes or keeps, and follow the reply."),
    ),
    (
        Role.APPLICANT,
        "disclosure:mine",
        _("My information requests"),
        _("Your requests for government information, their notices and replies."),
    ),
]
