"""What the annual report adds to other apps when the disclosure app is ready: the assessment
indicators (a provider and its section of definitions) and the home page entries of the report."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.roles import Role

_REPORT = (
    _("Annual disclosure report"),
    _("Tables III and IV of a year, for the government or a department, with text and downloads."),
)

ENTRIES = [
    (Role.DISCLOSURE_OFFICER, "disclosure_annual:report", *_REPORT),
    (Role.SUPERVISOR, "disclosure_annual:report", *_REPORT),
    (Role.LEADER, "disclosure_annual:report", *_REPORT),
    (Role.ADMIN, "disclosure_annual:report", *_REPORT),
]


def register() -> None:
    from zhengwu.assessment import providers
    from zhengwu.assessment.definitions import register_section
    from zhengwu.core import navigation
    from zhengwu.disclosure.indicators import SECTION, disclosure_counts

    providers.register("disclosure", disclosure_counts)
    register_section(SECTION)
    navigation.add(ENTRIES)
