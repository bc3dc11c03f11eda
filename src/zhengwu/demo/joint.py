"""The demo city's 一件事 scenes, the licence types their grants issue, and a year of joint cases.

The scenes are published through ``joint.services`` (the administrator saves the draft and
publishes it), so they obey the publishing rules; the joint cases are filed and handled through
the joint and case services at the moments the steps happened (``clock.frozen``), so their
trails, clocks and licences are what the live system makes. Loading the scenes is idempotent: a
scene whose published version already says the same is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction

from zhengwu.accounts.models import User
from zhengwu.cases import services as cases
from zhengwu.cases.models import Case
from zhengwu.catalog.models import ServiceItemVersion
from zhengwu.core import clock
from zhengwu.joint import selectors
from zhengwu.joint import services as joint
from zhengwu.joint.models import JointCase, Scene
from zhengwu.licences.models import LicenceType
from zhengwu.workdays.loader import get_calendar

# code, name, validity in years (None: until revoked)
LICENCE_TYPES = [
    ("YYZZ", "营业执照", None),
    ("SPJY", "食品经营许可证", 5),
    ("GGWS", "公共场所卫生许可证", 4),
    ("CSZM", "出生医学证明", None),
    ("SBK", "社会保障卡", 10),
    ("YDGH", "建设用地规划许可证", None),
    ("GCGH", "建设工程规划许可证", None),
    ("SGXK", "建筑工程施工许可证", None),
    ("BDCQ", "不动产权证书", None),
]


@dataclass(frozen=True)
class DemoScene:
    code: str
    name: str
    lead: str
    promised_limit: int
    stages: list[list[str]]  # item names, by stage
    composite_licence: bool = False
    applicant: str = "person"  # who applies: "person" or "org"
    stage_names: tuple[str, ...] = ()


SCENES = [
    DemoScene(
        "YJS-KBCYD",
        "开办餐饮店",
        "SCJ",
        15,
        [["个体工商户登记"], ["食品经营许可", "公共场所卫生许可"]],
        composite_licence=True,
        stage_names=("营业执照", "食品经营和卫生许可"),
    ),
    DemoScene(
        "YJS-XSECS",
        "新生儿出生",
        "WJW",
        5,
        [
            ["出生医学证明首次签发"],
            ["出生登记（新生儿入户）"],
            ["新生儿城乡居民基本医疗保险参保登记", "社会保障卡申领"],
        ],
        stage_names=("出生医学证明", "户口登记", "参保办卡"),
    ),
    DemoScene(
        "YJS-QYKB",
        "企业开办",
        "SCJ",
        3,
        [
            ["企业设立登记"],
            ["公章刻制备案", "增值税发票领用", "单位社会保险参保登记", "住房公积金单位缴存登记"],
        ],
        stage_names=("设立登记", "刻章、申领发票、社保和公积金登记"),
    ),
    DemoScene(
        "YJS-ESFGH",
        "二手房转移登记及水电气过户",
        "BDC",
        5,
        [["契税申报征收"], ["不动产转移登记"], ["供水过户", "供电过户", "燃气过户"]],
        stage_names=("缴税", "转移登记", "水电气过户"),
    ),
    DemoScene(
        "YJS-TX",
        "退休",
        "RSJ",
        10,
        [
            [
                "企业职工基本养老保险待遇申领",
                "职工医保退休人员待遇核定",
                "住房公积金提取（离休、退休）",
            ]
        ],
    ),
    DemoScene(
        "YJS-GCSGXK",
        "工程建设项目施工许可（一般社会投资项目）",
        "SPJ",
        45,
        [
            ["企业投资项目备案", "建设项目用地预审与选址意见书核发", "建设用地规划许可证核发"],
            [
                "建设工程规划许可证核发",
                "建设项目环境影响评价文件审批（报告表）",
                "生产建设项目水土保持方案审批",
            ],
            ["建设工程消防设计审查", "建筑工程施工许可证核发", "城市建筑垃圾处置核准"],
            ["建设工程消防验收", "房屋建筑和市政基础设施工程竣工验收备案"],
        ],
        applicant="org",
        stage_names=("立项用地规划许可", "工程建设许可", "施工许可", "竣工验收"),
    ),
]


def seed_licence_types() -> int:
    for code, name, years in LICENCE_TYPES:
        LicenceType.objects.update_or_create(
            code=code, defaults={"name": name, "validity_years": years}
        )
    return len(LICENCE_TYPES)


def _impl_codes(names: list[str]) -> list[str]:
    found = dict(
        ServiceItemVersion.objects.filter(status="published", name__in=names).values_list(
            "name", "item__impl_code"
        )
    )
    missing = [name for name in names if name not in found]
    if missing:
        raise LookupError(f"demo scenes: no published item named {missing}")
    return [found[name] for name in names]


def _unchanged(scene: DemoScene, stages: list[list[str]]) -> bool:
    wanted = {
        "code": scene.code,
        "name": scene.name,
        "lead_department": scene.lead,
        "promised_limit": scene.promised_limit,
        "composite_licence": scene.composite_licence,
        "stages": stages,
        "stage_names": list(scene.stage_names),
    }
    return selectors.scene_content_of(scene.code) == wanted


def seed_scenes() -> int:
    """Publish the demo scenes as the administrator (only those that changed)."""
    admin = User.objects.get(username="admin")
    published = 0
    for scene in SCENES:
        stages = [_impl_codes(stage) for stage in scene.stages]
        if _unchanged(scene, stages):
            continue
        with transaction.atomic():
            joint.save_scene(
                actor=admin,
                code=scene.code,
                name=scene.name,
                lead_department=scene.lead,
                promised_limit=scene.promised_limit,
                stages=stages,
                composite_licence=scene.composite_licence,
                stage_names=scene.stage_names,
            )
            joint.publish_scene(actor=admin, code=scene.code)
        published += 1
    return published


def seed() -> dict:
    return {"licence_types": seed_licence_types(), "scenes": seed_scenes()}


# ---------------------------------------------------------------- a year of joint cases


@dataclass
class JointSummary:
    joint_cases: int = 0
    children: int = 0
    refused_actions: int = 0
    states: dict = field(default_factory=dict)


# The share of the people's applications filed online by portal accounts.
ONLINE_SHARE = 0.35
# How a joint case goes, with its weight: most are delivered, some stay open or stop.
FATES = [
    ("delivered", 60),
    ("completed", 8),
    ("supplement", 10),
    ("refused", 4),
    ("withdrawn", 4),
    ("denied", 6),
    ("extended", 5),
    ("suspended", 7),
]


def _moment(day: dt.date, rng: random.Random, start_hour: int = 9) -> dt.datetime:
    minutes = rng.randrange(start_hour * 60, 16 * 60)
    return dt.datetime.combine(
        day, dt.time(minutes // 60, minutes % 60, rng.randrange(60)), tzinfo=clock.LOCAL_TZ
    )


class _Run:
    """One joint case played step by step at its moments; stops at the first refusal by the
    rules (as a real case would stop where it is) or at ``end``. Each step is yielded as
    ``(moment, action)`` to whoever runs the timeline (``demo.history.generate`` interleaves
    them with the history's cases and morning sweeps, so the day's seal holds them), which sends
    back whether the rules took it."""

    def __init__(self, summary: JointSummary, end: dt.datetime):
        self.summary, self.end = summary, end
        self.last: dt.datetime | None = None

    def at(self, moment: dt.datetime, action):
        if self.last is not None and moment <= self.last:
            moment = self.last + dt.timedelta(minutes=17)
        if moment > self.end:
            return False
        self.last = moment
        taken = yield moment, action
        if not taken:
            self.summary.refused_actions += 1
        return bool(taken)


def timelines(
    *, count: int = 60, end: dt.datetime | None = None, days: int = 330, seed: int = 2026
) -> tuple[JointSummary, list]:
    """Plan ``count`` joint cases over the ``days`` before ``end`` (default: now), spread over the
    demo scenes: ``(summary, one step generator per joint case)``, for ``demo.history.generate``
    to play through the services on working days among its cases and sweeps (``generate`` plays
    them alone). The summary fills as they are played; ``finish`` completes it."""
    from zhengwu.demo.history import _org, _person, ensure_online_applicants, ensure_staff

    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    end = end or clock.now()
    calendar = get_calendar()
    staff, _created = ensure_staff()
    people = [(user, a) for user, a in ensure_online_applicants()[0] if a["kind"] == "person"]
    summary = JointSummary()
    scenes = list(
        Scene.objects.filter(status=Scene.Status.PUBLISHED, code__in=[s.code for s in SCENES])
        .select_related("current_version__lead_department")
        .order_by("code")
    )
    plays: list = []
    if not scenes:
        return summary, plays
    kinds = {s.code: s.applicant for s in SCENES}
    first = clock.local_date(end) - dt.timedelta(days=days)
    fates = [name for name, weight in FATES for _ in range(weight)]
    starts = sorted(calendar.add(first, rng.randrange(0, int(days * 0.68))) for _ in range(count))
    for index, start in enumerate(starts):
        scene = scenes[index % len(scenes)]
        version = scene.current_version
        lead = staff[version.lead_department_id]
        make = _org if kinds[scene.code] == "org" else _person
        person = make(rng, 3000 + index)
        # the most recent ones are still under way
        fate = rng.choice(fates)
        if index >= count - max(2, count // 12):
            fate = rng.choice(("open", "notice", "completed"))
        # about a third of the people's applications come in online, from portal accounts
        portal = None
        if kinds[scene.code] == "person" and people and rng.random() < ONLINE_SHARE:
            portal = people[index % len(people)]
            person = portal[1]
        plan = Plan(scene, version, lead, person, start, fate, portal)
        plays.append(_play(random.Random(f"{seed}:{index}"), plan, staff, calendar, end, summary))  # noqa: S311
    return summary, plays


def finish(summary: JointSummary) -> JointSummary:
    """The counts of what was played."""
    summary.children = Case.objects.filter(joint_child__isnull=False).count()
    for state in JointCase.objects.values_list("state", flat=True):
        summary.states[state] = summary.states.get(state, 0) + 1
    return summary


def generate(
    *, count: int = 60, end: dt.datetime | None = None, days: int = 330, seed: int = 2026
) -> JointSummary:
    """Make ``count`` joint cases as ``timelines`` plans them, played alone in time order (no
    sweeps): for a database without the history's timeline."""
    import heapq

    from zhengwu.demo.history import advance, run_step

    summary, plays = timelines(count=count, end=end, days=days, seed=seed)
    queue: list = []
    for order, play in enumerate(plays):
        step = next(play, None)
        if step is not None:
            heapq.heappush(queue, (step[0], order, play, step[1]))
    while queue:
        moment, order, play, action = heapq.heappop(queue)
        step = advance(play, run_step(moment, action))
        if step is not None:
            heapq.heappush(queue, (step[0], order, play, step[1]))
    return finish(summary)


