"""Checking the hash chains of case events (``manage.py verify_audit``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from zhengwu.cases.models import Case, CaseEvent
from zhengwu.cases.services import event_payload
from zhengwu.core.audit import first_break


@dataclass(frozen=True)
class Break:
    number: str
    seq: int | None  # the first event that does not verify; None when events are missing at the end
    reason: str


def check_case(case: Case, rows: list[CaseEvent]) -> Break | None:
    index = first_break(
        (row.seq, event_payload(row, case.number), row.prev_hash, row.hash) for row in rows
    )
    if index is not None:
        row = rows[index]
        if row.seq != index + 1:
            reason = _("events are missing or out of order")
        else:
            reason = _("an event was altered")
        return Break(case.number, index + 1, reason)
    if len(rows) != case.event_count or (rows and rows[-1].hash != case.head_hash):
        return Break(case.number, None, _("the last events were deleted or replaced"))
    return None


def verify(*, batch: int = 500) -> Iterator[tuple[int, Break | None]]:
    """Every case in id order: ``(case id, break or None)``; memory stays flat."""
    last_id = 0
    while True:
        cases = list(
            Case.objects.filter(id__gt=last_id)
            .order_by("id")
            .only("id", "number", "event_count", "head_hash")[:batch]
        )
        if not cases:
            return
        last_id = cases[-1].pk
        by_case: dict[int, list[CaseEvent]] = {case.pk: [] for case in cases}
        for row in CaseEvent.objects.filter(case_id__in=list(by_case)).order_by("case_id", "seq"):
            by_case[row.case_id].append(row)
        for case in cases:
            yield case.pk, check_case(case, by_case[case.pk])
