"""The disclosure steps of the supervision sweep (电子监察, DOMAIN §4 and §8), set-based.

``run()`` (the scheduler's ``disclosure_sweep`` job, every 10 minutes; safe to run twice or at
once):

1. **Deemed abandonment**: the requests whose supplement period (art. 30) or payment period
   (国办函〔2020〕109号) has passed are found by one indexed query each and recorded one by one
   under their row lock (``services.abandon``: 其他处理 1 or 2).
2. **Levels**: open requests whose reply due date is at most one working day away (or past) and
   whose clocks were computed before today are recomputed (``services.refresh``): the stored
   level turns ``yellow`` and then ``red`` exactly as ``compute_clocks`` says.
3. **Findings** (``DisclosureFinding``, once per request, kind and key, by a unique constraint):
   a warning for a yellow request; an irregularity for a red one or one replied after its due
   date; an irregularity for every 补正 notice after the first (only a backfill can force one
   past the services) and for a notice sent later than 7 working days after receipt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db.models import Count, Q

from zhengwu.core import clock
from zhengwu.disclosure import services
from zhengwu.disclosure.models import (
    OPEN_STATE_VALUES,
    DisclosureEvent,
    DisclosureFinding,
    DisclosureRequest,
)
from zhengwu.disclosure.rules import Action, State
from zhengwu.workdays.loader import get_calendar
from zhengwu.workdays.periods import Level

K = DisclosureFinding.Kind


@dataclass
class Result:
    abandoned: int = 0
    refreshed: int = 0
    warnings: int = 0
    irregularities: int = 0

    def line(self) -> str:
        return " ".join(f"{k}={v}" for k, v in asdict(self).items())


def _abandon(now: dt.datetime, today: dt.date, batch: int) -> int:
    due = Q(state=State.AWAITING_SUPPLEMENT, supplement_due__lt=today) | Q(
        state=State.AWAITING_PAYMENT, payment_due__lt=today
    )
    done = 0
    for number in DisclosureRequest.objects.filter(due).values_list("number", flat=True)[:batch]:
        if services.abandon(number=number, now=now) is not None:
            done += 1
    return done


def _refresh(today: dt.date, batch: int) -> int:
    near = get_calendar().add(today, 1)
    numbers = DisclosureRequest.objects.filter(
        state__in=OPEN_STATE_VALUES, reply_due__lte=near, clocks_on__lt=today
    ).values_list("number", flat=True)[:batch]
    done = 0
    for number in numbers:
        services.refresh(number=number)
        done += 1
    return done


RECENT = dt.timedelta(days=31)  # how far back closed requests and notices are looked at again


def _insert(rows: list[DisclosureFinding]) -> int:
    """Insert the findings not recorded yet (the unique constraint skips the others); how many
    were new (counted over the candidates' requests only)."""
    if not rows:
        return 0
    kinds = {row.kind for row in rows}
    mine = DisclosureFinding.objects.filter(
        request_id__in={row.request_id for row in rows}, kind__in=kinds
    )
    before = mine.count()
    DisclosureFinding.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return mine.count() - before


def _findings(now: dt.datetime, today: dt.date) -> tuple[int, int]:
    def finding(request_id, department_id, kind, key, *, irregular, due=None, seq=None):
        return DisclosureFinding(
            request_id=request_id,
            department_id=department_id,
            kind=kind,
            key=str(key),
            irregular=irregular,
            due=due,
            event_seq=seq,
            detected_on=today,
            detected_at=now,
        )

    fields = ("id", "department_id", "reply_due")
    warnings = [
        finding(pk, dept, K.WARNING, due, irregular=False, due=due)
        for pk, dept, due in DisclosureRequest.objects.filter(
            state__in=OPEN_STATE_VALUES, level=Level.YELLOW
        ).values_list(*fields)
    ]
    late = Q(state__in=OPEN_STATE_VALUES, level=Level.RED) | Q(
        on_time=False, completed_on__gte=today - RECENT
    )
    irregular = [
        finding(pk, dept, K.LATE_REPLY, due, irregular=True, due=due)
        for pk, dept, due in DisclosureRequest.objects.filter(late).values_list(*fields)
    ]
    notices = DisclosureEvent.objects.filter(
        kind=Action.REQUEST_SUPPLEMENT, recorded_at__gte=now - RECENT
    )
    repeated = (
        DisclosureEvent.objects.filter(
            kind=Action.REQUEST_SUPPLEMENT,
            request_id__in=notices.values("request_id"),
        )
        .values("request_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values("request_id")
    )
    rows = list(
        DisclosureEvent.objects.filter(kind=Action.REQUEST_SUPPLEMENT)
        .filter(Q(request_id__in=repeated) | Q(pk__in=notices.filter(data__late=True).values("pk")))
        .order_by("request_id", "seq")
        .values_list("request_id", "request__department_id", "seq", "data")
    )
    first: dict[int, int] = {}
    for request_id, dept, seq, data in rows:
        if first.setdefault(request_id, seq) != seq:
            irregular.append(
                finding(request_id, dept, K.SECOND_NOTICE, seq, irregular=True, seq=seq)
            )
        if (data or {}).get("late"):
            irregular.append(finding(request_id, dept, K.LATE_NOTICE, seq, irregular=True, seq=seq))
    return _insert(warnings), _insert(irregular)


def run(*, now: dt.datetime | None = None, batch: int = 5000) -> Result:
    now = now or clock.now()
    today = clock.local_date(now)
    result = Result()
    result.abandoned = _abandon(now, today, batch)
    result.refreshed = _refresh(today, batch)
    result.warnings, result.irregularities = _findings(now, today)
    return result
