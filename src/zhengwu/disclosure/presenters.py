"""The JSON shapes of disclosure requests (docs/disclosure.md)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from zhengwu.core.identity import mask_id, mask_phone
from zhengwu.core.presenters import chained_event
from zhengwu.disclosure import receipt
from zhengwu.disclosure.models import DisclosureRequest
from zhengwu.disclosure.services import acting_roles

RECEIPT_BASIS = {
    receipt.Basis.HANDED_IN: _("Art. 31(1): the day the request was handed in"),
    receipt.Basis.SIGNED_FOR: _("Art. 31(2): the day the office signed for the letter"),
    receipt.Basis.LETTER_CONFIRMED: _(
        "Art. 31(2): the day the office confirmed the ordinary letter with the applicant"
    ),
    receipt.Basis.BOTH_CONFIRMED: _("Art. 31(3): the day both sides confirmed the request"),
}


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def receipt_basis(request: DisclosureRequest, events) -> str:
    first = events[0] if events else None
    basis = (first.data or {}).get("basis") if first is not None else None
    try:
        return str(RECEIPT_BASIS[receipt.Basis(basis)])
    except ValueError:
        return ""


def handles(user, request: DisclosureRequest) -> bool:
    """Whether ``user`` sees the applicant's numbers unmasked: its handler or the applicant."""
    return bool(acting_roles(user, request))


def summary(request: DisclosureRequest) -> dict:
    return {
        "number": request.number,
        "state": request.state,
        "applicant_type": request.applicant_type,
        "department": request.department.code if request.department_id else None,
        "received_on": _day(request.received_on),
        "reply_due": _day(request.reply_due),
        "completed_on": _day(request.completed_on),
        "level": request.level or None,
        "result": request.result or None,
        "reason": request.result_reason,
    }


def detail(user, request: DisclosureRequest) -> dict:
    events = list(request.events.order_by("seq"))
    unmasked = handles(user, request)
    return {
        **summary(request),
        "channel": request.channel,
        "applicant": {
            "type": request.applicant_type,
            "name": request.applicant_name,
            "id_number": (request.id_number if unmasked else mask_id(request.id_number)) or None,
            "uscc": request.uscc or None,
            "phone": request.phone if unmasked else mask_phone(request.phone),
            "address": request.address if unmasked else "",
        },
        "description": request.description,
        "document_number": request.document_number,
        "form": request.form,
        "delivery": request.delivery,
        "receipt_basis": receipt_basis(request, events),
        "supplement_due": _day(request.supplement_due),
        "consult_due": _day(request.consult_due),
        "payment_due": _day(request.payment_due),
        "paused_workdays": request.paused_workdays,
        "extension_workdays": request.extension_workdays,
        "deferred_workdays": request.deferred_workdays,
        "on_time": request.on_time,
        "reply_type": request.reply_type or None,
        "fee_yuan": request.fee_yuan,
        "ticket": request.ticket.number if request.ticket_id else None,
        "provisional": request.provisional,
        "version": request.version,
        "documents": [
            {
                "number": d.number,
                "kind": d.kind,
                "issued_on": d.issued_on.isoformat(),
                "event": d.event_seq,
            }
            for d in request.documents.order_by("id")
        ],
        "appeals": [
            {
                "id": a.pk,
                "kind": a.kind,
                "filed_on": a.filed_on.isoformat(),
                "result": a.result,
                "decided_on": _day(a.decided_on),
            }
            for a in request.appeals.order_by("id")
        ],
        "events": [chained_event(row) for row in events],
    }
