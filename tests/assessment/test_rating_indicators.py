"""The six rating indicators end to end: the ratings app's provider fills them in the API, the
indicators page, its .xlsx, and the monthly brief (where the satisfaction weight now counts),
grouped as the case indicators are and limited to the caller's departments."""

from __future__ import annotations

import datetime as dt
import io
from fractions import Fraction

import pytest
from openpyxl import load_workbook

from tests.assessment.conftest import SCJ_ITEM, ZJJ_ITEM
from tests.assessment.test_indicators import bearer
from tests.cases.helpers import AT
from zhengwu.assessment import brief as briefs
from zhengwu.assessment import documents, providers, selectors
from zhengwu.assessment.formulas import Count
from zhengwu.core import clock
from zhengwu.ratings.models import Rating, RectificationTask

OCT = {"start": dt.date(2025, 10, 1), "end": dt.date(2025, 10, 31)}
URL = "/api/v1/indicators?from=2025-10-01&to=2025-10-31&group="


def give(
    case, level, on, *, real_name=False, excluded=False, task_state="", called_back=False, event=1
):
    """A rating row as the ratings services leave it (copied from its case), with its task."""
    day = dt.date.fromisoformat(on)
    rating = Rating.objects.create(
        case=case,
        service_event=event,
        channel="onsite",
        level=level,
        real_name=real_name,
        rated_at=clock.now(),
        rated_on=day,
        item=case.item,
        department=case.department,
        window=case.window,
        staff=case.created_by,
        excluded=excluded,
    )
    if task_state:
        RectificationTask.objects.create(
            rating=rating,
            department=case.department,
            state=task_state,
            opened_on=day,
            due_on=day + dt.timedelta(days=7),
            called_back_at=clock.now() if called_back else None,
            updated_at=clock.now(),
        )
    return rating


@pytest.fixture
def rated(make_case, windows, staff):
    """SCJ, completed in October: a (rated 5), b (2, real name, called back, fed back), c (online,
    rated 3), d (1, real name, appeal upheld), e (not rated); f completed in September and rated 4
    in October. ZJJ: g completed and rated 1 (anonymous, task open) in October."""
    clerk, scj = staff["clerk"], windows["SCJ"]

    def window_case(completed, impl=SCJ_ITEM, window=scj, filed_by=clerk):
        return make_case(impl, received=completed, accepted=completed, completed=completed,
                         completion="early", window=window, filed_by=filed_by, used=1)  # fmt: skip

    a = window_case("2025-10-09")
    b = window_case("2025-10-13")
    c = make_case(received="2025-10-15", accepted="2025-10-15", completed="2025-10-15",
                  completion="early", channel="online", used=1)  # fmt: skip
    d = window_case("2025-10-20")
    window_case("2025-10-22")
    f = window_case("2025-09-29")
    g = window_case("2025-10-30", impl=ZJJ_ITEM, window=windows["ZJJ"], filed_by=None)
    give(a, 5, "2025-10-10")
    give(b, 2, "2025-10-14", real_name=True, task_state="fed_back", called_back=True)
    give(c, 3, "2025-10-16")
    give(d, 1, "2025-10-21", real_name=True, excluded=True, task_state="appeal_upheld")
    give(f, 4, "2025-10-08")
    give(g, 1, "2025-10-31", task_state="open")


SCJ_FIGURES = {
    "active_rating_rate": Count(3, 5),  # a, b, c of a–e; d's rating left the statistics
    "good_rate": Count(2, 4),  # a, f of a, b, c, f
    "satisfaction_rate": Count(3, 4),
    "bad_rate": Count(1, 4),
    "rectification_rate": Count(1, 1),
    "callback_rate": Count(1, 1),
}
ZJJ_FIGURES = {
    "active_rating_rate": Count(1, 1),
    "good_rate": Count(0, 1),
    "satisfaction_rate": Count(0, 1),
    "bad_rate": Count(1, 1),
    "rectification_rate": Count(0, 1),
    "callback_rate": Count(0, 0),
}


def figures(row):
    return {key: row.indicators[key] for key in SCJ_FIGURES}


def test_the_ratings_provider_is_registered():
    assert "ratings" in providers.registered() and "cases" in providers.registered()


def test_every_group_matches_the_case_indicators(rated, department, other_department, staff):
    def table(group, department_ids=None):
        rows = selectors.table(**OCT, group=group, department_ids=department_ids)
        return {row.name: row for row in rows}

    departments = table("department")
    assert figures(departments["市场监督管理局"]) == SCJ_FIGURES
    assert figures(departments["住房和城乡建设局"]) == ZJJ_FIGURES
    # one center: its row is the sum, under the center's key, as the case indicators'
    (center,) = table("center").values()
    assert center.key == department.center_id
    assert center.indicators["bad_rate"] == Count(2, 5)
    assert center.indicators["on_time_rate"] == Count(6, 6)
    # windows and staff: online applications are the None row, beside the case figures
    windows = table("window")
    online = windows["网上申报（无窗口）"]
    assert online.indicators["satisfaction_rate"] == Count(1, 1)
    assert online.indicators["active_rating_rate"] == Count(1, 1)
    assert online.indicators["online_rate"] == Count(1, 1)
    assert windows["05 市场监管窗口"].indicators["good_rate"] == Count(2, 3)
    assert windows["05 市场监管窗口"].indicators["active_rating_rate"] == Count(2, 4)
    by_staff = {row.key: row for row in selectors.table(**OCT, group="staff", department_ids=None)}
    assert by_staff[staff["clerk"].pk].indicators["good_rate"] == Count(2, 3)
    assert by_staff[None].indicators["bad_rate"] == Count(1, 2)  # c online, g with no clerk
    items = table("item")
    assert items["建筑工程施工许可"].indicators["bad_rate"] == Count(1, 1)
    # the caller's departments only
    mine = table("center", department_ids=[department.pk])
    (only,) = mine.values()
    assert figures(only) == SCJ_FIGURES


