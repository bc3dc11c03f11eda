"""A deal's state machine: one explicit transition table (DESIGN.md Transitions). Pure: no Django.

Every row is ``(state, action, roles, next state)``; anything else raises
``zhengwu.cases.rules.TransitionError`` (``unknown_state``, ``unknown_action``,
``illegal_transition``, ``role_not_allowed``), which the services turn into a 409 (403 for the
role) with a Chinese message.

- ``announce`` records a deal whose announcement is out: bids are recorded while it is
  ``announced`` (up to the bid deadline);
- ``open`` the bids are opened (开标): no bid is added after it;
- ``evaluate`` the committee's evaluation is done (评标);
- ``award`` the award is notified (中标通知);
- ``cancel`` ends a deal before its award (招标终止), with the reason on the trail.
Only the staff of the trading center (``trading_officer``) move a deal; supervisors watch it and
review its flags.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from zhengwu.cases.rules import TransitionError

TRADING_OFFICER = "trading_officer"


class State(enum.StrEnum):
    ANNOUNCED = "announced"
    OPENED = "opened"
    EVALUATED = "evaluated"
    AWARDED = "awarded"
    CANCELLED = "cancelled"


class Action(enum.StrEnum):
    ANNOUNCE = "announce"
    OPEN = "open"
    EVALUATE = "evaluate"
    AWARD = "award"
    CANCEL = "cancel"


@dataclass(frozen=True, slots=True)
class Row:
    state: State | None
    action: Action
    roles: frozenset[str]
    next: State


_S, _A = State, Action
_OFFICER = frozenset({TRADING_OFFICER})

TRANSITIONS: tuple[Row, ...] = (
    Row(None, _A.ANNOUNCE, _OFFICER, _S.ANNOUNCED),
    Row(_S.ANNOUNCED, _A.OPEN, _OFFICER, _S.OPENED),
    Row(_S.OPENED, _A.EVALUATE, _OFFICER, _S.EVALUATED),
    Row(_S.EVALUATED, _A.AWARD, _OFFICER, _S.AWARDED),
    Row(_S.ANNOUNCED, _A.CANCEL, _OFFICER, _S.CANCELLED),
    Row(_S.OPENED, _A.CANCEL, _OFFICER, _S.CANCELLED),
    Row(_S.EVALUATED, _A.CANCEL, _OFFICER, _S.CANCELLED),
)

_TABLE: dict[tuple[State | None, Action], Row] = {}
for _r in TRANSITIONS:
    if (_r.state, _r.action) in _TABLE:
        raise AssertionError(f"duplicate transition row {_r.state} {_r.action}")
    _TABLE[(_r.state, _r.action)] = _r
del _r

# Bids are recorded only before the opening.
BIDDING_STATES = frozenset({State.ANNOUNCED})


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


def next_state(state: State | str | None, action: Action | str) -> State:
    """The state after ``action``, without a role check (replaying recorded events)."""
    return _find(state, action).next


def transition(state: State | str | None, action: Action | str, roles: Iterable[str]) -> State:
    row = _find(state, action)
    if {str(role) for role in roles}.isdisjoint(row.roles):
        raise TransitionError(
            "role_not_allowed",
            state=row.state,
            action=row.action,
            detail=f"{row.action} from {row.state} needs one of {sorted(row.roles)}",
        )
    return row.next


def allowed_actions(state: State | str | None, roles: Iterable[str]) -> frozenset[Action]:
    held = {str(role) for role in roles}
    state = None if state is None else State(state)
    return frozenset(
        row.action for row in TRANSITIONS if row.state == state and not held.isdisjoint(row.roles)
    )
