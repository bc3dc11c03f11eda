"""The annual report page of the government office (政府信息公开工作年度报告): the year and the
department, tables 三 and 四 as the format lays them out, the balance, a chart, the prose
sections written here, and the downloads (.xlsx of the tables, .docx of the report). Thin."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zhengwu.assessment.documents import attachment
from zhengwu.core.errors import DomainError, ValidationFailed
from zhengwu.core.views import guarded
from zhengwu.disclosure import annual, annual_documents, annual_labels, annual_selectors
from zhengwu.disclosure import annual_services as services
from zhengwu.disclosure.models import Result

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

report_page = guarded(annual_selectors.may_read)


def _choice(request) -> dict:
    return {
        "year": request.GET.get("year") or str(annual_selectors.default_year()),
        "department": request.GET.get("department", ""),
    }


def _chart(three: annual.TableThree) -> dict:
    """The results of the year by group (三 (一)–(六)), by applicant type."""
    rows = three.rows
    groups = []
    for result in annual.RESULTS:
        keys = [k for k in annual.RESULT_ROWS if k == result or k.startswith(f"{result}_")]
        groups.append(
            {
                "name": str(Result(result).label),
                "values": {c: sum(rows[k][c] for k in keys) for c in annual.APPLICANT_TYPES},
            }
        )
    return {
        "types": [
            {"key": c, "name": annual_labels.column_label(c)} for c in annual.APPLICANT_TYPES
        ],
        "groups": groups,
        "flow": {
            "names": [
                annual_labels.row_label(k)
                for k in ("received", "carried_over", "results_total", "carried_forward")
            ],
            "values": [
                rows[k]["total"]
                for k in ("received", "carried_over", "results_total", "carried_forward")
            ],
        },
    }


@report_page
@require_http_methods(["GET", "POST"])
def report(request):
    choice = _choice(request)
    context = {
        "choice": choice,
        "years": annual_selectors.years(),
        "departments": annual_selectors.departments_for(request.user),
        "whole_government": annual_selectors.report_scope(request.user) is None,
        "may_write": annual_selectors.may_write(request.user),
    }
    try:
        found = annual_selectors.report_for(
            request.user, year=choice["year"], department=choice["department"]
        )
    except ValidationFailed as error:
        context["errors"] = {k: [str(m) for m in v] for k, v in error.errors.items()}
        return render(request, "disclosure/annual_report.html", context, status=422)
    except DomainError as error:
        context["conflict"] = str(error.message)
        return render(request, "disclosure/annual_report.html", context, status=409)
    text = found.text
    values = {k: getattr(text, k, "") if text else "" for k in annual_labels.PROSE_SECTIONS}
    status = 200
    if request.method == "POST":
        typed = {k: request.POST.get(k, "") for k in annual_labels.PROSE_SECTIONS}
        version = request.POST.get("version", "")
        try:
            services.save_text(
                actor=request.user,
                year=found.year,
                department=found.department,
                texts=typed,
                version=int(version) if version.isdigit() else None,
            )
        except ValidationFailed as error:
            context["errors"] = {k: [str(m) for m in v] for k, v in error.errors.items()}
            values, status = typed, 422
        except DomainError as error:
            context["conflict"] = str(error.message)
            values, status = typed, 409
        else:
            messages.success(request, _("The report's text is saved."))
            return redirect(f"{reverse('disclosure_annual:report')}?{_query(found)}")
    context.update(
        {
            "report": found,
            "query": _query(found),
            "three": annual_documents.table_three_grid(found.three),
            "four": annual_documents.table_four_grid(found.four),
            "balance": found.three.balance,
            "balance_rows": [
                {
                    "label": annual_labels.column_label(c),
                    "incoming": b.incoming,
                    "outgoing": b.outgoing,
                    "balanced": b.balanced,
                }
                for c, b in found.three.balance.items()
            ],
            "balance_sentence": annual_documents.balance_sentence(found.three),
            "title": annual_documents.report_title(agency=found.agency, year=found.year),
            "fields": [
                {
                    "key": k,
                    "label": annual_labels.SECTION_LABELS[k],
                    "value": values[k],
                    "errors": context.get("errors", {}).get(k, []),
                }
                for k in annual_labels.PROSE_SECTIONS
            ],
            "version": text.version if text else 0,
            "text": text,
            "chart": _chart(found.three),
        }
    )
    return render(request, "disclosure/annual_report.html", context, status=status)


def _query(found: annual_selectors.AnnualReport) -> str:
    params = {"year": found.year}
    if found.department is not None:
        params["department"] = found.department.code
    return urlencode(params)


def _file_name(found: annual_selectors.AnnualReport, suffix: str) -> tuple[str, str]:
    who = found.department.code if found.department else "government"
    name = annual_documents.report_title(agency=found.agency, year=found.year)
    return f"{name}.{suffix}", f"annual-report-{found.year}-{who}.{suffix}"


def _download(request):
    """The report of a download link; a link no page made (a bad year) is not found, a report
    that does not balance is refused with its reason."""
    choice = _choice(request)
    try:
        return annual_selectors.report_for(
            request.user, year=choice["year"], department=choice["department"]
        )
    except ValidationFailed:
        raise Http404 from None


@report_page
def report_xlsx(request):
    try:
        found = _download(request)
    except DomainError as error:
        return HttpResponse(str(error.message), status=409, content_type="text/plain")
    grids = [
        annual_documents.table_three_grid(found.three),
        annual_documents.table_four_grid(found.four),
    ]
    title = annual_documents.report_title(agency=found.agency, year=found.year)
    response = HttpResponse(annual_documents.workbook(grids, title=title), content_type=XLSX)
    response["Content-Disposition"] = attachment(*_file_name(found, "xlsx"))
    return response


@report_page
def report_docx(request):
    try:
        found = _download(request)
    except DomainError as error:
        return HttpResponse(str(error.message), status=409, content_type="text/plain")
    prose = {
        k: getattr(found.text, k, "") if found.text else "" for k in annual_labels.PROSE_SECTIONS
    }
    content = annual_documents.report_docx(
        title=annual_documents.report_title(agency=found.agency, year=found.year),
        grids={
            "table_three": annual_documents.table_three_grid(found.three),
            "table_four": annual_documents.table_four_grid(found.four),
        },
        prose=prose,
        balance_sentence=annual_documents.balance_sentence(found.three),
    )
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = attachment(*_file_name(found, "docx"))
    return response
