"""A year of case history for the demo city, made through the case services at the moments the
steps happened (``clock.frozen``), so every clock, event and hash is what the live system makes.

The mix is what a real center sees: most cases filed at a window, a share growing through the
year filed online by portal accounts (for items offered online with acceptance online, depth Ⅲ
or Ⅳ, the applicant supplementing and withdrawing online too); most accepted at once and decided
early (about a third of those for items that allow it into parallel approval), some with a
one-time notice and a supplement, some refused or withdrawn, some suspended
for a special procedure, some extended, a few late, a few past the statutory limit, a few deemed
accepted because nobody answered within five working days, and some steps entered days after they
happened (先办后录).
Cases whose plan runs past the present stay open in whatever state they reached. The supervision
sweep runs every morning as the history is built (``sweep_mornings``), as the scheduler runs it,
so warnings, irregularities, notifications and seals are dated the day they happened.

Deterministic: the same ``seed`` and ``end`` give the same history.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F

from zhengwu.accounts import services as accounts
from zhengwu.accounts.models import Department, User, Window
from zhengwu.cases import services as cases
from zhengwu.cases.models import Case
from zhengwu.catalog.models import ServiceItemVersion
from zhengwu.catalog.selectors import published_versions
from zhengwu.core import clock
from zhengwu.core.errors import ZhengwuError
from zhengwu.core.identity import resident_id_check_char, uscc_check_char
from zhengwu.core.roles import Role
from zhengwu.notifications import applicant_messages
from zhengwu.supervision import seal, sweep
from zhengwu.workdays.loader import get_calendar

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红鹏辉建国建华志强海燕丹"
COMPANY_WORDS = ["恒通", "鑫源", "华茂", "瑞丰", "同创", "嘉禾", "利民", "东升", "汇力", "锦程"]
COMPANY_KINDS = ["商贸有限公司", "餐饮管理有限公司", "建筑工程有限公司", "科技有限公司"]


@dataclass(order=True)
class _Step:
    at: dt.datetime
    order: int
    plan: int = field(compare=False)
    run: Callable[[], None] = field(compare=False)


@dataclass
class HistorySummary:
    cases: int = 0
    actions: int = 0
    refused_actions: int = 0
    refusals: dict = field(default_factory=dict)
    staff_created: int = 0
    applicants_created: int = 0


# Online applications: for items offered online with acceptance online (depth Ⅲ and Ⅳ), a share
# of the applications that grows through the year from the first value to the second.
ONLINE_DEPTH = 3
# When the scheduler's first sweep of a day runs (before the windows open).
SWEEP_TIME = dt.time(7, 0)
ONLINE_SHARE = (0.10, 0.45)
CITIZENS = 40
ENTERPRISES = 12


def _person(rng: random.Random, seq: int) -> dict:
    birth = dt.date(1955, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 45))
    first17 = f"330106{birth:%Y%m%d}{seq % 1000:03d}"
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return {
        "kind": "person",
        "name": name,
        "id_number": first17 + resident_id_check_char(first17),
        "phone": f"13{rng.randrange(0, 10)}{rng.randrange(10**7, 10**8)}",
    }


def _org(rng: random.Random, seq: int) -> dict:
    first17 = f"91330106{(seq * 7919) % 10**9:09d}"
    name = "示范市" + rng.choice(COMPANY_WORDS) + rng.choice(COMPANY_KINDS)
    return {
        "kind": "org",
        "name": f"{name[:-4]}{seq % 97}{name[-4:]}" if seq % 3 == 0 else name,
        "uscc": first17 + uscc_check_char(first17),
        "contact": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "phone": f"0571-8{rng.randrange(10**6, 10**7)}",
    }


def staff_name(key: str) -> str:
    """A Chinese full name for a demo staff account, the same for the same ``key``."""
    rng = random.Random(zlib.crc32(key.encode()))  # noqa: S311 - demo data, not secrets
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def ensure_staff() -> tuple[dict[int, dict[str, User]], int]:
    """A clerk, a reviewer and a head for every department (the demo accounts where they exist,
    ``<code>_clerk`` / ``<code>_reviewer`` / ``<code>_head`` otherwise, with Chinese names), the
    clerk at a window that takes the department's applications."""
    from django.contrib.auth.hashers import make_password

    from zhengwu.demo.constants import DEMO_PASSWORD

    encoded = None
    staff: dict[int, dict[str, User]] = {}
    created = 0
    wanted = {
        "clerk": Role.WINDOW_CLERK,
        "reviewer": Role.REVIEWER,
        "head": Role.DEPARTMENT_HEAD,
    }
    for department in Department.objects.order_by("sort_order", "code"):
        people = {}
        for key, role in wanted.items():
            user = (
                User.objects.filter(department=department, groups__name=role.value)
                .order_by("id")
                .first()
            )
            if user is None:
                user = accounts.create_user(
                    username=f"{department.code.lower()}_{key}",
                    roles=[role],
                    department_code=department.code,
                    full_name=staff_name(f"{department.code}_{key}"),
                )
                # One hash for all of them: hashing is slow on purpose.
                encoded = encoded or make_password(DEMO_PASSWORD)
                User.objects.filter(pk=user.pk).update(password=encoded)
                created += 1
                if role == Role.DEPARTMENT_HEAD and department.head_id is None:
                    Department.objects.filter(pk=department.pk).update(head=user)
            people[key] = user
        clerk = people["clerk"]
        if clerk.window_id is None:
            # the department's own window, else a comprehensive window that serves it, else
            # (a township's own office) a comprehensive window of its center
            window = (
                Window.objects.filter(department=department).order_by("number").first()
                or Window.objects.filter(department__isnull=True, serves=department)
                .order_by("number")
                .first()
                or Window.objects.filter(department__isnull=True, center_id=department.center_id)
                .order_by("number")
                .first()
            )
            if window is not None:
                User.objects.filter(pk=clerk.pk).update(window=window)
                clerk.window = window
        staff[department.pk] = people
    return staff, created


