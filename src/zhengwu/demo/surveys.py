"""A 民主评议 for the demo city: a questionnaire template and one finished evaluation of six
departments' windows over the last complete quarter, answered by 28 enterprise representatives
and 8 CPPCC members (two links left unanswered) through the survey services, then closed, with
the problems found written for the report. Deterministic for the same ``seed`` and today.

The quarterly bulletin needs no data of its own: it is read from the quarter's cases, ratings,
tickets and supervision records (``/evaluation/bulletins/``)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from zhengwu.accounts.models import Department, User
from zhengwu.core import clock
from zhengwu.evaluation import bulletins
from zhengwu.evaluation import survey_services as surveys
from zhengwu.evaluation.models.surveys import Evaluation, SurveyTemplate

TEMPLATE = "窗口单位民主评议测评表"
QUESTIONS = [
    {"code": "attitude", "section": "服务", "text": "服务态度", "kind": "score", "weight": 25},
    {"code": "efficiency", "section": "效能", "text": "办事效率", "kind": "score", "weight": 30},
    {"code": "openness", "section": "公开", "text": "政务公开", "kind": "level", "weight": 20},
    {"code": "integrity", "section": "作风", "text": "廉洁自律", "kind": "level", "weight": 25},
    {"code": "opinion", "section": "意见", "text": "意见和建议", "kind": "text", "weight": 0},
]
GROUPS = (("企业代表", "0.6", 28), ("政协委员", "0.4", 8))
UNANSWERED = 2
# Each unit's typical score (the first four 优秀, the others 良好).
BASES = (95, 93, 92, 91, 86, 84)
OPINIONS = (
    "审批时间还需进一步压缩",
    "部分事项审批时间较长",
    "窗口授权不到位，项目单位两头跑",
    "窗口只收件，其他环节在局里办",
    "业务人员对政策掌握不够全面",
    "希望加强业务培训，提高业务水平",
    "投诉处理不够及时",
    "网上办理功能还需完善",
)
FINDINGS = (
    "主动服务的意识需进一步强化。\n"
    "工作人员的业务水平有待进一步提高。\n"
    "部门给窗口授权不到位，部分事项窗口仅收件。"
)


@dataclass
class Made:
    templates: int = 0
    evaluations: int = 0
    responses: int = 0


def _level(points: float) -> int:
    return 5 if points >= 90 else 4 if points >= 75 else 3


def generate(*, seed: int = 20261001, today: dt.date | None = None) -> Made:
    """The template and the evaluation (nothing when there is an evaluation already)."""
    made = Made()
    if Evaluation.objects.exists():
        return made
    supervisor = User.objects.filter(username="supervisor").first()
    units = list(
        Department.objects.filter(is_active=True).order_by("sort_order", "code")[: len(BASES)]
    )
    if supervisor is None or len(units) < 2:
        return made
    today = today or clock.today()
    year, quarter = bulletins.previous_quarter(today.year, (today.month - 1) // 3 + 1)
    start, end = bulletins.quarter_range(year, quarter)
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    moment = clock.start_of_day(end + dt.timedelta(days=3)).replace(hour=2)
    with clock.frozen(min(moment, clock.now())):
        template = SurveyTemplate.objects.filter(name=TEMPLATE).first()
        if template is None:
            template = surveys.create_template(actor=supervisor, name=TEMPLATE, questions=QUESTIONS)
            made.templates += 1
        evaluation, tokens = surveys.create_evaluation(
            actor=supervisor,
            name=f"{year}年第{quarter}季度窗口单位民主评议",
            template=template.pk,
            units=[d.code for d in units],
            groups=[{"name": n, "weight": w, "respondents": c} for n, w, c in GROUPS],
            start=start,
            end=end,
            method="采取听取汇报、查看资料、问卷调查和集中评议相结合的方式；测评表无记名填写。",
        )
        made.evaluations += 1
        for group, links in tokens.items():
            answering = links[:-UNANSWERED] if group == GROUPS[0][0] else links
            for index, token in enumerate(answering):
                answers = {}
                for unit, base in zip(units, BASES, strict=False):
                    score = max(0, min(100, base + rng.randint(-4, 4)))
                    given = {
                        "attitude": score,
                        "efficiency": max(0, min(100, score + rng.randint(-3, 2))),
                        "openness": _level(score + rng.randint(-5, 5)),
                        "integrity": _level(score + rng.randint(-5, 5)),
                    }
                    if base < 90 and index % 3 == 0:
                        given["opinion"] = OPINIONS[rng.randrange(len(OPINIONS))]
                    answers[unit.code] = given
                surveys.submit(token=token, answers=answers)
                made.responses += 1
        surveys.record_findings(
            actor=supervisor, evaluation=evaluation.pk, method=evaluation.method, findings=FINDINGS
        )
        surveys.close_evaluation(actor=supervisor, evaluation=evaluation.pk)
    return made
