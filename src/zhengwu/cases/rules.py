"""The case state machine: one explicit transition table (DESIGN.md Transitions). Pure: no Django.

Every row is ``(state, action, roles, next state)``. ``transition()`` looks the pair up and checks
the caller's roles; anything else raises ``TransitionError`` with a stable ``code`` that the
services turn into a 409 (or a 403 for ``role_not_allowed``) with a Chinese message:

- ``unknown_state``: the state is not one of ``State`` (nor ``None`` for a case not yet submitted);
- ``unknown_action``: the action is not one of ``Action``;
- ``illegal_transition``: the table has no row for this state and action;
- ``role_not_allowed``: none of the caller's roles may take this action (403);
- ``already_extended``: the decision period was extended once already (行政许可法 art. 42).

Notes on the table (DOMAIN.md §3):

- ``submit`` starts a case: its "state before" is ``None``.
- Intake (受理环节) acts only from ``submitted``: ``request_supplement`` (一次性告知), ``accept``,
  ``refuse``, and the system's ``deem_accept`` (no intake action within the intake limit: the
  application is accepted as of receipt). A supplement request is an intake action, so deemed
  acceptance never starts from ``supplement_requested``.
- ``supplement`` (the applicant hands in the listed materials, online or on paper at the window)
  returns the case to ``submitted``: the window then accepts it, refuses it, or asks again for what
  is still missing. When the acceptance dates back to the supplement day is the clock's business
  (``zhengwu.cases.clocks``, ``Terms.accept_on_supplement_day``).
- ``supplement_part``: a supplement that leaves some of the notice's materials missing (the
  services choose it for ``supplement``); the case stays ``supplement_requested`` for the rest,
  which need no second notice, and the intake clock does not run again until all are in.
- ``extend`` and ``suspend`` / ``resume`` keep the case in review; an extension may be approved
  while a special procedure is running. A decision needs the case resumed first, so that the
  resumption date is on record.
- A window clerk who decides 即办件 on the spot holds the reviewer role as well; the table does not
  special-case immediate items (the clock flags one not decided on its acceptance day).
- ``withdraw`` is open to the applicant, or to a clerk acting on the applicant's written request,
  until a decision is made.
- ``supervisor``, ``leader`` and ``admin`` watch cases; they take no case action.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "ADMIN",
    "APPLICANT",
    "DECISION_STATES",
    "DEPARTMENT_HEAD",
    "INTAKE_ACTIONS",
    "LEADER",
    "OPEN_STATES",
    "OPERATOR",
    "REVIEWER",
    "ROLES",
    "SUPERVISOR",
    "SYSTEM",
    "TRANSITIONS",
    "WINDOW_CLERK",
    "Action",
    "CaseRuleError",
    "Clock",
    "Row",
    "State",
    "TransitionError",
    "allowed_actions",
    "find_row",
    "missing_for_acceptance",
    "next_state",
    "running_clocks",
    "transition",
]


class State(enum.StrEnum):
    SUBMITTED = "submitted"  # 待受理
    SUPPLEMENT_REQUESTED = "supplement_requested"  # 待补正
    ACCEPTED = "accepted"  # 审查中
    SUSPENDED = "suspended"  # 挂起 (特别程序)
    GRANTED = "granted"  # 准予许可
    DENIED = "denied"  # 不予许可
    DELIVERED = "delivered"  # 已送达
    REFUSED = "refused"  # 不予受理
    WITHDRAWN = "withdrawn"  # 已撤回


class Action(enum.StrEnum):
    SUBMIT = "submit"
    REQUEST_SUPPLEMENT = "request_supplement"
    SUPPLEMENT = "supplement"
    SUPPLEMENT_PART = "supplement_part"
    ACCEPT = "accept"
    REFUSE = "refuse"
    DEEM_ACCEPT = "deem_accept"
    SUSPEND = "suspend"
    RESUME = "resume"
    EXTEND = "extend"
    DECIDE_GRANT = "decide_grant"
    DECIDE_DENY = "decide_deny"
    DELIVER = "deliver"
    WITHDRAW = "withdraw"


# Role names: the contract of zhengwu.core.roles.Role (Django groups), plus the system itself.
APPLICANT = "applicant"
WINDOW_CLERK = "window_clerk"
REVIEWER = "reviewer"
DEPARTMENT_HEAD = "department_head"
SUPERVISOR = "supervisor"
LEADER = "leader"
ADMIN = "admin"
# The hotline operator handles tickets (zhengwu.tickets), never cases: no row of the table names it.
OPERATOR = "operator"
# The disclosure officer handles disclosure requests (zhengwu.disclosure), never cases.
DISCLOSURE_OFFICER = "disclosure_officer"
# The trading center's staff handle deals (zhengwu.trading), never cases.
TRADING_OFFICER = "trading_officer"
# The provincial platform files online applications (``services.submit``), and takes no step of
# a case: no row of the table names it.
PLATFORM = "platform"
SYSTEM = "system"
ROLES = frozenset(
    {
        APPLICANT,
        WINDOW_CLERK,
        REVIEWER,
        DEPARTMENT_HEAD,
        SUPERVISOR,
        LEADER,
        ADMIN,
        OPERATOR,
        DISCLOSURE_OFFICER,
        TRADING_OFFICER,
        PLATFORM,
        SYSTEM,
    }
)

# States in which the case is still being handled (the clocks and levels apply).
OPEN_STATES = frozenset(
    {State.SUBMITTED, State.SUPPLEMENT_REQUESTED, State.ACCEPTED, State.SUSPENDED}
)
# States reached by a decision (办结).
DECISION_STATES = frozenset({State.GRANTED, State.DENIED, State.DELIVERED})
# Actions that answer an application within the intake limit (行政许可法 art. 32).
INTAKE_ACTIONS = frozenset({Action.REQUEST_SUPPLEMENT, Action.ACCEPT, Action.REFUSE})


class CaseRuleError(Exception):
    """A case rule was broken. ``code`` is stable: the API and the pages key on it."""

    def __init__(self, code: str, detail: str = ""):
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)


class TransitionError(CaseRuleError):
    """An action the transition table does not allow here, or not to these roles."""

    def __init__(self, code: str, *, state=None, action=None, detail: str = ""):
        self.state = state
        self.action = action
        if not detail:
            detail = f"{action} from {state}"
        super().__init__(code, detail)


@dataclass(frozen=True, slots=True)
class Row:
    """One allowed transition."""

    state: State | None
    action: Action
    roles: frozenset[str]
    next: State


def _row(state: State | None, action: Action, roles: Iterable[str], next_: State) -> Row:
    return Row(state, action, frozenset(roles), next_)


_S = State
_A = Action
_INTAKE = (WINDOW_CLERK, REVIEWER)
_REVIEW = (REVIEWER, DEPARTMENT_HEAD)
_ON_BEHALF = (APPLICANT, WINDOW_CLERK)

TRANSITIONS: tuple[Row, ...] = (
    _row(None, _A.SUBMIT, _ON_BEHALF, _S.SUBMITTED),
    # intake
    _row(_S.SUBMITTED, _A.REQUEST_SUPPLEMENT, (WINDOW_CLERK,), _S.SUPPLEMENT_REQUESTED),
    _row(_S.SUBMITTED, _A.ACCEPT, _INTAKE, _S.ACCEPTED),
    _row(_S.SUBMITTED, _A.REFUSE, _INTAKE, _S.REFUSED),
    _row(_S.SUBMITTED, _A.DEEM_ACCEPT, (SYSTEM,), _S.ACCEPTED),
    _row(_S.SUBMITTED, _A.WITHDRAW, _ON_BEHALF, _S.WITHDRAWN),
    _row(_S.SUPPLEMENT_REQUESTED, _A.SUPPLEMENT, _ON_BEHALF, _S.SUBMITTED),
    _row(_S.SUPPLEMENT_REQUESTED, _A.SUPPLEMENT_PART, _ON_BEHALF, _S.SUPPLEMENT_REQUESTED),
    _row(_S.SUPPLEMENT_REQUESTED, _A.WITHDRAW, _ON_BEHALF, _S.WITHDRAWN),
    # review
    _row(_S.ACCEPTED, _A.SUSPEND, _REVIEW, _S.SUSPENDED),
    _row(_S.ACCEPTED, _A.EXTEND, (DEPARTMENT_HEAD,), _S.ACCEPTED),
    _row(_S.ACCEPTED, _A.DECIDE_GRANT, _REVIEW, _S.GRANTED),
    _row(_S.ACCEPTED, _A.DECIDE_DENY, _REVIEW, _S.DENIED),
    _row(_S.ACCEPTED, _A.WITHDRAW, _ON_BEHALF, _S.WITHDRAWN),
    _row(_S.SUSPENDED, _A.RESUME, _REVIEW, _S.ACCEPTED),
    _row(_S.SUSPENDED, _A.EXTEND, (DEPARTMENT_HEAD,), _S.SUSPENDED),
    _row(_S.SUSPENDED, _A.WITHDRAW, _ON_BEHALF, _S.WITHDRAWN),
    # after the decision
    _row(_S.GRANTED, _A.DELIVER, (WINDOW_CLERK,), _S.DELIVERED),
)

_TABLE: dict[tuple[State | None, Action], Row] = {}
for _r in TRANSITIONS:
    if (_r.state, _r.action) in _TABLE:
        raise AssertionError(f"duplicate transition row {_r.state} {_r.action}")
    _TABLE[(_r.state, _r.action)] = _r
del _r


def _state(value) -> State | None:
    if value is None:
        return None
    try:
        return State(value)
    except ValueError:
        raise TransitionError("unknown_state", state=value, detail=f"{value!r}") from None


def _action(value) -> Action:
    try:
        return Action(value)
    except ValueError:
        raise TransitionError("unknown_action", action=value, detail=f"{value!r}") from None


def find_row(state: State | str | None, action: Action | str) -> Row:
    """The table row for ``(state, action)``; ``TransitionError`` when there is none."""
    state, action = _state(state), _action(action)
    row = _TABLE.get((state, action))
    if row is None:
        raise TransitionError("illegal_transition", state=state, action=action)
    return row


def next_state(state: State | str | None, action: Action | str, *, extended: bool = False) -> State:
    """The state after ``action``, without a role check (replaying recorded events)."""
    row = find_row(state, action)
    if row.action is Action.EXTEND and extended:
        raise TransitionError("already_extended", state=row.state, action=row.action)
    return row.next


def transition(
    state: State | str | None,
    action: Action | str,
    roles: Iterable[str],
    *,
    extended: bool = False,
) -> State:
    """The state after ``action`` taken by someone holding ``roles``.

    ``state`` is ``None`` for a case not yet submitted. ``extended`` says whether the case was
    extended already (the services know it from the events). Checks, in order: the names exist
    (``unknown_state`` / ``unknown_action``), the table has the row (``illegal_transition``), one of
    ``roles`` is allowed (``role_not_allowed``), a second extension (``already_extended``).
    """
    row = find_row(state, action)
    held = {str(role) for role in roles}
    if held.isdisjoint(row.roles):
        raise TransitionError(
            "role_not_allowed",
            state=row.state,
            action=row.action,
            detail=f"{row.action} from {row.state} needs one of {sorted(row.roles)}",
        )
    if row.action is Action.EXTEND and extended:
        raise TransitionError("already_extended", state=row.state, action=row.action)
    return row.next


def allowed_actions(
    state: State | str | None, roles: Iterable[str], *, extended: bool = False
) -> frozenset[Action]:
    """The actions ``roles`` may take from ``state`` (the buttons a page shows)."""
    state = _state(state)
    held = {str(role) for role in roles}
    return frozenset(
        row.action
        for row in TRANSITIONS
        if row.state == state
        and not held.isdisjoint(row.roles)
        and not (row.action is Action.EXTEND and extended)
    )


def missing_for_acceptance(required: Iterable[str], handed_in: Iterable[str]) -> list[str]:
    """The required materials not handed in, in catalogue order: acceptance (受理) waits for every
    one of them."""
    have = set(handed_in)
    return [code for code in required if code not in have]


class Clock(enum.StrEnum):
    INTAKE = "intake"  # 受理期限 (art. 32)
    DECISION = "decision"  # 承诺 / 法定办结期限 (art. 42)
    DELIVERY = "delivery"  # 送达期限 (art. 44)


# The legal clocks still running in each state: the intake limit until the case is accepted or
# refused, the decision limits until the decision, the delivery limit until delivery.
_RUNNING: dict[State, frozenset[Clock]] = {
    State.SUBMITTED: frozenset({Clock.INTAKE}),
    State.SUPPLEMENT_REQUESTED: frozenset({Clock.INTAKE}),
    State.ACCEPTED: frozenset({Clock.DECISION}),
    State.SUSPENDED: frozenset({Clock.DECISION}),
    State.GRANTED: frozenset({Clock.DELIVERY}),
}


def running_clocks(state: State | str | None) -> frozenset[Clock]:
    """The legal clocks still running for a case in ``state`` (what its page shows)."""
    return _RUNNING.get(_state(state), frozenset())
