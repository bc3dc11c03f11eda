"""A ticket's state and clocks as its own events give them (``manage.py verify_audit``). Pure: no
Django imports; the caller hands over the event rows (kind, occurred_at, data) in ``seq`` order.

Each step is read as ``services`` wrote it, field by field:

- ``received_at`` — the ``create`` step's time;
- ``dispatched_at``, ``accept_due``, ``due_at`` — a ``dispatch`` (its time, and the two deadlines
  it records); an approved extension's and a ``redo``'s recorded ``due_at``; an approved return
  clears all three;
- ``accepted_at`` — an ``accept``'s time; a rejected return's time when not accepted before; a
  dispatch or an approved return clears it;
- ``extension_status``, ``extension_workdays`` — ``extend`` asks; the decision approves (with the
  working days it records) or rejects;
- ``urge_level``, ``urge_due`` — each ``urge`` (by hand or by the sweep) records its level and its
  response deadline (``respond_by``); a reply, an approved return and an acceptance within the
  reply deadline answer it;
- ``replied_at`` — a ``reply``'s or an on-the-spot answer's time; a ``redo`` clears it;
- ``redo_count`` — the round a ``redo`` records;
- ``callback_at`` — a callback's time; ``closed_at`` — the time of the step that closed the ticket
  (an answer on the spot, a transfer, a merge, a satisfied callback, a close).

A value the events do not record (a step written before its data carried it) is ``UNKNOWN`` and
not compared, until a later step sets the field again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from zhengwu.tickets import rules
from zhengwu.tickets.rules import Action, State

__all__ = ["FIELDS", "UNKNOWN", "Step", "replay"]

# Every role of the transition table: a recorded step was allowed to whoever took it; the replay
# checks the order of the steps, not the people (the trail names them).
_ALL_ROLES = frozenset(
    {
        rules.OPERATOR,
        rules.UNIT,
        rules.SUPERVISOR,
        rules.LEADER,
        rules.ADMIN,
        rules.CITIZEN,
        rules.SYSTEM,
    }
)

_ACTIONS = frozenset(Action.__members__.values())

# The stored fields of a ticket its steps decide, besides its state.
FIELDS = (
    "received_at",
    "dispatched_at",
    "accept_due",
    "accepted_at",
    "due_at",
    "extension_status",
    "extension_workdays",
    "urge_level",
    "urge_due",
    "replied_at",
    "redo_count",
    "callback_at",
    "closed_at",
)

# ``models.ExtensionStatus``' values.
_REQUESTED, _APPROVED, _REJECTED = "requested", "approved", "rejected"


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


@dataclass(frozen=True, slots=True)
class Step:
    kind: str
    occurred_at: dt.datetime
    data: Mapping | None = None


def _recorded(data: Mapping, key: str, read=None):
    """``data[key]`` (read by ``read``), ``None`` when recorded empty, ``UNKNOWN`` when absent."""
    if key not in data:
        return UNKNOWN
    value = data[key]
    if value is None or read is None:
        return value
    return read(value)


def _time(value) -> dt.datetime:
    at = dt.datetime.fromisoformat(value)
    if at.tzinfo is None:
        raise ValueError(f"naive time {value!r}")
    return at


def _int(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"not a whole number: {value!r}")
    return value


def replay(steps: Iterable[Step]) -> dict[str, object]:
    """``{"state": …, <each of FIELDS>: …}`` after ``steps``; a field may be ``UNKNOWN``.

    Raises ``rules.TicketRuleError`` for a step the transition table does not allow where it
    stands, ``ValueError`` for a recorded value that cannot be read."""
    state: State | None = None
    f: dict[str, object] = {
        "received_at": None,
        "dispatched_at": None,
        "accept_due": None,
        "accepted_at": None,
        "due_at": None,
        "extension_status": "",
        "extension_workdays": 0,
        "urge_level": 0,
        "urge_due": None,
        "replied_at": None,
        "redo_count": 0,
        "callback_at": None,
        "closed_at": None,
    }
    for step in steps:
        if step.kind not in _ACTIONS:
            continue  # a record beside the steps, no step of the ticket
        state = rules.transition(state, step.kind, _ALL_ROLES) or state
        at, data = step.occurred_at, step.data if isinstance(step.data, Mapping) else {}
        kind = Action(step.kind)
        if kind == Action.CREATE:
            f["received_at"] = at
        elif kind == Action.ANSWER:
            f["replied_at"] = f["closed_at"] = at
        elif kind in (Action.TRANSFER, Action.MERGE, Action.CALLBACK, Action.CLOSE):
            f["closed_at"] = at
            if kind == Action.CALLBACK:
                f["callback_at"] = at
        elif kind == Action.DISPATCH:
            f["dispatched_at"] = at
            f["accept_due"] = _recorded(data, "accept_due", _time)
            f["due_at"] = _recorded(data, "due_at", _time)
            f["accepted_at"] = None
        elif kind == Action.ACCEPT:
            f["accepted_at"] = at
            if f["urge_due"] is not None:  # a 督办 for not accepting is answered in time
                due = f["due_at"]
                if due is UNKNOWN:
                    f["urge_due"] = UNKNOWN
                elif due is None or at <= due:
                    f["urge_due"] = None
        elif kind == Action.RETURN_APPROVED:
            for name in ("dispatched_at", "accept_due", "accepted_at", "due_at", "urge_due"):
                f[name] = None
        elif kind == Action.RETURN_REJECTED:
            f["accepted_at"] = f["accepted_at"] or at
        elif kind == Action.EXTEND:
            f["extension_status"] = _REQUESTED
        elif kind == Action.EXTENSION_APPROVED:
            f["extension_status"] = _APPROVED
            f["due_at"] = _recorded(data, "due_at", _time)
            f["extension_workdays"] = _recorded(data, "workdays", _int)
        elif kind == Action.EXTENSION_REJECTED:
            f["extension_status"] = _REJECTED
        elif kind == Action.REPLY:
            f["replied_at"] = at
            f["urge_due"] = None
        elif kind == Action.URGE:
            f["urge_level"] = _recorded(data, "level", _int)
            f["urge_due"] = _recorded(data, "respond_by", _time)
        elif kind == Action.CALLBACK_OPEN:
            f["callback_at"] = at
        elif kind == Action.REDO:
            rounds = f["redo_count"]
            f["redo_count"] = _recorded(data, "round", _int)
            if f["redo_count"] is UNKNOWN and rounds is not UNKNOWN:
                f["redo_count"] = rounds + 1
            f["due_at"] = _recorded(data, "due_at", _time)
            f["replied_at"] = None
    return {"state": state, **f}
