"""The steps of cases and joint cases written to the outbox in their own transaction
(registered with ``zhengwu.cases.observers.on_event`` and ``zhengwu.joint.observers.on_event``
when the app starts). The record of a step is the case as it stands once the step is saved: the
national 办件信息 fields (docs/exchange.md) and the step itself.

A decision also writes the completed case of 主动评价率 (``records.COMPLETION``): the province
counts completed cases against the ratings it receives.
"""

from __future__ import annotations

import datetime as dt

from zhengwu.core import clock
from zhengwu.exchange import outbox, records

DECISIONS = {"decide_grant": "granted", "decide_deny": "denied"}
RESULT_OF_STATE = {
    "granted": "granted",
    "denied": "denied",
    "refused": "refused",
    "withdrawn": "withdrawn",
    "stopped": "stopped",
}


def _moment(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _day(value) -> str | None:
    return value.isoformat() if value else None


def applicant(person) -> dict:
    if person.kind == "org":
        id_type, number = ("uscc", person.uscc) if person.uscc else ("none", "")
    else:
        id_type, number = ("resident_id", person.id_number) if person.id_number else ("none", "")
    return {"type": person.kind, "name": person.name, "id_type": id_type, "id_number": number}


def _event(event) -> dict:
    return {
        "seq": event.seq,
        "kind": event.kind,
        "occurred_at": _moment(event.occurred_at),
        "recorded_at": _moment(event.recorded_at),
        "retroactive": bool(event.retroactive),
        "detail": dict(event.data or {}),
    }


def _result(case) -> str | None:
    if case.state == "delivered":
        kind = (
            case.events.filter(kind__in=tuple(DECISIONS))
            .order_by("-seq")
            .values_list("kind", flat=True)
            .first()
        )
        return DECISIONS.get(kind)
    return RESULT_OF_STATE.get(case.state)


def case_record(case, event) -> dict:
    from zhengwu.joint.models import JointChild

    version = case.item_version
    joint = (event.data or {}).get("joint")
    if not joint and event.seq > 1:
        # A joint case's child is opened by its first event, which names the joint case; a
        # case whose first event does not was filed on its own and is no joint case's child.
        joint = JointChild.objects.filter(case=case).values_list("joint__number", flat=True).first()
    return {
        "case_number": case.number,
        "joint_number": joint or None,
        "item_code": case.item.impl_code,
        "item_base_code": case.item.base_code,
        "item_name": version.name,
        "department_code": case.department.code,
        "applicant": applicant(case.applicant),
        "channel": case.channel,
        "state": case.state,
        "event": _event(event),
        "received_at": _moment(case.received_at),
        "accepted_on": _day(case.accepted_on),
        "promised_limit": version.promised_limit or None,
        "promised_due": _day(case.promised_due),
        "statutory_due": _day(case.statutory_due),
        "completed_on": _day(case.completed_on),
        "delivered_on": _day(case.delivered_on),
        "result": _result(case),
    }


def case_event(case, event) -> None:
    """Write the step ``event`` of the saved ``case`` (and, for a decision, the completed case)."""
    if event.kind not in records.CASE_EVENT_KINDS:
        return
    stream = f"case:{case.number}"
    outbox.enqueue(
        key=f"case-{case.number}-{event.seq}",
        kind=f"case.{event.kind}",
        schema=records.CASE_EVENT,
        stream=stream,
        payload=case_record(case, event),
    )
    if event.kind in DECISIONS:
        outbox.enqueue(
            key=f"completion-{case.number}-{event.seq}",
            kind="completion",
            schema=records.COMPLETION,
            stream=stream,
            payload={
                "case_number": case.number,
                "item_code": case.item.impl_code,
                "department_code": case.department.code,
                "completed_on": _day(case.completed_on or clock.local_date(event.occurred_at)),
                "result": DECISIONS[event.kind],
                "service_event": event.seq,
            },
        )


def joint_record(joint, event) -> dict:
    version = joint.scene_version
    return {
        "joint_number": joint.number,
        "scene_code": joint.scene.code,
        "scene_name": version.name,
        "lead_department_code": joint.lead_department.code,
        "project_code": joint.project_code or None,
        "applicant": applicant(joint.applicant),
        "channel": joint.channel,
        "state": joint.state,
        "event": _event(event),
        "case_numbers": sorted(
            n for n in joint.children.values_list("case__number", flat=True) if n
        ),
        "received_at": _moment(joint.received_at),
        "accepted_on": _day(joint.accepted_on),
        "promised_limit": version.promised_limit,
        "promised_due": _day(joint.promised_due),
        "statutory_due": _day(joint.statutory_due),
        "completed_on": _day(joint.completed_on),
        "delivered_on": _day(joint.delivered_on),
        "result": "granted"
        if joint.state in ("completed", "delivered")
        else RESULT_OF_STATE.get(joint.state),
    }


def joint_event(joint, event) -> None:
    """Write the step ``event`` of the saved joint case ``joint``."""
    if event.kind not in records.JOINT_EVENT_KINDS:
        return
    outbox.enqueue(
        key=f"joint-{joint.number}-{event.seq}",
        kind=f"joint.{event.kind}",
        schema=records.JOINT_EVENT,
        stream=f"joint:{joint.number}",
        payload=joint_record(joint, event),
    )
