"""The home page entries of the outbound exchange (added to ``zhengwu.core.navigation`` when the
app is ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.roles import Role

_OUTBOX = (
    "exchange:outbox",
    _("Outbox to other platforms"),
    _("What goes to the provincial platform and the other hotlines, and what was refused."),
)
_TRANSFERS = (
    "exchange:transfers",
    _("Ticket transfers"),
    _("Tickets handed over to other hotlines and 110, and their acknowledgments."),
)

ENTRIES = [
    (Role.SUPERVISOR, *_OUTBOX),
    (Role.ADMIN, *_OUTBOX),
    (Role.OPERATOR, *_TRANSFERS),
    (Role.SUPERVISOR, *_TRANSFERS),
]
