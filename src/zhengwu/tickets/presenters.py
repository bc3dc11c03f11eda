"""The public shape of a ticket (API answers, the stored idempotent answer, the pages' JSON)."""

from __future__ import annotations

import datetime as dt

from zhengwu.core import clock
from zhengwu.core.identity import mask_name, mask_phone
from zhengwu.core.presenters import chained_event
from zhengwu.core.ratios import Ratio
from zhengwu.core.roles import Role, role_names
from zhengwu.tickets.models import Ticket

# Who reads a ticket without handling it sees the caller's phone and name masked.
_HANDLING_ROLES = frozenset(
    {Role.OPERATOR, Role.WINDOW_CLERK, Role.REVIEWER, Role.DEPARTMENT_HEAD, Role.APPLICANT}
)


def masked_for(user) -> bool:
    """Supervisors, leaders and administrators watch tickets: they see masked callers."""
    return not (role_names(user) & _HANDLING_ROLES)


def _moment(value: dt.datetime | None) -> str | None:
    return clock.local_datetime(value).isoformat() if value else None


def summary(ticket: Ticket, *, masked: bool = False) -> dict:
    return {
        "number": ticket.number,
        "kind": ticket.kind,
        "category": ticket.category.code,
        "category_name": ticket.category.name,
        "state": ticket.state,
        "urgent": ticket.urgent,
        "channel": ticket.channel,
        "caller_name": mask_name(ticket.caller_name) if masked else ticket.caller_name,
        "caller_phone": mask_phone(ticket.caller_phone) if masked else ticket.caller_phone,
        "department": ticket.department.code if ticket.department_id else None,
        "received_at": _moment(ticket.received_at),
        "accept_due": _moment(ticket.accept_due),
        "due_at": _moment(ticket.due_at),
        "urge_level": ticket.urge_level,
        "urge_due": _moment(ticket.urge_due),
        "closed_at": _moment(ticket.closed_at),
        "version": ticket.version,
    }


def detail(ticket: Ticket, events, *, masked: bool = False) -> dict:
    out = summary(ticket, masked=masked)
    out.update(
        {
            "content": ticket.content,
            "address": ticket.address,
            "area": ticket.area,
            "related_case": ticket.related_case.number if ticket.related_case_id else None,
            "related_department": (
                ticket.related_department.code if ticket.related_department_id else None
            ),
            "dispatched_at": _moment(ticket.dispatched_at),
            "accepted_at": _moment(ticket.accepted_at),
            "returned": ticket.returned,
            "extension_status": ticket.extension_status or None,
            "extension_workdays": ticket.extension_workdays,
            "redo_count": ticket.redo_count,
            "reply": ticket.reply,
            "replied_at": _moment(ticket.replied_at),
            "callback": {
                "reached": ticket.callback_reached,
                "resolved": ticket.callback_resolved,
                "satisfaction": ticket.satisfaction or None,
                "at": _moment(ticket.callback_at),
            },
            "investigation": {
                "outcome": ticket.investigation_outcome or None,
                "department": (
                    ticket.investigated_department.code
                    if ticket.investigated_department_id
                    else None
                ),
                "staff": ticket.investigated_staff,
            },
            "emergency_service": ticket.emergency_service or None,
            "duplicate_of": ticket.duplicate_of.number if ticket.duplicate_of_id else None,
            "events": [chained_event(row) for row in events],
        }
    )
    return out


def _json(value):
    if isinstance(value, Ratio):
        return value.as_dict()
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    if hasattr(value, "as_tuple"):  # Decimal points
        return float(value)
    return value


def report(data):
    """A report with every ``Ratio`` as ``{numerator, denominator, value}`` (value: percent)."""
    return _json(data)