def ensure_online_applicants() -> tuple[list[tuple[User, dict]], int]:
    """Portal accounts that apply online, each with the applicant it applies as: the demo
    citizen, people ``applicant_NN`` and companies ``enterprise_NN``; and how many were made."""
    from django.contrib.auth.hashers import make_password

    from zhengwu.demo.constants import CITIZEN_ID_NUMBER, DEMO_PASSWORD

    rng = random.Random(8)  # noqa: S311 - demo data, not secrets
    pool: list[tuple[User, dict]] = []
    citizen = User.objects.filter(username="citizen").first()
    if citizen is not None:
        pool.append(
            (
                citizen,
                {
                    "kind": "person",
                    "name": citizen.full_name or "张三",
                    "id_number": CITIZEN_ID_NUMBER,
                    "phone": "13800138000",
                },
            )
        )
    wanted = [(f"applicant_{n:02d}", _person(rng, 900 + n)) for n in range(1, CITIZENS + 1)]
    wanted += [(f"enterprise_{n:02d}", _org(rng, 900 + n)) for n in range(1, ENTERPRISES + 1)]
    encoded = None
    created = 0
    for username, applicant in wanted:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = accounts.create_user(
                username=username,
                roles=[Role.APPLICANT],
                full_name=applicant.get("contact") or applicant["name"],
                phone=applicant["phone"],
            )
            # One hash for all of them: hashing is slow on purpose.
            encoded = encoded or make_password(DEMO_PASSWORD)
            User.objects.filter(pk=user.pk).update(password=encoded)
            created += 1
        accounts.register_applicant(**applicant, user=user)
        pool.append((user, applicant))
    return pool, created


