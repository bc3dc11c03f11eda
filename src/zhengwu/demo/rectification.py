"""The rectification ledger of the demo city: the inspection "look back" of seed 002 (3 areas, 5
items, 16 problems, 44 measures) set up about five months ago and worked through the services at
the moments the steps happened (``clock.frozen``) — most measures verified, some claimed and
waiting, one returned, some overdue, some still within their deadline — with its discipline
records (发函通报 10 人次, a 批评教育 and a 约谈), and a smaller CPPCC evaluation ledger just begun.
Deterministic for the same today; made once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from zhengwu.accounts.models import Department, User
from zhengwu.core import clock
from zhengwu.demo.history import ensure_staff
from zhengwu.evaluation import rectification_services as services
from zhengwu.evaluation.models.rectification import Rectification
from zhengwu.workdays.loader import get_calendar

SUPERVISOR = "supervisor"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# (area, [(item, [(problem, unit code), ...]), ...]) — the problems of seed 002.
INSPECTION = [
    (
        "贯彻落实党中央决策部署和上级工作要求方面",
        [
            (
                "政务服务质效有待提升",
                [
                    ("好差评数据汇聚量较少，主动评价率较低，部分接口不能与省、市有效对接", "SPJ"),
                    ("对便民服务中心工作指导不够，未充分考虑基层工作难点、堵点问题", "SPJ"),
                    ("窗口办理事项需在自建系统和另一平台重复录入，增加工作负担", "SPJ"),
                    ("“一窗办理”在镇街推进简单化、形式化，以文件和会议作为落实措施", "SPJ"),
                ],
            ),
            (
                "改革推进不够有力",
                [
                    ("推动“一业一证”改革工作起步晚，在镇街落地较慢", "SCJ"),
                    ("行政审批流程便利性与企业需求还有差距", "SPJ"),
                ],
            ),
        ],
    ),
    (
        "落实全面从严治党责任方面",
        [
            (
                "大厅管理和作风纪律不严",
                [
                    ("政务服务大厅一日六巡制度未严格落实", "SPJ"),
                    ("考勤打卡距离设置过宽，大厅人员上班到岗不及时", "SPJ"),
                    ("部分窗口多次出现空岗且无人替岗", "MZJ"),
                    ("政务服务大厅未严格落实疫情防控工作", "SPJ"),
                ],
            ),
            (
                "财经纪律执行不严",
                [
                    ("未严格执行公务卡强制消费目录，应使用而未使用公务卡结算", "SPJ"),
                    ("差旅费报销手续不全，部分出差业务未附审批单或文件依据", "SPJ"),
                ],
            ),
        ],
    ),
    (
        "基层党组织建设和干部队伍建设方面",
        [
            (
                "基础保障和队伍建设滞后",
                [
                    ("现有政务服务大厅硬件设施无法满足群众需求", "SPJ"),
                    ("没有建立异地评标系统", "SPJ"),
                    ("职称评聘工作未及时推进", "RSJ"),
                    ("公共资源交易中心未按“三定方案”进行内部分工和科室设置", "SPJ"),
                ],
            ),
        ],
    ),
]
MEASURES = [
    ("立即对照问题逐项查摆，明确专人负责，立行立改", "immediate"),
    ("修订完善相关制度规定，明确责任分工和工作流程", "deadline"),
    ("建立长效机制，纳入日常督导检查，定期通报", "long_term"),
]
FIRST_MEASURES = [  # problem 1, as the published report says
    ("在大厅摆放“好差评”易拉宝，通过公众号发布“好差评”宣传信息", "immediate"),
    ("各办事窗口制作摆放“好差评”二维码，方便群众扫码评价", "deadline"),
    ("窗口人员在业务办结后主动邀请办事群众评价，提高主动评价率", "long_term"),
]
NOTICED = ["刘洋", "陈静", "王磊", "李娜", "张伟", "赵强", "孙丽", "周敏", "吴勇", "郑华"]


@dataclass
class Made:
    ledgers: int = 0
    measures: int = 0
    steps: int = 0


def _d(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, day.day)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=clock.LOCAL_TZ)


def _people(code: str, staff) -> tuple[Department, User, User] | None:
    department = Department.objects.filter(code=code).first()
    if department is None or department.pk not in staff:
        return None
    people = staff[department.pk]
    return department, people["head"], people["clerk"]


def generate(*, today: dt.date | None = None) -> Made:
    """Make the ledgers (nothing when there are ledgers already)."""
    made = Made()
    if Rectification.objects.exists():
        return made
    office = User.objects.filter(username=SUPERVISOR).first()
    if office is None:
        return made
    today = today or clock.today()
    calendar = get_calendar()
    staff, _created = ensure_staff()
    fallback = _people("SPJ", staff) or next(
        (p for p in (_people(d.code, staff) for d in Department.objects.all()) if p), None
    )
    if fallback is None:
        return made
    fed = _d(calendar.next_workday(today - dt.timedelta(days=150), inclusive=True))
    set_on = _d(calendar.add(fed, 5))
    with clock.frozen(_at(fed, 16)):
        ledger = services.create_rectification(
            actor=office,
            data={
                "source": {
                    "kind": "inspection",
                    "title": "区委第五巡察组巡察“回头看”反馈意见",
                    "date": fed,
                },
                "areas": [
                    {
                        "title": area,
                        "items": [
                            {"title": item, "problems": [{"text": text} for text, _u in rows]}
                            for item, rows in items
                        ],
                    }
                    for area, items in INSPECTION
                ],
            },
        )
    made.ledgers += 1
    units = [unit for _a, items in INSPECTION for _i, rows in items for _t, unit in rows]
    problems = list(ledger.problems.order_by("pk"))
    plan = []  # (measure, problem index)
    with clock.frozen(_at(set_on)):
        for index, problem in enumerate(problems):
            unit, leader, person = _people(units[index], staff) or fallback
            texts = FIRST_MEASURES if index == 0 else MEASURES
            for m, (text, kind) in enumerate(texts[: 3 if index < 12 else 2]):
                days = {"immediate": 10, "deadline": 40, "long_term": 60}[kind]
                if index >= 14:  # the last ones: still within their deadline today
                    deadline = calendar.add(today, 15 + m * 5)
                else:
                    deadline = calendar.add(set_on, days)
                measure = services.add_measure(
                    actor=office,
                    rectification_id=ledger.pk,
                    problem=problem.pk,
                    text=text,
                    unit=unit.code,
                    leader=leader.pk,
                    person=person.pk,
                    kind=kind,
                    deadline=deadline,
                )
                plan.append((measure, index, person))
                made.measures += 1

    def step(measure, who, action, day, text="", files=()):
        moment = _at(day, 15)
        if moment > clock.now():
            return
        with clock.frozen(moment):
            services.act(actor=who, measure_id=measure.pk, action=action, text=text, files=files)
        made.steps += 1

    for measure, index, person in plan:
        progress_on = calendar.add(set_on, 3)
        files = ()
        if index == 0 and measure.seq == 2:
            files = [SimpleUploadedFile("好差评二维码摆放照片.png", PNG, content_type="image/png")]
        if index >= 14:
            step(measure, person, "progress", progress_on, "已制定工作方案，正在推进")
            continue
        step(measure, person, "progress", progress_on, "已按措施开展整改", files)
        claim_on = min(measure.deadline, calendar.add(set_on, 8))
        if index == 13 and measure.seq == 1:  # returned: the evidence did not hold
            step(measure, person, "claim", claim_on, "已完成整改")
            step(measure, office, "return", calendar.add(claim_on, 2), "佐证材料不足，请补充")
            continue
        if index == 13:  # overdue: not claimed by the deadline
            continue
        step(measure, person, "claim", claim_on, "已完成整改，附佐证材料")
        if index in (11, 12) and measure.seq == 2:  # claimed, waiting for verification
            continue
        step(measure, office, "verify", calendar.add(claim_on, 3), "经核查，整改到位")

    with clock.frozen(_at(calendar.add(fed, 30), 17)):
        for i, name in enumerate(NOTICED):
            services.record_discipline(
                actor=office,
                rectification_id=ledger.pk,
                problem=problems[7].pk,
                kind="notice",
                person_name=name,
                unit=units[7],
                taken_on=calendar.add(fed, 10 + i * 2),
                note="上班到岗不及时",
            )
        services.record_discipline(
            actor=office,
            rectification_id=ledger.pk,
            problem=problems[8].pk,
            kind="criticism",
            person_name="马晓东",
            unit=units[8],
            taken_on=calendar.add(fed, 3),
            note="窗口空岗且未履行请销假手续",
        )
        services.record_discipline(
            actor=office,
            rectification_id=ledger.pk,
            problem=problems[8].pk,
            kind="interview",
            person_name="杜明",
            unit=units[8],
            taken_on=calendar.add(fed, 5),
            note="约谈首席代表",
        )
    made.steps += 12

    begun = _d(calendar.next_workday(today - dt.timedelta(days=20), inclusive=True))
    with clock.frozen(_at(begun, 16)):
        cppcc = services.create_rectification(
            actor=office,
            data={
                "source": {"kind": "cppcc", "title": "区政协民主评议反馈意见", "date": begun},
                "areas": [
                    {
                        "title": "服务效能方面",
                        "items": [
                            {
                                "title": "窗口服务",
                                "problems": [
                                    {"text": "高峰时段排队等候时间较长"},
                                    {"text": "部分事项一次性告知不到位"},
                                ],
                            }
                        ],
                    }
                ],
            },
        )
        made.ledgers += 1
        unit, leader, person = fallback
        for problem, (text, kind) in zip(
            cppcc.problems.order_by("pk"),
            (
                ("高峰时段增开综合窗口，推行预约分时办理", "deadline"),
                ("全面梳理一次性告知单，逐项核对材料清单", "immediate"),
            ),
            strict=True,
        ):
            services.add_measure(
                actor=office,
                rectification_id=cppcc.pk,
                problem=problem.pk,
                text=text,
                unit=unit.code,
                leader=leader.pk,
                person=person.pk,
                kind=kind,
                deadline=calendar.add(today, 10),
            )
            made.measures += 1
    return made
