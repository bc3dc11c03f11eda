"""Writes of the surveys (docs/evaluation.md): templates and their versions, evaluations with their
anonymous links, one answer per link, closing an evaluation. Keyword-only, one transaction each;
the scoring is ``survey_rules``."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from zhengwu.accounts import regions
from zhengwu.accounts.models import Department, Window
from zhengwu.core import clock
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.core.roles import CENTER_WIDE_ROLES, role_names
from zhengwu.evaluation import survey_rules
from zhengwu.evaluation.models.surveys import (
    Evaluation,
    EvaluationUnit,
    RespondentGroup,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
    SurveyToken,
)

CODE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
MAX_QUESTIONS = 100
MAX_UNITS = 60
MAX_GROUPS = 12
MAX_RESPONDENTS = 5000
MAX_TEXT = 2000
MAX_PERIOD_DAYS = 3 * 366


def may_manage(user) -> bool:
    """Supervisors (效能办), leaders and administrators run evaluations and read their results."""
    return bool(user and user.is_authenticated and role_names(user) & CENTER_WIDE_ROLES)


def require_manager(actor) -> None:
    if not may_manage(actor):
        raise Forbidden(_("Only supervisors, leaders and administrators may run evaluations."))


def _text(value, limit: int) -> str:
    return str(value or "").strip()[:limit] if isinstance(value, str) else ""


def _number(value) -> Decimal | None:
    try:
        number = survey_rules.exact(value)
    except ValueError:
        return None
    if number < 0 or number > 1000:
        return None
    return Decimal(number.numerator) / Decimal(number.denominator)


# ---------------------------------------------------------------- templates


def clean_questions(questions) -> tuple[list[dict], dict[str, list]]:
    """The questions of a template, checked: ``(clean rows, errors per field)``."""
    errors: dict[str, list] = {}
    rows: list[dict] = []
    if not isinstance(questions, list) or not questions:
        return [], {"questions": [_("Add at least one question.")]}
    if len(questions) > MAX_QUESTIONS:
        return [], {"questions": [_("A questionnaire has at most 100 questions.")]}
    seen: set[str] = set()
    for index, raw in enumerate(questions):
        where = f"questions.{index}"
        if not isinstance(raw, dict):
            errors[where] = [_("Enter a question as an object.")]
            continue
        code = _text(raw.get("code"), 40)
        text = _text(raw.get("text"), 600)
        kind = raw.get("kind")
        weight = _number(raw.get("weight", 1))
        if not CODE.match(code):
            errors[f"{where}.code"] = [_("A code is 1 to 32 letters, digits, - _ or .")]
        elif code in seen:
            errors[f"{where}.code"] = [_("Each question needs its own code.")]
        seen.add(code)
        if not text or len(text) > 500:
            errors[f"{where}.text"] = [_("Enter the question (at most 500 characters).")]
        if kind not in survey_rules.KINDS:
            errors[f"{where}.kind"] = [_("Choose score, level, choice or text.")]
        if weight is None:
            errors[f"{where}.weight"] = [_("The weight is a number from 0 to 1000.")]
        choices = []
        if kind == "choice":
            raw_choices = raw.get("choices")
            if not isinstance(raw_choices, list) or not 2 <= len(raw_choices) <= 20:
                errors[f"{where}.choices"] = [_("A choice question has 2 to 20 choices.")]
            else:
                values = set()
                for choice in raw_choices:
                    if isinstance(choice, str):
                        choice = {"value": choice, "label": choice}
                    value = _text(choice.get("value") if isinstance(choice, dict) else "", 40)
                    label = _text(choice.get("label", value), 200) or value
                    points = choice.get("points") if isinstance(choice, dict) else None
                    if not value or value in values:
                        errors[f"{where}.choices"] = [_("Each choice needs its own value.")]
                        break
                    if points is not None:
                        clean = _number(points)
                        if clean is None or clean > 100:
                            errors[f"{where}.choices"] = [_("Choice points are 0 to 100.")]
                            break
                        points = str(clean)
                    values.add(value)
                    choices.append({"value": value, "label": label, "points": points})
        rows.append(
            {
                "code": code,
                "text": text,
                "kind": kind,
                "weight": weight if weight is not None else Decimal(0),
                "section": _text(raw.get("section"), 200),
                "choices": choices,
                "required": raw.get("required", kind != "text") is not False,
            }
        )
    if not errors and not any(
        r["kind"] in survey_rules.SCORED_KINDS and r["weight"] > 0 for r in rows
    ):
        errors["questions"] = [_("At least one scored question needs a weight above 0.")]
    return rows, errors


@transaction.atomic
def create_template(
    *, actor, name: str, questions: list, description: str = "", based_on: int | None = None
) -> SurveyTemplate:
    """A new template, or (``based_on``) the next version of that template's family."""
    require_manager(actor)
    errors: dict[str, list] = {}
    name = _text(name, 300)
    if not name or len(name) > 200:
        errors["name"] = [_("Enter a name (at most 200 characters).")]
    rows, question_errors = clean_questions(questions)
    errors.update(question_errors)
    family = None
    version = 1
    if based_on is not None:
        base = SurveyTemplate.objects.filter(pk=based_on).first()
        if base is None:
            errors["based_on"] = [_("No such template.")]
        else:
            family = base.family
            # Lock the family's newest version so that two new versions do not collide.
            list(SurveyTemplate.objects.select_for_update().filter(family=family))
            version = (
                SurveyTemplate.objects.filter(family=family).aggregate(v=Max("version"))["v"] + 1
            )
    if errors:
        raise ValidationFailed(errors)
    template = SurveyTemplate(
        name=name,
        description=_text(description, MAX_TEXT),
        version=version,
        created_at=clock.now(),
        created_by=actor,
    )
    if family is not None:
        template.family = family
    template.save()
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(template=template, position=i, **row) for i, row in enumerate(rows, 1)
    )
    return template