def _moment(day: dt.date, rng: random.Random, start_hour: int = 9) -> dt.datetime:
    minutes = rng.randrange(start_hour * 60, 17 * 60)
    return dt.datetime.combine(
        day, dt.time(minutes // 60, minutes % 60, rng.randrange(60)), tzinfo=clock.LOCAL_TZ
    )


def generate(
    *,
    count: int = 1500,
    end: dt.datetime | None = None,
    days: int = 365,
    seed: int = 2025,
    progress: Callable[[int, int], None] | None = None,
    also: Iterable[Iterator] = (),
) -> HistorySummary:
    """Make ``count`` cases received over the ``days`` before ``end`` (default: now);
    ``progress(done, count)`` is called as cases are filed. ``also``: more timelines to play
    among them (``demo.joint.timelines``: generators yielding ``(moment, action)`` and told
    whether the rules took it), so the morning sweeps and the day's seal see their steps on
    their days."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    end = end or clock.now()
    calendar = get_calendar()
    end_day = clock.local_date(end)
    staff, created = ensure_staff()
    online, applicants_created = ensure_online_applicants()
    summary = HistorySummary(staff_created=created, applicants_created=applicants_created)
    versions = list(published_versions().prefetch_related("materials"))
    if not versions:
        return summary
    first_day = end_day - dt.timedelta(days=days)
    workdays = [
        first_day + dt.timedelta(days=i)
        for i in range(days + 1)
        if calendar.is_workday(first_day + dt.timedelta(days=i))
    ]
    queue: list[_Step] = []
    order = 0

    def later(day: dt.date, n: int) -> dt.date:
        return calendar.add(day, n) if n > 0 else day

    low, high = ONLINE_SHARE
    for index in range(count):
        version = rng.choice(versions)
        received_day = rng.choice(workdays)
        share = low + (high - low) * (received_day - first_day).days / max(days, 1)
        portal = None
        if version.online_depth >= ONLINE_DEPTH and rng.random() < share:
            portal = rng.choice(online)
        plan = _increasing(
            rng,
            _plan(
                rng,
                version,
                received_day,
                later,
                index,
                staff[version.item.department_id],
                portal,
            ),
        )
        for moment, run in plan:
            if moment <= end:
                heapq.heappush(queue, _Step(moment, order, index, run))
                order += 1

    def push_next(play, step) -> None:
        nonlocal order
        if step is not None:
            moment, action = step
            heapq.heappush(queue, _Step(moment, order, -1, (play, action)))
            order += 1

    for play in also:
        push_next(play, next(play, None))

    numbers: dict[int, str] = {}
    broken: set[int] = set()
    swept = first_day
    while queue:
        step = heapq.heappop(queue)
        if step.plan in broken:
            continue
        swept = sweep_mornings(swept, clock.local_date(step.at))
        if step.plan == -1:  # a step of another timeline
            play, action = step.run
            push_next(play, advance(play, run_step(step.at, action)))
            continue
        # the applicants find these steps' messages in the portal; no SMS for history
        with clock.frozen(step.at), applicant_messages.not_sent():
            try:
                with transaction.atomic():
                    result = step.run(numbers.get(step.plan))
            except ZhengwuError as error:
                # The plan asked for something the rules refuse at that moment (a deemed
                # acceptance came first, say): the case stops where it is.
                summary.refused_actions += 1
                summary.refusals[error.code] = summary.refusals.get(error.code, 0) + 1
                broken.add(step.plan)
                continue
        if isinstance(result, Case):
            numbers[step.plan] = result.number
            summary.cases += 1
            if progress is not None and summary.cases % 100 == 0:
                progress(summary.cases, count)
        summary.actions += 1
    # The mornings up to today, then the sweep of now.
    sweep_mornings(swept, end_day)
    with clock.frozen(end):
        sweep.run()
    return summary


def run_step(moment: dt.datetime, action: Callable[[], object]) -> bool:
    """Take one step of another timeline at its moment; False when the rules refuse it."""
    with clock.frozen(moment), applicant_messages.not_sent():
        try:
            with transaction.atomic():
                action()
        except ZhengwuError:
            return False
    return True


def advance(play: Iterator, taken: bool):
    """Tell a timeline whether its step was taken: its next ``(moment, action)``, or None."""
    try:
        return play.send(taken)
    except StopIteration:
        return None


def sweep_mornings(after: dt.date, until: dt.date) -> dt.date:
    """The supervision sweep of every morning after ``after`` up to ``until``, as the scheduler
    runs it: each deemed acceptance, level, warning, irregularity, notification and seal is
    recorded on the day it happened. Returns ``until`` (or ``after`` when that is later)."""
    day = after
    while day < until:
        day += dt.timedelta(days=1)
        moment = dt.datetime.combine(day, SWEEP_TIME, tzinfo=clock.LOCAL_TZ)
        # the applicants find that morning's messages in the portal; no SMS for history
        with clock.frozen(moment), applicant_messages.not_sent(), seal.rechecked_inline():
            sweep.run()
    return max(after, until)


def record_rectifications_overdue(first: dt.date, until: dt.date) -> int:
    """Bad ratings are made after the cases (``demo.ratings``): record each rectification that
    ran late on the morning after its due date, as the sweep of that day would have, and tell the
    department's head. Returns how many were recorded."""
    import uuid

    from zhengwu.supervision.models import Irregularity
    from zhengwu.supervision.rectifications import record_overdue_rectifications

    recorded = 0
    day = first
    while day < until:
        day += dt.timedelta(days=1)
        moment = min(dt.datetime.combine(day, SWEEP_TIME, tzinfo=clock.LOCAL_TZ), clock.now())
        with clock.frozen(moment), transaction.atomic():
            token = uuid.uuid4().hex
            found = record_overdue_rectifications(day, moment, token)
            if found:
                sweep.notify(
                    Irregularity, "irregularity", "kind", sweep.IRREGULARITY_ROLES, token, moment
                )
            recorded += found
    return recorded


def after_ratings(*, end: dt.datetime | None = None, days: int = 365) -> None:
    """What the scheduler's mornings of the year would have recorded of the ratings made after
    the cases: overdue rectifications and invitations to rate; then the old notifications read."""
    end = end or clock.now()
    end_day = clock.local_date(end)
    with clock.frozen(end):
        record_rectifications_overdue(end_day - dt.timedelta(days=days), end_day)
        send_past_invitations(end_day - dt.timedelta(days=days), end_day)
    settle_notifications(end)


def send_past_invitations(first: dt.date, until: dt.date) -> int:
    """The scheduler's rating invitations of every morning: each completed case its applicant
    did not rate is invited on the day it became due (DOMAIN §6: after 3 days)."""
    from zhengwu.ratings.services import send_invitations

    sent = 0
    day = first
    while day < until:
        day += dt.timedelta(days=1)
        moment = min(dt.datetime.combine(day, SWEEP_TIME, tzinfo=clock.LOCAL_TZ), clock.now())
        with clock.frozen(moment):
            sent += send_invitations()
    return sent


def settle_notifications(end: dt.datetime, days: int = 7) -> int:
    """Staff read what they were told: the notifications older than ``days`` are marked read two
    hours after they were made, the recent ones are left unread. The applicants' messages of the
    history were texted when they were made, so the worker does not text them again today."""
    from zhengwu.notifications.models import Notification

    Notification.objects.filter(
        created_at__lt=end, texted_at__isnull=True, emailed_at__isnull=True
    ).exclude(phone="").update(texted_at=F("created_at"))
    return Notification.objects.filter(
        created_at__lt=end - dt.timedelta(days=days), read_at__isnull=True
    ).update(read_at=F("created_at") + dt.timedelta(hours=2))


def _plan(
    rng,
    version: ServiceItemVersion,
    received: dt.date,
    later,
    seq: int,
    people,
    portal: tuple[User, dict] | None = None,
):
    """The steps of one case: ``[(moment, run(number) -> Case | None)]`` in time order. With a
    ``portal`` account (and the applicant it applies as) the case is filed online, and the
    applicant supplements and withdraws it; otherwise the window clerk does all three."""
    clerk, reviewer, head = people["clerk"], people["reviewer"], people["head"]
    own = portal[0] if portal is not None else clerk
    materials = list(version.materials.all())
    required = [m.code for m in materials if m.required]
    optional = [m.code for m in materials if not m.required]
    immediate = version.handling_type == "immediate"
    promised = 0 if immediate else (version.promised_limit or version.statutory_limit)
    statutory = version.statutory_limit
    person = _person(rng, seq) if rng.random() < 0.7 else _org(rng, seq)
    if portal is not None:
        person = portal[1]
    roll = rng.random()
    incomplete = not immediate and roll < 0.16 and required
    handed = list(required)
    if incomplete:
        handed = [c for c in required if rng.random() < 0.5 and c != required[0]]
    handed += [c for c in optional if rng.random() < 0.3]
    steps = []
    # The window types in the paper application days later (never online).
    backfill = rng.random() < 0.05 and portal is None

    t_received = _moment(received, rng)

    if portal is not None:
        steps.append((t_received, _submit_at(portal[0], version, person, handed, None, "online")))
    elif backfill:
        recorded = _moment(later(received, rng.choice((2, 3, 4))), rng)
        steps.append((recorded, _submit_at(clerk, version, person, handed, t_received)))
    else:
        steps.append((t_received, _submit_at(clerk, version, person, handed, None)))
    day = received

    def act(actor, action, data=None, stated=None):
        def run(number):
            cases.act(
                actor=actor, number=number, action=action, data=data or {}, occurred_at=stated
            )

        return run

    # Where the item allows it, about a third of the acceptances start a parallel approval.
    accepting = {"parallel": True} if version.parallel_approval and rng.random() < 0.35 else None
    if roll < 0.02 and not immediate:  # nobody answers: deemed accepted by the sweep
        day = later(received, 6)
        steps.append((_moment(day, rng), None))
    elif roll < 0.05:
        day = later(received, rng.randrange(0, 3))
        steps.append(
            (_moment(day, rng), act(clerk, "refuse", {"reason": "申请事项不属于本部门职权范围"}))
        )
        return [s for s in steps if s[1] is not None]
    elif incomplete:
        day = later(received, rng.randrange(0, 2))
        missing = [c for c in required if c not in handed]
        steps.append(
            (
                _moment(day, rng),
                act(clerk, "request_supplement", {"missing": missing, "note": "请补齐所列材料"}),
            )
        )
        if rng.random() < 0.08:
            day = later(day, rng.randrange(3, 15))
            steps.append((_moment(day, rng), act(own, "withdraw", {"reason": "申请人放弃"})))
            return steps
        day = later(day, rng.randrange(1, 8))
        steps.append((_moment(day, rng), act(own, "supplement", {"materials": missing})))
        steps.append((_moment(day, rng, 13), act(clerk, "accept", accepting)))
    else:
        day = received if immediate or rng.random() < 0.7 else later(received, 1)
        stated = None
        when = _moment(day, rng, 10)
        if not immediate and rng.random() < 0.04:  # acceptance recorded days later
            stated = max(when, t_received + dt.timedelta(minutes=20))
            when = _moment(later(day, rng.choice((2, 3))), rng)
        steps.append((when, act(clerk, "accept", accepting, stated=stated)))
    steps = [s for s in steps if s[1] is not None]
    accepted = day

    if immediate:
        decided = accepted if rng.random() < 0.96 else later(accepted, 1)
        steps.append((_moment(decided, rng, 14), act(reviewer, "decide", {"outcome": "grant"})))
        if rng.random() < 0.9:
            steps.append((_moment(decided, rng, 16), act(clerk, "deliver", {"method": "window"})))
        return steps

    if rng.random() < 0.03:
        day = later(accepted, rng.randrange(1, max(2, promised)))
        steps.append((_moment(day, rng), act(own, "withdraw", {"reason": "申请人申请撤回"})))
        return steps

    pause = 0
    procedures = list(version.special_procedures or []) or ["expert_review"]
    if rng.random() < 0.08:
        start = later(accepted, rng.randrange(1, max(2, promised)))
        pause = rng.randrange(2, 16)
        stop = later(start, pause)
        steps.append(
            (
                _moment(start, rng),
                act(
                    reviewer,
                    "suspend",
                    {"procedure": rng.choice(procedures), "reason": "依法需要现场核查"},
                ),
            )
        )
        steps.append((_moment(stop, rng), act(reviewer, "resume", {"note": "核查完毕"})))
    extension = 0
    if rng.random() < 0.03:
        extension = rng.randrange(3, 11)
        when = later(accepted, max(1, promised - 2) + pause)
        steps.append(
            (
                _moment(when, rng),
                act(
                    head,
                    "extend",
                    {"workdays": extension, "reason": "情况复杂，需集体研究"},
                ),
            )
        )
    lateness = rng.random()
    if lateness < 0.01:
        offset = statutory + extension + rng.randrange(1, 4)
    elif lateness < 0.09:
        offset = promised + extension + rng.randrange(1, 4)
    else:
        offset = rng.randrange(max(1, promised // 3), promised + 1) + extension
    decided = later(accepted, offset + pause)
    deny = rng.random() < 0.07
    steps.append(
        (
            _moment(decided, rng),
            act(
                reviewer,
                "decide",
                {"outcome": "deny", "reason": "经审查不符合法定条件"}
                if deny
                else {"outcome": "grant"},
            ),
        )
    )
    if not deny and rng.random() < 0.93:
        delivered = later(decided, rng.randrange(0, 6))
        method = rng.choice(("window", "mail", "electronic"))
        steps.append((_moment(delivered, rng, 15), act(clerk, "deliver", {"method": method})))
    return steps


def _increasing(rng, steps):
    """A step may not come before the one it follows: keep the moments increasing."""
    ordered = []
    last = None
    for moment, run in steps:
        if last is not None and moment <= last:
            moment = last + dt.timedelta(minutes=rng.randrange(5, 60))
        ordered.append((moment, run))
        last = moment
    return ordered


def _submit_at(actor, version, person, handed, received_at, channel="window"):
    def run(_number):
        return cases.submit(
            actor=actor,
            item=version.item.impl_code,
            channel=channel,
            applicant=cases.ApplicantInput(**person),
            materials=handed,
            received_at=received_at,
        )

    return run
