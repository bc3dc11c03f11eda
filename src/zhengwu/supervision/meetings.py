"""Joint review meeting attendees without decision power (联审会, DOMAIN §10, seed 001).

The lead department records each attendee of a joint review meeting and whether they may decide
on the spot (``zhengwu.joint.meetings``); ``record_powerless_attendees`` is the sweep's step that
raises each one who may not as an ``Irregularity`` of kind ``no_decision_power`` against the
attendee's department, on the department's case in the joint case (the attendee row names it),
keyed by the attendee. It reads the attendees recorded since the last sweep (a high-water mark of
attendee ids, plus the last 15 minutes again for transactions that committed late); the unique
constraint on (case, kind, key) makes a second sweep, or two at once, record nothing twice. The
sweep then tells the department's head, as for every irregularity it records.
"""

from __future__ import annotations

import datetime as dt

from zhengwu.joint.models import MeetingAttendee
from zhengwu.supervision.models import Irregularity, IrregularityKind, SweepMark

MARK = "meetings"
KEY_PREFIX = "attendee:"
RESCAN = dt.timedelta(minutes=15)


def attendee_key(attendee_id: int) -> str:
    return f"{KEY_PREFIX}{attendee_id}"


def record_powerless_attendees(today: dt.date, now: dt.datetime, token: str) -> int:
    """Record each attendee without decision power not recorded yet; how many were new."""
    mark, _created = SweepMark.objects.get_or_create(name=MARK)
    powerless = MeetingAttendee.objects.filter(may_decide=False, case__isnull=False)
    rows = list(
        (powerless.filter(id__gt=mark.value) | powerless.filter(recorded_at__gte=now - RESCAN))
        .order_by("id")
        .values(
            "id",
            "case_id",
            "department_id",
            "name",
            "title",
            "meeting__seq",
            "meeting__held_on",
            "meeting__topic",
            "meeting__joint__number",
        )
    )
    if not rows:
        return 0
    before = Irregularity.objects.filter(sweep=token).count()
    Irregularity.objects.bulk_create(
        [
            Irregularity(
                case_id=row["case_id"],
                department_id=row["department_id"],
                kind=IrregularityKind.NO_DECISION_POWER,
                key=attendee_key(row["id"]),
                evidence={
                    "joint": row["meeting__joint__number"],
                    "meeting": row["meeting__seq"],
                    "held_on": row["meeting__held_on"].isoformat(),
                    "topic": row["meeting__topic"],
                    "name": row["name"],
                    "title": row["title"],
                },
                detected_on=today,
                detected_at=now,
                sweep=token,
            )
            for row in rows
        ],
        ignore_conflicts=True,
    )
    SweepMark.objects.filter(pk=mark.pk).update(
        value=max(mark.value, rows[-1]["id"]), updated_at=now
    )
    return Irregularity.objects.filter(sweep=token).count() - before
