"""Rule problems in words: the active language's message for each ``rules.Problem``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhengwu.catalog import rules
from zhengwu.catalog.rules import Problem

EXTRA_MESSAGES = {
    "valid_from_future": _("The valid-from date cannot be later than today (%(today)s)."),
    "valid_from_before_current": _(
        "The valid-from date cannot be earlier than that of the current version (%(current)s)."
    ),
    "reason_missing": _("State the reason for retiring the item."),
}


def problem_message(problem: Problem) -> str:
    """The problem in the active language, e.g. 承诺办结时限（25个工作日）不得超过法定办结时限…"""
    template = EXTRA_MESSAGES.get(problem.code) or gettext(rules.MESSAGES[problem.code])
    params = {
        key: formats.date_format(value, "DATE_FORMAT") if isinstance(value, dt.date) else value
        for key, value in problem.params.items()
    }
    return str(template) % params if params else str(template)


def problems_to_errors(problems: Sequence[Problem]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(problem.field, []).append(problem_message(problem))
    return errors
