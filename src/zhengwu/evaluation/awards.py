"""The year's 优秀窗口 selection and the windows ranked last (rules: ``award_rules``): the windows'
indicators for the year from the assessment (``assessment.selectors.table``), scored with the
monthly brief's weights; the criteria are shown with the result. Reads only."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.assessment import brief, formulas
from zhengwu.assessment import selectors as assessment
from zhengwu.assessment.definitions import definition
from zhengwu.core import clock
from zhengwu.core.display import cn_date
from zhengwu.core.errors import ValidationFailed
from zhengwu.evaluation import award_rules, report_files
from zhengwu.evaluation.report_files import Part, Table

REASONS = {
    "no_score": gettext_lazy("no score (no data for the weighted indicators)"),
    "few_cases": gettext_lazy("too few completed cases"),
    "low_satisfaction": gettext_lazy("satisfaction rate below the minimum"),
}


def _setting(name: str, default):
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name) or None
    return default if value is None else value


def criteria() -> dict:
    """The selection's settings [cfg]: ``ZHENGWU_AWARD_COUNT`` (8), ``ZHENGWU_AWARD_MIN_COMPLETED``
    (20), ``ZHENGWU_AWARD_MIN_SATISFACTION`` (90, in percent), ``ZHENGWU_AWARD_LAST_PLACES`` (3)."""
    return {
        "count": int(_setting("ZHENGWU_AWARD_COUNT", award_rules.DEFAULT_COUNT)),
        "min_completed": int(
            _setting("ZHENGWU_AWARD_MIN_COMPLETED", award_rules.DEFAULT_MIN_COMPLETED)
        ),
        "min_satisfaction": Fraction(
            str(
                _setting(
                    "ZHENGWU_AWARD_MIN_SATISFACTION", award_rules.DEFAULT_MIN_SATISFACTION * 100
                )
            )
        )
        / 100,
        "last_places": int(_setting("ZHENGWU_AWARD_LAST_PLACES", award_rules.DEFAULT_LAST_PLACES)),
    }


@dataclass
class Selection:
    year: int
    start: dt.date
    end: dt.date
    criteria: dict
    weights: dict[str, Fraction]
    rows: list[award_rules.Judged]

    @property
    def selected(self) -> list[award_rules.Judged]:
        return [r for r in self.rows if r.selected]

    @property
    def last(self) -> list[award_rules.Judged]:
        return [r for r in self.rows if r.last]

    def criteria_lines(self) -> list[str]:
        weights = "、".join(f"{definition(k).label} {w}" for k, w in self.weights.items() if w)
        return [
            _(
                "Ranked by the year's weighted score of the monthly brief's indicators "
                "(weights: %(weights)s)."
            )
            % {"weights": weights},
            _(
                "Eligible: at least %(count)s cases completed in the year, and a satisfaction "
                "rate of at least %(rate)s where rated."
            )
            % {
                "count": self.criteria["min_completed"],
                "rate": formulas.percent_text(self.criteria["min_satisfaction"], 1),
            },
            _(
                "The first %(count)s eligible windows by rank are chosen (ties with the last "
                "one chosen too)."
            )
            % {"count": self.criteria["count"]},
            _("The windows in the last %(places)s places are listed for a review of 退回原单位.")
            % {"places": self.criteria["last_places"]},
        ]


def year_of(text) -> int:
    text = str(text or "").strip()
    if not (len(text) == 4 and text.isdigit()) or int(text) < 2000:
        raise ValidationFailed({"year": [_("Enter a year such as 2026.")]})
    if int(text) > clock.today().year:
        raise ValidationFailed({"year": [_("The year has not begun yet.")]})
    return int(text)


def select(*, year: int, department_ids=None) -> Selection:
    """The year's windows judged; with ``department_ids`` (``accounts.regions``: the departments
    the reader oversees), the windows of those departments' cases only."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    weights = brief.weights()
    rows = [
        r
        for r in assessment.table(
            start=start, end=end, group="window", department_ids=department_ids
        )
        if r.key is not None
    ]
    candidates = [
        award_rules.Candidate(
            key=r.key,
            name=r.name,
            score=formulas.score({k: c.value for k, c in r.indicators.items()}, weights),
            completed=r.indicators["on_time_rate"].denominator,
            satisfaction=r.indicators["satisfaction_rate"].value,
        )
        for r in rows
    ]
    limits = criteria()
    return Selection(
        year=year,
        start=start,
        end=end,
        criteria=limits,
        weights=weights,
        rows=award_rules.judge(candidates, **limits),
    )


def tables(selection: Selection) -> list[Table]:
    def row(j: award_rules.Judged) -> list:
        c = j.candidate
        return [
            j.rank or "—",
            c.name,
            "—" if c.score is None else str(formulas.half_up(c.score, 2)),
            c.completed,
            formulas.percent_text(c.satisfaction, 1),
            "、".join(str(REASONS[r]) for r in j.reasons) or _("eligible"),
        ]

    headers = [
        _("Rank"),
        _("Window"),
        _("Score"),
        _("Cases completed"),
        _("Satisfaction rate"),
        _("Eligibility"),
    ]
    return [
        Table("selected", _("Excellent windows"), headers, [row(j) for j in selection.selected]),
        Table("last", _("Windows ranked last"), headers, [row(j) for j in selection.last]),
        Table(
            "ranking", _("The year's ranking of windows"), headers, [row(j) for j in selection.rows]
        ),
    ]


def awards_docx(selection: Selection) -> bytes:
    found = {t.key: t for t in tables(selection)}
    return report_files.docx(
        issuer=assessment.center_name(),
        title=_("Excellent windows of %(year)s") % {"year": selection.year},
        subtitle=f"{cn_date(selection.start)}—{cn_date(selection.end)}",
        parts=[
            Part(_("Criteria"), selection.criteria_lines()),
            Part(_("Excellent windows"), [], [found["selected"]]),
            Part(_("Windows ranked last"), [], [found["last"]]),
            Part(_("The year's ranking of windows"), [], [found["ranking"]]),
        ],
        date_cn=cn_date(clock.today()),
    )
