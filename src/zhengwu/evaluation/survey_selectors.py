"""Reads of the surveys: the evaluations a user may see, and the results of one (scores, bands,
ranking, response rates, question scores, free-text themes, and the platform's own indicators for
the same units and period, read from the assessment providers, never recomputed)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from zhengwu.accounts import regions
from zhengwu.assessment import selectors as assessment
from zhengwu.assessment.definitions import definition
from zhengwu.assessment.formulas import Count as Ratio
from zhengwu.core.errors import Forbidden, NotFound
from zhengwu.evaluation import survey_rules
from zhengwu.evaluation.models.surveys import (
    Evaluation,
    EvaluationUnit,
    RespondentGroup,
    SurveyAnswer,
    SurveyQuestion,
    SurveyTemplate,
)
from zhengwu.evaluation.survey_services import may_manage

# The platform's own figures shown beside the survey (assessment indicator keys).
EVIDENCE_KEYS = (
    "on_time_rate",
    "satisfaction_rate",
    "rectification_rate",
    "hotline_on_time_rate",
)

BAND_LABELS = {
    "excellent": pgettext_lazy("band", "Excellent"),
    "good": pgettext_lazy("band", "Good"),
    "fair": pgettext_lazy("band", "Fair"),
    "poor": pgettext_lazy("band", "Poor"),
}


def band_label(band: str | None) -> str:
    return str(BAND_LABELS.get(band or "", "—"))


def overseen_units(user, prefix: str = "") -> Q:
    """The units evaluated (on ``<prefix>`` a unit) that ``user`` oversees
    (``accounts.regions``): a department of the centers under their region or of their center,
    or a window of such a center; ``Q()`` when they oversee everything."""
    if regions.oversees_everything(user):
        return Q()
    return regions.department_q(user, f"{prefix}department") | (
        Q(**{f"{prefix}window__isnull": False}) & regions.center_q(user, f"{prefix}window__center")
    )


def _restricted(evaluation: Evaluation, reader) -> Q | None:
    """The units of ``evaluation`` whose rows ``reader`` reads, ``None`` for all of them: every
    unit for those who oversee everything and for the evaluation's author, else the units they
    oversee (the ranks stay those of the whole evaluation)."""
    if reader is None or evaluation.created_by_id == reader.pk:
        return None
    return overseen_units(reader) or None


def visible_evaluations(user) -> QuerySet[Evaluation]:
    """The evaluations ``user`` may see: every one for those who oversee everything, else those
    they created and those evaluating a unit they oversee (one query, a subquery on the units)."""
    if not may_manage(user):
        raise Forbidden(_("Only supervisors, leaders and administrators may see evaluations."))
    queryset = Evaluation.objects.select_related("template")
    units = overseen_units(user)
    if units:
        queryset = queryset.filter(
            Q(created_by_id=user.pk)
            | Exists(EvaluationUnit.objects.filter(units, evaluation=OuterRef("pk")))
        )
    return queryset.annotate(unit_count=Count("units", distinct=True))


def filtered(user, *, q: str = "", state: str = "") -> QuerySet[Evaluation]:
    queryset = visible_evaluations(user)
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(template__name__icontains=q))
    if state in Evaluation.State.values:
        queryset = queryset.filter(state=state)
    return queryset.order_by("-created_at", "-pk")


def get_evaluation(user, pk) -> Evaluation:
    found = visible_evaluations(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound()
    return found


def templates() -> QuerySet[SurveyTemplate]:
    return SurveyTemplate.objects.annotate(question_count=Count("questions")).order_by(
        "name", "-version"
    )


# ---------------------------------------------------------------- results


@dataclass
class GroupRow:
    name: str
    weight: Fraction
    invited: int
    responses: int

    @property
    def rate(self) -> Fraction | None:
        return survey_rules.response_rate(self.responses, self.invited)


@dataclass
class UnitRow:
    unit: EvaluationUnit
    result: survey_rules.UnitResult
    evidence: dict[str, Ratio] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.unit.key

    @property
    def name(self) -> str:
        return self.unit.name

    @property
    def score(self):
        return survey_rules.shown(self.result.score)

    @property
    def band(self) -> str | None:
        return self.result.band

    @property
    def band_label(self) -> str:
        return band_label(self.result.band)


@dataclass
class Results:
    evaluation: Evaluation
    units: list[UnitRow]  # by rank
    groups: list[GroupRow]
    questions: list[SurveyQuestion]
    themes: list[tuple[str, list[str]]]
    thresholds: dict[str, Fraction]

    @property
    def responses(self) -> int:
        return sum(g.responses for g in self.groups)

    @property
    def invited(self) -> int:
        return sum(g.invited for g in self.groups)

    @property
    def rate(self) -> Fraction | None:
        return survey_rules.response_rate(self.responses, self.invited)

    @property
    def band_counts(self) -> dict[str, int]:
        return survey_rules.band_counts(u.result for u in self.units)

    @property
    def evidence_labels(self) -> list[tuple[str, object, object]]:
        return [(k, definition(k).label, definition(k).formula) for k in EVIDENCE_KEYS]


def _exact(value) -> Fraction | None:
    return None if value is None else Fraction(value)


def score_responses(evaluation: Evaluation) -> list[survey_rules.Response]:
    """Every response's points per unit and question, in one query."""
    by_response: dict = defaultdict(lambda: defaultdict(dict))
    groups: dict = {}
    rows = (
        SurveyAnswer.objects.filter(response__evaluation=evaluation)
        .values_list(
            "response_id", "response__group__name", "unit__key", "question__code", "points"
        )
        .order_by()
    )
    for response, group, unit, question, points in rows:
        groups[response] = group
        by_response[response][unit][question] = _exact(points)
    return [survey_rules.Response(groups[r], by_response[r]) for r in by_response]


