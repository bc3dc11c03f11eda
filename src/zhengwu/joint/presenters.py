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
        "licence": None if filed is not None else composite_licence(joint),
        "events": [chained_event(row) for row in events],
    }


# ---------------------------------------------------------------- pages: the guide and the report


def _licence_names(codes) -> dict[str, str]:
    from zhengwu.licences.models import LicenceType

    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    return dict(LicenceType.objects.filter(code__in=wanted).values_list("code", "name"))


def guide(version: SceneVersion) -> dict:
    """What a scene's guide page (and the editor's preview) shows: the items by stage with their
    department, limit and steps; the merged material list with the items each serves (fixed at
    publication, else merged from the items' current versions); the serial and parallel figures."""
    from zhengwu.joint.services import merged_materials

    facts = {f.impl_code: f for f in _facts(version)}
    entries = version.items.select_related("item__department", "item__current_version")
    stages: list[dict] = []
    names: dict[str, str] = {}
    for entry in entries.order_by("stage", "position", "id"):
        while len(stages) <= entry.stage:
            number = len(stages) + 1
            names_given = version.stage_names
            name = names_given[number - 1] if number <= len(names_given) else ""
            stages.append({"number": number, "name": name, "items": []})
        current = entry.item.current_version
        fact = facts[entry.item.impl_code]
        names[entry.item.impl_code] = current.name if current else entry.item.impl_code
        stages[entry.stage]["items"].append(
            {
                "impl_code": entry.item.impl_code,
                "name": names[entry.item.impl_code],
                "department": entry.item.department.name,
                "statutory_limit": fact.statutory_limit,
                "steps": fact.steps,
                "published": fact.published,
                "licence_type": current.licence_type if current else "",
            }
        )
    for stage in stages:
        stage["longest"] = max((i["statutory_limit"] for i in stage["items"]), default=0)
        stage["most_steps"] = max((i["steps"] for i in stage["items"]), default=0)
    fixed = version.status != SceneVersion.Status.DRAFT
    materials = list(version.materials.all()) if fixed else merged_materials(version)
    licences = _licence_names(
        [m.licence_type for m in materials]
        + [i["licence_type"] for s in stages for i in s["items"]]
    )
    for stage in stages:
        for item in stage["items"]:
            item["licence"] = licences.get(item["licence_type"], item["licence_type"])
    days = scenes.speedup([[i["statutory_limit"] for i in s["items"]] for s in stages])
    steps = scenes.speedup([[i["steps"] for i in s["items"]] for s in stages])
    return {
        "version": version,
        "stages": stages,
        "materials": [
            {
                "code": m.code,
                "name": m.name,
                "required": m.required,
                "licence": licences.get(m.licence_type, m.licence_type),
                "items": [names.get(code, code) for code in m.sources],
            }
            for m in materials
        ],
        "departments": len({i["department"] for s in stages for i in s["items"]}),
        "items": sum(len(s["items"]) for s in stages),
        "days": days,
        "steps": steps,
    }


def report_row(version: SceneVersion) -> dict:
    """One scene's line of the scene report (serial and parallel days and steps)."""
    stages = scenes.stages_of(_facts(version))
    return {
        "code": version.scene.code,
        "name": version.name,
        "lead": version.lead_department.name,
        "items": sum(len(stage) for stage in stages),
        "stages": len(stages),
        "promised_limit": version.promised_limit,
        "days": scenes.speedup([[f.statutory_limit for f in stage] for stage in stages]),
        "steps": scenes.speedup([[f.steps for f in stage] for stage in stages]),
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
