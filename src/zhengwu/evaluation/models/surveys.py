"""Models of evaluation: 民主评议 and satisfaction surveys (DOMAIN §13, docs/evaluation.md).

- ``SurveyTemplate`` and its ``SurveyQuestion``s: a questionnaire, versioned (a template is a
  version of a family; once an evaluation uses it, it is never changed, a new version is made);
- ``Evaluation``: the units evaluated (``EvaluationUnit``: a department or a window), the
  respondent groups with their weights (``RespondentGroup``), a period and the band thresholds;
- ``SurveyToken``: one anonymous link per respondent, used once;
- ``SurveyResponse`` and ``SurveyAnswer``: what a respondent answered. A response names its group
  only: no token, no person, no time of day (its key is random, so neither its order nor its
  time links it to a token).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.accounts.models import Department, Window


class QuestionKind(models.TextChoices):
    SCORE = "score", _("Score 0–100")
    LEVEL = "level", _("Five levels")
    CHOICE = "choice", _("Choice")
    TEXT = "text", _("Free text")


class SurveyTemplate(models.Model):
    family = models.UUIDField(_("template family"), default=uuid.uuid4, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("questionnaire template")
        verbose_name_plural = _("questionnaire templates")
        constraints = [
            models.UniqueConstraint(fields=["family", "version"], name="survey_template_version")
        ]
        ordering = ["name", "-version"]

    def __str__(self):
        return f"{self.name}（v{self.version}）"


class SurveyQuestion(models.Model):
    template = models.ForeignKey(SurveyTemplate, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(_("position"))
    section = models.CharField(_("section"), max_length=200, blank=True)
    code = models.CharField(_("question code"), max_length=32)
    text = models.CharField(_("question"), max_length=500)
    kind = models.CharField(_("question kind"), max_length=8, choices=QuestionKind.choices)
    weight = models.DecimalField(_("weight"), max_digits=7, decimal_places=3, default=1)
    # Choice questions: [{"value": "a", "label": "…", "points": 100 | null}, ...]
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("answer required"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="survey_question_code")
        ]

    def __str__(self):
        return f"{self.code} {self.text}"


class Evaluation(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open for answers")
        CLOSED = "closed", _("Closed for answers")

    name = models.CharField(_("name"), max_length=200)
    template = models.ForeignKey(
        SurveyTemplate,
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name=_("questionnaire template"),
    )
    start = models.DateField(_("period from"))
    end = models.DateField(_("period to"))
    # {"excellent": 90, "good": 80, "fair": 70} [cfg], fixed when the evaluation is created.
    thresholds = models.JSONField(_("band thresholds"), default=dict)
    method = models.TextField(_("method"), blank=True)
    findings = models.TextField(_("problems found"), blank=True)
    state = models.CharField(
        _("evaluation state"), max_length=8, choices=State.choices, default=State.OPEN
    )
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name


class EvaluationUnit(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="units")
    position = models.PositiveIntegerField(_("position"))
    key = models.CharField(_("unit key"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    window = models.ForeignKey(
        Window, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("unit evaluated")
        verbose_name_plural = _("units evaluated")
        ordering = ["evaluation", "position"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "key"], name="evaluation_unit_key")
        ]

    def __str__(self):
        return self.name


class RespondentGroup(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="groups")
    position = models.PositiveIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=60)
    weight = models.DecimalField(_("weight"), max_digits=7, decimal_places=3)
    respondents = models.PositiveIntegerField(_("respondents invited"))

    class Meta:
        verbose_name = _("respondent group")
        verbose_name_plural = _("respondent groups")
        ordering = ["evaluation", "position"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "name"], name="respondent_group_name")
        ]

    def __str__(self):
        return self.name


class SurveyToken(models.Model):
    """One anonymous link; ``used_on`` (a date only) once answered. Nothing leads from a token to
    the response it gave."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="tokens")
    group = models.ForeignKey(RespondentGroup, on_delete=models.CASCADE, related_name="tokens")
    token = models.CharField(_("token"), max_length=40, unique=True)
    used_on = models.DateField(_("answered on"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey link")
        verbose_name_plural = _("survey links")
        ordering = ["group", "pk"]

    def __str__(self):
        return f"{self.group} · {self.token[:6]}…"


class SurveyResponse(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="responses")
    group = models.ForeignKey(RespondentGroup, on_delete=models.CASCADE, related_name="responses")

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self):
        return str(self.group)


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    unit = models.ForeignKey(EvaluationUnit, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="+")
    # The answer on 0–100 (score, level and scored choices), or None.
    points = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    value = models.CharField(max_length=40, blank=True)  # the level or choice given
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "unit", "question"], name="survey_answer_once"
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.question.code}"
