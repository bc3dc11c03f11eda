"""A joint case's clocks (联合办理, 行政许可法 art. 26 and 42 para 2), from its events. Pure.

``compute_joint_clocks(terms=..., events=..., pauses=..., calendar=..., as_of=...)`` is the one
function behind a joint case's stored deadline fields, as ``zhengwu.cases.clocks.compute_clocks``
is for a case; both count on ``zhengwu.workdays.periods``. The law (DOMAIN §10):

- **Statutory limit**: ``statutory_due`` = 45 working days from the acceptance (art. 42 para 2).
- **Extension**: once, 1 to 15 working days, approved by the head of the government (a
  ``leader``) no later than the statutory due date; it moves both due dates. Errors as for
  cases: ``invalid_extension``, ``extension_after_due``, ``already_extended``.
- **Special procedures** (art. 45 still applies): the working days during which *some* child case
  is in a special procedure do not count. ``pauses`` are the children's ``(suspended, resumed)``
  pairs (``resumed`` None while one is open), overlapping or not: a working day counts as paused
  once, however many children are suspended on it. A pause open at ``as_of`` lasts through
  ``as_of``; a pause that starts after a due date has passed does not move it.
- **Promised limit**: ``promised_due`` counts the scene's promised limit (≤ the statutory one)
  from the acceptance the same way.
- **Acceptance**: one acceptance at the lead window; after the one-time notice and the
  supplement the acceptance is dated the supplement day (DOMAIN §3.2, as for cases).
- **Deemed acceptance** (art. 32), exactly as for cases: ``intake_due`` is 5 working days after
  receipt (after the supplement, after the supplement day); when it has passed with no intake
  action the application stands accepted as of the receipt (or supplement) day, whether or not
  the sweep has recorded ``deem_accept`` yet (``deemed_accepted``); a later notice or refusal is
  ``intake_expired``, a later acceptance confirms it, and ``deem_accept`` before the intake due
  date has passed is ``intake_not_expired``.
- **Levels and completion** exactly as for cases (``zhengwu.workdays.periods.level_of`` and
  ``completion_of``): the joint case is decided (办结) when its last stage is granted
  (``complete``) or a denial stopped it (``stop``).

``stage`` is the index of the open stage: 0 from the acceptance, one more per ``open_stage``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import zhengwu.workdays.periods as periods
from zhengwu.cases.clocks import ClockError
from zhengwu.joint.rules import OPEN_STATES, Action, State, next_state
from zhengwu.workdays.periods import (
    DAY,
    Completion,
    EventLike,
    Level,
    completion_of,
    due_date,
    level_of,
    merge_pauses,
    paused_total,
    plain,
)
from zhengwu.workdays.rules import WorkCalendar

__all__ = [
    "JOINT_EXTENSION_MAX",
    "JOINT_LIMIT",
    "JointClocks",
    "JointTerms",
    "compute_joint_clocks",
]

JOINT_LIMIT = 45  # 行政许可法 art. 42 para 2
JOINT_EXTENSION_MAX = 15


@dataclass(frozen=True, slots=True)
class JointTerms:
    """A scene's time limits in working days: the law's 45 (+15) and the scene's promise."""

    promised_limit: int | None = None  # None: the statutory limit
    statutory_limit: int = JOINT_LIMIT
    extension_max: int = JOINT_EXTENSION_MAX
    intake_limit: int = 5

    def __post_init__(self):
        for name in ("statutory_limit", "extension_max", "intake_limit"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a whole number of working days >= 0")
        promised = self.promised_limit
        if promised is not None:
            if isinstance(promised, bool) or not isinstance(promised, int) or promised < 0:
                raise ValueError("promised_limit must be a whole number of working days >= 0")
            if promised > self.statutory_limit:
                raise ValueError("promised_limit must not exceed statutory_limit")

    @property
    def promised(self) -> int:
        return self.statutory_limit if self.promised_limit is None else self.promised_limit


@dataclass(frozen=True, slots=True)
class JointClocks:
    as_of: dt.date
    state: State
    stage: int | None  # the open stage, from the acceptance
    received_on: dt.date
    intake_due: dt.date
    accepted_on: dt.date | None
    deemed_accepted: bool
    promised_due: dt.date | None
    statutory_due: dt.date | None
    suspended: bool  # some child is in a special procedure at as_of
    suspended_workdays: int
    extension_workdays: int
    completed_on: dt.date | None
    outcome: State | None  # completed / stopped
    completion: Completion | None
    delivered_on: dt.date | None
    level: Level | None
    remaining_workdays: int | None
    statutory_overdue: bool
    provisional: bool


def compute_joint_clocks(
    *,
    terms: JointTerms,
    events: Sequence[EventLike],
    pauses: Iterable[tuple[dt.date, dt.date | None]] = (),
    calendar: WorkCalendar,
    as_of: dt.date,
) -> JointClocks:
    """The clocks of a joint case at the end of ``as_of`` from its events in order and its
    children's special procedures. Events dated after ``as_of`` are left out. Raises
    ``TransitionError`` or ``ClockError`` and the calendar's ``OutOfRange``."""
    as_of = periods.local_date(as_of, "as_of")
    pauses = [
        (
            periods.local_date(start, "suspended"),
            None if end is None else periods.local_date(end, "resumed"),
        )
        for start, end in pauses
    ]
    provisional = False
    state: State | None = None
    stage: int | None = None
    received_on = intake_from = intake_due = supplemented_on = None
    accepted_on = completed_on = delivered_on = withdrawn_on = None
    outcome: State | None = None
    extended = notified = deemed = False
    extension = 0
    last: dt.date | None = None

    for event in events:
        try:
            action = Action(event.kind)
        except ValueError:
            continue
        on = periods.local_date(event.occurred_on, "occurred_on")
        if last is not None and on < last:
            raise ClockError("event_out_of_order", f"{action} on {on} follows an event of {last}")
        if on > as_of:
            break
        last = on
        if state is State.SUBMITTED:
            if on > intake_due:
                # Nothing answered the application in time: it stands accepted as of intake_from.
                if action is Action.REQUEST_SUPPLEMENT or action is Action.REFUSE:
                    raise ClockError(
                        "intake_expired",
                        f"the intake limit ended on {intake_due}: the application is deemed "
                        "accepted",
                    )
                accepted_on, deemed = intake_from, True
            elif action is Action.DEEM_ACCEPT:
                raise ClockError("intake_not_expired", f"the intake limit ends on {intake_due}")
        state = next_state(state, action, extended=extended, notified=notified)

        if action is Action.SUBMIT or action is Action.SUPPLEMENT:
            if action is Action.SUBMIT:
                received_on = on
            else:
                supplemented_on = on
            intake_from = on
            intake_due = calendar.add(on, terms.intake_limit)
            provisional |= intake_due.provisional
        elif action is Action.REQUEST_SUPPLEMENT:
            notified = True
        elif action is Action.ACCEPT or action is Action.DEEM_ACCEPT:
            if not deemed:
                accepted_on = supplemented_on or on
            stage = 0
        elif action is Action.OPEN_STAGE:
            stage += 1
        elif action is Action.EXTEND:
            closed_then = merge_pauses(pauses, on + DAY)
            extension = periods.extension(
                event, terms, calendar, accepted_on, closed_then, error=ClockError
            )
            extended = True
        elif action is Action.COMPLETE or action is Action.STOP:
            completed_on, outcome = on, state
        elif action is Action.DELIVER:
            delivered_on = on
        elif action is Action.WITHDRAW:
            withdrawn_on = on

    if state is None:
        raise ClockError("no_events", f"no joint case event on or before {as_of}")

    if state is State.SUBMITTED and as_of > intake_due:
        accepted_on, deemed = intake_from, True

    is_open = state in OPEN_STATES
    end = completed_on or withdrawn_on or as_of
    merged = merge_pauses(pauses, end + DAY)
    promised_due = statutory_due = None
    suspended_workdays = 0
    if accepted_on is not None:
        promised = due_date(calendar, accepted_on, terms.promised + extension, merged)
        statutory = due_date(calendar, accepted_on, terms.statutory_limit + extension, merged)
        suspended_workdays, count_provisional = paused_total(calendar, accepted_on, merged)
        provisional |= promised.provisional or statutory.provisional or count_provisional
        promised_due, statutory_due = plain(promised), plain(statutory)

    suspended = is_open and any(
        start <= as_of and (resumed is None or resumed > as_of) for start, resumed in pauses
    )
    closed_on = completed_on or withdrawn_on or (as_of if is_open else None)
    statutory_overdue = bool(statutory_due and closed_on and closed_on > statutory_due)

    level = remaining = None
    if is_open:
        level, remaining, left_provisional = level_of(
            calendar, as_of, promised_due, statutory_overdue=statutory_overdue
        )
        provisional |= left_provisional

    return JointClocks(
        as_of=as_of,
        state=state,
        stage=stage,
        received_on=received_on,
        intake_due=plain(intake_due),
        accepted_on=accepted_on,
        deemed_accepted=deemed,
        promised_due=promised_due,
        statutory_due=statutory_due,
        suspended=suspended,
        suspended_workdays=suspended_workdays,
        extension_workdays=extension,
        completed_on=completed_on,
        outcome=outcome,
        completion=completion_of(completed_on, promised_due),
        delivered_on=delivered_on,
        level=level,
        remaining_workdays=remaining,
        statutory_overdue=statutory_overdue,
        provisional=bool(provisional),
    )
