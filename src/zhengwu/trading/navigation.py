"""The home page entries of the trading record (added to ``zhengwu.core.navigation`` when the app
is ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.roles import Role

ENTRIES = [
    (
        Role.TRADING_OFFICER,
        "trading:deals",
        _("Trading deals"),
        _("Every public-resource deal with its bids, committee, signals and record."),
    ),
    (
        Role.SUPERVISOR,
        "trading:board",
        _("Trading signals"),
        _("Open collusion and scoring signals by kind and department, to review."),
    ),
    (
        Role.SUPERVISOR,
        "trading:deals",
        _("Trading deals"),
        _("Every public-resource deal, its on-site log and its record."),
    ),
    (
        Role.LEADER,
        "trading:board",
        _("Trading signals"),
        _("Open collusion and scoring signals by kind and department."),
    ),
]
