"""The annual report API, mounted at /api/v1/disclosure (docs/disclosure.md, "The annual report").
Thin: parse, call the selectors, shape the answer."""

from __future__ import annotations

from ninja import Query, Router

from zhengwu.accounts.auth import api_auth
from zhengwu.disclosure import annual_selectors

router = Router(tags=["disclosure"], auth=api_auth)


def report_answer(report: annual_selectors.AnnualReport) -> dict:
    three = report.three.as_dict()
    return {
        "year": report.year,
        "department": None
        if report.department is None
        else {"code": report.department.code, "name": report.department.name},
        "agency": report.agency,
        # Table 三.
        "rows": three["rows"],
        "balance": three["balance"],
        "balanced": three["balanced"],
        # Table 四.
        "table_4": report.four.as_dict(),
    }


@router.get("/annual-report", summary="The annual report's tables 三 and 四 for a year")
def annual_report(
    request,
    year: str = Query("", max_length=8, description="The calendar year, e.g. 2026"),
    department: str = Query(
        "", max_length=32, description="A department code; none: the whole government"
    ),
):
    """Table 三 (收到和处理政府信息公开申请情况) as ``rows`` of ``{row key: {column key: n}}``
    with each column's balance 一 + 二 = 三(七) + 四, and table 四 (行政复议、行政诉讼) as
    ``rows`` of ``{appeal kind: {result: n}}``; the keys are listed in docs/disclosure.md."""
    report = annual_selectors.report_for(request.auth, year=year, department=department)
    return report_answer(report)