# ---------------------------------------------------------------- evaluations


def _units(raw_units, actor) -> tuple[list[EvaluationUnit], dict[str, list]]:
    """The units evaluated, of the departments and windows ``actor`` oversees
    (``accounts.regions``): another region's unit is unknown to them."""
    if not isinstance(raw_units, list) or not raw_units:
        return [], {"units": [_("Choose at least one unit to evaluate.")]}
    if len(raw_units) > MAX_UNITS:
        return [], {"units": [_("An evaluation covers at most 60 units.")]}
    codes = [str(u).strip() for u in raw_units]
    departments = {
        d.code: d
        for d in Department.objects.filter(
            regions.department_q(actor, "pk"), code__in=codes, is_active=True
        )
    }
    window_ids = [int(c[7:]) for c in codes if c.startswith("window:") and c[7:].isdigit()]
    windows = {
        f"window:{w.pk}": w
        for w in Window.objects.filter(
            regions.center_q(actor), pk__in=window_ids, is_active=True
        ).select_related("department")
    }
    units, unknown = [], []
    for position, code in enumerate(codes, 1):
        if code in departments:
            d = departments[code]
            units.append(EvaluationUnit(position=position, key=d.code, name=d.name, department=d))
        elif code in windows:
            w = windows[code]
            units.append(
                EvaluationUnit(
                    position=position,
                    key=f"W{w.pk}",
                    name=str(w),
                    window=w,
                    department=w.department,
                )
            )
        else:
            unknown.append(code[:40])
    if unknown:
        return [], {"units": [_("Unknown units: %(codes)s") % {"codes": "、".join(unknown)}]}
    if len({u.key for u in units}) != len(units):
        return [], {"units": [_("A unit is listed twice.")]}
    return units, {}


def _groups(raw_groups) -> tuple[list[RespondentGroup], dict[str, list]]:
    if not isinstance(raw_groups, list) or not raw_groups:
        return [], {"groups": [_("Add at least one respondent group.")]}
    if len(raw_groups) > MAX_GROUPS:
        return [], {"groups": [_("An evaluation has at most 12 respondent groups.")]}
    errors: dict[str, list] = {}
    groups, names = [], set()
    for index, raw in enumerate(raw_groups):
        where = f"groups.{index}"
        raw = raw if isinstance(raw, dict) else {}
        name = _text(raw.get("name"), 100)
        weight = _number(raw.get("weight"))
        respondents = raw.get("respondents")
        if not name or len(name) > 60:
            errors[f"{where}.name"] = [_("Enter the group's name (at most 60 characters).")]
        elif name in names:
            errors[f"{where}.name"] = [_("Each group needs its own name.")]
        names.add(name)
        if weight is None or weight == 0:
            errors[f"{where}.weight"] = [_("The weight is a number above 0.")]
        if (
            isinstance(respondents, bool)
            or not isinstance(respondents, int)
            or not 1 <= respondents <= MAX_RESPONDENTS
        ):
            errors[f"{where}.respondents"] = [_("Invite 1 to 5000 respondents.")]
        if f"{where}.name" not in errors and not errors.get(f"{where}.respondents"):
            groups.append(
                RespondentGroup(
                    position=index + 1,
                    name=name,
                    weight=weight or Decimal(0),
                    respondents=respondents,
                )
            )
    return groups, errors


