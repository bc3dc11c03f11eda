"""The surveys as JSON (the API) and as words (pages, files): one shaping for all."""

from __future__ import annotations

from fractions import Fraction

from zhengwu.assessment.formulas import half_up, percent_text
from zhengwu.evaluation import survey_rules
from zhengwu.evaluation.models.surveys import Evaluation, SurveyTemplate, SurveyToken
from zhengwu.evaluation.survey_selectors import Results


def number(value: Fraction | None, places: int = 2) -> float | None:
    return None if value is None else float(half_up(value, places))


def score_text(value: Fraction | None) -> str:
    shown = survey_rules.shown(value)
    return "—" if shown is None else f"{shown}"


def rate_text(value: Fraction | None) -> str:
    return percent_text(value, 1)


def template(found: SurveyTemplate) -> dict:
    return {
        "id": found.pk,
        "name": found.name,
        "version": found.version,
        "family": str(found.family),
        "questions": getattr(found, "question_count", None),
    }


def evaluation(found: Evaluation) -> dict:
    return {
        "id": found.pk,
        "name": found.name,
        "template": found.template_id,
        "from": found.start.isoformat(),
        "to": found.end.isoformat(),
        "state": found.state,
    }


def questionnaire(token: SurveyToken) -> dict:
    """What a respondent sees: the evaluation's name, their group, the units and questions."""
    found = token.evaluation
    return {
        "evaluation": found.name,
        "group": token.group.name,
        "from": found.start.isoformat(),
        "to": found.end.isoformat(),
        "units": [{"key": u.key, "name": u.name} for u in found.units.order_by("position")],
        "questions": [
            {
                "code": q.code,
                "section": q.section,
                "text": q.text,
                "kind": q.kind,
                "required": q.required,
                "choices": [{"value": c["value"], "label": c["label"]} for c in q.choices],
                "levels": sorted(survey_rules.LEVEL_POINTS, reverse=True)
                if q.kind == "level"
                else None,
            }
            for q in found.template.questions.order_by("position")
        ],
    }


def results(found: Results) -> dict:
    return {
        "id": found.evaluation.pk,
        "name": found.evaluation.name,
        "from": found.evaluation.start.isoformat(),
        "to": found.evaluation.end.isoformat(),
        "thresholds": {k: number(v) for k, v in found.thresholds.items()},
        "responses": found.responses,
        "invited": found.invited,
        "response_rate": number(found.rate * 100 if found.rate is not None else None, 1),
        "bands": found.band_counts,
        "groups": [
            {
                "name": g.name,
                "weight": number(g.weight, 3),
                "invited": g.invited,
                "responses": g.responses,
                "response_rate": number(g.rate * 100 if g.rate is not None else None, 1),
            }
            for g in found.groups
        ],
        "units": [
            {
                "key": row.key,
                "name": row.name,
                "score": number(row.result.score),
                "band": row.result.band,
                "rank": row.result.rank,
                "groups": {
                    name: {"score": number(g.score), "responses": g.responses}
                    for name, g in row.result.groups.items()
                },
                "questions": {k: number(v) for k, v in row.result.questions.items()},
                "indicators": {
                    key: {
                        "numerator": c.numerator,
                        "denominator": c.denominator,
                        "value": number(c.value * 100 if c.value is not None else None),
                    }
                    for key, c in row.evidence.items()
                },
            }
            for row in found.units
        ],
        "themes": [{"theme": theme, "answers": texts} for theme, texts in found.themes],
    }
