"""The quarterly bulletin (季度通报, seed 003: three a year), built like the monthly brief from the
assessment: departments and windows ranked by the brief's weighted score over the quarter with the
change against the quarter before; the quarter's 好差评 figures, hotline tickets per handling unit,
e-supervision warnings and irregularities, the evaluations finished in it, and the rectification
progress. Reads only.

The rectification progress comes from the rectification ledger when one is installed: it registers
a function with ``register_rectification_progress(fn)``; ``fn(start=, end=)`` answers a
``RectificationProgress`` (or None), and ``fn(start=, end=, reader=)`` for a reader who oversees
part of the deployment (a function without ``reader`` gives them no section). Without one the
bulletin has no such section.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from django.utils.translation import gettext as _

from zhengwu.accounts import regions
from zhengwu.assessment import brief, formulas
from zhengwu.assessment import selectors as assessment
from zhengwu.assessment.definitions import definition
from zhengwu.core import clock
from zhengwu.core.display import cn_date
from zhengwu.core.errors import ValidationFailed
from zhengwu.evaluation import report_files
from zhengwu.evaluation.report_files import Part, Table

QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)

# ---------------------------------------------------------------- the rectification hook


@dataclass(frozen=True)
class RectificationProgress:
    """The rectification ledger's figures for the bulletin: sources opened in the quarter and the
    state of every open one at its end."""

    sources: int = 0
    problems: int = 0
    problems_done: int = 0
    measures: int = 0
    measures_done: int = 0
    overdue: int = 0
    rows: tuple = ()  # optional: (source title, problems, measures, done, overdue) per source


_RECTIFICATION: list[Callable[..., RectificationProgress | None]] = []


def register_rectification_progress(provider: Callable[..., RectificationProgress | None]):
    """The ledger's answer for a quarter: ``provider(start=, end=)``, and for a reader who
    oversees part of the deployment ``provider(start=, end=, reader=)``; the last registered
    wins."""
    _RECTIFICATION[:] = [provider]


def unregister_rectification_progress() -> None:
    _RECTIFICATION.clear()


def rectification_progress(
    *, start: dt.date, end: dt.date, reader=None
) -> RectificationProgress | None:
    """The ledger's figures for the period (with a ``reader``, of what they oversee), or None
    when no ledger is installed or, for a ``reader``, when its function takes none."""
    if not _RECTIFICATION:
        return None
    provider = _RECTIFICATION[0]
    if reader is None:
        return provider(start=start, end=end)
    if "reader" not in inspect.signature(provider).parameters:
        return None  # a ledger that answers only for the whole deployment: no section
    return provider(start=start, end=end, reader=reader)


# ---------------------------------------------------------------- quarters


def quarter_of(text) -> tuple[int, int]:
    """``"2026-Q3"`` → ``(2026, 3)``; ``ValidationFailed`` otherwise or for a future quarter."""
    match = QUARTER.match(str(text or "").strip())
    if not match:
        raise ValidationFailed({"quarter": [_("Enter a quarter as YYYY-Qn, e.g. 2026-Q3.")]})
    year, quarter = int(match.group(1)), int(match.group(2))
    if year < 2000:
        raise ValidationFailed({"quarter": [_("Enter a quarter as YYYY-Qn, e.g. 2026-Q3.")]})
    if quarter_range(year, quarter)[0] > clock.today():
        raise ValidationFailed({"quarter": [_("The quarter has not begun yet.")]})
    return year, quarter


def quarter_range(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, 3 * quarter - 2, 1)
    return first, formulas.month_range(year, 3 * quarter)[1]


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def last_complete_quarter() -> tuple[int, int]:
    today = clock.today()
    return previous_quarter(today.year, (today.month - 1) // 3 + 1)


# ---------------------------------------------------------------- the bulletin


@dataclass
class Ranked:
    name: str
    indicators: dict
    score: Fraction | None
    rank: int | None
    previous_rank: int | None


@dataclass
class Bulletin:
    year: int
    quarter: int
    start: dt.date
    end: dt.date
    weights: dict[str, Fraction]
    total: assessment.Row
    previous_total: assessment.Row
    departments: list[Ranked]
    windows: list[Ranked]
    hotline: list[dict]
    tickets: dict
    warnings: dict[str, int]
    irregularities: list[tuple[str, str, int]]
    evaluations: list = field(default_factory=list)  # (Evaluation, band counts)
    rectification: RectificationProgress | None = None

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.quarter}季度"

    @property
    def slug(self) -> str:
        return f"{self.year}-Q{self.quarter}"


def _ranked(now: list, then: list, weights) -> list[Ranked]:
    def scores(rows):
        return {
            r.key: formulas.score({k: c.value for k, c in r.indicators.items()}, weights)
            for r in rows
        }

    now_scores, then_scores = scores(now), scores(then)
    now_ranks, then_ranks = formulas.rank(now_scores), formulas.rank(then_scores)
    rows = [
        Ranked(r.name, r.indicators, now_scores[r.key], now_ranks.get(r.key), then_ranks.get(r.key))
        for r in now
    ]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.name))
    return rows


def _tickets(start: dt.date, end: dt.date, reader=None) -> dict:
    """The quarter's tickets from the tickets app's monthly figures (of the tickets ``reader``
    may see), added up."""
    from zhengwu.tickets.selectors import public_monthly_stats

    received = closed = 0
    on_time = [0, 0]
    satisfied = [0, 0]
    for month in (start.month, start.month + 1, start.month + 2):
        stats = public_monthly_stats(start.year, month, reader=reader)
        received += stats["received"]
        closed += stats["closed"]
        on_time[0] += stats["on_time_rate"].numerator
        on_time[1] += stats["on_time_rate"].denominator
        satisfied[0] += stats["satisfaction_rate"].numerator
        satisfied[1] += stats["satisfaction_rate"].denominator
    return {
        "received": received,
        "closed": closed,
        "on_time_rate": formulas.ratio(*on_time),
        "satisfaction_rate": formulas.ratio(*satisfied),
    }


def build(*, year: int, quarter: int, reader=None) -> Bulletin:
    """The bulletin of the quarter; with a ``reader``, of what they oversee (``accounts.regions``:
    the departments and windows, tickets, warnings, irregularities and evaluations of the centers
    under their region or of their center), the rectification ledger's figures too: the
    ledgers they see and the measures of the units they oversee."""
    from zhengwu.evaluation.models.surveys import Evaluation
    from zhengwu.evaluation.survey_selectors import results, visible_evaluations
    from zhengwu.supervision import selectors as supervision
    from zhengwu.tickets.selectors import performance_report

    weights = brief.weights()
    start, end = quarter_range(year, quarter)
    before = quarter_range(*previous_quarter(year, quarter))
    whole = reader is None or regions.oversees_everything(reader)
    department_ids = None if whole else regions.overseen_department_ids(reader)

    def table(group, period):
        rows = assessment.table(
            start=period[0], end=period[1], group=group, department_ids=department_ids
        )
        return [r for r in rows if r.key is not None]

    departments_now = table("department", (start, end))
    departments_then = table("department", before)
    evaluations = Evaluation.objects.all() if reader is None else visible_evaluations(reader)
    finished = evaluations.filter(end__gte=start, end__lte=end).order_by("end", "pk")
    return Bulletin(
        year=year,
        quarter=quarter,
        start=start,
        end=end,
        weights=weights,
        total=assessment.center_total(departments_now),
        previous_total=assessment.center_total(departments_then),
        departments=_ranked(departments_now, departments_then, weights),
        windows=_ranked(table("window", (start, end)), table("window", before), weights),
        hotline=performance_report(start=start, end=end, reader=reader),
        tickets=_tickets(start, end, reader),
        warnings=supervision.warning_counts(start=start, end=end, department_ids=department_ids),
        irregularities=supervision.irregularity_counts(
            start=start, end=end, department_ids=department_ids
        ),
        evaluations=[
            (e, results(e, with_evidence=False, reader=reader).band_counts) for e in finished[:20]
        ],
        rectification=rectification_progress(
            start=start, end=end, reader=None if whole else reader
        ),
    )


# ---------------------------------------------------------------- words and tables

RATING_KEYS = (
    "active_rating_rate",
    "good_rate",
    "satisfaction_rate",
    "bad_rate",
    "rectification_rate",
    "callback_rate",
)


def rate(value) -> str:
    return formulas.percent_text(value, 1)


def overview(bulletin: Bulletin) -> list[str]:
    total = bulletin.total.indicators
    lines = [
        _(
            "In %(label)s the center completed %(completed)s cases, %(on_time)s of them on time "
            "(the quarter before: %(before)s); online applications %(online)s."
        )
        % {
            "label": bulletin.label,
            "completed": total["on_time_rate"].denominator,
            "on_time": rate(total["on_time_rate"].value),
            "before": rate(bulletin.previous_total.indicators["on_time_rate"].value),
            "online": rate(total["online_rate"].value),
        },
        _(
            "好差评: %(ratings)s ratings, satisfaction rate %(satisfaction)s, bad ratings "
            "%(bad)s, bad-rating rectification rate %(rectified)s."
        )
        % {
            "ratings": total["satisfaction_rate"].denominator,
            "satisfaction": rate(total["satisfaction_rate"].value),
            "bad": total["bad_rate"].numerator,
            "rectified": rate(total["rectification_rate"].value),
        },
        _(
            "Hotline: %(received)s tickets received, %(closed)s closed, on-time rate %(on_time)s, "
            "satisfaction rate %(satisfaction)s."
        )
        % {
            "received": bulletin.tickets["received"],
            "closed": bulletin.tickets["closed"],
            "on_time": rate(bulletin.tickets["on_time_rate"]),
            "satisfaction": rate(bulletin.tickets["satisfaction_rate"]),
        },
        _(
            "E-supervision: %(yellow)s yellow and %(red)s red warnings, %(irregular)s "
            "irregularities."
        )
        % {
            "yellow": bulletin.warnings.get("yellow", 0),
            "red": bulletin.warnings.get("red", 0),
            "irregular": sum(n for _k, _l, n in bulletin.irregularities),
        },
    ]
    progress = bulletin.rectification
    if progress is not None:
        lines.append(
            _(
                "Rectification: %(problems)s problems and %(measures)s measures on the ledger; "
                "%(measures_done)s measures verified, %(problems_done)s problems fully rectified, "
                "%(overdue)s measures overdue."
            )
            % {
                "problems": progress.problems,
                "measures": progress.measures,
                "measures_done": progress.measures_done,
                "problems_done": progress.problems_done,
                "overdue": progress.overdue,
            }
        )
    return lines


def tables(bulletin: Bulletin) -> list[Table]:
    keys = brief.TABLE_KEYS

    def ranking(rows: list[Ranked], key: str, title: str, first: str) -> Table:
        return Table(
            key,
            title,
            [
                _("Rank"),
                first,
                _("Score"),
                _("Rank last quarter"),
                *[str(definition(k).label) for k in keys],
            ],
            [
                [
                    r.rank or "—",
                    r.name,
                    "—" if r.score is None else str(formulas.half_up(r.score, 2)),
                    r.previous_rank or "—",
                    *[rate(r.indicators[k].value) for k in keys],
                ]
                for r in rows
            ],
        )

    result = [
        ranking(bulletin.departments, "departments", _("Departments ranked"), _("Department name")),
        ranking(bulletin.windows, "windows", _("Windows ranked"), _("Window")),
        Table(
            "ratings",
            _("好差评 by department"),
            [_("Department name"), *[str(definition(k).label) for k in RATING_KEYS]],
            [
                [r.name, *[rate(r.indicators[k].value) for k in RATING_KEYS]]
                for r in bulletin.departments
            ],
        ),
        Table(
            "hotline",
            _("Hotline handling by unit"),
            [
                _("Rank"),
                _("Handling unit"),
                _("Dispatched"),
                _("Response rate"),
                _("On-time rate"),
                _("Callback rate"),
                _("Resolution rate"),
                _("Satisfaction rate"),
            ],
            [
                [
                    r["rank"],
                    r["name"],
                    r["dispatched"],
                    *[
                        rate(r[k].value)
                        for k in (
                            "response_rate",
                            "on_time_rate",
                            "callback_rate",
                            "resolution_rate",
                            "satisfaction_rate",
                        )
                    ],
                ]
                for r in bulletin.hotline
            ],
        ),
        Table(
            "supervision",
            _("Irregularities detected"),
            [_("Kind"), _("Count")],
            [[label, n] for _k, label, n in bulletin.irregularities if n],
        ),
    ]
    if bulletin.evaluations:
        from zhengwu.evaluation.survey_selectors import band_label

        result.append(
            Table(
                "evaluations",
                _("Evaluations finished in the quarter"),
                [_("Evaluation"), *[band_label(b) for b in ("excellent", "good", "fair", "poor")]],
                [[e.name, *counts.values()] for e, counts in bulletin.evaluations],
            )
        )
    if bulletin.rectification is not None and bulletin.rectification.rows:
        result.append(
            Table(
                "rectification",
                _("Rectification progress"),
                [_("Source"), _("Problems"), _("Measures"), _("Verified"), _("Overdue")],
                [list(row) for row in bulletin.rectification.rows],
            )
        )
    return result


def bulletin_docx(bulletin: Bulletin) -> bytes:
    found = tables(bulletin)
    return report_files.docx(
        issuer=assessment.center_name(),
        title=_("Quarterly bulletin, %(label)s") % {"label": bulletin.label},
        subtitle=f"{cn_date(bulletin.start)}—{cn_date(bulletin.end)}",
        parts=[
            Part(_("1. Overview"), overview(bulletin)),
            *[Part(f"{n}. {t.title}", [], [t]) for n, t in enumerate(found, start=2)],
        ],
        date_cn=cn_date(clock.today()),
    )


def bulletin_xlsx(bulletin: Bulletin) -> bytes:
    return report_files.workbook(tables(bulletin))
