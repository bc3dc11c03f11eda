"""The joint cases' steps of the supervision sweep (联办件, DOMAIN §10), set-based like the cases'.

``prepare(today)`` is called by ``sweep.run`` beside the cases' deemed acceptance, before its
transaction, and ``run_joint(today, now, token, levels=, done=)`` under the sweep's lock, after
the cases' steps:

1. **Deemed acceptance** (art. 32): ``joint.services.deem_overdue`` records it on every joint
   application whose intake limit has passed with no intake action (accepted as of the day it
   was received, or of the supplement day), and opens the cases of its first stage.
2. **Levels**: the joint cases with a child in a special procedure have their clocks recomputed
   by ``compute_joint_clocks`` as of today (``joint.services.refresh_paused``: their due dates
   move on each working day the pause lasts, and ``clocks_on`` with them); the others, one
   UPDATE writing only the rows whose level or statutory flag changes today, with the same pure
   date comparison as the cases (``recipients.level_sql``).
3. **Warnings**: every joint case in progress at a warning level without a warning of that level
   for its current limit (period 0, or 1 after the extension) is recorded once
   (``JointWarning``), and the lead department's reviewers and heads and its head are told, as
   for a case's warning.
4. **Irregularities** (``JointIrregularity``, told to the lead department's heads): a deemed
   acceptance (from the joint events written since the last sweep, a high-water mark), and a
   joint case past its statutory due date (45 working days + the extension + the working days
   paused), whether still open or decided late; once each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from zhengwu.cases.models import WARNING_LEVELS, Case
from zhengwu.joint import services as joint_services
from zhengwu.joint.models import JointCase, JointCaseEvent, JointChild
from zhengwu.joint.rules import Action
from zhengwu.joint.rules import State as JointState
from zhengwu.supervision.models import (
    JointIrregularity,
    JointIrregularityKind,
    JointWarning,
    SweepMark,
)
from zhengwu.supervision.recipients import (
    IRREGULARITY_ROLES,
    WARNING_ROLES,
    level_sql,
    notify,
    rowcount,
    sql_list,
    table,
)
from zhengwu.workdays.loader import get_calendar

JOINT_EVENTS = "joint_events"
BATCH = 5_000


@dataclass
class JointResult:
    deemed_accepted: int = 0
    refreshed: int = 0
    warnings: int = 0
    irregularities: int = 0
    notified: int = 0


def refresh_levels(today: dt.date, yellow_before: dt.date) -> int:
    """Bring the levels of the joint cases in progress without a paused child up to ``today``
    (those with one were recomputed by ``prepare``); the number written."""
    refreshed = 0
    joint, child = table(JointCase), table(JointChild)
    case = table(Case)
    t = today.isoformat()
    level = level_sql(
        t, yellow_before.isoformat(), f"{joint}.statutory_due", f"{joint}.promised_due"
    )
    paused = f"""EXISTS (SELECT 1 FROM {child} jc JOIN {case} c ON c.id = jc.case_id
                         WHERE jc.joint_id = {joint}.id AND c.state = 'suspended')"""  # noqa: S608
    statement = f"""
        UPDATE {joint} SET
            level = {level},
            statutory_overdue = ({joint}.statutory_due < '{t}'),
            clocks_on = '{t}'
        WHERE {joint}.state = '{JointState.ACCEPTED.value}' AND {joint}.promised_due IS NOT NULL
          AND ({joint}.level <> {level}
               OR {joint}.statutory_overdue <> ({joint}.statutory_due < '{t}'))
          AND NOT {paused}
    """  # noqa: S608 (dates of our own)
    with connection.cursor() as cursor:
        cursor.execute(statement)
        refreshed += rowcount(cursor)
    return refreshed


def record_warnings(today: dt.date, now: dt.datetime, token: str) -> int:
    """Record each joint case in progress at a warning level without a warning of it for its
    current limit (the unique constraint skips the others, in the INSERT itself)."""
    warning, joint = table(JointWarning), table(JointCase)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {warning}
                (joint_id, department_id, level, period, due, raised_on, raised_at, sweep,
                 case_received_at)
            SELECT j.id, j.lead_department_id, j.level,
                   CASE WHEN j.extension_workdays > 0 THEN 1 ELSE 0 END,
                   CASE WHEN j.level = 'statutory_overdue' THEN j.statutory_due
                        ELSE j.promised_due END,
                   %s, %s, %s, j.received_at
            FROM {joint} j
            WHERE j.state = '{JointState.ACCEPTED.value}'
              AND j.level IN ({sql_list(WARNING_LEVELS)})
            ON CONFLICT DO NOTHING
            """,  # noqa: S608
            [today, now, token],
        )
        return rowcount(cursor)


