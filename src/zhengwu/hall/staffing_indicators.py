"""The hall staffing's assessment indicators: a provider and a section of definitions,
registered with ``zhengwu.assessment`` beside the queue's (docs/assessment.md, docs/hall.md).

- ``empty_post_minutes``: Σ minutes of the empty posts (空岗) that began in the period ÷ the
  empty posts (the value shown is the minutes; the denominator gives the number of them); one
  still going on counts up to now; by the window's department, by window and by center;
- ``patrol_completion_rate``: patrols recorded by their time plus the grace ÷ patrols whose
  time plus the grace has passed, on the working days of the period; by center only (the
  patrols are the hall's).
"""

from __future__ import annotations

from collections.abc import Hashable

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from zhengwu.assessment.definitions import Definition, Section
from zhengwu.assessment.formulas import Count as Ratio
from zhengwu.core import clock
from zhengwu.hall import staffing_reports as reports
from zhengwu.hall import staffing_rules as rules
from zhengwu.hall.models import Hall
from zhengwu.hall.models.staffing import HallIrregularity

GROUPS = ("department", "window", "center")

SECTION = Section(
    key="hall_staffing",
    label=_("Hall staffing"),
    groups=GROUPS,
    definitions=(
        Definition(
            "empty_post_minutes",
            _("Empty-post minutes"),
            _("Σ minutes of empty posts (the denominator: how many empty posts)"),
            _(
                "Empty posts that began in the period: a window in opening hours with nobody "
                "signed in longer than the grace; by the window's department"
            ),
            unit="count",
        ),
        Definition(
            "patrol_completion_rate",
            _("Patrol completion rate"),
            _("Patrols done in time ÷ patrols due"),
            _(
                "Working days of the period; a patrol is due at its time plus the grace and done "
                "in time when recorded by then; by center only"
            ),
        ),
    ),
)


def staffing_counts(*, start, end, group, department_ids) -> dict[Hashable, dict[str, Ratio]]:
    if group not in GROUPS:
        return {}
    totals: dict[Hashable, dict[str, Ratio]] = {}

    def add(key, indicator, numerator, denominator):
        row = totals.setdefault(key, {})
        row[indicator] = row.get(indicator, Ratio()) + Ratio(int(numerator), int(denominator))

    rows = HallIrregularity.objects.filter(
        kind=HallIrregularity.Kind.EMPTY_POST, day__gte=start, day__lte=end
    )
    if department_ids is not None:
        rows = rows.filter(department_id__in=list(department_ids))
    now = clock.now()
    column = {"department": "department_id", "window": "window_id", "center": "hall__center_id"}
    for row in rows.values("started_at", "ended_at", g=F(column[group])):
        minutes = rules.minutes_between(row["started_at"], row["ended_at"] or now)
        add(row["g"], "empty_post_minutes", minutes, 1)

    if group == "center" and department_ids is None:
        for hall in Hall.objects.filter(is_active=True):
            _days, done, due = reports.patrol_log(hall, start, min(end, clock.today()))
            if due:
                add(hall.center_id, "patrol_completion_rate", done, due)
    return totals