def test_api_shows_the_rating_figures_in_the_callers_scope(client, rated, staff):
    body = client.get(URL + "department", **bearer(staff["leader"])).json()
    scj = next(r for r in body["rows"] if r["name"] == "市场监督管理局")["indicators"]
    good = scj["good_rate"]
    assert (good["numerator"], good["denominator"], good["value"]) == (2, 4, 0.5)
    assert good["display"] == "50.00%"
    assert (scj["callback_rate"]["numerator"], scj["callback_rate"]["denominator"]) == (1, 1)
    # the SCJ head asks for the center: SCJ's ratings only, ZJJ's bad rating stays out
    rows = client.get(URL + "center", **bearer(staff["head"])).json()["rows"]
    assert len(rows) == 1
    bad = rows[0]["indicators"]["bad_rate"]
    assert (bad["numerator"], bad["denominator"], bad["display"]) == (1, 4, "25.00%")


def test_indicators_page_and_export(client, rated, staff):
    client.force_login(staff["leader"])
    page = client.get("/assessment/indicators/?from=2025-10-01&to=2025-10-31").content.decode()
    assert 'title="3 ÷ 4"' in page and "75.00%" in page
    assert "评价日期" in page  # the date basis beside the rating indicators
    response = client.get("/assessment/indicators/?from=2025-10-01&to=2025-10-31&format=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    values, counts = book.worksheets[0], book.worksheets[1]
    header = [cell.value for cell in values[1]]
    scj_values = next(r for r in values.iter_rows(values_only=True) if r[0] == "市场监督管理局")
    assert scj_values[header.index("满意率")] == "75.00%"
    count_header = [cell.value for cell in counts[1]]
    scj_counts = next(r for r in counts.iter_rows(values_only=True) if r[0] == "市场监督管理局")
    assert scj_counts[count_header.index("满意率 分子")] == 3
    assert scj_counts[count_header.index("满意率 分母")] == 4


def test_brief_weighs_satisfaction(rated, travel, settings, client, staff):
    travel(AT("2025-11-05 09:00"))
    settings.ZHENGWU_BRIEF_WEIGHTS = {"on_time_rate": 1, "satisfaction_rate": 1}
    brief = briefs.build(year=2025, month=10)
    scj, zjj = brief.departments
    # both decided every case early: satisfaction alone tells them apart
    assert (scj.name, scj.score, scj.rank) == ("市场监督管理局", Fraction(175, 2), 1)
    assert (zjj.name, zjj.score, zjj.rank) == ("住房和城乡建设局", 50, 2)
    assert brief.total.indicators["satisfaction_rate"] == Count(3, 5)
    overview = {row[0]: row for row in documents.brief_tables(brief)[0].rows}
    assert overview["满意率"][1] == "60.00%" and overview["满意率"][3] == "3 ÷ 5"
    client.force_login(staff["leader"])
    book = load_workbook(io.BytesIO(client.get("/assessment/brief/2025-10/xlsx/").content))
    sheet = book["部门排名"] if "部门排名" in book.sheetnames else book.worksheets[1]
    header = [cell.value for cell in sheet[1]]
    first = [cell.value for cell in sheet[2]]
    assert first[1] == "市场监督管理局" and first[header.index("满意率")] == "75.00%"


def test_an_upheld_appeal_leaves_the_figures(rated, department):
    rating = Rating.objects.get(level=2)
    Rating.objects.filter(pk=rating.pk).update(excluded=True)
    row = selectors.table(**OCT, group="center", department_ids=[department.pk])[0]
    assert row.indicators["bad_rate"] == Count(0, 3)
    assert row.indicators["active_rating_rate"] == Count(2, 5)
    assert row.indicators["callback_rate"] == Count(0, 0)


def test_a_case_rated_twice_counts_once_among_the_rated(rated, department):
    """A case rated at two service events (or through two channels) is one rated case."""
    a = Rating.objects.get(level=5).case
    give(a, 4, "2025-10-12", event=2)
    for group in ("center", "department", "window", "staff", "item"):
        rows = selectors.table(**OCT, group=group, department_ids=[department.pk])
        rated_cases = sum(row.indicators["active_rating_rate"].numerator for row in rows)
        assert rated_cases == 3, group
    center = selectors.table(**OCT, group="center", department_ids=[department.pk])[0]
    assert center.indicators["active_rating_rate"] == Count(3, 5)
