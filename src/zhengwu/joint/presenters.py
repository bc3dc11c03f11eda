"""The JSON shapes of scenes and joint cases (docs/joint.md)."""

from __future__ import annotations

import datetime as dt

from zhengwu.core.identity import mask_id, mask_name, mask_phone
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


def applicant(joint: JointCase, *, masked: bool) -> dict:
    """The applicant as the cases API shows one (``cases.presenters.applicant``), with the
    contact phone: numbers masked for those who only watch (``core.masking.watches_only``)."""
    person = joint.applicant
    number = person.id_number or person.uscc
    return {
        "kind": person.kind,
        "name": mask_name(person.name) if masked and person.kind == "person" else person.name,
        "number": mask_id(number) if masked else number,
        "phone": mask_phone(joint.contact_phone) if masked else joint.contact_phone,
    }


def summary(joint: JointCase, *, masked: bool = False) -> dict:
    return {
        "number": joint.number,
        "scene": joint.scene.code,
        "scene_name": joint.scene_version.name,
        "project_code": joint.project_code or None,
        "applicant": applicant(joint, masked=masked),
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


def detail(user, joint: JointCase, *, masked: bool = False) -> dict:
    """The whole answer; a joint case just filed (``services.file``) carries its item rows and
    its event (``joint.filed``), read from memory."""
    filed = getattr(joint, "filed", None)
    if filed is not None:
        rows, events = filed.children, filed.events
    else:
        rows = joint.children.select_related("item", "department", "case").order_by(
            "stage", "position", "id"
        )
        events = joint.events.order_by("seq")
    return {
        **summary(joint, masked=masked),
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
        "licence": None,
        "events": [chained_event(row) for row in events],
    }
