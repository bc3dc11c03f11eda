"""A case's clocks: every deadline, level and completion figure, from its events. Pure: no Django.

``compute_clocks(terms=..., events=..., calendar=..., as_of=...)`` is the one function behind the
stored deadline fields of a case (DESIGN.md: Deadlines are stored). It replays the events through
the transition table (``zhengwu.cases.rules``), so an impossible history raises ``TransitionError``
and a history that breaks a clock rule raises ``ClockError``; the services call it on the events
*with* the new one before appending it, which makes it the single check of both. The counting
every legal clock shares (due dates over paused working days, levels, completion, the event
tuple) is ``zhengwu.workdays.periods``.

The rules (DOMAIN.md §2-§4; "N working days from D" is the N-th working day after D, the deadline
is the end of that day):

- **Intake** (art. 32): ``intake_due`` = ``intake_limit`` (5) working days after receipt. A request
  for supplement, an acceptance or a refusal is an intake action. When the intake due date has
  passed with none of them the application is **deemed accepted as of the receipt date**:
  ``accepted_on = received_on`` and ``deemed_accepted``, computed from the events alone whether or
  not the sweep has recorded ``deem_accept`` yet (recording it changes ``state`` and nothing else).
  After that a refusal or a supplement request is refused (``intake_expired``); a late
  ``accept`` merely confirms the deemed acceptance. ``deem_accept`` before the intake due date has
  passed is ``intake_not_expired``.
- **Supplement** [cfg]: the supplement (the applicant hands in the materials the one-time notice
  listed) brings the case back to intake; the window accepts it, refuses it, or asks again for what
  is still missing. With ``Terms.accept_on_supplement_day`` (the default, DOMAIN §3.2) the
  acceptance is dated the supplement day, however many days later the window records it;
  otherwise it is dated when recorded. The intake limit runs again from the supplement day, and
  when it passes with no intake action the case is deemed accepted as of the supplement day (the
  day the applicant handed in the complete materials).
- **Decision** (art. 42): ``statutory_due`` and ``promised_due`` count ``statutory_limit`` and the
  promised limit from ``accepted_on``; an immediate item (即办件, art. 34) has promised limit 0,
  so it is due on its acceptance day: decided later it is ``late``, still open the next day
  ``red``. The statutory clock applies to it as to any case.
- **Extension** (art. 42): once (``already_extended``), 1 to ``extension_max`` (10) working days
  (``invalid_extension``), approved no later than the statutory due date
  (``extension_after_due``); it moves both due dates.
- **Special procedures** (art. 45): the working days in [suspended day, resumed day) do not count,
  and neither does the acceptance day itself, which is never counted anyway. A suspension and
  resumption on one day cost nothing. A suspension that starts after a due date has passed does
  not move that due date: a special procedure cannot cure lateness. Computed per interval with the
  calendar's O(1) counts, never day by day.
- **Open suspension at ``as_of``**: the clocks describe the end of ``as_of``, when the case is
  still suspended, so it is treated as suspended through ``as_of`` and resumed the next day.
  ``suspended`` and ``suspended_since`` say so; ``suspended_workdays`` counts the working days
  suspended so far; the due dates are those the case gets if it resumes the next day, and they
  move one working day later for every further working day of suspension. They can move back
  when the resumption is recorded on an earlier day than that: on the suspension day itself (a
  same-day suspension and resumption cost nothing, so the working day counted while it was open is
  given back) or stated in the past; recording the resumption recomputes them like any event. The
  working days left on the promised clock are frozen at the suspension: a suspended case never
  turns yellow or red by waiting, yet one that was red when suspended stays red, and
  one suspended with at most a working day left stays yellow. Supervisors see the special
  procedure as a marker (``suspended``), not as a false alarm, and not as a way to hide lateness.
- **Delivery** (art. 44): ``delivery_due`` = ``delivery_limit`` (10) working days after a grant
  decision; ``delivery_overdue`` when it passed undelivered or the delivery came later.

Levels (DOMAIN §4), for an open case at the end of ``as_of``:

- ``remaining_workdays`` = working days in (``as_of``, ``promised_due``]: the working days left
  after today; negative when the due date has passed;
- ``normal``: more than 1 working day left, or not accepted yet (the intake clock is watched
  through deemed acceptance instead);
- ``yellow``: at most 1 working day left after today, the due day itself included: so on the last
  working day before a weekend or holiday that precedes the due date;
- ``red``: ``as_of`` is after ``promised_due``;
- ``statutory_overdue``: ``as_of`` is after ``statutory_due``.

``level`` is the worst of these that applies (one value to sort and filter on) and is ``None`` for
a closed case. ``statutory_overdue`` is the separate flag: true when the case was, or is, past its
statutory due date at its end: ``as_of`` for an open case, the decision or withdrawal day for a
closed one. It stays set on a completed case (超法定时限办结), so for an open case
``level == "statutory_overdue"`` exactly when the flag is set.

``completion`` compares the decision day with ``promised_due``: ``early`` before, ``on_time`` on it,
``late`` after. ``provisional`` is set when any date or count behind the clocks touched a
provisional calendar year (DOMAIN §2): recompute when the official schedule is entered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import zhengwu.workdays.periods as periods
from zhengwu.cases.rules import (
    OPEN_STATES,
    Action,
    CaseRuleError,
    State,
    next_state,
)
from zhengwu.workdays.periods import DAY as _DAY
from zhengwu.workdays.periods import (
    Completion,
    Event,
    EventLike,
    Level,
    completion_of,
    due_date,
    level_of,
    paused_workdays,
)
from zhengwu.workdays.periods import plain as _plain
from zhengwu.workdays.rules import WorkCalendar

__all__ = [
    "ClockError",
    "Clocks",
    "Completion",
    "Event",
    "Level",
    "SuspendedClocks",
    "Terms",
    "carry_forward",
    "compute_clocks",
    "due_date",
    "paused_workdays",
]


class ClockError(CaseRuleError):
    """Events that break a time-limit rule. Codes: ``no_events``, ``event_out_of_order``,
    ``intake_expired``, ``intake_not_expired``, ``invalid_extension``, ``extension_after_due``."""


@dataclass(frozen=True, slots=True)
class Terms:
    """An item's time limits, in working days (the catalogue's figures; defaults from the law)."""

    statutory_limit: int = 20
    promised_limit: int | None = None  # None: the statutory limit
    immediate: bool = False  # 即办件: decided on the acceptance day (promised limit 0)
    intake_limit: int = 5
    delivery_limit: int = 10
    extension_max: int = 10
    accept_on_supplement_day: bool = True  # [cfg] DOMAIN §3.2

    def __post_init__(self):
        for name in ("statutory_limit", "intake_limit", "delivery_limit", "extension_max"):
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
        """The promised limit in force: 0 for an immediate item."""
        if self.immediate:
            return 0
        return self.statutory_limit if self.promised_limit is None else self.promised_limit


@dataclass(frozen=True, slots=True)
class Clocks:
    """Everything ``compute_clocks`` derives; the stored case fields and the API fields."""

    as_of: dt.date
    state: State  # replayed from the events: a deemed acceptance not yet recorded stays submitted
    received_on: dt.date
    intake_due: dt.date
    accepted_on: dt.date | None
    deemed_accepted: bool
    promised_due: dt.date | None
    statutory_due: dt.date | None
    suspended: bool  # a special procedure is open at as_of
    suspended_since: dt.date | None
    suspended_workdays: int
    extension_workdays: int
    completed_on: dt.date | None  # decision day (办结)
    outcome: State | None  # granted / denied
    completion: Completion | None
    delivery_due: dt.date | None
    delivered_on: dt.date | None
    delivery_overdue: bool
    level: Level | None
    remaining_workdays: int | None
    statutory_overdue: bool
    provisional: bool
    # the end of the period a one-time notice gave for the supplement (its event's ``due``), while
    # the case waits for it
    supplement_due: dt.date | None = None


def compute_clocks(
    *,
    terms: Terms,
    events: Sequence[EventLike],
    calendar: WorkCalendar,
    as_of: dt.date,
) -> Clocks:
    """The clocks of a case at the end of ``as_of`` (a local date), from its events in order.

    Events dated after ``as_of`` are left out (the clocks as they stood that day). Raises
    ``TransitionError`` or ``ClockError`` (see the module docstring) and the calendar's
    ``OutOfRange`` for dates it does not cover.
    """
    as_of = periods.local_date(as_of, "as_of")
    provisional = False
    state: State | None = None
    received_on = intake_from = intake_due = supplemented_on = None
    accepted_on = completed_on = delivered_on = withdrawn_on = None
    supplement_due: dt.date | None = None
    outcome: State | None = None
    deemed = extended = False
    extension = 0
    pauses: list[list[dt.date | None]] = []  # [suspended, resumed or None]
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
                        f"the intake limit ended on {intake_due}: the case is deemed accepted",
                    )
                accepted_on, deemed = intake_from, True
            elif action is Action.DEEM_ACCEPT:
                raise ClockError("intake_not_expired", f"the intake limit ends on {intake_due}")

        state = next_state(state, action, extended=extended)

        if action is Action.SUBMIT:
            received_on = intake_from = on
            intake_due = calendar.add(on, terms.intake_limit)
            provisional |= intake_due.provisional
        elif action is Action.REQUEST_SUPPLEMENT:
            due = (event.data or {}).get("due")
            supplement_due = dt.date.fromisoformat(due) if due else None
        elif action is Action.SUPPLEMENT:
            supplemented_on = intake_from = on
            intake_due = calendar.add(on, terms.intake_limit)
            provisional |= intake_due.provisional
        elif action is Action.ACCEPT:
            if not deemed:
                if terms.accept_on_supplement_day and supplemented_on is not None:
                    accepted_on = supplemented_on
                else:
                    accepted_on = on
        elif action is Action.SUSPEND:
            pauses.append([on, None])
        elif action is Action.RESUME:
            pauses[-1][1] = on
        elif action is Action.EXTEND:
            closed_then = _closed(pauses, on + _DAY)
            extension = periods.extension(
                event, terms, calendar, accepted_on, closed_then, error=ClockError
            )
            extended = True
        elif action is Action.DECIDE_GRANT or action is Action.DECIDE_DENY:
            completed_on, outcome = on, state
        elif action is Action.DELIVER:
            delivered_on = on
        elif action is Action.WITHDRAW:
            withdrawn_on = on

    if state is None:
        raise ClockError("no_events", f"no case event on or before {as_of}")

    if state is State.SUBMITTED and as_of > intake_due:
        accepted_on, deemed = intake_from, True

    is_open = state in OPEN_STATES
    # An open suspension lasts through the end of as_of (or the withdrawal day).
    stop = (withdrawn_on or as_of) + _DAY
    promised_due = statutory_due = None
    suspended_workdays = 0
    if accepted_on is not None:
        closed = _closed(pauses, stop)
        promised = due_date(calendar, accepted_on, terms.promised + extension, closed)
        statutory = due_date(calendar, accepted_on, terms.statutory_limit + extension, closed)
        provisional |= promised.provisional or statutory.provisional
        for suspended, resumed in closed:
            count, count_provisional = paused_workdays(calendar, accepted_on, suspended, resumed)
            suspended_workdays += count
            provisional |= count_provisional
        promised_due, statutory_due = _plain(promised), _plain(statutory)

    completion = completion_of(completed_on, promised_due)

    delivery_due = None
    delivery_overdue = False
    if outcome is State.GRANTED:
        due = calendar.add(completed_on, terms.delivery_limit)
        provisional |= due.provisional
        delivery_due = _plain(due)
        delivery_overdue = (delivered_on or as_of) > delivery_due

    end = completed_on or withdrawn_on or (as_of if is_open else None)
    statutory_overdue = bool(statutory_due and end and end > statutory_due)

    level = remaining = None
    if is_open:
        level, remaining, left_provisional = level_of(
            calendar, as_of, promised_due, statutory_overdue=statutory_overdue
        )
        provisional |= left_provisional

    is_suspended = state is State.SUSPENDED
    return Clocks(
        as_of=as_of,
        state=state,
        received_on=received_on,
        intake_due=_plain(intake_due),
        accepted_on=accepted_on,
        deemed_accepted=deemed,
        promised_due=promised_due,
        statutory_due=statutory_due,
        suspended=is_suspended,
        suspended_since=pauses[-1][0] if is_suspended else None,
        suspended_workdays=suspended_workdays,
        extension_workdays=extension,
        completed_on=completed_on,
        outcome=outcome,
        completion=completion,
        delivery_due=delivery_due,
        delivered_on=delivered_on,
        delivery_overdue=delivery_overdue,
        level=level,
        remaining_workdays=remaining,
        statutory_overdue=statutory_overdue,
        provisional=bool(provisional),
        supplement_due=supplement_due if state is State.SUPPLEMENT_REQUESTED else None,
    )


class StoredSuspension(Protocol):
    """The stored clock fields of a suspended case (a ``Case``, or anything with them)."""

    accepted_on: dt.date | None
    promised_due: dt.date | None
    statutory_due: dt.date | None
    suspended_since: dt.date | None
    suspended_workdays: int
    provisional: bool
    clocks_on: dt.date


@dataclass(frozen=True, slots=True)
class SuspendedClocks:
    """A suspended case's moving clock fields as of ``as_of``."""

    as_of: dt.date
    promised_due: dt.date | None
    statutory_due: dt.date | None
    suspended_workdays: int
    provisional: bool


