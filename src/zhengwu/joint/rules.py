"""The joint case (联办件) state machine: one explicit transition table. Pure: no Django.

A joint case is one application for a scene (一件事, DOMAIN §10) over one child case per item. Each
child is an ordinary case of its department (``zhengwu.cases.rules``); the joint case holds what
the applicant sees once: one intake at the lead window, one notice, one supplement, one
acceptance, one delivery (统一出件). Rows are ``(state, action, roles, next state)``; errors are
``zhengwu.cases.rules.TransitionError`` with the same codes, plus:

- ``already_notified``: the one-time notice (一次性告知) was issued already: after the supplement
  the window accepts or refuses the application, it does not ask again;
- ``already_extended``: the joint period was extended once already (行政许可法 art. 42).

Notes on the table:

- ``submit`` (applicant, or a window clerk on the applicant's behalf) starts the joint case; the
  window clerk of the lead department takes the intake actions: ``request_supplement``,
  ``accept`` (the children of the first stage are accepted with it), ``refuse`` (the whole
  application); the system's ``deem_accept`` when none of them came within the intake limit
  (行政许可法 art. 32: accepted as of the day received, or of the supplement day).
- ``open_stage``, ``complete`` and ``stop`` are the system's: a stage opens when every child of the
  previous one is granted; the joint case is complete when every child of the last stage is; a
  denial stops it (the children of later stages close with the reason).
- ``extend``: once, by a ``leader`` (the head of the government, art. 42 para 2), while in progress.
- ``deliver`` (统一出件) after completion; ``withdraw`` until the joint case is decided.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from zhengwu.cases.rules import APPLICANT, LEADER, SYSTEM, WINDOW_CLERK, TransitionError

__all__ = [
    "OPEN_STATES",
    "TRANSITIONS",
    "Action",
    "Row",
    "State",
    "allowed_actions",
    "next_state",
    "transition",
]


class State(enum.StrEnum):
    SUBMITTED = "submitted"  # 待受理
    SUPPLEMENT_REQUESTED = "supplement_requested"  # 待补正
    ACCEPTED = "accepted"  # 办理中
    COMPLETED = "completed"  # 已办结 (every item granted)
    STOPPED = "stopped"  # 已终止 (an item denied)
    DELIVERED = "delivered"  # 已送达 (统一出件)
    REFUSED = "refused"  # 不予受理
    WITHDRAWN = "withdrawn"  # 已撤回


class Action(enum.StrEnum):
    SUBMIT = "submit"
    REQUEST_SUPPLEMENT = "request_supplement"
    SUPPLEMENT = "supplement"
    ACCEPT = "accept"
    DEEM_ACCEPT = "deem_accept"
    REFUSE = "refuse"
    OPEN_STAGE = "open_stage"
    EXTEND = "extend"
    COMPLETE = "complete"
    STOP = "stop"
    DELIVER = "deliver"
    WITHDRAW = "withdraw"


# States in which the joint case is still being handled (the clocks and levels apply).
OPEN_STATES = frozenset({State.SUBMITTED, State.SUPPLEMENT_REQUESTED, State.ACCEPTED})


@dataclass(frozen=True, slots=True)
class Row:
    state: State | None
    action: Action
    roles: frozenset[str]
    next: State


_S, _A = State, Action
_ON_BEHALF = frozenset({APPLICANT, WINDOW_CLERK})
_WINDOW = frozenset({WINDOW_CLERK})
_SYSTEM = frozenset({SYSTEM})

TRANSITIONS: tuple[Row, ...] = (
    Row(None, _A.SUBMIT, _ON_BEHALF, _S.SUBMITTED),
    # intake at the lead window
    Row(_S.SUBMITTED, _A.REQUEST_SUPPLEMENT, _WINDOW, _S.SUPPLEMENT_REQUESTED),
    Row(_S.SUBMITTED, _A.ACCEPT, _WINDOW, _S.ACCEPTED),
    Row(_S.SUBMITTED, _A.REFUSE, _WINDOW, _S.REFUSED),
    Row(_S.SUBMITTED, _A.DEEM_ACCEPT, _SYSTEM, _S.ACCEPTED),
    Row(_S.SUBMITTED, _A.WITHDRAW, _ON_BEHALF, _S.WITHDRAWN),
    Row(_S.SUPPLEMENT_REQUESTED, _A.SUPPLEMENT, _ON_BEHALF, _S.SUBMITTED),
    Row(_S.SUPPLEMENT_REQUESTED, _A.WITHDRAW, _ON_BEHALF, _S.WITHDRAWN),
    # in progress: stages run one after another
    Row(_S.ACCEPTED, _A.OPEN_STAGE, _SYSTEM, _S.ACCEPTED),
    Row(_S.ACCEPTED, _A.EXTEND, frozenset({LEADER}), _S.ACCEPTED),
    Row(_S.ACCEPTED, _A.COMPLETE, _SYSTEM, _S.COMPLETED),
    Row(_S.ACCEPTED, _A.STOP, _SYSTEM, _S.STOPPED),
    Row(_S.ACCEPTED, _A.WITHDRAW, _ON_BEHALF, _S.WITHDRAWN),
    # one delivery
    Row(_S.COMPLETED, _A.DELIVER, _WINDOW, _S.DELIVERED),
)

_TABLE: dict[tuple[State | None, Action], Row] = {}
for _r in TRANSITIONS:
    if (_r.state, _r.action) in _TABLE:
        raise AssertionError(f"duplicate transition row {_r.state} {_r.action}")
    _TABLE[(_r.state, _r.action)] = _r
del _r


def _find(state, action) -> Row:
    try:
        state = None if state is None else State(state)
    except ValueError:
        raise TransitionError("unknown_state", state=state, detail=f"{state!r}") from None
    try:
        action = Action(action)
    except ValueError:
        raise TransitionError("unknown_action", action=action, detail=f"{action!r}") from None
    row = _TABLE.get((state, action))
    if row is None:
        raise TransitionError("illegal_transition", state=state, action=action)
    return row


def _check_once(row: Row, *, extended: bool, notified: bool) -> None:
    if row.action is Action.EXTEND and extended:
        raise TransitionError("already_extended", state=row.state, action=row.action)
    if row.action is Action.REQUEST_SUPPLEMENT and notified:
        raise TransitionError("already_notified", state=row.state, action=row.action)


def next_state(
    state: State | str | None,
    action: Action | str,
    *,
    extended: bool = False,
    notified: bool = False,
) -> State:
    """The state after ``action``, without a role check (replaying recorded events)."""
    row = _find(state, action)
    _check_once(row, extended=extended, notified=notified)
    return row.next


def transition(
    state: State | str | None,
    action: Action | str,
    roles: Iterable[str],
    *,
    extended: bool = False,
    notified: bool = False,
) -> State:
    """The state after ``action`` taken by someone holding ``roles``: the names exist, the table
    has the row, one of ``roles`` may take it (``role_not_allowed``), and the once-only actions
    were not taken before (``already_extended``, ``already_notified``)."""
    row = _find(state, action)
    if {str(role) for role in roles}.isdisjoint(row.roles):
        raise TransitionError(
            "role_not_allowed",
            state=row.state,
            action=row.action,
            detail=f"{row.action} from {row.state} needs one of {sorted(row.roles)}",
        )
    _check_once(row, extended=extended, notified=notified)
    return row.next


def allowed_actions(
    state: State | str | None,
    roles: Iterable[str],
    *,
    extended: bool = False,
    notified: bool = False,
) -> frozenset[Action]:
    """The actions ``roles`` may take from ``state`` (the buttons a page shows)."""
    held = {str(role) for role in roles}
    state = None if state is None else State(state)
    return frozenset(
        row.action
        for row in TRANSITIONS
        if row.state == state
        and not held.isdisjoint(row.roles)
        and not (row.action is Action.EXTEND and extended)
        and not (row.action is Action.REQUEST_SUPPLEMENT and notified)
    )