def new_token() -> str:
    return secrets.token_urlsafe(16)


@transaction.atomic
def create_evaluation(
    *,
    actor,
    name: str,
    template: int,
    units: list,
    groups: list,
    start: dt.date | None,
    end: dt.date | None,
    thresholds: dict | None = None,
    method: str = "",
) -> tuple[Evaluation, dict[str, list[str]]]:
    """An evaluation with one anonymous link per respondent: ``(evaluation, {group: [token]})``."""
    require_manager(actor)
    errors: dict[str, list] = {}
    name = _text(name, 300)
    if not name or len(name) > 200:
        errors["name"] = [_("Enter a name (at most 200 characters).")]
    found = (
        SurveyTemplate.objects.filter(pk=template).first() if isinstance(template, int) else None
    )
    if found is None:
        errors["template"] = [_("Choose a questionnaire template.")]
    unit_rows, unit_errors = _units(units, actor)
    group_rows, group_errors = _groups(groups)
    errors.update(unit_errors)
    errors.update(group_errors)
    if not isinstance(start, dt.date):
        errors["from"] = [_("Enter the first day as YYYY-MM-DD.")]
    if not isinstance(end, dt.date):
        errors["to"] = [_("Enter the last day as YYYY-MM-DD.")]
    elif isinstance(start, dt.date):
        if end < start:
            errors["to"] = [_("The last day cannot be before the first day.")]
        elif (end - start).days >= MAX_PERIOD_DAYS:
            errors["to"] = [_("A period is at most three years long.")]
    try:
        limits = survey_rules.validate_thresholds(thresholds)
    except (ValueError, TypeError, AttributeError):
        errors["thresholds"] = [
            _("Thresholds fall from excellent to good to fair, between 0 and 100.")
        ]
        limits = {}
    if errors:
        raise ValidationFailed(errors)
    evaluation = Evaluation.objects.create(
        name=name,
        template=found,
        start=start,
        end=end,
        thresholds={
            k: str(Decimal(v.numerator) / Decimal(v.denominator)) for k, v in limits.items()
        },
        method=_text(method, MAX_TEXT),
        created_at=clock.now(),
        created_by=actor,
    )
    for unit in unit_rows:
        unit.evaluation = evaluation
    EvaluationUnit.objects.bulk_create(unit_rows)
    for group in group_rows:
        group.evaluation = evaluation
    RespondentGroup.objects.bulk_create(group_rows)
    tokens: dict[str, list[str]] = {}
    rows = []
    for group in RespondentGroup.objects.filter(evaluation=evaluation).order_by("position"):
        tokens[group.name] = [new_token() for _n in range(group.respondents)]
        rows += [
            SurveyToken(evaluation=evaluation, group=group, token=t) for t in tokens[group.name]
        ]
    SurveyToken.objects.bulk_create(rows, batch_size=1000)
    return evaluation, tokens


@transaction.atomic
def close_evaluation(*, actor, evaluation: int) -> Evaluation:
    """No more answers; the results stay."""
    require_manager(actor)
    found = Evaluation.objects.select_for_update().filter(pk=evaluation).first()
    if found is None:
        raise NotFound()
    if found.state == Evaluation.State.CLOSED:
        raise DomainError(_("The evaluation is already closed."), code="evaluation_closed")
    found.state = Evaluation.State.CLOSED
    found.save(update_fields=["state"])
    return found


@transaction.atomic
def record_findings(*, actor, evaluation: int, method: str, findings: str) -> Evaluation:
    """The method and the problems found, written by the evaluators for the report."""
    require_manager(actor)
    found = Evaluation.objects.select_for_update().filter(pk=evaluation).first()
    if found is None:
        raise NotFound()
    found.method = _text(method, MAX_TEXT * 2)
    found.findings = _text(findings, MAX_TEXT * 4)
    found.save(update_fields=["method", "findings"])
    return found