@dataclass(frozen=True)
class Plan:
    scene: Scene
    version: object
    lead: dict
    person: dict
    start: dt.date
    fate: str
    portal: tuple | None  # (portal account, applicant) for an online application


def _play(rng, plan: Plan, staff, calendar, end, summary):
    scene, version, person, start, fate = (
        plan.scene,
        plan.version,
        plan.person,
        plan.start,
        plan.fate,
    )
    run = _Run(summary, end)
    clerk = plan.lead["clerk"]
    # who files, supplements and withdraws: the applicant online, else the lead window
    own = plan.portal[0] if plan.portal else clerk
    required = list(version.materials.filter(required=True).values_list("code", flat=True))
    handed = list(required)
    if fate in ("supplement", "notice") and len(required) > 1:
        handed = required[1:]
    made: dict[str, str] = {}

    def file():
        made["number"] = joint.file(
            actor=own,
            scene=scene.code,
            channel="online" if plan.portal else "window",
            applicant=cases.ApplicantInput(**person),
            materials=handed,
        ).number

    if not (yield from run.at(_moment(start, rng), file)):
        return
    summary.joint_cases += 1
    number = made["number"]

    def act(actor, action, data=None):
        return lambda: joint.act(actor=actor, number=number, action=action, data=data or {})

    day = start
    if fate == "refused":
        (
            yield from run.at(
                _moment(day, rng, 13),
                act(clerk, "refuse", {"reason": "申请事项不属于一件事办理范围"}),
            )
        )
        return
    if fate == "withdrawn":
        (
            yield from run.at(
                _moment(calendar.add(day, 1), rng),
                act(own, "withdraw", {"reason": "申请人申请撤回"}),
            )
        )
        return
    if handed != required:
        missing = [code for code in required if code not in handed]
        note = {"missing": missing, "note": "请一次性补齐所列材料"}
        if not (yield from run.at(_moment(day, rng, 13), act(clerk, "request-supplement", note))):
            return
        if fate == "notice":
            return
        day = calendar.add(day, rng.randrange(1, 5))
        supplied = {"materials": missing}
        if not (yield from run.at(_moment(day, rng), act(own, "supplement", supplied))):
            return
    if not (yield from run.at(_moment(day, rng, 14), act(clerk, "accept"))) or fate == "open":
        return
    if fate == "extended":
        leader = User.objects.filter(username="leader").first()
        when = _moment(calendar.add(day, 3), rng)
        data = {"workdays": 10, "reason": "涉及部门多，需召开联审会集体研究"}
        if leader is not None and not (yield from run.at(when, act(leader, "extend", data))):
            return
    denied = fate == "denied"
    paused: list[str] = []
    stages = sorted(set(version.items.values_list("stage", flat=True)))
    for stage in stages:
        children = list(
            Case.objects.filter(joint_child__joint__number=number, joint_child__stage=stage)
            .select_related("item_version")
            .order_by("id")
        )
        if not children:
            return
        for position, case in enumerate(children):
            people = staff[case.department_id]
            immediate = case.item_version.handling_type == "immediate"
            pace = 0 if immediate else rng.randrange(1, max(2, case.item_version.promised_limit))
            decided = calendar.add(day, pace)
            if fate == "suspended" and not paused and not immediate:
                paused.append(case.number)
                suspend = {"procedure": "expert_review", "reason": "依法组织专家评审"}
                pause = rng.randrange(3, 8)
                if not (
                    yield from run.at(
                        _moment(decided, rng),
                        _case_act(people["reviewer"], case, "suspend", suspend),
                    )
                ):
                    return
                decided = calendar.add(decided, pause)
                if not (
                    yield from run.at(
                        _moment(decided, rng),
                        _case_act(people["reviewer"], case, "resume", {"note": "专家评审完毕"}),
                    )
                ):
                    return
            last_stage = stage == stages[-1]
            if denied and (last_stage or stage == 1) and position == 0:
                outcome = {"outcome": "deny", "reason": "经审查不符合法定条件"}
            else:
                outcome = {"outcome": "grant"}
            if not (
                yield from run.at(
                    _moment(decided, rng, 10),
                    _case_act(people["reviewer"], case, "decide", outcome),
                )
            ):
                return
            if outcome["outcome"] == "deny":
                return
        day = max(clock.local_date(run.last), day)
    if fate in ("completed", "open"):
        return
    delivered = calendar.add(day, rng.randrange(0, 3))
    method = rng.choice(("window", "mail", "electronic"))
    (yield from run.at(_moment(delivered, rng, 14), act(clerk, "deliver", {"method": method})))


def _case_act(actor, case: Case, action: str, data: dict):
    return lambda: cases.act(actor=actor, number=case.number, action=action, data=data)
