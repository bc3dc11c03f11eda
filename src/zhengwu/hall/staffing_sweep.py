"""The hall's steps of the supervision sweep (DOMAIN §11), set-based: the scheduler's
``hall_staffing_sweep`` job, every few minutes; safe to run twice or at once (every record is
unique by kind and key, every notification by kind, source and recipient).

1. **Duty rosters**: today's rosters are published at their hall's time (08:00 by default) to
   the duty leaders and patrol staff in the notification centre.
2. **Empty posts (空岗)**: for each hall open today (the working-day calendar and its hours), the
   windows with a post whose sign-ins (``WindowSession``) leave a stretch of the open hours
   uncovered longer than the grace (10 minutes by default): one irregularity per stretch, from
   its start; its end is set when someone signs in (or at the break or the closing). Days with
   a stretch still open are looked at again until it ends.
3. **Patrols**: each of today's (and yesterday's) patrols whose time plus the grace has passed
   without being recorded, or that was recorded after it: an irregularity (its end the time it
   was done at last).
4. **Findings**: a patrol finding not followed up by its deadline: an irregularity (its end the
   follow-up).
5. **Numbers left at the closing**: the queue's numbers still waiting when the day's hours are
   over, or called and never finished by the end of their day, are closed (未办结,
   ``queue_services.close_left_numbers``), counted apart from the served and the missed.

Each new irregularity is told to the head of its department (the window's, the finding's) and
to the day's duty leaders A and B.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import asdict, dataclass

from django.db import transaction
from django.db.models import F, Q

from zhengwu.accounts.models import Department
from zhengwu.core import clock
from zhengwu.hall import queue_services
from zhengwu.hall import staffing_rules as rules
from zhengwu.hall import staffing_selectors as selectors
from zhengwu.hall.models import Hall, WindowPost, WindowSession
from zhengwu.hall.models.staffing import (
    DutyRoster,
    HallIrregularity,
    Patrol,
    PatrolFinding,
)
from zhengwu.hall.staffing_services import publish_rosters, send_on_commit
from zhengwu.notifications.models import Notification, NotificationKind
from zhengwu.workdays.loader import is_workday

K = HallIrregularity.Kind
RECENT = dt.timedelta(days=31)  # how far back followed-up findings are looked at again


@dataclass
class Result:
    rosters_published: int = 0
    empty_posts: int = 0
    empty_posts_ended: int = 0
    missed_patrols: int = 0
    overdue_findings: int = 0
    notified: int = 0
    numbers_closed: int = 0

    def line(self) -> str:
        return " ".join(f"{k}={v}" for k, v in asdict(self).items())


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S")


@dataclass
class _Found:
    kind: str
    key: str
    hall_id: int
    day: dt.date
    started_at: dt.datetime
    ended_at: dt.datetime | None
    department_id: int | None = None
    window_id: int | None = None
    finding_id: int | None = None


def _empty_posts(now: dt.datetime, today: dt.date) -> list[_Found]:
    open_days = set(
        HallIrregularity.objects.filter(kind=K.EMPTY_POST, ended_at__isnull=True).values_list(
            "hall_id", "day"
        )
    )
    found: list[_Found] = []
    for hall in Hall.objects.filter(is_active=True):
        days = {today} | {day for hall_id, day in open_days if hall_id == hall.pk}
        grace = dt.timedelta(minutes=selectors.settings_of(hall).empty_grace_minutes)
        posts = list(
            WindowPost.objects.filter(hall=hall, window__is_active=True).values_list(
                "window_id", "window__department_id"
            )
        )
        if not posts:
            continue
        for day in sorted(days):
            intervals = selectors.intervals_of(hall, day)
            if not intervals:
                continue
            first, last = intervals[0][0], intervals[-1][1]
            sessions: dict[int, list[rules.Span]] = defaultdict(list)
            for window_id, start, end in WindowSession.objects.filter(
                Q(ended_at__isnull=True) | Q(ended_at__gt=first),
                window_id__in=[w for w, _d in posts],
                started_at__lt=last,
            ).values_list("window_id", "started_at", "ended_at"):
                sessions[window_id].append((start, end))
            for window_id, department_id in posts:
                for start, end in rules.empty_posts(
                    intervals, sessions[window_id], grace=grace, now=now
                ):
                    found.append(
                        _Found(
                            K.EMPTY_POST,
                            f"{window_id}:{_stamp(start)}",
                            hall.pk,
                            day,
                            start,
                            end,
                            department_id=department_id,
                            window_id=window_id,
                        )
                    )
    return found


def _patrols(now: dt.datetime, today: dt.date) -> list[_Found]:
    found: list[_Found] = []
    for hall in Hall.objects.filter(is_active=True):
        grace = dt.timedelta(minutes=selectors.settings_of(hall).patrol_grace_minutes)
        times = selectors.patrol_times(hall)
        for day in (today - dt.timedelta(days=1), today):
            if not is_workday(day):
                continue
            done = dict(Patrol.objects.filter(hall=hall, day=day).values_list("number", "done_at"))
            for number, at in times:
                due = dt.datetime.combine(day, at, tzinfo=clock.LOCAL_TZ)
                done_at = done.get(number)
                state = rules.patrol_state(due_at=due, grace=grace, done_at=done_at, now=now)
                if state in (rules.PatrolState.MISSED, rules.PatrolState.LATE):
                    found.append(
                        _Found(
                            K.MISSED_PATROL, f"{hall.pk}:{day}:{number}", hall.pk, day, due, done_at
                        )
                    )
    return found


def _findings(now: dt.datetime) -> list[_Found]:
    rows = PatrolFinding.objects.filter(
        Q(followed_up_at__isnull=True, deadline__lt=now)
        | Q(followed_up_at__gte=now - RECENT, followed_up_at__gt=F("deadline"))
    ).values_list(
        "pk",
        "patrol__hall_id",
        "patrol__day",
        "deadline",
        "followed_up_at",
        "department_id",
        "window_id",
    )
    return [
        _Found(K.FINDING_OVERDUE, str(pk), hall_id, day, deadline, followed, dept, window, pk)
        for pk, hall_id, day, deadline, followed, dept, window in rows
    ]


def _record(found: list[_Found], now: dt.datetime) -> tuple[list[HallIrregularity], int]:
    """Insert the irregularities not recorded yet and set the end of those recorded open that
    have ended: (the new ones, how many ended)."""
    if not found:
        return [], 0
    by_key = {(f.kind, f.key): f for f in found}
    known = {
        (kind, key): (pk, ended)
        for pk, kind, key, ended in HallIrregularity.objects.filter(
            kind__in={f.kind for f in found}, key__in={f.key for f in found}
        ).values_list("pk", "kind", "key", "ended_at")
    }
    new = [
        HallIrregularity(
            kind=f.kind,
            key=f.key,
            hall_id=f.hall_id,
            department_id=f.department_id,
            window_id=f.window_id,
            finding_id=f.finding_id,
            day=f.day,
            started_at=f.started_at,
            ended_at=f.ended_at,
            detected_at=now,
        )
        for k, f in by_key.items()
        if k not in known
    ]
    ended = 0
    with transaction.atomic():
        HallIrregularity.objects.bulk_create(new, ignore_conflicts=True)
        for k, (pk, was) in known.items():
            end = by_key[k].ended_at
            if was is None and end is not None:
                ended += HallIrregularity.objects.filter(pk=pk, ended_at__isnull=True).update(
                    ended_at=end
                )
    created = list(
        HallIrregularity.objects.filter(
            detected_at=now, kind__in={f.kind for f in new}, key__in=[f.key for f in new]
        )
    )
    return created, ended


def _notify(rows: list[HallIrregularity], now: dt.datetime) -> int:
    """Tell the head of each irregularity's department and the duty leaders of its day."""
    if not rows:
        return 0
    heads = dict(
        Department.objects.filter(
            pk__in={r.department_id for r in rows if r.department_id}, head__is_active=True
        ).values_list("pk", "head_id")
    )
    leaders: dict[tuple[int, dt.date], set[int]] = {}
    for hall_id, day, a, b in DutyRoster.objects.filter(
        hall_id__in={r.hall_id for r in rows}, day__in={r.day for r in rows}
    ).values_list("hall_id", "day", "leader_a_id", "leader_b_id"):
        leaders[(hall_id, day)] = {a, b} - {None}
    batch = uuid.uuid4().hex
    notes = []
    for row in rows:
        people = set(leaders.get((row.hall_id, row.day), ()))
        if row.department_id in heads:
            people.add(heads[row.department_id])
        notes += [
            Notification(
                recipient_id=pk,
                kind=NotificationKind.HALL_IRREGULARITY,
                code=row.kind,
                source_id=row.pk,
                source_at=row.detected_at,
                batch=batch,
                created_at=now,
            )
            for pk in sorted(people)
        ]
    with transaction.atomic():
        made = Notification.objects.bulk_create(notes, ignore_conflicts=True)
        send_on_commit(batch)
    return len(made)


def run(*, now: dt.datetime | None = None) -> Result:
    now = now or clock.now()
    today = clock.local_date(now)
    result = Result()
    result.rosters_published = publish_rosters(now=now)
    empty, result.empty_posts_ended = _record(_empty_posts(now, today), now)
    patrols, _ended = _record(_patrols(now, today), now)
    findings, _ended = _record(_findings(now), now)
    result.empty_posts, result.missed_patrols = len(empty), len(patrols)
    result.overdue_findings = len(findings)
    result.notified = _notify(empty + patrols + findings, now)
    result.numbers_closed = queue_services.close_left_numbers(now=now)
    return result