# ---------------------------------------------------------------- answering


ANSWER_MESSAGES = {
    "required": _("Answer this question."),
    "not_a_number": _("Enter a score from 0 to 100."),
    "out_of_range": _("Enter a score from 0 to 100."),
    "not_a_level": _("Choose one of the five levels."),
    "not_a_choice": _("Choose one of the answers offered."),
    "too_long": _("At most 2000 characters."),
}


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_answers(
    evaluation: Evaluation, answers
) -> tuple[list[tuple[EvaluationUnit, SurveyQuestion, object, str, str]], dict[str, list]]:
    """Check a respondent's answers against the questionnaire: ``(rows, errors)``; each row is
    ``(unit, question, points, value, text)``. Field names: ``answers.<unit>.<question>``."""
    if not isinstance(answers, dict):
        return [], {"answers": [_("Enter the answers per unit.")]}
    units = list(evaluation.units.order_by("position"))
    questions = list(evaluation.template.questions.order_by("position"))
    keys = {u.key for u in units}
    errors: dict[str, list] = {}
    unknown = [str(k)[:40] for k in answers if k not in keys]
    if unknown:
        errors["answers"] = [_("Unknown units: %(codes)s") % {"codes": "、".join(unknown)}]
    rows = []
    for unit in units:
        given = answers.get(unit.key) or {}
        if not isinstance(given, dict):
            errors[f"answers.{unit.key}"] = [_("Enter the answers per question.")]
            continue
        codes = {q.code for q in questions}
        for code in given:
            if code not in codes:
                errors[f"answers.{unit.key}.{str(code)[:32]}"] = [_("No such question.")]
        for question in questions:
            where = f"answers.{unit.key}.{question.code}"
            value = given.get(question.code)
            if _blank(value):
                if question.required:
                    errors[where] = [str(ANSWER_MESSAGES["required"])]
                continue
            if question.kind == "text":
                text = value.strip() if isinstance(value, str) else None
                if text is None:
                    errors[where] = [_("Enter text.")]
                elif len(text) > MAX_TEXT:
                    errors[where] = [str(ANSWER_MESSAGES["too_long"])]
                else:
                    rows.append((unit, question, None, "", text))
                continue
            try:
                points, stored = survey_rules.points_for(question.kind, value, question.choices)
            except survey_rules.AnswerError as error:
                errors[where] = [str(ANSWER_MESSAGES[error.reason])]
                continue
            rows.append((unit, question, points, stored, ""))
    return rows, errors


def open_token(token: str) -> SurveyToken:
    """The link's token, unused, of an open evaluation: 404 for an unknown one, 409 otherwise."""
    found = (
        SurveyToken.objects.select_related("evaluation__template", "group")
        .filter(token=str(token or "")[:40])
        .first()
    )
    if found is None:
        raise NotFound()
    _check_open(found)
    return found


def _check_open(token: SurveyToken) -> None:
    if token.used_on is not None:
        raise DomainError(
            _("This link has already been used to answer. Each link answers once."),
            code="survey_answered",
        )
    if token.evaluation.state != Evaluation.State.OPEN:
        raise DomainError(_("This evaluation is closed."), code="evaluation_closed")


@transaction.atomic
def submit(*, token: str, answers) -> None:
    """One respondent's answers by their link: the link is locked, used once (409
    ``survey_answered`` for every later try) and nothing that identifies it is kept with the
    answers (a response names its group only)."""
    found = (
        SurveyToken.objects.select_for_update()
        .select_related("evaluation__template", "group")
        .filter(token=str(token or "")[:40])
        .first()
    )
    if found is None:
        raise NotFound()
    _check_open(found)
    rows, errors = clean_answers(found.evaluation, answers)
    if errors:
        raise ValidationFailed(errors)
    if not rows:
        raise ValidationFailed({"answers": [_("Answer at least one question.")]})
    found.used_on = clock.today()
    found.save(update_fields=["used_on"])
    response = SurveyResponse.objects.create(evaluation=found.evaluation, group=found.group)
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(
            response=response,
            unit=unit,
            question=question,
            points=None
            if points is None
            else (Decimal(points.numerator) / Decimal(points.denominator)).quantize(
                Decimal("0.001")
            ),
            value=value,
            text=text,
        )
        for unit, question, points, value, text in rows
    )
