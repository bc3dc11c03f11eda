"""Pages of the assessment app: the indicators (staff, scoped), the monthly brief and the leader
dashboard (center-wide roles). Thin: parse, call a selector or the brief, render."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zhengwu.assessment import brief as briefs
from zhengwu.assessment import documents, formulas, presenters, report_sections, selectors
from zhengwu.assessment.definitions import GROUP_LABELS, sections
from zhengwu.assessment.joint_indicators import scene_rows
from zhengwu.core import clock
from zhengwu.core.errors import Forbidden, ValidationFailed
from zhengwu.core.replicas import reads_from_replica
from zhengwu.core.views import guarded

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _may_see_indicators(user) -> bool:
    try:
        selectors.department_scope(user)
    except Forbidden:
        return False
    return True


staff_page = guarded(_may_see_indicators)
center_page = guarded(briefs.may_read)


def _month_choices(count: int = 12) -> list[dict]:
    year, month = briefs.last_complete_month()
    return [
        {"slug": f"{y:04d}-{m:02d}", "label": f"{y}年{m}月"}
        for y, m in reversed(formulas.last_months(year, month, count))
    ]


# ---------------------------------------------------------------- indicators


@staff_page
@reads_from_replica
def indicators(request):
    year, month = briefs.last_complete_month()
    first, last = formulas.month_range(year, month)
    raw = {
        "from": request.GET.get("from", first.isoformat()),
        "to": request.GET.get("to", last.isoformat()),
        "group": request.GET.get("group", "department"),
    }
    errors: dict = {}
    rows, total = [], None
    start, end = selectors.parse_date(raw["from"]), selectors.parse_date(raw["to"])
    try:
        rows, total = selectors.indicator_table_for(
            request.user, start=start, end=end, group=raw["group"]
        )
    except ValidationFailed as error:
        errors = {k: [str(m) for m in v] for k, v in error.errors.items()}
    if not errors and request.GET.get("format") == "xlsx":
        tables = documents.indicators_table(
            rows, total=total, group=raw["group"], start=start, end=end
        )
        response = HttpResponse(documents.workbook(tables), content_type=XLSX)
        response["Content-Disposition"] = documents.attachment(
            f"绩效指标-{start}-{end}.xlsx", f"indicators-{start}-{end}.xlsx"
        )
        return response
    total = total if rows else None
    extra = [
        {
            "key": section.key,
            "label": section.label,
            "columns": presenters.columns(section.keys),
            "rows": presenters.page_rows(rows, section.keys),
            "total": presenters.page_rows([total], section.keys)[0] if total else None,
        }
        for section in (sections(raw["group"]) if not errors else [])
    ]
    context = {
        "raw": raw,
        "errors": errors,
        "groups": list(GROUP_LABELS.items()),
        "columns": presenters.columns(),
        "definition_rows": presenters.columns()
        + [d for section in extra for d in section["columns"]],
        "sections": extra,
        "rows": presenters.page_rows(rows),
        "total": presenters.page_rows([total])[0] if total else None,
        "scoped": not selectors.sees_everything(request.user),
        "show_center_pages": selectors.sees_everything(request.user),
        "export_query": request.GET.urlencode(),
    }
    return render(request, "assessment/indicators.html", context, status=422 if errors else 200)


# ---------------------------------------------------------------- the brief


@center_page
def brief_index(request):
    chosen = request.GET.get("month")
    if chosen:
        try:
            year, month = briefs.month_of(chosen)
        except ValidationFailed as error:
            context = {"months": _month_choices(), "error": error.errors["month"][0]}
            return render(request, "assessment/brief_index.html", context, status=422)
        return redirect("assessment:brief", month=f"{year:04d}-{month:02d}")
    return render(request, "assessment/brief_index.html", {"months": _month_choices()})


def _brief(request, month: str):
    try:
        return briefs.brief_for(request.user, month)
    except ValidationFailed:
        raise Http404 from None


@center_page
@reads_from_replica
def brief_page(request, month: str):
    brief = _brief(request, month)
    tables = {t.key: t for t in documents.brief_tables(brief)}
    context = {
        "brief": brief,
        "tables": tables,
        "months": _month_choices(),
        "overview": documents.overview_sentence(brief),
        "department_sentence": documents.ranking_sentence(
            brief.departments, brief.flagged_departments
        ),
        "window_sentence": documents.ranking_sentence(brief.windows, brief.flagged_windows),
        "warning_sentence": documents.warning_sentence(brief),
        "joint_sentence": documents.joint_sentence(brief),
        "center_name": selectors.center_name(),
        "sections": _sections(brief.sections),
    }
    return render(request, "assessment/brief.html", context)


def _sections(sections) -> list[dict]:
    """The registered sections as the pages show them (report_sections)."""
    return [
        {
            "key": s.key,
            "heading": documents.section_heading(index, s),
            "title": s.title,
            "sentence": s.sentence,
            "tables": documents.section_tables(s),
        }
        for index, s in enumerate(sections)
    ]


@center_page
@reads_from_replica
def brief_docx(request, month: str):
    brief = _brief(request, month)
    content = documents.brief_docx(brief, center_name=selectors.center_name())
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = documents.attachment(
        f"月度简报-{brief.slug}.docx", f"monthly-brief-{brief.slug}.docx"
    )
    return response


@center_page
@reads_from_replica
def brief_xlsx(request, month: str):
    brief = _brief(request, month)
    response = HttpResponse(documents.brief_xlsx(brief), content_type=XLSX)
    response["Content-Disposition"] = documents.attachment(
        f"月度简报-{brief.slug}.xlsx", f"monthly-brief-{brief.slug}.xlsx"
    )
    return response


# ---------------------------------------------------------------- the dashboard


@center_page
@reads_from_replica
def dashboard(request):
    from zhengwu.supervision import selectors as supervision

    chosen = request.GET.get("month", "")
    error = ""
    try:
        year, month = briefs.month_of(chosen) if chosen else briefs.last_complete_month()
    except ValidationFailed as failed:
        error = failed.errors["month"][0]
        year, month = briefs.last_complete_month()
    start, end = formulas.month_range(year, month)
    scope = selectors.department_scope(request.user)  # the centers the reader oversees
    flow = selectors.monthly_flow(
        months=formulas.last_months(year, month, 12), department_ids=scope
    )
    rows = selectors.table(start=start, end=end, group="department", department_ids=scope)
    rates = [
        {
            "name": r.name,
            "on_time": presenters.cell(r.indicators["on_time_rate"]),
            "online": presenters.cell(r.indicators["online_rate"]),
            "on_time_value": _chart_value(r.indicators["on_time_rate"]),
            "online_value": _chart_value(r.indicators["online_rate"]),
        }
        for r in rows
    ]
    levels = selectors.open_by_level(department_ids=scope)
    level_rows = [{"level": k, "label": documents._level_label(k), "count": n}
                  for k, n in levels.items()]  # fmt: skip
    irregularities = supervision.irregularity_counts(start=start, end=end, department_ids=scope)
    top_cases = supervision.top_irregular_cases(
        start=start, end=end, limit=10, department_ids=scope
    )
    scenes = scene_rows(start=start, end=end, department_ids=scope)
    chart_data = {
        "flow": flow,
        "rates": [
            {"name": r["name"], "on_time": r["on_time_value"], "online": r["online_value"]}
            for r in rates
        ],
        "levels": [{"name": str(r["label"]), "value": r["count"]} for r in level_rows],
        "irregularities": [{"name": label, "value": n} for _k, label, n in irregularities],
        "joint": [
            {
                "name": r.name,
                "used": _days_value(r.average_days),
                "serial": _days_value(r.average_serial_days),
            }
            for r in scenes
        ],
        "labels": {
            "used": _("Average working days used"),
            "serial": _("Average serial days"),
            "days": _("Working days"),
            "received": _("Received"),
            "completed": _("Decided"),
            "on_time": _("On-time completion rate"),
            "online": _("Online application rate"),
            "cases": pgettext("count", "Cases"),
        },
    }
    context = {
        "month_label": f"{year}年{month}月",
        "month_slug": f"{year:04d}-{month:02d}",
        "months": _month_choices(),
        "error": error,
        "flow": flow,
        "rates": rates,
        "levels": level_rows,
        "irregularities": irregularities,
        "top_cases": top_cases,
        "joint_table": documents.joint_table(scenes),
        "sections": _sections(
            report_sections.build_all(start=start, end=end, department_ids=scope)
        ),
        "chart_data": chart_data,
        "today": clock.today(),
    }
    return render(request, "assessment/dashboard.html", context, status=422 if error else 200)


def _days_value(value) -> float | None:
    return None if value is None else float(formulas.half_up(value, 1))


def _chart_value(count) -> float | None:
    shown = formulas.percent(count.value)
    return None if shown is None else float(shown)
