"""Cases opened and closed by a joint case (联办件, ``zhengwu.joint``), not by their own window.

Under 行政许可法 art. 26 one window accepts for every department of a joint application: when a
stage of a joint case opens, the case of each of its items is received and accepted at once
(``open_child``: the ``submit`` and ``accept`` events of an ordinary case, by whoever accepted
the joint application or the system, naming the joint case), and appears in its department's
queue. From then on it is an ordinary case: same transition table, clocks, trail and
supervision, handled with ``zhengwu.cases.services.act``. ``withdraw_child`` records the
withdrawal of an open child when the whole joint application is withdrawn; ``deliver_child`` the
delivery of a granted child when the joint case is delivered once for all its items (统一出件).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from zhengwu.accounts.models import Applicant, User
from zhengwu.cases import observers
from zhengwu.cases.clocks import Event
from zhengwu.cases.models import Case
from zhengwu.cases.rules import Action, State
from zhengwu.cases.services import (
    _append,
    _apply_clocks,
    _chained,
    _clocks,
    _event_tuple,
    _new_case_id,
    _stored_events,
    case_number,
)
from zhengwu.catalog.models import ServiceItemVersion
from zhengwu.core import clock


def open_child(
    *,
    actor: User | None,
    version: ServiceItemVersion,
    applicant: Applicant,
    owner: User | None,
    contact_phone: str,
    channel: str,
    materials: Sequence[str],
    at: dt.datetime,
    joint: str,
) -> Case:
    """A case of ``version`` received and accepted at ``at`` for joint case ``joint``."""
    with transaction.atomic():
        now = clock.now()
        on = clock.local_date(at)
        case_id = _new_case_id()
        case = Case(
            pk=case_id,
            number=case_number(clock.local_date(now), case_id),
            item=version.item,
            item_version=version,
            department=version.item.department,
            applicant=applicant,
            owner=owner,
            contact_phone=contact_phone,
            channel=channel,
            created_by=actor,
            state=State.SUBMITTED,
            materials=list(materials),
            received_at=at,
            received_on=on,
            intake_due=on,
            clocks_on=clock.today(),
            created_at=now,
            updated_at=now,
        )
        clocks = _clocks(
            case, [Event(Action.SUBMIT, on, {}), Event(Action.ACCEPT, on, {})], clock.today()
        )
        case.state = clocks.state
        _apply_clocks(case, clocks)
        submitted = _chained(
            case,
            kind=Action.SUBMIT,
            actor=actor,
            occurred_at=at,
            data={
                "item": version.item.impl_code,
                "version": version.number,
                "channel": channel,
                "applicant": applicant.pk,
                "applicant_name": applicant.name,
                "materials": list(materials),
                "joint": joint,
            },
        )
        accepted = _chained(
            case, kind=Action.ACCEPT, actor=actor, occurred_at=at, data={"joint": joint}
        )
        case.save(force_insert=True)
        submitted.save(force_insert=True)
        accepted.save(force_insert=True)
        observers.saved(case, submitted, accepted)
    return case


def withdraw_child(*, case: Case, actor: User | None, at: dt.datetime, reason: str, joint: str):
    """Record the withdrawal of the open child ``case`` (locked by the caller)."""
    rows = _stored_events(case)
    events = [_event_tuple(row) for row in rows]
    data = {"reason": reason, "joint": joint}
    events.append(Event(Action.WITHDRAW, clock.local_date(at), data))
    clocks = _clocks(case, events, clock.today())
    row = _append(case, kind=Action.WITHDRAW, actor=actor, occurred_at=at, data=data)
    case.state = clocks.state
    _apply_clocks(case, clocks)
    case.version += 1
    case.updated_at = clock.now()
    case.save()
    observers.saved(case, row)
    return case


def deliver_child(*, case: Case, actor: User | None, at: dt.datetime, method: str, joint: str):
    """Record the delivery of the granted child ``case`` (locked by the caller) made by the one
    delivery of its joint case."""
    rows = _stored_events(case)
    events = [_event_tuple(row) for row in rows]
    data = {"method": method, "joint": joint}
    events.append(Event(Action.DELIVER, clock.local_date(at), data))
    clocks = _clocks(case, events, clock.today())
    row = _append(case, kind=Action.DELIVER, actor=actor, occurred_at=at, data=data)
    case.state = clocks.state
    _apply_clocks(case, clocks)
    case.version += 1
    case.updated_at = clock.now()
    case.save()
    observers.saved(case, row)
    return case