def carry_forward(
    stored: StoredSuspension, today: dt.date, calendar: WorkCalendar
) -> SuspendedClocks | None:
    """The clocks of a case suspended at ``stored.clocks_on`` as of ``today``, when it is still
    suspended then: ``compute_clocks(..., as_of=today)`` gives the same dates, count and flag from
    the events, and nothing else of the clocks moves while the case waits.

    A due date the suspension started on or before (and after the acceptance day) moves on by
    the working days in (``clocks_on``, ``today``], so the working days left stay as they were; one
    it started after stays (a special procedure does not cure lateness). The suspended working
    days grow by the same count. So the working days left, and with them the level, stay as they
    were, unless today passes a due date that stays put (one the suspension began after, or one
    on the acceptance day itself, which no pause can move): the supervision sweep writes those
    cases. The others keep the clocks of their last step (``clocks_on``), carried forward when
    read (``zhengwu.cases.selectors.as_of_today``) rather than rewritten every working day.

    ``None`` when there is nothing to carry: ``today`` is not after ``clocks_on`` or the case
    was never accepted."""
    since = stored.suspended_since
    if since is None or stored.accepted_on is None or not stored.clocks_on < today:
        return None
    waited = calendar.between(stored.clocks_on, today)
    provisional = stored.provisional or waited.provisional
    dues = []
    for due in (stored.promised_due, stored.statutory_due):
        if due is not None and due >= since and due > stored.accepted_on and int(waited):
            moved = calendar.add(due, int(waited))
            provisional |= moved.provisional
            due = _plain(moved)
        dues.append(due)
    return SuspendedClocks(
        as_of=today,
        promised_due=dues[0],
        statutory_due=dues[1],
        suspended_workdays=stored.suspended_workdays + int(waited),
        provisional=provisional,
    )


def _closed(pauses: list[list[dt.date | None]], stop: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The pauses with an open one ending at ``stop``."""
    return [(suspended, resumed or stop) for suspended, resumed in pauses]
