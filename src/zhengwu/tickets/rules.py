"""The ticket state machine and deadline arithmetic (DOMAIN.md §7). Pure: no Django imports.

One explicit transition table: every row is ``(state, action, roles, next state)``; ``None`` as
the next state means the ticket stays where it is (an urge or an investigation changes no state).
``transition()`` looks the pair up and checks the caller's roles; anything else raises
``TicketRuleError`` with a stable ``code`` that the services turn into a 409 (or a 403 for
``role_not_allowed``) with a Chinese message.

Roles here are the roles a user holds *for this ticket* (``services.acting_roles``):

- ``operator`` — the hotline operator and dispatcher (话务员/派单员): registers, answers on the
  spot, transfers emergencies, merges duplicates, dispatches, reviews returns and extensions,
  calls back, sends back for redoing, closes, urges at level 1;
- ``unit`` — staff of the handling unit the ticket is dispatched to: accepts, returns once,
  asks for an extension once, replies;
- ``supervisor`` — the center's supervisor: urges up to level 2, investigates efficiency
  complaints; ``leader`` urges up to level 3 (the government office); ``admin`` may do what the
  operator and the supervisor do;
- ``citizen`` — the caller with a web account: creates their own ticket;
- ``referrer`` — another office that turns what it received into a ticket: the disclosure office,
  for an application that is really a 信访/投诉/举报 (政府信息公开条例 art. 39); it only creates;
- ``system`` — the sweep (automatic 督办).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "HANDLING_STATES",
    "OPEN_STATES",
    "TERMINAL_STATES",
    "TRANSITIONS",
    "URGE_MAX_LEVEL",
    "Action",
    "Kind",
    "Row",
    "State",
    "TicketRuleError",
    "accept_due",
    "allowed_actions",
    "extended_due",
    "reply_due",
    "transition",
    "urge_due",
    "urge_level_allowed",
]


class Kind(enum.StrEnum):
    CONSULT = "consult"  # 咨询
    HELP = "help"  # 求助
    COMPLAINT = "complaint"  # 投诉
    REPORT = "report"  # 举报
    SUGGESTION = "suggestion"  # 建议


class State(enum.StrEnum):
    RECEIVED = "received"  # 待派单
    DISPATCHED = "dispatched"  # 待签收
    ACCEPTED = "accepted"  # 办理中
    RETURN_REQUESTED = "return_requested"  # 退单待审
    EXTENSION_REQUESTED = "extension_requested"  # 延期待审 (the unit keeps handling)
    REPLIED = "replied"  # 待回访
    CALLED_BACK = "called_back"  # 已回访 (not satisfied or not reached: redo or close)
    CLOSED = "closed"  # 已办结
    TRANSFERRED = "transferred"  # 已转紧急服务 (110/119/120/122)
    MERGED = "merged"  # 重复件已合并


class Action(enum.StrEnum):
    CREATE = "create"
    ANSWER = "answer"  # 咨询 answered on the spot
    TRANSFER = "transfer"  # emergency transfer
    MERGE = "merge"  # duplicate merged into another ticket
    DISPATCH = "dispatch"
    ACCEPT = "accept"
    RETURN = "return"
    RETURN_APPROVED = "return_approved"
    RETURN_REJECTED = "return_rejected"
    EXTEND = "extend"
    EXTENSION_APPROVED = "extension_approved"
    EXTENSION_REJECTED = "extension_rejected"
    REPLY = "reply"
    URGE = "urge"
    CALLBACK = "callback"  # reached and satisfied / basic: closes
    CALLBACK_OPEN = "callback_open"  # not reached, or unsatisfied / unresolved: stays open
    REDO = "redo"
    INVESTIGATE = "investigate"
    CLOSE = "close"


OPERATOR = "operator"
UNIT = "unit"
SUPERVISOR = "supervisor"
LEADER = "leader"
ADMIN = "admin"
CITIZEN = "citizen"
REFERRER = "referrer"
SYSTEM = "system"

URGE_MAX_LEVEL = 3
# Who may order 督办 of which level: 1 the dispatcher, 2 the center's supervisor, 3 the
# government office (leader). The administrator may order any.
URGE_LEVEL_ROLES = {
    OPERATOR: 1,
    SUPERVISOR: 2,
    LEADER: 3,
    ADMIN: 3,
    SYSTEM: 3,
}

S = State
A = Action
# States in which the handling unit works on the ticket (the deadlines run; the sweep urges).
HANDLING_STATES = frozenset({S.DISPATCHED, S.ACCEPTED, S.RETURN_REQUESTED, S.EXTENSION_REQUESTED})
OPEN_STATES = frozenset({S.RECEIVED, S.REPLIED, S.CALLED_BACK}) | HANDLING_STATES
TERMINAL_STATES = frozenset({S.CLOSED, S.TRANSFERRED, S.MERGED})
# States after a dispatch, where an efficiency complaint can be investigated.
INVESTIGABLE_STATES = (HANDLING_STATES | {S.REPLIED, S.CALLED_BACK, S.CLOSED}) - {
    S.RETURN_REQUESTED
}
URGEABLE_STATES = HANDLING_STATES | {S.REPLIED, S.CALLED_BACK}

_DESK = frozenset({OPERATOR, ADMIN})
_CREATORS = frozenset({OPERATOR, ADMIN, CITIZEN, REFERRER})
_UNIT = frozenset({UNIT})
_URGERS = frozenset({OPERATOR, SUPERVISOR, LEADER, ADMIN, SYSTEM})
_INVESTIGATORS = frozenset({SUPERVISOR, ADMIN})


@dataclass(frozen=True, slots=True)
class Row:
    state: State | None
    action: Action
    roles: frozenset[str]
    next_state: State | None  # None: the state does not change


def _rows() -> tuple[Row, ...]:
    rows = [
        Row(None, A.CREATE, _CREATORS, S.RECEIVED),
        Row(S.RECEIVED, A.ANSWER, _DESK, S.CLOSED),
        Row(S.RECEIVED, A.TRANSFER, _DESK, S.TRANSFERRED),
        Row(S.RECEIVED, A.MERGE, _DESK, S.MERGED),
        Row(S.DISPATCHED, A.MERGE, _DESK, S.MERGED),
        Row(S.RECEIVED, A.DISPATCH, _DESK, S.DISPATCHED),
        Row(S.RECEIVED, A.CLOSE, _DESK, S.CLOSED),
        Row(S.DISPATCHED, A.ACCEPT, _UNIT, S.ACCEPTED),
        Row(S.DISPATCHED, A.RETURN, _UNIT, S.RETURN_REQUESTED),
        Row(S.ACCEPTED, A.RETURN, _UNIT, S.RETURN_REQUESTED),
        # Approved: dispatched elsewhere at once, or back to the desk for dispatching.
        Row(S.RETURN_REQUESTED, A.RETURN_APPROVED, _DESK, S.RECEIVED),
        # Rejected: the unit must handle it; its return proves it has the ticket.
        Row(S.RETURN_REQUESTED, A.RETURN_REJECTED, _DESK, S.ACCEPTED),
        Row(S.ACCEPTED, A.EXTEND, _UNIT, S.EXTENSION_REQUESTED),
        Row(S.EXTENSION_REQUESTED, A.EXTENSION_APPROVED, _DESK, S.ACCEPTED),
        Row(S.EXTENSION_REQUESTED, A.EXTENSION_REJECTED, _DESK, S.ACCEPTED),
        Row(S.ACCEPTED, A.REPLY, _UNIT, S.REPLIED),
        Row(S.EXTENSION_REQUESTED, A.REPLY, _UNIT, S.REPLIED),
        Row(S.REPLIED, A.CALLBACK, _DESK, S.CLOSED),
        Row(S.REPLIED, A.CALLBACK_OPEN, _DESK, S.CALLED_BACK),
        Row(S.CALLED_BACK, A.CALLBACK, _DESK, S.CLOSED),
        Row(S.CALLED_BACK, A.CALLBACK_OPEN, _DESK, S.CALLED_BACK),
        Row(S.CALLED_BACK, A.REDO, _DESK, S.ACCEPTED),
        Row(S.REPLIED, A.CLOSE, _DESK, S.CLOSED),
        Row(S.CALLED_BACK, A.CLOSE, _DESK, S.CLOSED),
    ]
    rows += [Row(state, A.URGE, _URGERS, None) for state in sorted(URGEABLE_STATES)]
    rows += [
        Row(state, A.INVESTIGATE, _INVESTIGATORS, None) for state in sorted(INVESTIGABLE_STATES)
    ]
    return tuple(rows)


TRANSITIONS: tuple[Row, ...] = _rows()
_INDEX: dict[tuple[State | None, Action], Row] = {(r.state, r.action): r for r in TRANSITIONS}


class TicketRuleError(Exception):
    """A ticket rule was broken; ``code`` is stable (the API and pages key on it)."""

    def __init__(self, code: str, detail: str = ""):
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)


def transition(state: str | None, action: str, roles: Iterable[str]) -> State | None:
    """The state after ``action`` (``None``: unchanged), or ``TicketRuleError``."""
    try:
        state = None if state is None else State(state)
    except ValueError:
        raise TicketRuleError("unknown_state", str(state)) from None
    try:
        action = Action(action)
    except ValueError:
        raise TicketRuleError("unknown_action", str(action)) from None
    row = _INDEX.get((state, action))
    if row is None:
        raise TicketRuleError("illegal_transition", f"{action} from {state}")
    if not row.roles & set(roles):
        raise TicketRuleError("role_not_allowed", f"{action} from {state}")
    return row.next_state


def allowed_actions(state: str | None, roles: Iterable[str]) -> list[Action]:
    """The table actions ``roles`` may take from ``state`` (for pages that show buttons)."""
    roles = set(roles)
    state = None if state is None else State(state)
    return [r.action for r in TRANSITIONS if r.state == state and r.roles & roles]


def urge_level_allowed(roles: Iterable[str]) -> int:
    """The highest 督办 level any of ``roles`` may order (0: none)."""
    return max((URGE_LEVEL_ROLES.get(r, 0) for r in roles), default=0)


# ---------------------------------------------------------------- deadlines
#
# ``calendar`` is a ``zhengwu.workdays.rules.WorkCalendar`` (``add``, ``next_workday``);
# ``tz`` the local zone (Asia/Shanghai). A deadline is the end of a local day unless stated in
# hours. "N working days from D" is the end of the N-th working day after D (DOMAIN.md §2).


def end_of_day(day: dt.date, tz) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59, 999999), tzinfo=tz)


def reply_due(
    *,
    kind: str,
    urgent: bool,
    dispatched_at: dt.datetime,
    calendar,
    tz,
    workdays: Mapping[str, int],
    urgent_hours: int = 0,
) -> dt.datetime:
    """The reply deadline written on the ticket at dispatch.

    Urgent: ``urgent_hours`` after the dispatch when set (> 0), otherwise the end of the dispatch
    day — of the next working day when dispatched on a day off. Otherwise the end of the N-th
    working day after the dispatch day, N from ``workdays`` by kind.
    """
    local = dispatched_at.astimezone(tz)
    if urgent:
        if urgent_hours > 0:
            return local + dt.timedelta(hours=urgent_hours)
        return end_of_day(calendar.next_workday(local.date(), inclusive=True), tz)
    return end_of_day(calendar.add(local.date(), int(workdays[str(kind)])), tz)


def accept_due(
    *, dispatched_at: dt.datetime, reply_due_at: dt.datetime, calendar, tz, workdays: int
) -> dt.datetime:
    """The unit's acceptance (签收) deadline: ``workdays`` working days, never after the reply
    deadline (an urgent ticket must be accepted by its same-day deadline)."""
    local = dispatched_at.astimezone(tz)
    return min(end_of_day(calendar.add(local.date(), workdays), tz), reply_due_at)


def extended_due(*, due_at: dt.datetime, workdays: int, calendar, tz) -> dt.datetime:
    """The reply deadline after an approved extension of ``workdays`` working days."""
    return end_of_day(calendar.add(due_at.astimezone(tz).date(), workdays), tz)


def urge_due(
    *, at: dt.datetime, level: int, calendar, tz, workdays: Mapping[int, int]
) -> dt.datetime:
    """The response deadline of a 督办 of ``level`` ordered at ``at``."""
    return end_of_day(calendar.add(at.astimezone(tz).date(), int(workdays[int(level)])), tz)
