"""The rectification steps of the supervision sweep (DOMAIN §4 and §13), set-based.

``run()`` (the scheduler's ``rectification_sweep`` job; safe to run twice or at once) records
each finding once per (measure, kind, key) — a unique constraint skips the rest — and tells the
measure's responsible leader and person through the notification centre:

- **reminder**: a measure not verified yet whose deadline is at most ``REMIND_WORKDAYS`` working
  days away (``rectification_rules.remind_horizon``);
- **overdue** (an irregularity): a measure not verified after its deadline;
- **report reminder** / **report overdue**: a verified long-term measure (长期坚持) whose periodic
  report is due within those working days / was not made by its day.
The key is the date the finding is about, so a new deadline or a new report period is recorded
again; the same one never.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import asdict, dataclass

from django.db import transaction

from zhengwu.core import clock
from zhengwu.evaluation import rectification_rules as rules
from zhengwu.evaluation.models.rectification import (
    Measure,
    MeasureFinding,
    MeasureKind,
    MeasureState,
)
from zhengwu.notifications.models import Notification, NotificationKind
from zhengwu.workdays.loader import get_calendar

K = MeasureFinding.Kind


@dataclass
class Result:
    reminders: int = 0
    overdue: int = 0
    report_reminders: int = 0
    reports_overdue: int = 0
    notified: int = 0

    def line(self) -> str:
        return " ".join(f"{k}={v}" for k, v in asdict(self).items())


def _record(kind: str, rows, *, now: dt.datetime, today: dt.date, irregular: bool) -> int:
    """Insert the findings of ``kind`` for ``rows`` ``(measure id, unit id, due)`` not recorded
    yet; how many were new."""
    rows = list(rows)
    if not rows:
        return 0
    mine = MeasureFinding.objects.filter(kind=kind, measure_id__in=[r[0] for r in rows])
    before = mine.count()
    MeasureFinding.objects.bulk_create(
        [
            MeasureFinding(
                measure_id=measure_id,
                unit_id=unit_id,
                kind=kind,
                key=due.isoformat(),
                irregular=irregular,
                due=due,
                detected_on=today,
                detected_at=now,
            )
            for measure_id, unit_id, due in rows
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return mine.count() - before


def _notify(now: dt.datetime, token: str) -> int:
    """The responsible leader and person of every measure with a finding recorded now."""
    found = MeasureFinding.objects.filter(detected_at=now).values_list(
        "pk", "kind", "detected_at", "measure__leader_id", "measure__person_id"
    )
    rows = [
        Notification(
            recipient_id=user_id,
            kind=NotificationKind.MEASURE,
            code=kind,
            source_id=pk,
            source_at=detected_at,
            batch=token,
            created_at=now,
        )
        for pk, kind, detected_at, leader_id, person_id in found
        for user_id in dict.fromkeys((person_id, leader_id))
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return Notification.objects.filter(batch=token).count()


def run(*, now: dt.datetime | None = None) -> Result:
    from zhengwu.notifications.tasks import deliver

    now = now or clock.now()
    today = clock.local_date(now)
    horizon = rules.remind_horizon(get_calendar(), today)
    token = uuid.uuid4().hex
    fields = ("pk", "unit_id", "deadline")
    report = ("pk", "unit_id", "report_due")
    pending = Measure.objects.exclude(state=MeasureState.VERIFIED)
    long_term = Measure.objects.filter(
        state=MeasureState.VERIFIED, kind=MeasureKind.LONG_TERM, report_due__isnull=False
    )
    result = Result()
    with transaction.atomic():
        result.reminders = _record(
            K.REMINDER,
            pending.filter(deadline__range=(today, horizon)).values_list(*fields),
            now=now,
            today=today,
            irregular=False,
        )
        result.overdue = _record(
            K.OVERDUE,
            pending.filter(deadline__lt=today).values_list(*fields),
            now=now,
            today=today,
            irregular=True,
        )
        result.report_reminders = _record(
            K.REPORT_REMINDER,
            long_term.filter(report_due__range=(today, horizon)).values_list(*report),
            now=now,
            today=today,
            irregular=False,
        )
        result.reports_overdue = _record(
            K.REPORT_OVERDUE,
            long_term.filter(report_due__lt=today).values_list(*report),
            now=now,
            today=today,
            irregular=True,
        )
        result.notified = _notify(now, token)
        if result.notified:
            transaction.on_commit(lambda: deliver.enqueue(token))
    return result
