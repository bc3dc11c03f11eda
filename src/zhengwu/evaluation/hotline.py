"""Hotline handling as assessment indicators (seed 000: "定期公布各职能部门热线转接案件完成效果
和群众满意度"): per handling unit the response, on-time, callback, resolution and
satisfaction rates of the tickets dispatched to it, registered as an assessment provider with
its section of definitions (docs/evaluation.md).

The counts are the tickets app's own (``tickets.selectors.performance_report``: tickets received
in the period and dispatched, by the unit holding them last); this module only hands them to the
assessment by department and by service center. Windows, staff and items have no tickets.
"""

from __future__ import annotations

from collections.abc import Hashable

from django.utils.translation import gettext_lazy as _

from zhengwu.accounts.models import Department
from zhengwu.assessment.definitions import Definition, Section
from zhengwu.assessment.formulas import Count

GROUPS = ("department", "center")
BASIS = _("Tickets received in the period and dispatched, by the unit holding them last")

# (indicator key, the performance report's column)
COLUMNS = (
    ("hotline_response_rate", "response_rate"),
    ("hotline_on_time_rate", "on_time_rate"),
    ("hotline_callback_rate", "callback_rate"),
    ("hotline_resolution_rate", "resolution_rate"),
    ("hotline_satisfaction_rate", "satisfaction_rate"),
)

SECTION = Section(
    key="hotline",
    label=_("Hotline handling"),
    groups=GROUPS,
    definitions=(
        Definition(
            "hotline_response_rate",
            _("Hotline response rate"),
            _("Tickets accepted by the acceptance deadline ÷ tickets dispatched"),
            BASIS,
        ),
        Definition(
            "hotline_on_time_rate",
            _("Hotline on-time rate"),
            _("Tickets replied by the reply deadline ÷ tickets replied"),
            BASIS,
        ),
        Definition(
            "hotline_callback_rate",
            _("Hotline callback rate"),
            _("Replies called back ÷ tickets replied"),
            BASIS,
        ),
        Definition(
            "hotline_resolution_rate",
            _("Hotline resolution rate"),
            _("Latest callbacks resolved ÷ callbacks that reached the caller"),
            BASIS,
        ),
        Definition(
            "hotline_satisfaction_rate",
            _("Hotline satisfaction rate"),
            _(
                "Latest callbacks satisfied or basically satisfied ÷ callbacks that reached "
                "the caller"
            ),
            BASIS,
        ),
    ),
)


def hotline_counts(*, start, end, group, department_ids) -> dict[Hashable, dict[str, Count]]:
    """The provider: ``{department id or center id: {indicator: Count}}``."""
    from zhengwu.tickets.selectors import performance_report

    if group not in GROUPS:
        return {}
    rows = performance_report(start=start, end=end)
    departments = Department.objects.filter(code__in=[r["code"] for r in rows])
    if department_ids is not None:
        departments = departments.filter(pk__in=list(department_ids))
    keys = {
        code: (pk if group == "department" else center)
        for code, pk, center in departments.values_list("code", "pk", "center_id")
    }
    totals: dict[Hashable, dict[str, Count]] = {}
    for row in rows:
        if row["code"] not in keys:
            continue
        counts = totals.setdefault(keys[row["code"]], {})
        for indicator, column in COLUMNS:
            ratio = row[column]
            counts[indicator] = counts.get(indicator, Count()) + Count(
                ratio.numerator, ratio.denominator
            )
    return totals


def register() -> None:
    from zhengwu.assessment import providers
    from zhengwu.assessment.definitions import register_section

    providers.register("hotline", hotline_counts)
    register_section(SECTION)
