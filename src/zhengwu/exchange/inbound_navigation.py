"""The home page entries of the inbound exchange (``core.navigation.add``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.roles import Role

ENTRIES = [
    (
        role,
        "exchange:inbound",
        _("Reconciliation with the departments' systems"),
        _("Import a department's records; 体外循环, 两头受理 and 先办后录 found month by month."),
    )
    for role in (Role.SUPERVISOR, Role.LEADER, Role.DEPARTMENT_HEAD)
]
