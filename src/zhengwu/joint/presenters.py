"""The JSON shapes of scenes and joint cases (docs/joint.md)."""

from __future__ import annotations

import datetime as dt

from zhengwu.core.presenters import chained_event
from zhengwu.joint import scenes
from zhengwu.joint.models import JointCase, JointChild, SceneVersion
from zhengwu.joint.selectors import child_visible


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def scene(version: SceneVersion) -> dict:
    facts = scenes.stages_of(_facts(version))
    days = scenes.speedup([[f.statutory_limit for f in stage] for stage in facts])
    entries = list(version.items.select_related("item").order_by("stage", "position", "id"))
    stages: list[list[str]] = []
    for entry in entries:
        while len(stages) <= entry.stage:
            stages.append([])
        stages[entry.stage].append(entry.item.impl_code)
    return {
        "code": version.scene.code,
        "name": version.name,
        "version": version.number,
        "lead_department": version.lead_department.code,
        "items": [entry.item.impl_code for entry in entries],
        "stages": stages,
        "materials": [
            {
                "code": m.code,
                "name": m.name,
                "required": m.required,
                "items": list(m.sources),
                "licence_type": m.licence_type or None,
            }
            for m in version.materials.all()
        ],
        "promised_limit": version.promised_limit,
        "composite_licence": version.composite_licence,
        "serial_days": days.serial,
        "parallel_days": days.parallel,
    }


def _facts(version: SceneVersion):
    from zhengwu.joint.services import item_facts

    return item_facts(version)


def child(user, joint: JointCase, row: JointChild) -> dict:
    shown = {
        "item": row.item.impl_code,
        "department": row.department.code,
        "stage": row.stage,
        "number": None,
        "state": None,
        "statutory_due": None,
        "closed_reason": row.closed_reason or None,
    }
    if not child_visible(user, joint, row):
        return shown
    case = row.case
    if case is None:
        shown["state"] = "closed" if row.closed_reason else "waiting"
        return shown
    shown.update(number=case.number, state=case.state, statutory_due=_day(case.statutory_due))
    return shown


def summary(joint: JointCase) -> dict:
    return {
        "number": joint.number,
        "scene": joint.scene.code,
        "scene_name": joint.scene_version.name,
        "state": joint.state,
        "lead_department": joint.lead_department.code,
        "received_on": _day(joint.received_on),
        "accepted_on": _day(joint.accepted_on),
        "promised_due": _day(joint.promised_due),
        "statutory_due": _day(joint.statutory_due),
        "completed_on": _day(joint.completed_on),
        "completion": joint.completion or None,
        "level": joint.level or None,
        "stage": joint.stage,
        "version": joint.version,
    }


def detail(user, joint: JointCase) -> dict:
    rows = joint.children.select_related("item", "department", "case").order_by(
        "stage", "position", "id"
    )
    return {
        **summary(joint),
        "channel": joint.channel,
        "materials": list(joint.materials),
        "reused": dict(joint.reused),
        "missing": list(joint.missing),
        "intake_due": _day(joint.intake_due),
        "extension_workdays": joint.extension_workdays,
        "suspended_workdays": joint.suspended_workdays,
        "delivered_on": _day(joint.delivered_on),
        "statutory_overdue": joint.statutory_overdue,
        "provisional": joint.provisional,
        "children": [child(user, joint, row) for row in rows],
        "licence": composite_licence(joint),
        "events": [chained_event(row) for row in joint.events.order_by("seq")],
    }


def composite_licence(joint: JointCase) -> dict | None:
    """The composite licence (一业一证) the delivery issued, or None."""
    from django.urls import reverse

    from zhengwu.licences.selectors import composite_of

    found = composite_of(joint)
    if found is None:
        return None
    return {
        "number": found.number,
        "name": found.name,
        "holder": found.holder,
        "valid_from": _day(found.valid_from),
        "valid_to": _day(found.valid_to),
        "verify_code": found.verify_code,
        "verify_url": reverse("licence_verify:verify", args=(found.verify_code,)),
        "licences": [{"number": e["number"], "name": e["name"]} for e in found.entries],
    }
