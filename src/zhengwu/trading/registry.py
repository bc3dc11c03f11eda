"""What the trading app adds to other apps when it is ready: the assessment provider and its
section of definitions, the brief's and the dashboard's 交易监管 section, the home page entry of
the import page."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.roles import Role

ENTRIES = [
    (
        Role.TRADING_OFFICER,
        "trading_import:import",
        _("Import deals"),
        _("Deals from the template (.xlsx, .csv) or from OCDS release packages."),
    ),
]


def register() -> None:
    from zhengwu.assessment import providers, report_sections
    from zhengwu.assessment.definitions import register_section
    from zhengwu.core import navigation
    from zhengwu.trading import report

    providers.register("trading", report.trading_counts)
    register_section(report.SECTION)
    report_sections.register("trading", report.section)
    navigation.add(ENTRIES)
