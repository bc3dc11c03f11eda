"""The rectification ledger as plain data (the API's answers; the pages read the same values).
People by name, never by login (``core.display.person_name``)."""

from __future__ import annotations

import datetime as dt

from zhengwu.core import clock
from zhengwu.core.display import person_name
from zhengwu.evaluation import rectification_rules as rules
from zhengwu.evaluation import rectification_selectors as selectors
from zhengwu.evaluation.models.rectification import Measure, Rectification


def _person(user) -> dict:
    return {"id": user.pk, "name": person_name(user)}


def measure(row: Measure, *, today: dt.date | None = None) -> dict:
    today = today or clock.today()
    return {
        "id": row.pk,
        "problem": row.problem_id,
        "seq": row.seq,
        "text": row.text,
        "unit": {"code": row.unit.code, "name": row.unit.name},
        "leader": _person(row.leader),
        "person": _person(row.person),
        "kind": row.kind,
        "kind_label": row.get_kind_display(),
        "deadline": row.deadline.isoformat(),
        "state": row.state,
        "state_label": row.get_state_display(),
        "overdue": rules.is_overdue(row.state, row.deadline, today),
        "claimed_on": row.claimed_on.isoformat() if row.claimed_on else None,
        "verified_on": row.verified_on.isoformat() if row.verified_on else None,
        "returned": row.returned,
        "return_reason": row.return_reason,
        "report_due": row.report_due.isoformat() if row.report_due else None,
        "version": row.version,
    }


def ledger(row: Rectification, user) -> dict:
    today = clock.today()
    areas = []
    for area in selectors.tree(row, user):
        items = []
        for item in area["items"]:
            problems = [
                {
                    "id": entry["problem"].pk,
                    "seq": entry["problem"].seq,
                    "text": entry["problem"].text,
                    "link": entry["problem"].link_label or None,
                    "measures": [measure(m, today=today) for m in entry["measures"]],
                }
                for entry in item["problems"]
            ]
            items.append({"id": item["item"].pk, "title": item["item"].title, "problems": problems})
        areas.append({"id": area["area"].pk, "title": area["area"].title, "items": items})
    return {
        "id": row.pk,
        "number": row.number,
        "source": {
            "kind": row.kind,
            "kind_label": row.get_kind_display(),
            "title": row.title,
            "date": row.source_date.isoformat(),
        },
        "areas": areas,
        "counts": selectors.counts(row, user, today=today).as_dict(),
    }


def ledger_row(row: Rectification) -> dict:
    """A row of the ledger list (annotated by ``selectors.ledger_rows``)."""
    return {
        "id": row.pk,
        "number": row.number,
        "source": {
            "kind": row.kind,
            "kind_label": row.get_kind_display(),
            "title": row.title,
            "date": row.source_date.isoformat(),
        },
        "counts": {
            "problems": row.n_problems,
            "measures": row.n_measures,
            "measures_done": row.n_done,
            "overdue": row.n_overdue,
        },
    }
