"""A rectification measure's rules (整改台账, DOMAIN §13). Pure: no Django.

One transition table ``(state, action, roles, next state, kinds)`` (DESIGN.md Transitions):

- ``create``: the supervising office (效能办, role ``supervisor``) sets a measure on a problem;
- ``progress``: the responsible unit (``unit``: staff of the measure's department) reports what
  it did, with evidence; a long-term measure (长期坚持) keeps reporting after its stage is verified
  (its periodic report);
- ``claim``: the unit declares the measure complete (申请销号);
- ``verify``: the supervising office confirms it (验收销号) — the measure counts as done;
- ``return``: the supervising office sends the claim back with a reason (退回): work goes on.

Anything else raises ``zhengwu.cases.rules.TransitionError`` (``illegal_transition``,
``role_not_allowed``, ...), which the services turn into a 409 (403 for the role).

Dates on the working-day calendar (``calendar``: a ``zhengwu.workdays.rules.WorkCalendar``):
a deadline that falls on a rest day moves to the next working day (``due_date``); a reminder is
due once at most ``REMIND_WORKDAYS`` working days are left (``remind_horizon``); a measure not
verified by its deadline is overdue the day after; a long-term measure reports every
``REPORT_WORKDAYS`` working days after its stage is verified or its last report
(``next_report``).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from zhengwu.cases.rules import TransitionError

UNIT = "unit"
SUPERVISOR = "supervisor"

REMIND_WORKDAYS = 3  # [cfg] a reminder this many working days before a deadline
REPORT_WORKDAYS = 20  # [cfg] a long-term measure reports about monthly (20 working days)


class State(enum.StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    VERIFIED = "verified"


class Action(enum.StrEnum):
    CREATE = "create"
    PROGRESS = "progress"
    CLAIM = "claim"
    VERIFY = "verify"
    RETURN = "return"


class Kind(enum.StrEnum):
    IMMEDIATE = "immediate"  # 立行立改
    DEADLINE = "deadline"  # 限期整改
    LONG_TERM = "long_term"  # 长期坚持


ALL_KINDS = frozenset(Kind)


@dataclass(frozen=True, slots=True)
class Row:
    state: State | None
    action: Action
    roles: frozenset[str]
    next: State
    kinds: frozenset[Kind] = ALL_KINDS


_S, _A = State, Action
_UNIT = frozenset({UNIT})
_OFFICE = frozenset({SUPERVISOR})

TRANSITIONS: tuple[Row, ...] = (
    Row(None, _A.CREATE, _OFFICE, _S.OPEN),
    Row(_S.OPEN, _A.PROGRESS, _UNIT, _S.OPEN),
    Row(_S.OPEN, _A.CLAIM, _UNIT, _S.CLAIMED),
    Row(_S.CLAIMED, _A.VERIFY, _OFFICE, _S.VERIFIED),
    Row(_S.CLAIMED, _A.RETURN, _OFFICE, _S.OPEN),
    # 长期坚持: the stage is verified, the unit keeps reporting periodically.
    Row(_S.VERIFIED, _A.PROGRESS, _UNIT, _S.VERIFIED, frozenset({Kind.LONG_TERM})),
)

_TABLE: dict[tuple[State | None, Action], Row] = {}
for _r in TRANSITIONS:
    if (_r.state, _r.action) in _TABLE:
        raise AssertionError(f"duplicate transition row {_r.state} {_r.action}")
    _TABLE[(_r.state, _r.action)] = _r
del _r

# The actions a legal-ish act of the supervising office: asked to be confirmed on the pages.
CONFIRMED_ACTIONS = frozenset({Action.VERIFY, Action.RETURN})


def _find(state, action, kind) -> Row:
    try:
        state = None if state is None else State(state)
    except ValueError:
        raise TransitionError("unknown_state", state=state, detail=f"{state!r}") from None
    try:
        action = Action(action)
    except ValueError:
        raise TransitionError("unknown_action", action=action, detail=f"{action!r}") from None
    row = _TABLE.get((state, action))
    if row is None or (kind is not None and Kind(kind) not in row.kinds):
        raise TransitionError("illegal_transition", state=state, action=action)
    return row


def transition(state, action, roles: Iterable[str], *, kind=None) -> State:
    """The state after ``action`` taken by a holder of ``roles`` on a measure of ``kind``."""
    row = _find(state, action, kind)
    if {str(role) for role in roles}.isdisjoint(row.roles):
        raise TransitionError(
            "role_not_allowed",
            state=row.state,
            action=row.action,
            detail=f"{row.action} from {row.state} needs one of {sorted(row.roles)}",
        )
    return row.next


def allowed_actions(state, roles: Iterable[str], *, kind=None) -> frozenset[Action]:
    held = {str(role) for role in roles}
    state = None if state is None else State(state)
    return frozenset(
        row.action
        for row in TRANSITIONS
        if row.state == state
        and not held.isdisjoint(row.roles)
        and (kind is None or Kind(kind) in row.kinds)
    )


def is_done(state) -> bool:
    """A measure counts as done (已整改完成) once verified; a long-term one then counts as
    "阶段性成效并长期坚持", as the published reports count it."""
    return State(state) == State.VERIFIED


# ------------------------------------------------------------------ dates


def due_date(calendar, deadline: dt.date) -> dt.date:
    """The working day a deadline stands for: itself, or the next working day when it falls on a
    rest day (a deadline never ends on a holiday)."""
    if calendar.is_workday(deadline):
        return dt.date(deadline.year, deadline.month, deadline.day)
    return _plain(calendar.add(deadline, 1))


def deadline_after(calendar, start: dt.date, workdays: int) -> dt.date:
    """The deadline ``workdays`` working days after ``start`` (a 限期 given as a span)."""
    return _plain(calendar.add(start, workdays))


def remind_horizon(calendar, today: dt.date) -> dt.date:
    """The last due date to remind of today: ``REMIND_WORKDAYS`` working days ahead (the sweep
    compares every measure's due date with it, set-based)."""
    return _plain(calendar.add(today, REMIND_WORKDAYS))


def is_overdue(state, due: dt.date, today: dt.date) -> bool:
    return State(state) != State.VERIFIED and due < today


def next_report(calendar, last: dt.date) -> dt.date:
    return _plain(calendar.add(last, REPORT_WORKDAYS))


def _plain(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, day.day)


# ------------------------------------------------------------------ counts


@dataclass(frozen=True)
class Counts:
    areas: int
    items: int
    problems: int
    measures: int
    measures_done: int
    problems_done: int
    overdue: int

    def as_dict(self) -> dict:
        return {
            "areas": self.areas,
            "items": self.items,
            "problems": self.problems,
            "measures": self.measures,
            "measures_done": self.measures_done,
            "problems_done": self.problems_done,
            "overdue": self.overdue,
        }


def counts(
    *,
    areas: int,
    items: int,
    problems: Iterable[int],
    measures: Iterable[tuple[int, str, dt.date]],
    today: dt.date,
) -> Counts:
    """The ledger's counts: ``measures`` as ``(problem id, state, due)``. A problem is done when
    it has measures and every one of them is verified; overdue counts measures not verified after
    their due date."""
    problem_ids = set(problems)
    per_problem: dict[int, list[bool]] = {pid: [] for pid in problem_ids}
    total = done = overdue = 0
    for problem_id, state, due in measures:
        total += 1
        verified = is_done(state)
        done += verified
        overdue += is_overdue(state, due, today)
        per_problem.setdefault(problem_id, []).append(verified)
    problems_done = sum(1 for flags in per_problem.values() if flags and all(flags))
    return Counts(areas, items, len(problem_ids), total, done, problems_done, overdue)
