"""The reconciliation rules (DOMAIN §14): how a department's record finds the center's case,
and what a record and its case say when compared. Pure: no Django.

Matching (the set-based service ``exchange.reconcile`` applies it):

1. **by number**: the record's number is the number of a case of the same department (the
   department's system keeps the center's number of what the center sent it);
2. else **by item, applicant and date**: a case of the same department, item and applicant
   (ID number or credit code) received on the record's day of receipt or accepted on its day
   of acceptance; of several, the first filed.

Classification of one record (``classify``), at most one finding, the first that applies:

- **体外循环** (``off_system``): no case here;
- **dates against the trail** (``trail_conflict``): the record's own steps out of order
  (received ≤ accepted ≤ decided ≤ delivered), or a step the case's trail shows never happened
  (an acceptance, decision or delivery of a case refused here; a decision or delivery of a case
  withdrawn here);
- **先办后录** (``retroactive``): a step dated at the department earlier than the same step here
  by more than the margin of the 先办后录 rule (``workdays.retroactive.is_retroactive``: more than
  ``margin`` working days between the two), i.e. the step was done there and entered here later;
- **两头受理** (``double_intake``): accepted at both, under different numbers (matched by
  attributes) or on different days.

A record whose dates are all those of its case (a date missing on both sides counts as equal)
is never flagged: the service counts such records without reading them (``is_clean``).
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
from dataclasses import dataclass, field

from zhengwu.workdays.retroactive import is_retroactive
from zhengwu.workdays.rules import WorkCalendar

STEPS = ("received", "accepted", "decided", "delivered")
# The center's case states in which a step never happened (the trail ends without it).
NEVER_AFTER = {
    "refused": ("accepted", "decided", "delivered"),
    "withdrawn": ("decided", "delivered"),
}


class Kind(enum.StrEnum):
    OFF_SYSTEM = "off_system"
    TRAIL_CONFLICT = "trail_conflict"
    RETROACTIVE = "retroactive"
    DOUBLE_INTAKE = "double_intake"


class Match(enum.StrEnum):
    NUMBER = "number"
    ATTRIBUTES = "attributes"


@dataclass(frozen=True)
class Dates:
    received: dt.date | None
    accepted: dt.date | None = None
    decided: dt.date | None = None
    delivered: dt.date | None = None

    def of(self, step: str) -> dt.date | None:
        return getattr(self, step)


@dataclass(frozen=True)
class CenterCase:
    number: str
    state: str
    dates: Dates


@dataclass(frozen=True)
class Verdict:
    kind: Kind
    evidence: dict = field(default_factory=dict)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _dates(dates: Dates) -> dict:
    return {step: _iso(dates.of(step)) for step in STEPS}


def is_clean(record: Dates, case: CenterCase | None) -> bool:
    """Every date of the record is the same step's date of the case (both missing counts)."""
    return case is not None and all(record.of(s) == case.dates.of(s) for s in STEPS)


def out_of_order(dates: Dates) -> tuple[str, str] | None:
    """The first pair of steps dated in the wrong order, ``(earlier step, later step)``."""
    known = [(step, dates.of(step)) for step in STEPS if dates.of(step) is not None]
    for (first, first_on), (then, then_on) in itertools.pairwise(known):
        if then_on < first_on:
            return first, then
    return None


def classify(
    *,
    record_number: str,
    record: Dates,
    case: CenterCase | None,
    matched_by: Match | None,
    calendar: WorkCalendar,
    margin_workdays: int = 1,
) -> Verdict | None:
    """The finding on one department record compared with the case it matched (``None``: no
    case here), or ``None`` when nothing is wrong. The evidence holds both sides' dates."""
    evidence: dict = {"record_number": record_number, "department_dates": _dates(record)}
    if case is None:
        return Verdict(Kind.OFF_SYSTEM, evidence)
    evidence |= {
        "case_number": case.number,
        "case_state": case.state,
        "center_dates": _dates(case.dates),
        "matched_by": str(matched_by) if matched_by else None,
    }
    wrong = out_of_order(record)
    if wrong is not None:
        return Verdict(Kind.TRAIL_CONFLICT, evidence | {"reason": "order", "steps": list(wrong)})
    for step in NEVER_AFTER.get(case.state, ()):
        if record.of(step) is not None:
            return Verdict(Kind.TRAIL_CONFLICT, evidence | {"reason": "never", "steps": [step]})
    for step in STEPS:
        theirs, ours = record.of(step), case.dates.of(step)
        if theirs is None or ours is None or theirs >= ours:
            continue
        try:
            late = is_retroactive(theirs, ours, calendar, margin_workdays=margin_workdays)
            gap = int(calendar.between(theirs, ours)) if late else 0
        except ValueError:  # a date beyond the calendar's range: not judged
            continue
        if late:
            return Verdict(
                Kind.RETROACTIVE,
                evidence | {"step": step, "gap_workdays": gap, "margin_workdays": margin_workdays},
            )
    if record.accepted is not None and case.dates.accepted is not None:
        if matched_by == Match.ATTRIBUTES and record_number != case.number:
            return Verdict(Kind.DOUBLE_INTAKE, evidence | {"reason": "numbers"})
        if record.accepted != case.dates.accepted:
            return Verdict(Kind.DOUBLE_INTAKE, evidence | {"reason": "dates"})
    return None
