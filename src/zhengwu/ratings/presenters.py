"""How ratings and tasks are shaped for the API and for the upstream push (DOMAIN.md §6 data
elements: item codes, case number, applicant type, channel, level, dimensions, time,
rectification status)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy

from zhengwu.core.identity import mask_name, mask_phone
from zhengwu.ratings.models import RectificationTask
from zhengwu.ratings.rules import DIMENSION_LABELS, LEVELS, dimensions_for

# The line under the rating QR code of a decision notice.
QR_CAPTION = gettext_lazy("Scan to rate our service (好差评)")


def _moment(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value else None


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def task(row: RectificationTask) -> dict:
    return {
        "id": row.pk,
        "state": row.state,
        "due": _day(row.due_on),
        "provisional": row.provisional,
        "called_back_at": _moment(row.called_back_at),
        "outcome": row.outcome or None,
        "ledger_due": _day(row.ledger_due),
        "fed_back_at": _moment(row.fed_back_at),
        "escalated": row.escalated,
    }


def rating(row, *, masked: bool = True) -> dict:
    task_row = getattr(row, "task", None) if row.level <= 2 else None
    return {
        "id": row.pk,
        "case": row.case.number,
        "item": row.item.impl_code,
        "department": row.department.code,
        "window": row.window.number if row.window_id else None,
        "channel": row.channel,
        "level": row.level,
        "level_label": LEVELS[row.level],
        "dimensions": row.dimensions,
        "comment": row.comment,
        "real_name": row.real_name,
        "rater": (mask_name(row.rater_name) if masked else row.rater_name) or None,
        "rater_phone": (mask_phone(row.rater_phone) if masked else row.rater_phone) or None,
        "rated_at": _moment(row.rated_at),
        "excluded": row.excluded,
        "reply": row.reply or None,
        "rectification": task(task_row) if task_row is not None else None,
    }


def rating_push(row) -> dict:
    """The upstream record of a rating."""
    case = row.case
    return {
        "case_number": case.number,
        "item_base_code": row.item.base_code,
        "item_impl_code": row.item.impl_code,
        "item_name": case.item_version.name,
        "department_code": row.department.code,
        "window": row.window.number if row.window_id else None,
        "applicant_type": case.applicant.kind,
        "channel": row.channel,
        "level": row.level,
        "level_label": LEVELS[row.level],
        "dimensions": row.dimensions,
        "comment": row.comment,
        "real_name": row.real_name,
        "rated_at": _moment(row.rated_at),
        "rectification_status": "opened" if row.level <= 2 else "none",
    }


def task_push(row: RectificationTask, step: str) -> dict:
    """The upstream record of a rectification outcome (one per step that changes the outcome)."""
    rated = row.rating
    return {
        "case_number": rated.case.number,
        "item_base_code": rated.item.base_code,
        "item_impl_code": rated.item.impl_code,
        "department_code": row.department.code,
        "level": rated.level,
        "rated_at": _moment(rated.rated_at),
        "step": step,
        "rectification_status": row.state,
        "outcome": row.outcome or None,
        "ledger_due": _day(row.ledger_due),
        "due": _day(row.due_on),
        "called_back_at": _moment(row.called_back_at),
        "fed_back_at": _moment(row.fed_back_at),
        "feedback": row.feedback or None,
        "excluded": rated.excluded,
        "at": _moment(row.updated_at),
    }


def dimension_fields(channel: str, case_channel: str, chosen=None) -> list[dict]:
    """The dimension inputs of a rating form, with what was chosen."""
    return [
        {"key": key, "label": DIMENSION_LABELS[key], "selected": (chosen or {}).get(key)}
        for key in dimensions_for(channel, case_channel)
    ]
