"""The hall's staffing for the demo city, over the last full month before today: the A and B
posts of the windows, a month of attendance (a few late arrivals and early leaves, approved
leave), the window sign-ins with a few empty posts, a duty roster every working day, six patrols
a day with findings followed up (a few patrols missed or late, a couple of findings overdue),
and 帮办代办 that reproduce seed 002's month: 243 assisted, 40 called back, all satisfied.

Patrols and follow-ups go through the services at the moments they happened
(``clock.frozen``); the staffing sweep then runs at each day's closing, so the empty posts and
missed patrols are the sweep's own. Deterministic for the same ``seed`` and today; made once.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from zhengwu.accounts.models import Center, User, Window
from zhengwu.core import clock
from zhengwu.core.roles import Role
from zhengwu.demo.history import ensure_staff
from zhengwu.hall import staffing_rules as rules
from zhengwu.hall import staffing_services as services
from zhengwu.hall import staffing_sweep
from zhengwu.hall.models import Hall, WindowPost, WindowSession
from zhengwu.hall.models.staffing import (
    AssistedService,
    Attendance,
    AttendanceMethod,
    DutyRoster,
    HallIrregularity,
    LeaveRequest,
    PatrolFinding,
    StaffingSettings,
)
from zhengwu.notifications.models import Notification
from zhengwu.workdays.loader import is_workday

# Seed 002's month of 帮办代办.
ASSISTED, CALLED_BACK = 243, 40
ITEMS = [
    "营业执照设立登记",
    "社会保障卡补办",
    "城乡居民养老保险待遇认证",
    "不动产登记资料查询",
    "医疗保险异地就医备案",
    "食品经营许可",
    "残疾人证办理",
    "高龄津贴申领",
]
PEOPLE = ["王大爷", "李奶奶", "张先生", "刘女士", "陈师傅", "赵阿姨", "孙先生", "周女士"]
STREETS = ["幸福路", "人民路", "建设街", "和平里", "新华巷"]
FINDINGS = {
    "on_post": "窗口短暂离岗，未放置暂停服务牌",
    "attire": "未按规定着工装、佩戴工牌",
    "order": "等候区秩序较乱，未及时引导",
    "equipment": "叫号显示屏故障",
    "safety": "消防通道堆放杂物",
}


@dataclass
class Made:
    days: int = 0
    attendance: int = 0
    patrols: int = 0
    findings: int = 0
    empty_posts: int = 0
    missed_patrols: int = 0
    assisted: int = 0


def ensure_hall() -> Hall | None:
    """The demo center's hall (the first one; made when there is none) with its location."""
    center = Center.objects.order_by("id").first()
    if center is None:
        return None
    hall = Hall.objects.filter(center=center).order_by("id").first()
    if hall is None:
        hall = Hall.objects.create(
            center=center,
            code=f"{center.code[:24]}-H1",
            name=f"{center.name}服务大厅",
            address=center.address,
            latitude="30.274085",
            longitude="120.155070",
            opens_at=dt.time(9, 0),
            closes_at=dt.time(17, 30),
            break_from=dt.time(12, 0),
            break_to=dt.time(13, 30),
        )
    StaffingSettings.objects.get_or_create(hall=hall)
    return hall


def ensure_posts(hall: Hall) -> list[WindowPost]:
    """A and B posts: each window's department (or the departments a comprehensive window
    serves) gives its clerk and reviewer, each person holding one post at most."""
    staff, _created = ensure_staff()
    used: set[int] = set()
    posts = []
    for window in Window.objects.filter(center=hall.center, is_active=True).order_by("number"):
        existing = WindowPost.objects.filter(window=window).first()
        if existing is not None and existing.post_a_id:
            used |= {existing.post_a_id, existing.post_b_id} - {None}
            posts.append(existing)
            continue
        departments = [window.department_id] if window.department_id else []
        departments += list(window.serves.order_by("sort_order").values_list("pk", flat=True))
        candidates = [
            staff[d][key] for key in ("clerk", "reviewer") for d in departments if d in staff
        ]
        free = [u for u in candidates if u.pk not in used]
        if not free:
            continue
        a, b = free[0], (free[1] if len(free) > 1 else None)
        used |= {a.pk} | ({b.pk} if b else set())
        if existing is not None:  # a window on the floor (the queue's) without its posts yet
            existing.post_a, existing.post_b = a, b
            existing.save(update_fields=["post_a", "post_b"])
            posts.append(existing)
        else:
            posts.append(WindowPost.objects.create(window=window, hall=hall, post_a=a, post_b=b))
    return posts


def _at(day: dt.date, h: int, m: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(h, m), tzinfo=clock.LOCAL_TZ)


