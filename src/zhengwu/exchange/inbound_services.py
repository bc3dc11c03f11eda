"""Every inbound write of exchange (DOMAIN §14): a department's records, by the API or from a
spreadsheet, all or nothing; reconciling a month (``reconcile.reconcile``); a ticket handed
over by another hotline or by the 110 platform, once per source and ticket number.

The checks of a batch report each problem by row (0-based in the API, the sheet's row number in
a file) and field, in the caller's language; nothing is written while one remains.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.accounts import regions
from zhengwu.accounts.models import Applicant, Department, User
from zhengwu.catalog.models import ServiceItem
from zhengwu.core import clock
from zhengwu.core.errors import DomainError, Forbidden, ValidationFailed
from zhengwu.core.roles import CENTER_WIDE_ROLES, Role, role_names
from zhengwu.core.validators import clean_resident_id, clean_uscc
from zhengwu.exchange import inbound_selectors
from zhengwu.exchange.models.inbound import (
    DepartmentRecord,
    InboundTicket,
    ReconciliationReview,
    RecordBatch,
    RecordSource,
    TicketSource,
)
from zhengwu.supervision.services import record_review
from zhengwu.tickets import services as ticket_services
from zhengwu.tickets.models import Ticket

MAX_BATCH = 20_000
FIELDS = (
    "department",
    "record_number",
    "item",
    "applicant_number",
    "received_on",
    "accepted_on",
    "decided_on",
    "delivered_on",
)
DATE_FIELDS = ("received_on", "accepted_on", "decided_on", "delivered_on")
# The columns of the import file and its template, in order (the exchange format's headers).
LABELS = {
    "department": gettext_lazy("Department code"),
    "record_number": gettext_lazy("Record number in the department's system"),
    "item": gettext_lazy("Service item code"),
    "applicant_number": gettext_lazy("Applicant ID number or credit code"),
    "received_on": gettext_lazy("Received on"),
    "accepted_on": gettext_lazy("Accepted on"),
    "decided_on": gettext_lazy("Decided on"),
    "delivered_on": gettext_lazy("Delivered on"),
}
# Roles that send the records of their own department (its system's account); the center-wide
# roles send or import any department's.
DEPARTMENT_SENDERS = frozenset({Role.DEPARTMENT_HEAD, Role.REVIEWER})
# The accounts of the other hotlines and of the 110 platform are accounts of the hotline desk.
HAND_OVER_ROLES = frozenset({Role.OPERATOR, Role.ADMIN})


@dataclass(frozen=True)
class RowProblem:
    row: int  # 0-based position in what was sent
    field: str
    message: str


def may_send_records(user: User, department: Department | None = None) -> bool:
    """Whether ``user`` sends department records (of ``department``): a center-wide role those
    of the departments under their region or center (``accounts.regions``), a department's
    sender its own."""
    roles = role_names(user)
    if roles & CENTER_WIDE_ROLES:
        return department is None or regions.in_oversight(user, department.pk)
    if not roles & DEPARTMENT_SENDERS:
        return False
    return department is None or department.pk == user.department_id


def _date(value, today: dt.date) -> tuple[dt.date | None, str | None]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip()[:10].replace("/", "-"))
        except ValueError:
            return None, _("Enter a date as YYYY-MM-DD.")
    if value > today:
        return None, _("The date cannot be in the future.")
    return value, None


def _applicant_number(value) -> tuple[str, str | None]:
    text = str(value or "").replace("\x00", "").strip().upper()
    if not text:
        return "", _("This field is required.")
    for clean in (clean_resident_id, clean_uscc):
        try:
            return clean(text), None
        except ValidationError:
            continue
    return "", _("Enter a valid resident ID number or unified social credit code.")


def check_rows(actor: User, rows: Sequence[Mapping]) -> tuple[list[dict], list[RowProblem]]:
    """Every row cleaned (``department`` and ``item`` as rows of the database), or the problems;
    the caller may send the records of each department named."""
    problems: list[RowProblem] = []
    if not rows:
        return [], [RowProblem(0, "records", _("Send at least one record."))]
    if len(rows) > MAX_BATCH:
        message = _("Send at most %(max)d records at once.") % {"max": MAX_BATCH}
        return [], [RowProblem(0, "records", message)]
    text = [
        {f: str(row.get(f) or "").replace("\x00", "").strip() for f in ("department", "item")}
        for row in rows
    ]
    departments = {
        d.code: d for d in Department.objects.filter(code__in={t["department"][:32] for t in text})
    }
    items = {
        i.impl_code: i
        for i in ServiceItem.objects.filter(impl_code__in={t["item"][:64] for t in text})
    }
    today = clock.today()
    seen: set[tuple[int, str]] = set()
    cleaned: list[dict] = []
    allowed: dict[int, bool] = {}  # per department of the batch, asked once
    for index, row in enumerate(rows):
        out: dict = {}
        code = text[index]["department"]
        department = departments.get(code)
        if department is not None and department.pk not in allowed:
            allowed[department.pk] = may_send_records(actor, department)
        if department is None:
            problems.append(RowProblem(index, "department", _("No department has this code.")))
        elif not allowed[department.pk]:
            problems.append(
                RowProblem(index, "department", _("You may not send this department's records."))
            )
        out["department"] = department
        number = str(row.get("record_number") or "").replace("\x00", "").strip()
        if not number:
            problems.append(RowProblem(index, "record_number", _("This field is required.")))
        elif len(number) > 64:
            problems.append(RowProblem(index, "record_number", _("The text is too long.")))
        elif department is not None:
            if (department.pk, number) in seen:
                message = _("This record number appears twice in what was sent.")
                problems.append(RowProblem(index, "record_number", message))
            seen.add((department.pk, number))
        out["record_number"] = number
        item = items.get(text[index]["item"])
        if item is None:
            message = _("There is no service item with this code.")
            problems.append(RowProblem(index, "item", message))
        elif department is not None and item.department_id != department.pk:
            problems.append(
                RowProblem(index, "item", _("This service item is not the department's."))
            )
        out["item"] = item
        out["applicant_number"], message = _applicant_number(row.get("applicant_number"))
        if message:
            problems.append(RowProblem(index, "applicant_number", message))
        for name in DATE_FIELDS:
            out[name], message = _date(row.get(name), today)
            if message:
                problems.append(RowProblem(index, name, message))
            elif name == "received_on" and out[name] is None:
                problems.append(RowProblem(index, name, _("This field is required.")))
        cleaned.append(out)
    return cleaned, problems


def api_errors(problems: Sequence[RowProblem]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for p in problems:
        key = "records" if p.field == "records" else f"records.{p.row}.{p.field}"
        errors.setdefault(key, []).append(p.message)
    return errors


def receive_records(
    *,
    actor: User,
    rows: Sequence[Mapping],
    source: str = RecordSource.API,
    file_name: str = "",
    problems_as=api_errors,
) -> RecordBatch:
    """Store a batch of department records, all or nothing: a record already held (same
    department and number) takes the new details. Raises ``ValidationFailed`` with
    ``problems_as(problems)`` (by default ``records.<row>.<field>``). One batch row per
    department named."""
    if not may_send_records(actor):
        raise Forbidden(_("Only a department or the supervision office sends department records."))
    cleaned, problems = check_rows(actor, rows)
    if problems:
        raise ValidationFailed(problems_as(problems))
    numbers = {row["applicant_number"] for row in cleaned}
    applicants = dict(
        (a.id_number or a.uscc, a.pk)
        for a in Applicant.objects.filter(
            Q(kind=Applicant.Kind.PERSON, id_number__in=numbers)
            | Q(kind=Applicant.Kind.ORG, uscc__in=numbers)
        ).only("id", "id_number", "uscc")
    )
    now = clock.now()
    with transaction.atomic():
        kept = _unchanged_since(cleaned, applicants)
        batches: dict[int, RecordBatch] = {}
        for row in cleaned:
            department = row["department"]
            if department.pk not in batches:
                batches[department.pk] = RecordBatch.objects.create(
                    department=department,
                    source=source,
                    file_name=file_name[:255],
                    rows=sum(1 for r in cleaned if r["department"].pk == department.pk),
                    received_by=actor,
                    received_at=now,
                )
        DepartmentRecord.objects.bulk_create(
            [
                DepartmentRecord(
                    department=row["department"],
                    record_number=row["record_number"],
                    item=row["item"],
                    applicant_number=row["applicant_number"],
                    applicant_id=applicants.get(row["applicant_number"]),
                    received_on=row["received_on"],
                    accepted_on=row["accepted_on"],
                    decided_on=row["decided_on"],
                    delivered_on=row["delivered_on"],
                    batch=batches[row["department"].pk],
                    updated_at=kept.get((row["department"].pk, row["record_number"]), now),
                )
                for row in cleaned
            ],
            batch_size=1_000,
            update_conflicts=True,
            unique_fields=["department", "record_number"],
            update_fields=[
                "item",
                "applicant_number",
                "applicant",
                "received_on",
                "accepted_on",
                "decided_on",
                "delivered_on",
                "batch",
                "updated_at",
            ],
        )
    return next(iter(batches.values()))


def _details(department_id, number, item_id, applicant_number, applicant_id, *dates) -> tuple:
    return (department_id, number, item_id, applicant_number, applicant_id, *dates)


def _unchanged_since(cleaned: list[dict], applicants: dict[str, int]) -> dict[tuple, object]:
    """``{(department id, record number): updated_at}`` of the records held already with the
    same details as sent now: they keep their ``updated_at``, so reconciliation sees which
    records changed (``reconcile_jobs.withdraw_changed``)."""
    sent = {
        (row["department"].pk, row["record_number"]): _details(
            row["department"].pk,
            row["record_number"],
            row["item"].pk,
            row["applicant_number"],
            applicants.get(row["applicant_number"]),
            *(row[f] for f in DATE_FIELDS),
        )
        for row in cleaned
    }
    kept: dict[tuple, object] = {}
    by_department: dict[int, list[str]] = {}
    for department_id, number in sent:
        by_department.setdefault(department_id, []).append(number)
    columns = ("department_id", "record_number", "item_id", "applicant_number", "applicant_id")
    for department_id, numbers in by_department.items():
        for start in range(0, len(numbers), 1_000):
            held = DepartmentRecord.objects.filter(
                department_id=department_id, record_number__in=numbers[start : start + 1_000]
            ).values_list(*columns, *DATE_FIELDS, "updated_at")
            for row in held:
                key = (row[0], row[1])
                if sent.get(key) == _details(*row[:-1]):
                    kept[key] = row[-1]
    return kept


# ---------------------------------------------------------------- tickets handed over


def _handed_over(actor: User, source: str, number: str) -> InboundTicket | None:
    found = InboundTicket.objects.select_related("ticket").filter(
        source=source, source_number=number
    )
    first = found.first()
    if first is not None and first.sender_id != actor.pk:
        raise DomainError(
            _("Another account handed over a ticket under this number."),
            code="source_number_taken",
        )
    return first


def receive_ticket(
    *, actor: User, source: str, source_number: str, ticket: Mapping
) -> tuple[Ticket, bool]:
    """A ticket handed over by another platform (``TicketSource``) under its own number:
    ``(ticket, created now)``; a resend of the same source and number returns the first. The
    ticket's first event records the hand-over (``ticket_services.create_ticket``)."""
    if not role_names(actor) & HAND_OVER_ROLES:
        raise Forbidden(_("Only the hotline desk's accounts hand over tickets."))
    errors: dict[str, list] = {}
    if source not in TicketSource.values:
        errors["source"] = [_("Choose one of the allowed values.")]
    number = str(source_number or "").replace("\x00", "").strip()
    if not number:
        errors["source_number"] = [_("This field is required.")]
    elif len(number) > 64:
        errors["source_number"] = [_("The text is too long.")]
    if errors:
        raise ValidationFailed(errors)
    first = _handed_over(actor, source, number)
    if first is not None:
        return first.ticket, False
    try:
        with transaction.atomic():
            created = ticket_services.create_ticket(
                actor=actor,
                **ticket,
                handed_over={"source": source, "number": number},
            )
            InboundTicket.objects.create(
                source=source,
                source_number=number,
                ticket=created,
                sender=actor,
                received_at=created.received_at,
            )
    except IntegrityError:
        first = _handed_over(actor, source, number)
        if first is None:
            raise
        return first.ticket, False
    return created, True


# ---------------------------------------------------------------- review of the findings


def review_finding(*, actor: User, pk: int, outcome: str, note: str):
    """A review step on reconciliation finding ``pk``: the same steps, rules and service as an
    irregularity's (``supervision.services.record_review``). NotFound outside ``actor``'s
    scope."""
    return record_review(
        actor=actor,
        found=inbound_selectors.finding(actor, pk),
        reviews=ReconciliationReview,
        link="finding",
        outcome=outcome,
        note=note,
    )
