"""Pages of the quarterly bulletin, the 优秀窗口 selection and the public hotline ranking
(docs/evaluation.md#pages). Thin: the builders read, the templates show."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from zhengwu.accounts import regions
from zhengwu.core import clock
from zhengwu.core.documents import DOCX_TYPE, content_disposition
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.views import guarded
from zhengwu.evaluation import awards, bulletins
from zhengwu.evaluation.hotline import SECTION
from zhengwu.evaluation.survey_services import may_manage

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
manager_page = guarded(may_manage)


def _file(data: bytes, kind: str, name: str, ascii_name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=DOCX_TYPE if kind == "docx" else XLSX_TYPE)
    response["Content-Disposition"] = content_disposition(name, ascii_name)
    return response


@manager_page
def bulletin_index(request):
    wanted = request.GET.get("quarter")
    if wanted:
        try:
            year, quarter = bulletins.quarter_of(wanted)
        except ValidationFailed as failed:
            year, quarter = bulletins.last_complete_quarter()
            return render(
                request,
                "evaluation/bulletin.html",
                {
                    "bulletin": None,
                    "error": failed.errors["quarter"][0],
                    "typed": wanted[:20],
                    "suggested": f"{year}-Q{quarter}",
                },
                status=422,
            )
        return redirect("evaluation:bulletin", quarter=f"{year}-Q{quarter}")
    year, quarter = bulletins.last_complete_quarter()
    return redirect("evaluation:bulletin", quarter=f"{year}-Q{quarter}")


@manager_page
def bulletin(request, quarter: str, fmt: str = "html"):
    try:
        year, number = bulletins.quarter_of(quarter)
    except ValidationFailed:
        raise Http404 from None
    found = bulletins.build(year=year, quarter=number, reader=request.user)
    if fmt == "docx":
        return _file(
            bulletins.bulletin_docx(found),
            "docx",
            f"季度通报-{found.slug}.docx",
            f"bulletin-{found.slug}.docx",
        )
    if fmt == "xlsx":
        return _file(
            bulletins.bulletin_xlsx(found),
            "xlsx",
            f"季度通报-{found.slug}.xlsx",
            f"bulletin-{found.slug}.xlsx",
        )
    if fmt != "html":
        raise Http404
    return render(
        request,
        "evaluation/bulletin.html",
        {
            "bulletin": found,
            "overview": bulletins.overview(found),
            "tables": bulletins.tables(found),
            "typed": found.slug,
        },
    )


@manager_page
def awards_index(request):
    wanted = request.GET.get("year") or str(clock.today().year - 1)
    try:
        year = awards.year_of(wanted)
    except ValidationFailed as failed:
        return render(
            request,
            "evaluation/awards.html",
            {"selection": None, "error": failed.errors["year"][0], "typed": wanted[:10]},
            status=422,
        )
    return redirect("evaluation:awards", year=year)


@manager_page
def awards_page(request, year: int, fmt: str = "html"):
    try:
        year = awards.year_of(str(year))
    except ValidationFailed:
        raise Http404 from None
    selection = awards.select(
        year=year, department_ids=regions.overseen_department_ids(request.user)
    )
    if fmt == "docx":
        return _file(
            awards.awards_docx(selection), "docx", f"优秀窗口-{year}.docx", f"awards-{year}.docx"
        )
    if fmt != "html":
        raise Http404
    return render(
        request,
        "evaluation/awards.html",
        {"selection": selection, "tables": awards.tables(selection), "typed": str(year)},
    )


def hotline_ranking(request):
    """Public: the handling units ranked by their hotline figures for a quarter (no personal
    data)."""
    from zhengwu.tickets.selectors import performance_report

    wanted = request.GET.get("quarter")
    error = ""
    try:
        year, quarter = (
            bulletins.quarter_of(wanted) if wanted else bulletins.last_complete_quarter()
        )
    except ValidationFailed as failed:
        error = failed.errors["quarter"][0]
        year, quarter = bulletins.last_complete_quarter()
    start, end = bulletins.quarter_range(year, quarter)
    return render(
        request,
        "evaluation/hotline_ranking.html",
        {
            "rows": performance_report(start=start, end=end),
            "label": f"{year}年第{quarter}季度",
            "start": start,
            "end": end,
            "typed": (wanted or f"{year}-Q{quarter}")[:20],
            "error": error,
            "definitions": SECTION.definitions,
        },
        status=422 if error else 200,
    )