def generate(*, seed: int = 20260301, today: dt.date | None = None) -> Made:
    made = Made()
    hall = ensure_hall()
    if hall is None or AssistedService.objects.exists():
        return made
    today = today or clock.today()
    last = today.replace(day=1) - dt.timedelta(days=1)
    first = last.replace(day=1)
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    posts = ensure_posts(hall)
    days = [
        first + dt.timedelta(days=i)
        for i in range((last - first).days + 1)
        if is_workday(first + dt.timedelta(days=i))
    ]
    made.days = len(days)
    people = {p.post_a_id: p for p in posts if p.post_a_id}
    staff = User.objects.filter(pk__in=[*people, *(p.post_b_id for p in posts if p.post_b_id)])
    leaders = list(
        User.objects.filter(groups__name__in=[Role.LEADER, Role.DEPARTMENT_HEAD])
        .filter(department__isnull=False)
        .order_by("id")[:6]
    ) or list(staff[:2])
    chief = User.objects.filter(username="leader").first() or leaders[0]
    hours = rules.Hours(hall.opens_at, hall.closes_at, hall.break_from, hall.break_to)
    leave = _leave(rng, staff, days)
    with transaction.atomic():
        made.attendance = _attendance(rng, hall, staff, days, leave, hours)
        _sessions(rng, posts, days, leave, hours)
        _rosters(rng, hall, days, chief, leaders, staff)
    empty_before = _count("empty_post")
    missed_before = _count("missed_patrol")
    follow_ups: list = []
    now = clock.now()
    for i in range((last - first).days + 2):
        day = first + dt.timedelta(days=i)
        if day in days:
            made.patrols += _patrols(rng, hall, day, posts, follow_ups)
        for finding, when, text in sorted(follow_ups, key=lambda f: f[1]):
            if clock.local_date(when) == day and when < now:
                with clock.frozen(when):
                    services.follow_up(actor=finding.assignee, finding_id=finding.pk, text=text)
        with clock.frozen(_at(day, 17, 50)):
            staffing_sweep.run()
    made.findings = PatrolFinding.objects.count()
    made.empty_posts = _count("empty_post") - empty_before
    made.missed_patrols = _count("missed_patrol") - missed_before
    made.assisted = _assisted(rng, hall, staff, first, last)
    # The month's findings are history: nobody is told of them now.
    Notification.objects.filter(kind__in=("hall_irregular", "duty_roster")).update(
        read_at=clock.now()
    )
    _today_roster(hall, chief, leaders, staff, today)
    return made


def _count(kind: str) -> int:
    return HallIrregularity.objects.filter(kind=kind).count()


def _leave(rng, staff, days) -> set[tuple[int, dt.date]]:
    """A few approved leave requests, asked for and decided before they start."""
    out: set[tuple[int, dt.date]] = set()
    people = [u for u in staff if u.department_id]
    for user in rng.sample(people, min(4, len(people))):
        start = rng.choice(days[2:-3])
        length = rng.choice((1, 1, 2))
        end = start + dt.timedelta(days=length - 1)
        row = LeaveRequest.objects.create(
            user=user,
            department_id=user.department_id,
            kind=rng.choice(LeaveRequest.Kind.values),
            first_day=start,
            last_day=end,
            reason=rng.choice(("家中有事", "身体不适", "外出培训", "年休假")),
            requested_at=_at(start, 9, 0) - dt.timedelta(days=3),
            state=LeaveRequest.State.APPROVED,
            decided_at=_at(start, 10, 0) - dt.timedelta(days=2),
            decided_by=user.department.head if user.department.head_id else None,
        )
        out |= {(user.pk, d) for d in days if row.first_day <= d <= row.last_day}
    return out


def _attendance(rng, hall, staff, days, leave, hours) -> int:
    rows = []
    for user in staff:
        for day in days:
            if (user.pk, day) in leave:
                continue
            roll = rng.random()
            if roll < 0.01:
                continue  # absent
            late = rng.randint(3, 25) if roll < 0.06 else 0
            signed_in = _at(day, 8, rng.randint(30, 59)) if not late else _at(day, 9, late)
            early = rng.randint(10, 40) if rng.random() < 0.03 else 0
            close = _at(day, hours.closes_at.hour, hours.closes_at.minute)
            signed_out = (
                close
                - dt.timedelta(minutes=early)
                + dt.timedelta(minutes=0 if early else rng.randint(0, 20))
            )
            method = rng.choice(
                (AttendanceMethod.PANEL, AttendanceMethod.PANEL, AttendanceMethod.MOBILE)
            )
            rows.append(
                Attendance(
                    user=user,
                    hall=hall,
                    department_id=user.department_id,
                    day=day,
                    signed_in_at=signed_in,
                    sign_in_method=method,
                    distance_m=rng.randint(3, 45) if method == AttendanceMethod.MOBILE else None,
                    signed_out_at=signed_out,
                    sign_out_method=AttendanceMethod.PANEL,
                    late_minutes=rules.late_minutes(signed_in, hours),
                    early_minutes=rules.early_minutes(signed_out, hours),
                )
            )
    Attendance.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _sessions(rng, posts, days, leave, hours) -> None:
    """Window sign-ins: the A post morning and afternoon, B covering when A is on leave; now and
    then a window left empty longer than the grace."""
    rows = []
    for day in days:
        gaps = set(rng.sample(range(len(posts)), 1)) if rng.random() < 0.25 else set()
        for i, post in enumerate(posts):
            person = post.post_a_id
            if (person, day) in leave:
                person = post.post_b_id
            if person is None:
                continue
            parts = [
                (_at(day, 8, 55), _at(day, 12, 0)),
                (_at(day, 13, 25), _at(day, hours.closes_at.hour, hours.closes_at.minute)),
            ]
            if i in gaps:  # away 15–40 minutes in the morning, nobody covering
                leave_at = _at(day, 10, rng.randint(0, 30))
                back = leave_at + dt.timedelta(minutes=rng.randint(15, 40))
                parts = [(parts[0][0], leave_at), (back, parts[0][1]), parts[1]]
            rows += [
                WindowSession(window_id=post.window_id, user_id=person, started_at=a, ended_at=b)
                for a, b in parts
            ]
    WindowSession.objects.bulk_create(rows, batch_size=1000)


