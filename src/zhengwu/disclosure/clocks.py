"""A disclosure request's clocks (政府信息公开条例 2019, DOMAIN §8), from its events. Pure.

``compute_clocks(terms=..., events=..., calendar=..., as_of=...)`` is the one function behind a
request's stored deadline fields, as ``zhengwu.cases.clocks.compute_clocks`` is for a case; it
counts on ``zhengwu.workdays.periods`` (the start day is not counted; paused working days in
``[paused, resumed)`` do not count). The law:

- **Reply** (art. 33): within 20 working days of the receipt date (``file``; the receipt date is
  ``zhengwu.disclosure.receipt``'s, art. 31).
- **补正** (art. 30): one notice, within 7 working days of receipt (a later one is flagged
  ``late_notice``), giving a period (``period_workdays``) to supplement. While it is out the
  reply clock does not run (``reply_due`` is None); a supplement restarts it **from the day the
  supplement is received**: the 20 working days are counted afresh from that day and what was
  counted or paused before no longer matters. No supplement within the period:
  ``supplement_due`` has passed and the sweep records the deemed abandonment (``abandon``). A
  second notice forced into the trail (a backfill) does not stop the clock from replaying; it is
  counted (``notices``) and the sweep records it as an irregularity.
- **Consultation** (art. 32 third party, art. 34 other agencies): 15 working days to answer
  (``consult_due``); the time is not counted: the working days in ``[consult, consulted)`` are
  paused, and never more than the period (``[consult, consult_due)``: an answer recorded after
  the period, or silence, pauses exactly 15 working days).
- **Extension** (art. 33 para 2): once, 1 to 20 working days, approved by the head of the disclosure
  office on or before the running reply due date (``extension_after_due`` otherwise).
- **Unreasonable quantity or frequency** (art. 35): asking the applicant for reasons pauses the
  clock until the reasons come (``[ask_reasons, reasons)``); a reasonable delayed deadline
  (``defer``, once) adds its working days (``deferred_workdays``, at most ``Terms.defer_max``
  [cfg]).
- **Fee** (art. 42, 国办函〔2020〕109号 三(四)): from the fee notice to the payment the clock does
  not run (``[fee, paid)``); the applicant has ``Terms.payment_limit`` working days [cfg, 20] to pay
  (``payment_due``), after which the sweep records the deemed abandonment.
- **Completion**: the reply (``reply``, or ``to_ticket``: 不予处理 1) is the completion
  (``completed_on``; ``on_time`` when on or before ``reply_due``); a deemed abandonment or a
  withdrawal also completes the request (counted in the annual report) with ``on_time`` None.
- **Levels** (DOMAIN §4 via ``periods.level_of``): of an open request on its reply clock:
  ``yellow`` with at most one working day left, ``red`` past the reply due date. None while the
  clock waits for a supplement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import zhengwu.workdays.periods as periods
from zhengwu.cases.clocks import ClockError
from zhengwu.disclosure.rules import OPEN_STATES, Action, State, next_state
from zhengwu.workdays.periods import DAY, EventLike, Level, due_date, merge_pauses, plain
from zhengwu.workdays.rules import WorkCalendar

__all__ = [
    "CONSULT_LIMIT",
    "EXTENSION_MAX",
    "NOTICE_LIMIT",
    "REPLY_LIMIT",
    "ClockError",
    "Clocks",
    "Terms",
    "compute_clocks",
]

REPLY_LIMIT = 20  # art. 33
EXTENSION_MAX = 20  # art. 33 para 2
NOTICE_LIMIT = 7  # art. 30
CONSULT_LIMIT = 15  # art. 32, art. 34


@dataclass(frozen=True, slots=True)
class Terms:
    reply_limit: int = REPLY_LIMIT
    extension_max: int = EXTENSION_MAX
    notice_limit: int = NOTICE_LIMIT
    consult_limit: int = CONSULT_LIMIT
    payment_limit: int = 20  # [cfg] working days to pay after the fee notice
    supplement_max: int = 60  # [cfg] the longest supplement period a notice may give
    defer_max: int = 60  # [cfg] the longest delayed deadline of art. 35

    def __post_init__(self):
        for name in self.__slots__:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number of working days >= 1")


@dataclass(frozen=True, slots=True)
class Clocks:
    as_of: dt.date
    state: State
    received_on: dt.date
    notice_due: dt.date  # the last day for the 补正 notice (art. 30)
    reply_start: dt.date | None  # the receipt date, or the supplement's; None while awaiting it
    reply_due: dt.date | None
    supplement_due: dt.date | None  # while a supplement is awaited
    consult_due: dt.date | None  # while a consultation is open
    payment_due: dt.date | None  # while the fee is awaited
    paused: bool  # the reply clock is stopped at as_of (consultation, reasons, payment)
    paused_workdays: int
    extension_workdays: int
    deferred_workdays: int
    completed_on: dt.date | None
    on_time: bool | None
    level: Level | None
    remaining_workdays: int | None
    notices: int  # 补正 notices in the trail (more than one is an irregularity)
    late_notice: bool
    provisional: bool


def _workdays(event: EventLike, key: str, maximum: int, code: str) -> int:
    stated = (event.data or {}).get(key)
    value = periods.extension_workdays({"workdays": stated}, maximum)
    if value is None:
        detail = f"{event.kind}: {key} is 1 to {maximum} working days, not {stated!r}"
        raise ClockError(code, detail)
    return value


def compute_clocks(
    *,
    terms: Terms | None = None,
    events: Sequence[EventLike],
    calendar: WorkCalendar,
    as_of: dt.date,
) -> Clocks:
    """The clocks of a request at the end of ``as_of`` from its events in order. Events dated
    after ``as_of`` are left out; kinds that are no ``Action`` are skipped. Raises
    ``TransitionError``, ``ClockError`` and the calendar's ``OutOfRange``."""
    terms = terms or Terms()
    as_of = periods.local_date(as_of, "as_of")
    provisional = False
    state: State | None = None
    received_on = notice_due = start = None
    supplement_due = consult_due = payment_due = None
    completed_on: dt.date | None = None
    replied = extended = deferred = late_notice = False
    extension = deferral = notices = 0
    pauses: list[tuple[dt.date, dt.date | None]] = []
    open_pause: dt.date | None = None
    pause_cap: dt.date | None = None
    last: dt.date | None = None

    def running_due(until: dt.date) -> dt.date:
        spans = [*pauses, *([(open_pause, None)] if open_pause else [])]
        return due_date(
            calendar, start, terms.reply_limit + extension + deferral, merge_pauses(spans, until)
        )

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
        # A second 补正 notice is refused by the services; one forced into the trail is replayed
        # (and counted) rather than making the request unreadable.
        state = next_state(state, action, extended=extended, deferred=deferred)

        if action is Action.FILE:
            received_on = start = on
            notice = calendar.add(on, terms.notice_limit)
            provisional |= notice.provisional
            notice_due = plain(notice)
        elif action is Action.REQUEST_SUPPLEMENT:
            notices += 1
            late_notice |= on > notice_due
            period = _workdays(event, "period_workdays", terms.supplement_max, "invalid_period")
            due = calendar.add(on, period)
            provisional |= due.provisional
            supplement_due, start = plain(due), None
            pauses, open_pause = [], None
        elif action is Action.SUPPLEMENT:
            start, supplement_due = on, None
            pauses, open_pause = [], None
        elif action is Action.CONSULT:
            due = calendar.add(on, terms.consult_limit)
            provisional |= due.provisional
            consult_due = pause_cap = plain(due)
            open_pause = on
        elif action in (Action.ASK_REASONS, Action.FEE):
            open_pause, pause_cap = on, None
            if action is Action.FEE:
                due = calendar.add(on, terms.payment_limit)
                provisional |= due.provisional
                payment_due = plain(due)
        elif action in (Action.CONSULTED, Action.REASONS, Action.PAID):
            end = on if pause_cap is None else min(on, pause_cap)
            if open_pause is not None and end > open_pause:
                pauses.append((open_pause, end))
            open_pause = pause_cap = consult_due = payment_due = None
        elif action is Action.EXTEND:
            workdays = _workdays(event, "workdays", terms.extension_max, "invalid_extension")
            due_then = running_due(on + DAY)
            if on > due_then:
                raise ClockError(
                    "extension_after_due",
                    f"the reply was due on {plain(due_then)}; an extension comes before",
                )
            extension, extended = workdays, True
        elif action is Action.DEFER:
            deferral = _workdays(event, "workdays", terms.defer_max, "invalid_deferral")
            deferred = True
        elif action in (Action.REPLY, Action.TO_TICKET):
            completed_on, replied = on, True
        elif action in (Action.ABANDON, Action.WITHDRAW):
            completed_on = on
            supplement_due = payment_due = consult_due = None
            if open_pause is not None:
                end = on if pause_cap is None else min(on, pause_cap)
                if end > open_pause:
                    pauses.append((open_pause, end))
                open_pause = pause_cap = None

    if state is None:
        raise ClockError("no_events", f"no disclosure request event on or before {as_of}")

    is_open = state in OPEN_STATES
    reply_due = None
    paused_workdays = 0
    if start is not None:
        end = completed_on or as_of
        due = running_due(end + DAY)
        spans = [*pauses, *([(open_pause, None)] if open_pause else [])]
        count, count_provisional = periods.paused_total(
            calendar, start, merge_pauses(spans, end + DAY)
        )
        provisional |= due.provisional or count_provisional
        reply_due, paused_workdays = plain(due), count

    on_time = None
    if replied and reply_due is not None:
        on_time = completed_on <= reply_due

    level = remaining = None
    if is_open and reply_due is not None:
        level, remaining, left_provisional = periods.level_of(
            calendar, as_of, reply_due, statutory_overdue=False
        )
        provisional |= left_provisional

    return Clocks(
        as_of=as_of,
        state=state,
        received_on=received_on,
        notice_due=notice_due,
        reply_start=start,
        reply_due=reply_due,
        supplement_due=supplement_due if is_open else None,
        consult_due=consult_due if is_open else None,
        payment_due=payment_due if is_open else None,
        paused=is_open and open_pause is not None,
        paused_workdays=paused_workdays,
        extension_workdays=extension,
        deferred_workdays=deferral,
        completed_on=completed_on,
        on_time=on_time,
        level=level,
        remaining_workdays=remaining,
        notices=notices,
        late_notice=late_notice,
        provisional=bool(provisional),
    )
