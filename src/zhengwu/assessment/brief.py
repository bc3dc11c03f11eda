"""The monthly brief (月度简报): departments and windows ranked by a weighted score, the change
against last month, the "last three two months running" flag, and the month's warnings and
irregularities from e-supervision, the 一件事 section (joint applications per scene, from the
joint provider's ``scene_rows``), and the sections other apps register
(``zhengwu.assessment.report_sections``). Reads only; the formulas are
``zhengwu.assessment.formulas``.

Weights [cfg]: ``ZHENGWU_BRIEF_WEIGHTS`` (a Django setting, or the environment variable holding
JSON such as ``{"on_time_rate": 40, "online_rate": 20}``); ``formulas.DEFAULT_WEIGHTS``
otherwise. A group's score is the weighted mean, in percent, of its weighted indicators that have
data (docs/assessment.md).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Hashable
from dataclasses import dataclass, field
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from zhengwu.assessment import formulas, selectors
from zhengwu.assessment.formulas import Count
from zhengwu.core import clock
from zhengwu.core.errors import Forbidden, ValidationFailed

# The indicators shown in the brief's ranking tables (the weighted ones come first).
TABLE_KEYS = (
    "completion_rate",
    "on_time_rate",
    "late_rate",
    "immediate_rate",
    "online_rate",
    "promised_speedup",
    "satisfaction_rate",
)


def weights() -> dict[str, Fraction]:
    """The score weights in force (validated)."""
    raw = getattr(settings, "ZHENGWU_BRIEF_WEIGHTS", None)
    if raw is None:
        raw = os.environ.get("ZHENGWU_BRIEF_WEIGHTS") or None
    if raw is None:
        return formulas.validate_weights(formulas.DEFAULT_WEIGHTS)
    try:
        if isinstance(raw, str):
            raw = json.loads(raw)
        return formulas.validate_weights(raw)
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(f"ZHENGWU_BRIEF_WEIGHTS: {error}") from error


@dataclass
class Ranked:
    key: Hashable
    name: str
    indicators: dict[str, Count]
    score: Fraction | None
    rank: int | None
    previous_score: Fraction | None
    previous_rank: int | None
    last_places: bool  # in the last three this month
    flagged: bool  # in the last three this month and last month

    @property
    def score_change(self) -> Fraction | None:
        if self.score is None or self.previous_score is None:
            return None
        return self.score - self.previous_score

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive) or lost since last month."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


@dataclass
class Brief:
    year: int
    month: int
    start: dt.date
    end: dt.date
    weights: dict[str, Fraction]
    total: selectors.Row
    previous_total: selectors.Row
    departments: list[Ranked]
    windows: list[Ranked]
    warnings: dict[str, int] = field(default_factory=dict)
    previous_warnings: dict[str, int] = field(default_factory=dict)
    irregularities: list[tuple[str, str, int]] = field(default_factory=list)
    top_cases: list[dict] = field(default_factory=list)
    joint_scenes: list = field(default_factory=list)  # joint_indicators.SceneRow per scene
    sections: list = field(default_factory=list)  # report_sections.ReportSection of other apps

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def slug(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def flagged_departments(self) -> list[Ranked]:
        return [r for r in self.departments if r.flagged]

    @property
    def flagged_windows(self) -> list[Ranked]:
        return [r for r in self.windows if r.flagged]


def _ranked(current: list[selectors.Row], previous: list[selectors.Row], used) -> list[Ranked]:
    now_scores = {r.key: formulas.score(_values(r), used) for r in current}
    then_scores = {r.key: formulas.score(_values(r), used) for r in previous}
    now_ranks, then_ranks = formulas.rank(now_scores), formulas.rank(then_scores)
    last = formulas.in_last_places(now_ranks)
    flagged = formulas.last_places_twice(now_ranks, then_ranks)
    rows = [
        Ranked(
            key=r.key,
            name=r.name,
            indicators=r.indicators,
            score=now_scores[r.key],
            rank=now_ranks.get(r.key),
            previous_score=then_scores.get(r.key),
            previous_rank=then_ranks.get(r.key),
            last_places=r.key in last,
            flagged=r.key in flagged,
        )
        for r in current
    ]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.name))
    return rows


def _values(row: selectors.Row) -> dict[str, Fraction | None]:
    return {k: c.value for k, c in row.indicators.items()}


def month_of(text: str) -> tuple[int, int]:
    """``"2025-10"`` → ``(2025, 10)``; ``ValidationFailed`` for anything else or the future."""
    try:
        year, month = formulas.parse_month(text)
    except ValueError:
        raise ValidationFailed({"month": [_("Enter a month as YYYY-MM.")]}) from None
    today = clock.today()
    if (year, month) > (today.year, today.month):
        raise ValidationFailed({"month": [_("The month has not begun yet.")]})
    return year, month


def last_complete_month() -> tuple[int, int]:
    today = clock.today()
    return formulas.previous_month(today.year, today.month)


def may_read(user) -> bool:
    """The brief and the dashboard rank every department: supervisors, leaders, admins."""
    return selectors.sees_everything(user)


def build(*, year: int, month: int, department_ids: list[int] | None = None) -> Brief:
    """The brief of a month, for the whole deployment or (``department_ids``, a reader's scope:
    ``assessment.selectors.department_scope``) the centers a reader oversees."""
    from zhengwu.assessment import report_sections
    from zhengwu.assessment.joint_indicators import scene_rows
    from zhengwu.supervision import selectors as supervision

    used = weights()
    start, end = formulas.month_range(year, month)
    before = formulas.month_range(*formulas.previous_month(year, month))

    def tables(group, period):
        return selectors.table(
            start=period[0], end=period[1], group=group, department_ids=department_ids
        )

    departments_now = tables("department", (start, end))
    departments_then = tables("department", before)
    windows_now = [r for r in tables("window", (start, end)) if r.key is not None]
    windows_then = [r for r in tables("window", before) if r.key is not None]
    return Brief(
        year=year,
        month=month,
        start=start,
        end=end,
        weights=used,
        total=selectors.center_total(departments_now),
        previous_total=selectors.center_total(departments_then),
        departments=_ranked(departments_now, departments_then, used),
        windows=_ranked(windows_now, windows_then, used),
        warnings=supervision.warning_counts(start=start, end=end, department_ids=department_ids),
        previous_warnings=supervision.warning_counts(
            start=before[0], end=before[1], department_ids=department_ids
        ),
        irregularities=supervision.irregularity_counts(
            start=start, end=end, department_ids=department_ids
        ),
        top_cases=supervision.top_irregular_cases(
            start=start, end=end, limit=10, department_ids=department_ids
        ),
        joint_scenes=scene_rows(start=start, end=end, department_ids=department_ids),
        sections=report_sections.build_all(start=start, end=end, department_ids=department_ids),
    )


def brief_for(user, month_text: str) -> Brief:
    if not may_read(user):
        raise Forbidden(_("Only supervisors and leaders may read the monthly brief."))
    year, month = month_of(month_text)
    return build(year=year, month=month, department_ids=selectors.department_scope(user))