def _rosters(rng, hall, days, chief, leaders, staff) -> None:
    patrol_pool = [u for u in staff if u.pk != chief.pk]
    for day in days:
        roster = DutyRoster.objects.create(
            hall=hall,
            day=day,
            leader_a=chief,
            leader_b=rng.choice([u for u in leaders if u.pk != chief.pk] or [None]),
            published_at=_at(day, 8, 0),
        )
        roster.patrol_staff.set(rng.sample(patrol_pool, min(2, len(patrol_pool))))


def _today_roster(hall, chief, leaders, staff, today) -> None:
    if not is_workday(today) or DutyRoster.objects.filter(hall=hall, day=today).exists():
        return
    roster = DutyRoster.objects.create(
        hall=hall,
        day=today,
        leader_a=chief,
        leader_b=next((u for u in leaders if u.pk != chief.pk), None),
    )
    roster.patrol_staff.set([u for u in staff if u.pk != chief.pk][:2])


def _patrols(rng, hall, day, posts, follow_ups) -> int:
    roster = DutyRoster.objects.get(hall=hall, day=day)
    walkers = [roster.leader_a, *roster.patrol_staff.order_by("pk")]
    windows = [p.window_id for p in posts]
    done = 0
    for number, at in enumerate(rules.DEFAULT_PATROL_TIMES, start=1):
        roll = rng.random()
        if roll < 0.03:
            continue  # missed
        delay = rng.randint(35, 70) if roll < 0.06 else rng.randint(0, 20)
        moment = dt.datetime.combine(day, at, tzinfo=clock.LOCAL_TZ) + dt.timedelta(minutes=delay)
        findings = []
        if rng.random() < 0.2:
            item = rng.choice(list(FINDINGS))
            post = rng.choice(posts)
            findings.append(
                {
                    "window": post.window_id,
                    "item": item,
                    "description": FINDINGS[item],
                    "assignee": post.post_a_id,
                }
            )
        checks = [
            {
                "window": w,
                **{
                    i: not any(f["window"] == w and f["item"] == i for f in findings)
                    for i in rules.CHECK_ITEMS
                },
            }
            for w in windows
        ]
        with clock.frozen(moment):
            patrol = services.record_patrol(
                actor=rng.choice(walkers),
                hall=hall,
                number=number,
                checks=checks,
                findings=findings,
            )
        done += 1
        for finding in patrol.findings.select_related("assignee"):
            late = rng.random() < 0.1
            when = finding.deadline + (
                dt.timedelta(hours=rng.randint(10, 30))
                if late
                else -dt.timedelta(hours=rng.randint(6, 20))
            )
            follow_ups.append(
                (finding, max(when, moment + dt.timedelta(minutes=30)), "已当场提醒并整改到位")
            )
    return done


def _assisted(rng, hall, staff, first, last) -> int:
    """Seed 002's month: 243 assisted, 40 called back, every one satisfied."""
    helpers = list(staff) or [None]
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    rows = []
    for i in range(ASSISTED):
        helper = helpers[i % len(helpers)]
        day = days[i % len(days)]
        home = i % 9 == 0
        called = i % 6 == 0 and i // 6 < CALLED_BACK
        rows.append(
            AssistedService(
                hall=hall,
                helper=helper,
                department_id=helper.department_id,
                person=rng.choice(PEOPLE),
                phone=f"139{rng.randint(10000000, 99999999)}",
                items=rng.choice(ITEMS),
                mode=AssistedService.Mode.HOME if home else AssistedService.Mode.ON_SITE,
                address=f"{rng.choice(STREETS)}{rng.randint(1, 200)}号" if home else "",
                served_on=day,
                recorded_at=_at(day, 16, 0),
                called_back_at=_at(day, 16, 0) + dt.timedelta(days=2) if called else None,
                called_back_by=helper if called else None,
                satisfaction=AssistedService.Satisfaction.SATISFIED if called else "",
            )
        )
    AssistedService.objects.bulk_create(rows)
    return len(rows)
