"""The applicant is told (申请人告知): every step of a case that concerns them reaches them in the
portal's messages and by SMS, through the notification centre (``zhengwu.notifications``).

- ``tell``: called by the services inside the step's transaction; writes the notification and
  enqueues its delivery (SMS to the phone on the case, e-mail to the account) on commit, so a step
  that fails leaves neither.
- ``remind_supplements``: a set-based step of the supervision sweep; the applicant of a case
  waiting for materials is reminded once, on the working day before the supplement period ends.

The message reaches the case's account (``Case.owner``); an applicant filed at the window without
one is texted all the same, and finds the message in the portal once an account is linked to them
(``zhengwu.notifications.selectors``).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import uuid

from django.db import transaction
from django.db.models import OuterRef, Subquery

from zhengwu.cases.models import Case, CaseEvent
from zhengwu.cases.rules import Action, State
from zhengwu.core import clock
from zhengwu.notifications.models import Notification, NotificationKind
from zhengwu.workdays.loader import get_calendar

# The steps the applicant is told of (the event kinds).
TOLD = frozenset(
    {
        Action.REQUEST_SUPPLEMENT,
        Action.ACCEPT,
        Action.DEEM_ACCEPT,
        Action.REFUSE,
        Action.SUSPEND,
        Action.RESUME,
        Action.EXTEND,
        Action.DECIDE_GRANT,
        Action.DECIDE_DENY,
        Action.DELIVER,
    }
)
# How many working days before the supplement period ends the reminder goes out.
REMIND_WORKDAYS_BEFORE = 1


_unsent = contextvars.ContextVar("applicant_messages_unsent", default=False)


@contextlib.contextmanager
def not_sent():
    """Write the messages of the steps taken inside, but send no SMS or e-mail for them: for
    steps that are history when recorded (the demo's year of cases)."""
    token = _unsent.set(True)
    try:
        yield
    finally:
        _unsent.reset(token)


def _send_on_commit(batch: str) -> None:
    from zhengwu.notifications.tasks import deliver

    if not _unsent.get():
        transaction.on_commit(lambda: deliver.enqueue(batch))


def tell(case: Case, event: CaseEvent) -> Notification | None:
    """Tell the applicant of ``case`` of ``event`` (a saved event of a step they are told of),
    inside the caller's transaction; the SMS and e-mail go out once it commits."""
    if event.kind not in TOLD:
        return None
    batch = uuid.uuid4().hex
    row = Notification.objects.create(
        recipient_id=case.owner_id,
        applicant_id=case.applicant_id,
        phone=case.contact_phone,
        kind=NotificationKind.CASE_STEP,
        code=event.kind,
        source_id=event.pk,
        source_at=event.recorded_at,
        case=case,
        batch=batch,
        created_at=clock.now(),
    )
    _send_on_commit(batch)
    return row


def remind_date(today: dt.date, calendar=None) -> dt.date:
    """The last supplement due date the reminder of ``today`` covers: the working day
    ``REMIND_WORKDAYS_BEFORE`` after today (a due date on a weekend after it is covered too)."""
    calendar = calendar or get_calendar()
    due = calendar.add(today, REMIND_WORKDAYS_BEFORE + 1)
    return dt.date(due.year, due.month, due.day) - dt.timedelta(days=1)


def remind_supplements(today: dt.date, now: dt.datetime, token: str) -> int:
    """Remind, once, the applicant of every case waiting for materials whose supplement period
    ends within the next working day (one query on the partial index, one INSERT; the unique
    constraint on the kind and the notice event skips the ones reminded already). The
    notifications join the sweep's batch ``token``; the number written."""
    notice = CaseEvent.objects.filter(
        case_id=OuterRef("pk"), kind=Action.REQUEST_SUPPLEMENT
    ).order_by("-seq")
    rows = (
        Case.objects.filter(
            state=State.SUPPLEMENT_REQUESTED,
            supplement_due__gte=today,
            supplement_due__lte=remind_date(today),
        )
        .annotate(
            notice_id=Subquery(notice.values("id")[:1]),
            notice_at=Subquery(notice.values("recorded_at")[:1]),
        )
        .values("id", "owner_id", "applicant_id", "contact_phone", "notice_id", "notice_at")
    )
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=row["owner_id"],
                applicant_id=row["applicant_id"],
                phone=row["contact_phone"],
                kind=NotificationKind.SUPPLEMENT_DUE,
                code="supplement_due",
                source_id=row["notice_id"],
                source_at=row["notice_at"],
                case_id=row["id"],
                batch=token,
                created_at=now,
            )
            for row in rows
            if row["notice_id"] is not None
        ],
        ignore_conflicts=True,
        batch_size=1_000,
    )
    return Notification.objects.filter(batch=token, kind=NotificationKind.SUPPLEMENT_DUE).count()
