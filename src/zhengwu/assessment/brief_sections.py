"""Sections other apps add to the monthly brief and the leader dashboard (docs/assessment.md).

An app registers, in its ``AppConfig.ready()``, a builder ``build(*, start, end, previous)``
(``previous``: the month before, as ``(start, end)``) that answers a ``Part``: the section's
title, one sentence and its tables (``zhengwu.assessment.documents.Table``). The brief numbers
the parts after its own sections (六、七、…), shows them on the page, in the .docx and in the
.xlsx (one sheet per table); the dashboard shows them under its charts. With nothing registered
the brief is what it was::

    from zhengwu.assessment import brief_sections
    brief_sections.register("hall", hall_part)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The numbers of the parts, after the brief's own five sections.
NUMBERS = (
    gettext_lazy("VI"),
    gettext_lazy("VII"),
    gettext_lazy("VIII"),
    gettext_lazy("IX"),
    gettext_lazy("X"),
)


@dataclass
class Part:
    key: str
    title: str
    sentence: str
    tables: list = field(default_factory=list)
    heading: str = ""


Builder = Callable[..., Part]
_BUILDERS: dict[str, Builder] = {}


def register(key: str, build: Builder) -> None:
    """Add (or replace) the section ``key``."""
    _BUILDERS[key] = build


def unregister(key: str) -> None:
    _BUILDERS.pop(key, None)


def build_all(*, start: dt.date, end: dt.date, previous: tuple[dt.date, dt.date]) -> list[Part]:
    """Every registered section for the month ``start``..``end``, numbered in order."""
    parts = []
    for index, build in enumerate(_BUILDERS.values()):
        part = build(start=start, end=end, previous=previous)
        number = NUMBERS[index] if index < len(NUMBERS) else str(index + 6)
        part.heading = _("%(number)s. %(title)s") % {"number": number, "title": part.title}
        parts.append(part)
    return parts
