"""Pages of the inbound exchange (docs/exchange.md): the month's reconciliation per department
(with its .xlsx), the import of a department's records and its template, the findings with
their evidence, and the tickets by source. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

import datetime as dt
import io

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhengwu.accounts.models import Department
from zhengwu.core import clock
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.paging import query_with
from zhengwu.core.views import guarded
from zhengwu.exchange import inbound_selectors, reconcile_jobs, record_files
from zhengwu.exchange.inbound_imports import import_file
from zhengwu.exchange.models.inbound import FindingKind, ReconciliationReview
from zhengwu.exchange.reconcile_rules import STEPS
from zhengwu.supervision import review_pages
from zhengwu.supervision.models import IrregularityStatus

PAGE_SIZE = 25
supervising = guarded(inbound_selectors.may_reconcile)
reading = guarded(inbound_selectors.may_read_findings)

# What each kind means, shown beside the figures (docs/exchange.md "Reconciliation").
DEFINITIONS = {
    FindingKind.OFF_SYSTEM: gettext_lazy(
        "A record of the department with no case here, by number or by item, applicant and "
        "date: handled outside the center's system."
    ),
    FindingKind.DOUBLE_INTAKE: gettext_lazy(
        "Accepted here and at the department, under another number or on another day."
    ),
    FindingKind.RETROACTIVE: gettext_lazy(
        "A step dated at the department more than %(margin)s working day(s) before the same "
        "step here: done there, entered here later."
    ),
    FindingKind.TRAIL_CONFLICT: gettext_lazy(
        "The department's dates out of order, or a step the case's trail never had."
    ),
}
REVIEW_DEFINITIONS = (
    (
        gettext_lazy("Reviewed"),
        gettext_lazy(
            "Findings of the month a supervisor has confirmed as irregularities or dismissed "
            "with the reason."
        ),
    ),
    (
        gettext_lazy("Pending review"),
        gettext_lazy(
            "Findings of the month awaiting a supervisor's review, handed to the department "
            "for explanation, or explained by it and awaiting review."
        ),
    ),
)
STEP_LABELS = {
    "received": gettext_lazy("Received"),
    "accepted": gettext_lazy("Accepted"),
    "decided": gettext_lazy("Decided"),
    "delivered": gettext_lazy("Delivered"),
}
REASONS = {
    "numbers": gettext_lazy("Accepted under different numbers"),
    "dates": gettext_lazy("Accepted on different days"),
    "order": gettext_lazy("The department's steps are out of order"),
    "never": gettext_lazy("The case's trail has no such step"),
}
MATCHES = {
    "number": gettext_lazy("By record number"),
    "attributes": gettext_lazy("By item, applicant and date"),
}


def _definitions() -> list[tuple[str, str, str]]:
    """``(kind, label, definition)`` of each kind of finding."""
    margin = settings.RETROACTIVE_MARGIN_WORKDAYS
    return [(k.value, k.label, str(DEFINITIONS[k]) % {"margin": margin}) for k in FindingKind]


class MonthForm(forms.Form):
    month = forms.CharField(
        label=gettext_lazy("Month"), required=False, widget=forms.TextInput(attrs={"type": "month"})
    )
    department = forms.ModelChoiceField(
        label=gettext_lazy("Department"),
        queryset=Department.objects.order_by("code"),
        required=False,
        to_field_name="code",
        empty_label=gettext_lazy("All departments"),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("All kinds")), *FindingKind.choices],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All statuses")), *IrregularityStatus.choices],
    )

    def __init__(self, *args, reader=None, **kwargs):
        super().__init__(*args, **kwargs)
        if reader is not None:  # the departments the reader reads, never another region's
            self.fields["department"].queryset = inbound_selectors.departments_for(reader)

    def clean_month(self):
        value = self.cleaned_data["month"]
        if not value:
            return None
        try:
            return dt.date(int(value[:4]), int(value[5:7]), 1)
        except (ValueError, IndexError):
            raise forms.ValidationError(_("Enter a month as YYYY-MM.")) from None


def _last_month() -> dt.date:
    return (clock.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def _filters(request, *, default_month: bool = True):
    form = MonthForm(request.GET or None, reader=request.user)
    month, department, kind, status = (_last_month() if default_month else None), None, "", ""
    if form.is_bound and form.is_valid():
        month = form.cleaned_data["month"] or month
        department = form.cleaned_data["department"]
        kind = form.cleaned_data["kind"]
        status = form.cleaned_data["status"]
    return form, month, department, kind, status


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Records file (.xlsx or .csv)"))


@reading
def board(request):
    form, month, department, _kind, _status = _filters(request)
    rows = list(inbound_selectors.reconciliations(month, department, reader=request.user))
    reviews = inbound_selectors.review_counts(month, department, reader=request.user)
    if request.GET.get("export") == "xlsx":
        return _report_xlsx(month, rows, reviews)
    kinds = list(FindingKind)
    table = [
        (
            row,
            [(k.value, int(row.findings.get(k, 0))) for k in kinds],
            reviews.get(row.department_id, {"reviewed": 0, "pending": 0}),
        )
        for row in rows
    ]
    start = month
    end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return render(
        request,
        "exchange/inbound/board.html",
        {
            "form": form,
            "month": month,
            "department": department,
            "table": table,
            "kinds": kinds,
            "definitions": _definitions(),
            "review_definitions": REVIEW_DEFINITIONS,
            "may_reconcile": inbound_selectors.may_reconcile(request.user),
            "runs": inbound_selectors.recent_runs(month, request.user),
            "sources": inbound_selectors.tickets_by_source(start, end, reader=request.user)
            if inbound_selectors.may_count_tickets(request.user)
            else None,
            "source_labels": inbound_selectors.source_labels(),
            "transfers": inbound_selectors.transfers_by_platform(start, end, reader=request.user)
            if inbound_selectors.may_count_tickets(request.user)
            else None,
            "export": query_with(request, export="xlsx", page=""),
            "import_form": ImportForm(),
        },
    )


def _report_xlsx(month: dt.date, rows, reviews: dict[int, dict]) -> HttpResponse:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = f"{month:%Y-%m}"  # the month, also in the file name
    sheet.append(
        [
            _("Department"),
            _("Records"),
            _("Matched by number"),
            _("Matched by item, applicant and date"),
            _("Without a case here"),
            *[str(k.label) for k in FindingKind],
            _("Reviewed"),
            _("Pending review"),
        ]
    )
    for row in rows:
        sheet.append(
            [
                row.department.name,
                row.records,
                row.by_number,
                row.by_attributes,
                row.unmatched,
                *[int(row.findings.get(k, 0)) for k in FindingKind],
                reviews.get(row.department_id, {}).get("reviewed", 0),
                reviews.get(row.department_id, {}).get("pending", 0),
            ]
        )
    notes = book.create_sheet(_("Definitions"))
    for _kind, label, text in _definitions():
        notes.append([str(label), text])
    for label, text in REVIEW_DEFINITIONS:
        notes.append([str(label), str(text)])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=record_files.XLSX)
    response["Content-Disposition"] = f'attachment; filename="reconciliation-{month:%Y-%m}.xlsx"'
    return response


@supervising
def template(request):
    response = HttpResponse(record_files.template(), content_type=record_files.XLSX)
    response["Content-Disposition"] = 'attachment; filename="department-records-template.xlsx"'
    return response


@supervising
def import_records(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            done = import_file(actor=request.user, upload=form.cleaned_data["file"])
        except ValidationFailed as error:
            problems = [str(m) for lines in error.errors.values() for m in lines]
        else:
            messages.success(
                request,
                _("%(count)d records imported and reconciled.") % {"count": done.records},
            )
            if done.reconciliations:
                first = done.reconciliations[0]
                query = f"month={first.month:%Y-%m}&department={first.department.code}"
                return redirect(f"{reverse('exchange:findings')}?{query}")
            return redirect("exchange:inbound")
    status = 422 if problems or (request.method == "POST" and not form.is_valid()) else 200
    return render(
        request,
        "exchange/inbound/import.html",
        {"form": form, "problems": problems, "headers": list(record_files.HEADERS.values())},
        status=status,
    )


@require_POST
@supervising
def run(request):
    form = MonthForm(request.POST, reader=request.user)
    if not form.is_valid() or not form.cleaned_data["month"]:
        messages.error(request, _("Enter a month as YYYY-MM."))
        return redirect("exchange:inbound")
    month, department = form.cleaned_data["month"], form.cleaned_data["department"]
    reconcile_jobs.start(actor=request.user, month=month, department=department)
    messages.success(request, _("The reconciliation was queued; its progress is shown below."))
    query = f"month={month:%Y-%m}" + (f"&department={department.code}" if department else "")
    return redirect(f"{reverse('exchange:inbound')}?{query}")


@supervising
def run_progress(request, pk: int):
    """The progress of a run (the board polls it while it is queued or running)."""
    row = inbound_selectors.run(pk, request.user)
    return render(request, "exchange/inbound/_run.html", {"run": row})


@reading
def findings(request):
    form, month, department, kind, status = _filters(request, default_month=False)
    rows = inbound_selectors.findings(
        request.user, month=month, department=department, kind=kind, status=status
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "exchange/inbound/findings.html",
        {"form": form, "page": page, "definitions": _definitions()},
    )


def _iso_day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _evidence_rows(found) -> list[tuple]:
    evidence = found.evidence
    theirs = evidence.get("department_dates") or {}
    ours = evidence.get("center_dates") or {}
    return [(STEP_LABELS[s], _iso_day(theirs.get(s)), _iso_day(ours.get(s)), s) for s in STEPS]


def _render_finding(request, found, form=None, status=200):
    evidence = found.evidence
    step = evidence.get("step") or ""
    return render(
        request,
        "exchange/inbound/finding.html",
        {
            "row": found,
            "dates": _evidence_rows(found),
            "step": step,
            "steps": evidence.get("steps") or ([step] if step else []),
            "reason": REASONS.get(evidence.get("reason") or "", ""),
            "matched_by": MATCHES.get(evidence.get("matched_by") or "", ""),
            "gap": evidence.get("gap_workdays"),
            "margin": evidence.get("margin_workdays"),
            "definition": {k: text for k, _label, text in _definitions()}.get(found.kind, ""),
            "reviews": found.reviews.select_related("reviewer").order_by("id"),
            **review_pages.panel(request.user, found, form),
            "review_url": reverse("exchange:review_finding", args=[found.pk]),
        },
        status=status,
    )


@reading
def finding(request, pk: int):
    return _render_finding(request, inbound_selectors.finding(request.user, pk))


@require_POST
@reading
def review_finding(request, pk: int):
    """A review step, as on an irregularity's page (``supervision.review_pages``): a
    confirmation asks to be confirmed first."""
    found = inbound_selectors.finding(request.user, pk)
    response, form, status = review_pages.post(
        request,
        found=found,
        reviews=ReconciliationReview,
        link="finding",
        subject=f"{found.get_kind_display()} · {found.record.record_number}",
        facts=[
            (_("Department"), found.department.name),
            (_("Record number"), found.record.record_number),
            (_("Case here"), found.case.number if found.case else _("None")),
        ],
        back_url=reverse("exchange:finding", args=[found.pk]),
    )
    if response is not None:
        return response
    if form is not None:
        return _render_finding(request, found, form, status=status)
    return redirect("exchange:finding", pk=found.pk)
