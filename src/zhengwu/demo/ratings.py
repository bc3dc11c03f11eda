"""好差评 for the demo history: ratings for part of the completed cases, given through the rating
services at the moments they happened (``clock.frozen``), and a few bad ratings left at every
stage of the loop (waiting for the callback - some overdue -, called back, fed back, closed,
rejected and escalated, under appeal).

Deterministic: the same ``seed`` gives the same ratings.
"""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings

from zhengwu.cases.models import Case
from zhengwu.core import clock
from zhengwu.core.errors import ZhengwuError
from zhengwu.demo.history import ensure_staff
from zhengwu.ratings import services, tokens

GOOD = [
    "办事效率高，一次就办好了",
    "窗口人员很耐心",
    "指南写得清楚，材料一次备齐",
    "比以前快多了",
    "",
]
BAD = ["排队时间太长", "材料要求前后说法不一致", "窗口人员态度生硬", "网上系统老是卡"]
STAGES = ["open", "called_back", "fed_back", "closed", "rejected", "appeal"]


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return clock.start_of_day(day) + dt.timedelta(
        hours=9 + rng.randrange(8), minutes=rng.randrange(60)
    )


def generate(*, seed: int = 7, share: float = 0.6) -> int:
    """Rate ``share`` of the completed cases; returns how many ratings were made."""
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    staff, _created = ensure_staff()
    today = clock.today()
    made = 0
    bad_seen = 0
    rows = Case.objects.filter(completed_on__isnull=False).order_by("id")
    for case in rows.select_related("item"):
        if rng.random() > share:
            continue
        day = case.completed_on + dt.timedelta(days=rng.randrange(settings.RATINGS_WINDOW_DAYS))
        if day > today:
            continue
        roll = rng.random()
        level = (
            1 if roll < 0.03 else 2 if roll < 0.07 else 3 if roll < 0.15 else 4 if roll < 0.4 else 5
        )
        event = services.decision_event(case)
        people = staff[case.department_id]
        with clock.frozen(_at(day, rng)):
            try:
                if rng.random() < 0.2:
                    rating = services.submit_rating(
                        number=case.number,
                        channel="phone",
                        level=level,
                        user=people["clerk"],
                        comment=rng.choice(BAD if level <= 2 else GOOD),
                        real_name=True,
                    )
                else:
                    rating = services.submit_rating(
                        number=case.number,
                        channel="onsite",
                        level=level,
                        token=tokens.make(case.number, event.seq),
                        real_name=rng.random() < 0.7,
                        comment=rng.choice(BAD if level <= 2 else GOOD),
                    )
            except ZhengwuError:
                continue
        made += 1
        if level <= 2:
            _advance(rating, STAGES[bad_seen % len(STAGES)], people, rng)
            bad_seen += 1
    return made


def _advance(rating, stage: str, people: dict, rng: random.Random) -> None:
    """Take a bad rating's task to ``stage`` a day or two apart (never past today)."""
    task = rating.task
    moment = rating.rated_at
    reviewer, head = people["reviewer"], people["head"]

    def step(call):
        nonlocal moment
        moment = moment + dt.timedelta(days=1, hours=rng.randrange(3))
        if moment > clock.now():
            raise StopIteration
        with clock.frozen(moment):
            call()

    def callback():
        services.record_callback(actor=reviewer, task_id=task.pk, rater_said="反映办理等候时间过长")

    def outcome():
        services.record_outcome(
            actor=reviewer, task_id=task.pk, outcome="rectified", text="已调整窗口排班"
        )

    def feedback():
        services.send_feedback(actor=reviewer, task_id=task.pk, text="已调整窗口排班，感谢您的监督")

    def owner():
        return rating.case.owner

    plans = {
        "open": [],
        "called_back": [callback],
        "fed_back": [callback, outcome, feedback],
        "closed": [callback, outcome, feedback],
        "rejected": [callback, outcome, feedback],
        "appeal": [
            lambda: services.file_appeal(
                actor=head, task_id=task.pk, reason="malicious", evidence="监控录像显示办理过程规范"
            )
        ],
    }
    try:
        for call in plans[stage]:
            step(call)
        if stage in ("closed", "rejected") and owner() is not None:
            accept = stage == "closed"
            step(
                lambda: services.answer_feedback(
                    user=owner(),
                    task_id=task.pk,
                    accept=accept,
                    reason="" if accept else "问题没有解决",
                )
            )
    except (StopIteration, ZhengwuError):
        return
