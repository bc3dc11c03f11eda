"""Sections other apps add to the monthly brief and the leader dashboard (DESIGN.md: a new domain
registers a provider and the brief and the dashboard gain a section from it, never a second
report engine).

A section builder is ``build(*, start, end[, department_ids]) -> ReportSection`` for a month
(local dates, both included): a title, a sentence, its tables
(``zhengwu.assessment.documents.Table``: key, title, headers, rows) and its definitions (rows of
name, formula and date basis, shown beside the numbers); with ``department_ids`` it counts those
departments only (a regional reader's brief shows only the sections that can be so scoped).
The brief shows the sections after its own, numbered on (page, .docx and .xlsx); the dashboard
shows them under its charts. An app registers its builder when it is ready::

    from zhengwu.assessment import report_sections
    report_sections.register("trading", trading_section)
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class ReportSection:
    key: str
    title: str
    sentence: str
    tables: list = field(default_factory=list)  # documents.Table
    definitions: list[tuple[str, str, str]] = field(default_factory=list)


Builder = Callable[..., ReportSection]
_BUILDERS: dict[str, Builder] = {}


def register(key: str, build: Builder) -> None:
    _BUILDERS[key] = build


def unregister(key: str) -> None:
    _BUILDERS.pop(key, None)


def build_all(
    *, start: dt.date, end: dt.date, department_ids: list[int] | None = None
) -> list[ReportSection]:
    """Every section of the month; for a reader of some departments only (``department_ids``,
    ``assessment.selectors.department_scope``), the sections whose builder takes
    ``department_ids`` (and counts those only): a section that cannot be scoped is not shown."""
    if department_ids is None:
        return [build(start=start, end=end) for build in _BUILDERS.values()]
    return [
        build(start=start, end=end, department_ids=department_ids)
        for build in _BUILDERS.values()
        if "department_ids" in inspect.signature(build).parameters
    ]