def evidence(evaluation: Evaluation, units: list[EvaluationUnit]) -> dict[str, dict[str, Ratio]]:
    """The platform's indicators for the units over the evaluation's period, from the assessment
    providers (departments by department, windows by window)."""
    found: dict[str, dict[str, Ratio]] = {}
    departments = [u for u in units if u.window_id is None and u.department_id]
    windows = [u for u in units if u.window_id]
    if departments:
        rows = assessment.table(
            start=evaluation.start,
            end=evaluation.end,
            group="department",
            department_ids=[u.department_id for u in departments],
        )
        by_key = {r.key: r.indicators for r in rows}
        for unit in departments:
            counts = by_key.get(unit.department_id, {})
            found[unit.key] = {k: counts.get(k, Ratio()) for k in EVIDENCE_KEYS}
    if windows:
        rows = assessment.table(
            start=evaluation.start,
            end=evaluation.end,
            group="window",
            department_ids=sorted({u.department_id for u in windows if u.department_id}) or None,
        )
        by_key = {r.key: r.indicators for r in rows}
        for unit in windows:
            counts = by_key.get(unit.window_id, {})
            found[unit.key] = {k: counts.get(k, Ratio()) for k in EVIDENCE_KEYS}
    return found


def keywords(text: str) -> list[str]:
    """The words of a free-text answer that can name a theme (two characters or more)."""
    from zhengwu.tickets.segment import tokens

    return [w for w in tokens(text) if len(w) >= 2 and not w.isdigit()]


def text_themes(evaluation: Evaluation, reader=None) -> list[tuple[str, list[str]]]:
    """The themes of the free-text answers (on the units ``reader`` reads, ``_restricted``)."""
    answers = SurveyAnswer.objects.filter(response__evaluation=evaluation)
    if _restricted(evaluation, reader) is not None:
        answers = answers.filter(overseen_units(reader, "unit__"))
    texts = list(
        answers.exclude(text="")
        .order_by("unit__position", "question__position", "pk")
        .values_list("text", flat=True)[:2000]
    )
    return survey_rules.themes([(t, keywords(t)) for t in texts], other=_("Other"))


def results(evaluation: Evaluation, *, with_evidence: bool = True, reader=None) -> Results:
    """The results of ``evaluation``; with a ``reader``, the rows and free-text themes of the
    units they read (``_restricted``: a county supervisor reads the county's and its townships'
    units of a provincial evaluation, ranked among all of them)."""
    restricted = _restricted(evaluation, reader)
    units = evaluation.units.select_related("department", "window").order_by("position")
    if restricted is not None:
        units = units.annotate(read=ExpressionWrapper(restricted, output_field=BooleanField()))
    units = list(units)
    groups = list(
        RespondentGroup.objects.filter(evaluation=evaluation)
        .annotate(answered=Count("responses", distinct=True))
        .order_by("position")
    )
    questions = list(evaluation.template.questions.order_by("position"))
    thresholds = survey_rules.validate_thresholds(evaluation.thresholds)
    computed = survey_rules.unit_results(
        units=[u.key for u in units],
        groups={g.name: Fraction(g.weight) for g in groups},
        questions=[survey_rules.Question(q.code, q.kind, Fraction(q.weight)) for q in questions],
        responses=score_responses(evaluation),
        thresholds=thresholds,
    )
    shown = [(u, r) for u, r in zip(units, computed, strict=True) if getattr(u, "read", True)]
    found = evidence(evaluation, [u for u, _r in shown]) if with_evidence else {}
    rows = [UnitRow(unit=u, result=r, evidence=found.get(u.key, {})) for u, r in shown]
    rows.sort(key=lambda r: (r.result.rank is None, r.result.rank or 0, r.unit.position))
    return Results(
        evaluation=evaluation,
        units=rows,
        groups=[GroupRow(g.name, Fraction(g.weight), g.respondents, g.answered) for g in groups],
        questions=questions,
        themes=text_themes(evaluation, reader),
        thresholds=thresholds,
    )


def results_for(user, pk) -> Results:
    return results(get_evaluation(user, pk), reader=user)
