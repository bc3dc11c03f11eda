"""How a finding of e-supervision is reviewed (DOMAIN §4): one table for every kind of finding
(a case's irregularity, a discrepancy found by reconciling a department's records). Pure: no
Django.

A finding is detected **awaiting review** (``open``). The supervisor

- **confirms** it (认定: an irregularity; a legal act, asked for confirmation on the page),
- **dismisses** it with the reason (``explained``: a justified exception), or
- **hands it to the department for explanation** (``referred``);

the department's head then **answers** with the explanation (``answered``), and the supervisor
confirms or dismisses it. A supervisor may review again a finding already confirmed or
dismissed (the later review stands; every one is kept). Every step writes a note.

Reviewed: ``confirmed`` and ``explained``. Pending: ``open``, ``referred``, ``answered``.
"""

from __future__ import annotations

import enum

OPEN = "open"
REFERRED = "referred"
ANSWERED = "answered"
CONFIRMED = "confirmed"
EXPLAINED = "explained"

REVIEWED = (CONFIRMED, EXPLAINED)
PENDING = (OPEN, REFERRED, ANSWERED)


class Actor(enum.StrEnum):
    SUPERVISOR = "supervisor"
    DEPARTMENT = "department"  # the head of the finding's department


class Step(enum.StrEnum):
    """A review step; its value is the review row's outcome and, but for the answer, the
    finding's new status."""

    CONFIRM = CONFIRMED
    EXPLAIN = EXPLAINED
    REFER = REFERRED
    ANSWER = ANSWERED


# (step, who) → the statuses it may start from; the new status is the step's value.
TABLE: dict[tuple[Step, Actor], tuple[str, ...]] = {
    (Step.CONFIRM, Actor.SUPERVISOR): (OPEN, REFERRED, ANSWERED, CONFIRMED, EXPLAINED),
    (Step.EXPLAIN, Actor.SUPERVISOR): (OPEN, REFERRED, ANSWERED, CONFIRMED, EXPLAINED),
    (Step.REFER, Actor.SUPERVISOR): (OPEN, ANSWERED),
    (Step.ANSWER, Actor.DEPARTMENT): (REFERRED,),
}
SUPERVISOR_STEPS = (Step.CONFIRM, Step.EXPLAIN, Step.REFER)
DEPARTMENT_STEPS = (Step.ANSWER,)


class NotAllowed(Exception):
    """The step is not one this actor takes (``who``) or not from this status (``state``)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def next_status(status: str, step: str, actor: Actor) -> str:
    """The finding's status after ``step`` taken by ``actor`` from ``status``."""
    try:
        step = Step(step)
    except ValueError:
        raise NotAllowed("step") from None
    allowed = TABLE.get((step, actor))
    if allowed is None:
        raise NotAllowed("who")
    if status not in allowed:
        raise NotAllowed("state")
    return step.value


def steps_for(status: str, actor: Actor) -> list[Step]:
    """The steps ``actor`` may take on a finding in ``status`` (for the page's form)."""
    return [step for (step, who), froms in TABLE.items() if who == actor and status in froms]


def is_reviewed(status: str) -> bool:
    return status in REVIEWED
