"""The survey API (docs/evaluation.md): questionnaire templates, evaluations with their anonymous
tokens, answering by token without login, results. Thin: parse, call a service or a selector,
shape the answer. Mounted on the evaluation router (``evaluation.api``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Router, Schema, Status
from pydantic import StrictInt

from zhengwu.core.idempotency import fingerprint, run_once
from zhengwu.evaluation import survey_presenters as presenters
from zhengwu.evaluation import survey_selectors as selectors
from zhengwu.evaluation import survey_services as services

Short = Annotated[str, Field(max_length=300)]
Number = float | int | str


class ChoiceIn(Schema):
    value: Annotated[str, Field(max_length=40)]
    label: Short = ""
    points: Number | None = None


class QuestionIn(Schema):
    code: Annotated[str, Field(max_length=40)]
    text: Annotated[str, Field(max_length=600)]
    kind: Literal["score", "level", "choice", "text"]
    weight: Number = 1
    section: Short = ""
    choices: Annotated[list[ChoiceIn], Field(max_length=20)] = []
    required: bool | None = None


class TemplateIn(Schema):
    name: Short
    description: Annotated[str, Field(max_length=2000)] = ""
    questions: Annotated[list[QuestionIn], Field(max_length=100)]
    based_on: StrictInt | None = Field(None, description="Make the next version of this template")


class GroupIn(Schema):
    name: Annotated[str, Field(max_length=100)]
    weight: Number
    respondents: StrictInt


class ThresholdsIn(Schema):
    excellent: Number = 90
    good: Number = 80
    fair: Number = 70


class EvaluationIn(Schema):
    name: Short
    template: StrictInt
    units: Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=60)] = Field(
        description="Department codes, or window:<id> for a window"
    )
    groups: Annotated[list[GroupIn], Field(max_length=12)]
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    thresholds: ThresholdsIn | None = None
    method: Annotated[str, Field(max_length=2000)] = ""


class AnswersIn(Schema):
    answers: dict[Annotated[str, Field(max_length=40)], dict[str, Any]]


def register(router: Router) -> None:
    @router.post(
        "/survey-templates", response={201: dict}, summary="Create a questionnaire template"
    )
    def create_template(request, payload: TemplateIn):
        """A template, or with `based_on` the next version of a template (a template is never
        changed once written). Send an `Idempotency-Key` header to make retries safe."""
        body = payload.dict()
        for question in body["questions"]:
            if question["required"] is None:
                question.pop("required")

        def create():
            found = services.create_template(actor=request.user, **body)
            return 201, {"id": found.pk, "version": found.version}

        status, answer, _replayed = run_once(
            user=request.user,
            scope="evaluation.template",
            key=request.headers.get("Idempotency-Key"),
            fingerprint=fingerprint(body),
            create=create,
        )
        return Status(status, answer)

    @router.get("/survey-templates", summary="Questionnaire templates")
    def list_templates(request):
        services.require_manager(request.user)
        return {"templates": [presenters.template(t) for t in selectors.templates()]}

    @router.post("/evaluations", response={201: dict}, summary="Start an evaluation")
    def create_evaluation(request, payload: EvaluationIn):
        """The units, the respondent groups with their weights and one anonymous token per
        respondent (answer at `/api/v1/survey/{token}` or the page `/evaluation/s/{token}/`)."""
        body = payload.dict()
        thresholds = body.pop("thresholds")

        def create():
            evaluation, tokens = services.create_evaluation(
                actor=request.user, thresholds=thresholds, **body
            )
            return 201, {"id": evaluation.pk, "tokens": tokens}

        status, answer, _replayed = run_once(
            user=request.user,
            scope="evaluation.evaluation",
            key=request.headers.get("Idempotency-Key"),
            fingerprint=fingerprint(payload.dict()),
            create=create,
        )
        return Status(status, answer)

    @router.get("/evaluations", summary="Evaluations")
    def list_evaluations(request, q: str = "", state: str = "", page: int = 1):
        queryset = selectors.filtered(request.user, q=q[:100], state=state[:10])
        total = queryset.count()
        page = max(1, min(page, 100000))
        rows = queryset[(page - 1) * 50 : page * 50]
        return {"total": total, "evaluations": [presenters.evaluation(e) for e in rows]}

    @router.get("/evaluations/{pk}/results", summary="Results of an evaluation")
    def results(request, pk: str):
        return presenters.results(selectors.results_for(request.user, pk))

    @router.get("/survey/{token}", auth=None, summary="The questionnaire of an anonymous link")
    def questionnaire(request, token: str):
        return presenters.questionnaire(services.open_token(token))

    @router.post(
        "/survey/{token}",
        auth=None,
        response={201: dict},
        summary="Answer once by an anonymous link",
    )
    def answer(request, token: str, payload: AnswersIn):
        """No login. A link answers once: a second answer is a 409 `survey_answered`."""
        services.submit(token=token, answers=payload.dict()["answers"])
        return Status(201, {"answered": True})