def _deemed(today: dt.date, now: dt.datetime, token: str) -> list[JointIrregularity]:
    mark, _created = SweepMark.objects.get_or_create(name=JOINT_EVENTS)
    found = []
    last = mark.value
    while True:
        rows = list(
            JointCaseEvent.objects.filter(kind=Action.DEEM_ACCEPT, id__gt=last)
            .order_by("id")
            .values("id", "joint_id", "joint__lead_department_id", "seq", "data", "recorded_at")[
                :BATCH
            ]
        )
        if not rows:
            break
        last = rows[-1]["id"]
        found += [
            JointIrregularity(
                joint_id=row["joint_id"],
                department_id=row["joint__lead_department_id"],
                kind=JointIrregularityKind.DEEMED_ACCEPTANCE,
                key=f"event:{row['seq']}",
                evidence={
                    "seq": row["seq"],
                    "intake_due": (row["data"] or {}).get("intake_due"),
                    "accepted_on": (row["data"] or {}).get("accepted_on"),
                    "recorded_at": row["recorded_at"].isoformat(),
                },
                detected_on=today,
                detected_at=now,
                sweep=token,
            )
            for row in rows
        ]
    top = JointCaseEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    SweepMark.objects.filter(pk=mark.pk).update(value=max(top, mark.value), updated_at=now)
    return found


def _overdue(today: dt.date, now: dt.datetime, token: str) -> list[JointIrregularity]:
    rows = (
        JointCase.objects.filter(statutory_overdue=True)
        .exclude(irregularities__kind=JointIrregularityKind.STATUTORY_OVERDUE)
        .values(
            "id",
            "lead_department_id",
            "accepted_on",
            "statutory_due",
            "extension_workdays",
            "suspended_workdays",
            "completed_on",
        )
    )
    return [
        JointIrregularity(
            joint_id=row["id"],
            department_id=row["lead_department_id"],
            kind=JointIrregularityKind.STATUTORY_OVERDUE,
            key="statutory",
            evidence={
                "accepted_on": row["accepted_on"].isoformat(),
                "statutory_due": row["statutory_due"].isoformat(),
                "extension_workdays": row["extension_workdays"],
                "suspended_workdays": row["suspended_workdays"],
                "completed_on": row["completed_on"].isoformat() if row["completed_on"] else None,
                "as_of": today.isoformat(),
            },
            detected_on=today,
            detected_at=now,
            sweep=token,
        )
        for row in rows
    ]


def detect_irregularities(today: dt.date, now: dt.datetime, token: str) -> int:
    found = _deemed(today, now, token) + _overdue(today, now, token)
    JointIrregularity.objects.bulk_create(found, ignore_conflicts=True, batch_size=1_000)
    return JointIrregularity.objects.filter(sweep=token).count()


def prepare(today: dt.date) -> JointResult:
    """What the sweep does before its own transaction, each joint case in its own under its row
    locks (as the cases' deemed acceptance): the deemed acceptances, and the clocks of the joint
    cases with a child in a special procedure brought up to today (once a day: only those whose
    clocks were computed before today)."""
    return JointResult(
        deemed_accepted=joint_services.deem_overdue(),
        refreshed=len(joint_services.refresh_paused(today)),
    )


def run_joint(
    today: dt.date, now: dt.datetime, token: str, *, levels: bool, done: JointResult
) -> JointResult:
    """The joint steps inside the sweep's transaction; ``levels`` on the day's first sweep (the
    levels move only with the day; a joint case's own steps and its children's keep them up to
    date in between)."""
    if levels:
        done.refreshed += refresh_levels(today, get_calendar().add(today, 2))
    done.warnings = record_warnings(today, now, token)
    done.irregularities = detect_irregularities(today, now, token)
    done.notified = notify(
        JointWarning, "joint_warning", "level", WARNING_ROLES, token, now, case_column="NULL"
    ) + notify(
        JointIrregularity,
        "joint_irregular",
        "kind",
        IRREGULARITY_ROLES,
        token,
        now,
        case_column="NULL",
    )
    return done
