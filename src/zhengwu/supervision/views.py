"""Supervision pages: the board (open cases by department and level, live), the drill-down to
cases, the lists of warnings and irregularities with their Excel export, and an irregularity's
page with its evidence and reviews. Thin: they parse, call a selector or a service, render."""

from __future__ import annotations

import io

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhengwu.cases import selectors as case_selectors
from zhengwu.cases.models import CaseLevel
from zhengwu.core import clock, paging
from zhengwu.core.cursors import decode_cursor
from zhengwu.core.replicas import reads_from_replica
from zhengwu.core.views import guarded
from zhengwu.ratings.selectors import may_supervise_ratings
from zhengwu.supervision import presenters, review_pages, selectors
from zhengwu.supervision.forms import ListFilterForm
from zhengwu.supervision.models import IrregularityKind, IrregularityReview

PAGE_SIZE = 25
EXPORT_LIMIT = 50_000


supervision_page = guarded(selectors.may_supervise)


def _page(request, queryset):
    paginator = Paginator(queryset, PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def _query(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value:
            params[key] = value
    return params.urlencode()


@supervision_page
@reads_from_replica
def board(request):
    rows, totals = selectors.board(request.user)
    context = {
        "rows": rows,
        "totals": totals,
        "levels": [(level.value, level.label) for level in selectors.BOARD_LEVELS],
        "as_of": clock.now(),
        "center_wide": selectors.department_scope(request.user) is None,
    }
    if request.headers.get("HX-Request"):
        return render(request, "supervision/_board_table.html", context)
    context["loop"] = selectors.rating_loop(request.user)
    context["seal"] = selectors.seal_status()
    context["may_see_rating_supervision"] = may_supervise_ratings(request.user)
    context["overdue_kind"] = IrregularityKind.RECTIFICATION_OVERDUE.value
    return render(request, "supervision/board.html", context)


@supervision_page
@reads_from_replica
def board_cases(request):
    level = str(request.GET.get("level", ""))
    if level and level not in CaseLevel.values:
        level = ""
    try:
        department = int(request.GET.get("department") or 0) or None
    except ValueError:
        department = None
    # Keyset pages newest first with a capped total (core.paging): a cell of the whole
    # province holds hundreds of thousands of cases, which a numbered page would count in full.
    queryset = selectors.board_cases(request.user, department_id=department, level=level)
    after = str(request.GET.get("after", ""))[:64]
    cases, next_cursor = case_selectors.page(queryset, after=after, limit=PAGE_SIZE)
    pager = paging.keyset_page(
        queryset,
        after_id=decode_cursor(after),
        rows=len(cases),
        next_query=paging.query_with(request, after=next_cursor) if next_cursor else None,
        first_query=paging.query_with(request, after="") if after else None,
    )
    names = {d.pk: d.name for d in selectors.visible_departments(request.user)}
    return render(
        request,
        "supervision/cases.html",
        {
            "cases": cases,
            "pager": pager,
            "level": level,
            "level_label": dict(CaseLevel.choices).get(level, ""),
            "department": names.get(department, ""),
        },
    )


def _xlsx(title: str, sheet_title: str, headers, rows) -> HttpResponse:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = str(sheet_title)[:31]
    sheet.append([_(h) for h in headers])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = clock.today().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="{title}-{stamp}.xlsx"'
    return response


def _filters(request):
    form = ListFilterForm(
        request.GET or None, departments=selectors.visible_departments(request.user)
    )
    return form, form.filters()


@supervision_page
def warnings(request):
    form, filters = _filters(request)
    queryset = selectors.warnings(request.user, filters)
    if request.GET.get("export") == "xlsx":
        rows = list(queryset[:EXPORT_LIMIT])
        told = selectors.recipients([w.pk for w in rows])
        return _xlsx(
            "warnings",
            _("Warnings"),
            presenters.WARNING_HEADERS,
            (presenters.warning_row(w, told.get(w.pk, [])) for w in rows),
        )
    page = _page(request, queryset)
    told = selectors.recipients([w.pk for w in page.object_list])
    return render(
        request,
        "supervision/warnings.html",
        {
            "form": form,
            "fields": [form[n] for n in ("department", "level", "start", "end", "number")],
            "page": page,
            "rows": [(w, told.get(w.pk, [])) for w in page.object_list],
            "query": _query(request, page=""),
            "export": _query(request, page="", export="xlsx"),
        },
    )


@supervision_page
def irregularities(request):
    form, filters = _filters(request)
    queryset = selectors.irregularities(request.user, filters)
    if request.GET.get("export") == "xlsx":
        rows = list(queryset[:EXPORT_LIMIT])
        people = presenters.evidence_people(rows)
        return _xlsx(
            "irregularities",
            _("Irregularities"),
            presenters.IRREGULARITY_HEADERS,
            (presenters.irregularity_row(r, people) for r in rows),
        )
    page = _page(request, queryset)
    return render(
        request,
        "supervision/irregularities.html",
        {
            "form": form,
            "fields": [form[n] for n in ("department", "kind", "status", "start", "end", "number")],
            "page": page,
            "query": _query(request, page=""),
            "export": _query(request, page="", export="xlsx"),
        },
    )


def _render_irregularity(request, found, form=None, status=200):
    return render(
        request,
        "supervision/irregularity.html",
        {
            "row": found,
            "evidence": presenters.evidence_lines(found),
            "reviews": found.reviews.select_related("reviewer").order_by("id"),
            **review_pages.panel(request.user, found, form),
            "review_url": reverse("supervision:review", args=[found.pk]),
        },
        status=status,
    )


@supervision_page
def irregularity(request, pk: int):
    found = selectors.get_irregularity(request.user, pk)
    return _render_irregularity(request, found)


@supervision_page
@require_POST
def review(request, pk: int):
    found = selectors.get_irregularity(request.user, pk)
    response, form, status = review_pages.post(
        request,
        found=found,
        reviews=IrregularityReview,
        link="irregularity",
        subject=f"{found.get_kind_display()} · {found.case.number}",
        facts=[(_("Case number"), found.case.number), (_("Department"), found.department.name)],
        back_url=reverse("supervision:irregularity", args=[found.pk]),
    )
    if response is not None:
        return response
    if form is not None:
        return _render_irregularity(request, found, form, status=status)
    return redirect("supervision:irregularity", pk=found.pk)
