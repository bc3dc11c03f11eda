"""The public shape of a case (API answers, the stored idempotent answer, the pages' JSON)."""

from __future__ import annotations

import datetime as dt

from zhengwu.cases.models import Case
from zhengwu.cases.selectors import remaining_workdays
from zhengwu.core.identity import mask_id, mask_name
from zhengwu.core.presenters import chained_event


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def applicant(case: Case, *, masked: bool) -> dict:
    person = case.applicant
    number = person.id_number or person.uscc
    return {
        "kind": person.kind,
        "name": mask_name(person.name) if masked and person.kind == "person" else person.name,
        "number": mask_id(number) if masked else number,
    }


def summary(case: Case, *, masked: bool = False) -> dict:
    return {
        "number": case.number,
        "state": case.state,
        "item": case.item.impl_code,
        "item_name": case.item_version.name,
        "department": case.department.code,
        "channel": case.channel,
        "applicant": applicant(case, masked=masked),
        "received_on": _day(case.received_on),
        "intake_due": _day(case.intake_due),
        "accepted_on": _day(case.accepted_on),
        "promised_due": _day(case.promised_due),
        "statutory_due": _day(case.statutory_due),
        "completed_on": _day(case.completed_on),
        "completion": case.completion or None,
        "level": case.level or None,
        "remaining_workdays": remaining_workdays(case),
        "version": case.version,
    }


def detail(case: Case, events, *, masked: bool = False) -> dict:
    return {
        **summary(case, masked=masked),
        "item_version": case.item_version.number,
        "platform_number": case.platform_number,
        "materials": list(case.materials),
        "missing": list(case.missing),
        "supplement_due": _day(case.supplement_due),
        "deemed_accepted": case.deemed_accepted,
        "parallel": case.parallel,
        "delivery_due": _day(case.delivery_due),
        "delivered_on": _day(case.delivered_on),
        "suspended_since": _day(case.suspended_since),
        "suspended_workdays": case.suspended_workdays,
        "extension_workdays": case.extension_workdays,
        "statutory_overdue": case.statutory_overdue,
        "delivery_overdue": case.delivery_overdue,
        "provisional": case.provisional,
        "clocks_on": _day(case.clocks_on),
        "events": [chained_event(row) for row in events],
    }
