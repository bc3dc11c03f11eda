"""The home page entries of the rectification ledger (added to ``zhengwu.core.navigation`` when
the app is ready)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.roles import Role

ENTRIES = [
    (
        Role.SUPERVISOR,
        "evaluation:rectification_list",
        _("Rectification ledgers"),
        _("Problems found by inspections and evaluations, their measures, deadlines and checks."),
    ),
    (
        Role.LEADER,
        "evaluation:rectification_list",
        _("Rectification ledgers"),
        _("How far every source's problems have been rectified."),
    ),
    (
        Role.DEPARTMENT_HEAD,
        "evaluation:rectification_list",
        _("Rectification measures"),
        _("Your department's measures: report progress with evidence and claim completion."),
    ),
]
