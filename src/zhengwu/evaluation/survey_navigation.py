"""The home page entries of the surveys, bulletins and awards (``core.navigation``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.core.roles import Role

MANAGERS = (Role.SUPERVISOR, Role.LEADER, Role.ADMIN)

_SURVEYS = (
    _("Evaluations and surveys"),
    _("民主评议 and satisfaction surveys: questionnaires, anonymous links, results and reports."),
)
_BULLETIN = (
    _("Quarterly bulletin"),
    _("The quarter's indicators, ratings, tickets and rectification progress."),
)
_AWARDS = (
    _("Excellent windows"),
    _("The year's ranking of windows, the excellent ones and the last ones."),
)

ENTRIES = [
    (role, url, *words)
    for role in MANAGERS
    for url, words in (
        ("evaluation:surveys", _SURVEYS),
        ("evaluation:bulletin_index", _BULLETIN),
        ("evaluation:awards_index", _AWARDS),
    )
]


def register() -> None:
    from zhengwu.core import navigation

    navigation.add(ENTRIES)
