"""Disclosure requests (依申请公开) for the demo city: two years (2025, and 2026 up to today) filed
and handled through the disclosure services at the moments the steps happened
(``clock.frozen``), so their trails, documents and clocks are real.

Every result of the annual report's table 三 occurs each year (予以公开 and 部分公开 most often;
each of the eight 不予公开 reasons, the three 无法提供, the five 不予处理, the three 其他处理), from
every kind of applicant, across the departments; some go through a 补正, a third-party or agency
consultation, an extension or a fee. Requests received in the last weeks of 2025 are answered in
January 2026 (carried over); those whose next step would lie in the future stay open. A few
requests are taken to administrative reconsideration or court, decided or pending (table 四).
Deterministic for the same ``seed`` and today.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction

from zhengwu.accounts import services as accounts
from zhengwu.accounts.models import Department, User
from zhengwu.core import clock
from zhengwu.core.errors import ZhengwuError
from zhengwu.core.roles import Role
from zhengwu.demo.history import _org, _person
from zhengwu.disclosure import annual
from zhengwu.disclosure import services as disclosure
from zhengwu.disclosure.models import DisclosureRequest
from zhengwu.workdays.loader import get_calendar

OFFICE = "disclosure"  # the government's disclosure office (demo.services.ACCOUNTS)
OFFICE_NAME = "周政公"
# Departments whose requests the demo makes, when they exist.
DEPARTMENTS = ("SCJ", "ZJJ", "HBJ", "RSJ", "GAJ", "JTJ", "ZRJ", "CGJ")
DESCRIPTIONS = [
    "本区2024年度老旧小区改造项目的资金安排和招标文件",
    "某路段道路拓宽工程的规划许可及批复文件",
    "本街道2025年低保家庭认定的政策依据",
    "某企业环境影响评价报告书的审批意见",
    "某小区地下车库消防验收的相关文件",
    "本区2025年食品安全抽检结果及处理情况",
    "某地块国有土地使用权出让的相关批复",
    "本市公共租赁住房分配的条件和名单",
    "某工地夜间施工许可的审批情况",
    "本区社会保险基金年度收支情况",
]
# The reply of each result row (``annual.RESULT_ROWS``): the reply data, or another step.
REPLIES = {
    "disclosed": {"type": "disclosed"},
    "partial": {"type": "partial"},
    "unavailable_not_held": {"type": "not_exist"},
    "not_handled_repeated": {"type": "duplicate"},
}
# How often each row occurs beyond the one of each per year (the common answers).
EXTRA = {
    "disclosed": 14,
    "partial": 6,
    "unavailable_not_held": 5,
    "withheld_third_party_rights": 2,
    "withheld_process_information": 2,
    "not_handled_petition": 2,
    "not_handled_repeated": 2,
    "other_no_supplement": 2,
    "other_other": 2,
}
APPLICANT_WEIGHTS = {
    "person": 60,
    "business": 18,
    "research": 4,
    "public_interest": 4,
    "legal_service": 8,
    "other": 6,
}


@dataclass
class Made:
    requests: int = 0
    steps: int = 0
    appeals: int = 0
    refused: list = field(default_factory=list)  # (number, action, code) of steps refused


def ensure_office() -> User:
    """The government's disclosure office (the demo account ``disclosure``, an officer of no
    department), who also heads the office: approves extensions (art. 33)."""
    from zhengwu.demo.services import DEMO_PASSWORD

    return accounts.create_user(
        username=OFFICE,
        roles=[Role.DISCLOSURE_OFFICER, Role.DEPARTMENT_HEAD],
        full_name=OFFICE_NAME,
        password=DEMO_PASSWORD,
        demo=True,
    )


def _plan(rng: random.Random) -> list[tuple[str, bool]]:
    """The result rows of a year's requests: one of each (received early enough to be answered
    within the year), then the common ones again, received at any time."""
    extra = [row for row, n in EXTRA.items() for _ in range(n)]
    rng.shuffle(extra)
    return [(row, True) for row in annual.RESULT_ROWS] + [(row, False) for row in extra]


def _workday(calendar, day: dt.date, forward: int) -> dt.date:
    return calendar.add(day, forward) if forward else day


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=clock.LOCAL_TZ)


def _applicant(rng: random.Random, seq: int) -> dict:
    kind = rng.choices(list(APPLICANT_WEIGHTS), weights=list(APPLICANT_WEIGHTS.values()))[0]
    if kind == "person":
        person = _person(rng, 700 + seq)
        return {
            "type": "person",
            "name": person["name"],
            "id_number": person["id_number"],
            "phone": person["phone"],
            "address": "示范市示范区人民路" + str(seq % 300 + 1) + "号",
        }
    org = _org(rng, 700 + seq)
    return {
        "type": kind,
        "name": org["name"],
        "uscc": org["uscc"],
        "phone": org["phone"],
        "address": "示范市示范区建设路" + str(seq % 200 + 1) + "号",
    }


def _reply(row: str) -> tuple[str, dict]:
    """The step that ends a request in ``row`` and its data."""
    if row in REPLIES:
        return "reply", REPLIES[row]
    if row == "not_handled_petition":
        return "to-ticket", {"kind": "complaint"}
    if row == "other_other":
        return "withdraw", {"note": "申请人书面撤回申请"}
    result = next(r for r in annual.RESULTS if row.startswith(f"{r}_"))
    names = annual.REASONS[result]
    reason = names.index(row[len(result) + 1 :]) + 1
    return "reply", {"type": result, "reason": reason}


def _steps(rng: random.Random, calendar, row: str, received: dt.date, department: str):
    """(day, hour, who, action, data) of one request after its filing, in order."""
    steps = [(received, 10, "office", "route", {"department": department})]
    day = received
    if row == "other_no_supplement":
        day = _workday(calendar, day, rng.randint(1, 4))
        steps.append(
            (day, 11, "office", "request-supplement",
             {"items": ["所需信息的具体名称或文号"], "period_workdays": 10})
        )  # fmt: skip
        steps.append((_workday(calendar, day, 12), 8, "system", "abandon", {}))
        return steps
    if row == "other_fee_unpaid":
        day = _workday(calendar, day, rng.randint(2, 6))
        steps.append((day, 14, "office", "fee", {"pages": rng.randint(120, 400)}))
        steps.append((_workday(calendar, day, 22), 8, "system", "abandon", {}))
        return steps
    if row in ("unavailable_still_unclear",) or rng.random() < 0.12:
        day = _workday(calendar, day, rng.randint(1, 5))
        steps.append(
            (day, 11, "office", "request-supplement",
             {"items": ["申请公开信息的时间范围"], "period_workdays": 10})
        )  # fmt: skip
        day = _workday(calendar, day, rng.randint(1, 6))
        steps.append((day, 15, "office", "supplement", {"note": "申请人来电补正"}))
    if row in ("withheld_third_party_rights", "partial") and rng.random() < 0.7:
        day = _workday(calendar, day, rng.randint(1, 4))
        party = {"party": "示范市某某置业有限公司", "kind": "third_party"}
        steps.append((day, 10, "office", "consult", party))
        day = _workday(calendar, day, rng.randint(3, 12))
        answer = "object" if row == "withheld_third_party_rights" else "agree"
        steps.append((day, 16, "office", "consulted", {"answer": answer}))
    elif rng.random() < 0.08:
        day = _workday(calendar, day, rng.randint(1, 4))
        steps.append((day, 10, "office", "consult", {"party": "示范市财政局", "kind": "agency"}))
        steps.append((_workday(calendar, day, 16), 9, "office", "consulted", {"answer": "silent"}))
        day = _workday(calendar, day, 16)
    if rng.random() < 0.1:
        day = _workday(calendar, day, rng.randint(3, 10))
        steps.append(
            (day, 9, "office", "extend", {"workdays": 15, "reason": "需调取档案并逐页审查"})
        )
    action, data = _reply(row)
    day = _workday(calendar, day, rng.randint(1, 14))
    if action == "withdraw":
        steps.append((day, 15, "applicant", action, data))
    else:
        steps.append((day, 16, "office", action, data))
    return steps


def generate(*, seed: int = 20260101, today: dt.date | None = None) -> Made:
    """Make the two years of requests (nothing when there are requests already)."""
    made = Made()
    if DisclosureRequest.objects.exists():
        return made
    today = today or clock.today()
    now = clock.now()
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    calendar = get_calendar()
    office = ensure_office()
    codes = list(
        Department.objects.filter(code__in=DEPARTMENTS, is_active=True).values_list(
            "code", flat=True
        )
    ) or list(Department.objects.filter(is_active=True).values_list("code", flat=True)[:6])
    if not codes:
        return made
    seq = 0
    for year in (today.year - 1, today.year):
        first = _workday(calendar, dt.date(year, 1, 1), 2)
        last = min(dt.date(year, 12, 31), today)
        span = (last - first).days
        for row, early in _plan(rng):
            seq += 1
            # Most requests early enough to be answered within the year; some in its last
            # weeks (carried into the next year, or still open now).
            if early or rng.random() < 0.8:
                offset = rng.randint(0, max(span - 60, 1))
            else:
                offset = rng.randint(max(span - 30, 0), span)
            received = calendar.next_workday(first + dt.timedelta(days=offset), inclusive=True)
            if received > last:
                continue
            moment = _at(received, rng.randint(9, 11), rng.choice((0, 15, 30, 45)))
            if moment > now:
                continue
            number = _file(office, rng, seq, received, moment)
            if number is None:
                continue
            made.requests += 1
            for day, hour, who, action, data in _steps(
                rng, calendar, row, received, rng.choice(codes)
            ):
                at = _at(day, hour)
                if at > now:
                    break
                refused = _act(office, number, who, action, data, at)
                if refused:
                    made.refused.append((number, action, refused))
                    break
                made.steps += 1
    made.appeals = _appeals(office, rng, now)
    return made


def _file(office, rng, seq, received, moment) -> str | None:
    channel = rng.choice(("in_person", "post_signed", "post_ordinary", "internet", "fax"))
    with clock.frozen(moment), transaction.atomic():
        try:
            request = disclosure.file_request(
                actor=office,
                channel=channel,
                applicant=_applicant(rng, seq),
                description=rng.choice(DESCRIPTIONS),
                form=rng.choice(("paper", "electronic", "inspection")),
                delivery=rng.choice(("collect", "post", "email")),
                received_at=moment,
            )
        except ZhengwuError:
            return None
    return request.number


def _act(office, number, who, action, data, at) -> str:
    """Take the step at ``at``: "" when done, else why it was refused."""
    with clock.frozen(at):
        try:
            if action == "abandon":
                return "" if disclosure.abandon(number=number) is not None else "not_due"
            # The office records the applicant's own steps (a withdrawal) on their behalf.
            disclosure.act(actor=office, number=number, action=action, data=data)
        except ZhengwuError as error:
            return error.code
    return ""


def _appeals(office, rng, now) -> int:
    """Reconsiderations and lawsuits about some of the replies: decided or still pending."""
    replied = list(
        DisclosureRequest.objects.filter(
            result__in=("withheld", "unavailable", "partial", "not_handled")
        ).order_by("completed_on", "id")
    )
    rng.shuffle(replied)
    made = 0
    plan = [
        ("reconsideration", "upheld"),
        ("reconsideration", "corrected"),
        ("reconsideration", "other"),
        ("reconsideration", None),
        ("lawsuit_direct", "upheld"),
        ("lawsuit_direct", None),
        ("lawsuit_after_reconsideration", "corrected"),
        ("lawsuit_after_reconsideration", None),
    ] * 2
    calendar = get_calendar()
    for request, (kind, result) in zip(replied, plan, strict=False):
        filed = calendar.add(request.completed_on, rng.randint(5, 30))
        filed_at = _at(filed, 10)
        if filed_at > now:
            continue
        with clock.frozen(filed_at):
            try:
                appeal = disclosure.record_appeal(
                    actor=office, number=request.number, kind=kind, filed_on=filed
                )
            except ZhengwuError:
                continue
        made += 1
        if result is None:
            continue
        decided = calendar.add(filed, rng.randint(20, 50))
        decided_at = _at(decided, 15)
        if decided_at > now:
            continue
        with clock.frozen(decided_at):
            try:
                disclosure.decide_appeal(
                    actor=office, appeal_id=appeal.pk, result=result, decided_on=decided
                )
            except ZhengwuError:
                pass
    return made
