"""The assessment pages: who may open them, what they show, their downloads and bad input."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from tests.cases.helpers import AT


@pytest.fixture
def october(make_case, windows, staff):
    make_case(received="2025-10-08", accepted="2025-10-08", completed="2025-10-20",
              completion="early", window=windows["SCJ"], filed_by=staff["clerk"],
              used=5)  # fmt: skip
    make_case("11330100ZJJ-XK-0001", received="2025-10-09", channel="online")
    make_case(received="2025-10-10", accepted="2025-10-10")  # still open


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_indicators_page_is_scoped(as_user, staff, october, travel):
    travel(AT("2025-11-05 09:00"))
    page = as_user(staff["head"]).get("/assessment/indicators/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "市场监督管理局" in text and "住房和城乡建设局" not in text
    assert "您只能看到本部门的办件数据" in text
    # the definitions beside the numbers, and the counts behind each value
    assert "按办结日期计入期间" in text and 'title="1 ÷ 1"' in text
    assert "2025-10-01" in text  # the last complete month by default
    leader = as_user(staff["leader"]).get("/assessment/indicators/?from=2025-10-01&to=2025-10-31")
    assert "住房和城乡建设局" in leader.content.decode()


def test_indicators_page_bad_input_keeps_what_was_typed(as_user, staff):
    page = as_user(staff["leader"]).get("/assessment/indicators/?from=2025-10-31&to=2025-10-01")
    assert page.status_code == 422
    text = page.content.decode()
    assert "结束日期不能早于开始日期" in text and 'value="2025-10-31"' in text
    page = as_user(staff["leader"]).get("/assessment/indicators/?from=x&to=2025-10-01")
    assert page.status_code == 422
    # NUL is refused before the page (core.middleware.RejectNulMiddleware).
    page = as_user(staff["leader"]).get("/assessment/indicators/?from=x&to=2025-10-01&group=%00")
    assert page.status_code == 400


def test_indicators_export(as_user, staff, october):
    response = as_user(staff["leader"]).get(
        "/assessment/indicators/?from=2025-10-01&to=2025-10-31&group=window&format=xlsx"
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    values = book.worksheets[0]
    assert values["A1"].value == "窗口" and values["B1"].value == "办结率"
    assert {values.cell(r, 1).value for r in range(2, values.max_row + 1)} == {
        "05 市场监管窗口",
        "网上申报（无窗口）",
        "合计",
    }
    # The page's total row, last, in the values and in the counts.
    assert values.cell(values.max_row, 1).value == "合计"
    assert book.worksheets[1].cell(book.worksheets[1].max_row, 1).value == "合计"
    assert book.sheetnames[0] == "绩效指标 2025年10月1日 至 2025年10月31日"
    assert book.sheetnames[-1] == "指标口径"


def test_who_may_open_what(client, as_user, staff, october, travel):
    travel(AT("2025-11-05 09:00"))
    for url in ("/assessment/indicators/", "/assessment/brief/2025-10/", "/assessment/dashboard/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert as_user(staff["citizen"]).get("/assessment/indicators/").status_code == 403
    for who in ("clerk", "head"):
        as_user(staff[who])
        assert client.get("/assessment/indicators/").status_code == 200
        assert client.get("/assessment/brief/2025-10/").status_code == 403
        assert client.get("/assessment/brief/2025-10/docx/").status_code == 403
        assert client.get("/assessment/dashboard/").status_code == 403
    for who in ("supervisor", "leader"):
        as_user(staff[who])
        assert client.get("/assessment/brief/2025-10/").status_code == 200
        assert client.get("/assessment/dashboard/").status_code == 200


def test_brief_page_and_downloads(as_user, staff, october, travel):
    travel(AT("2025-11-05 09:00"))
    client = as_user(staff["leader"])
    index = client.get("/assessment/brief/")
    assert index.status_code == 200 and "/assessment/brief/2025-10/" in index.content.decode()
    assert (
        client.get("/assessment/brief/?month=2025-10")["Location"] == "/assessment/brief/2025-10/"
    )
    bad = client.get("/assessment/brief/?month=2025-99")
    assert bad.status_code == 422 and "请按" in bad.content.decode()
    assert client.get("/assessment/brief/2025-13/").status_code == 404
    assert client.get("/assessment/brief/2026-01/").status_code == 404  # not begun
    page = client.get("/assessment/brief/2025-10/").content.decode()
    for heading in ("一、总体情况", "二、部门排名", "三、窗口排名", "四、预警与违规", "指标口径"):
        assert heading in page
    docx = client.get("/assessment/brief/2025-10/docx/")
    assert docx.status_code == 200
    assert docx["Content-Disposition"].endswith(".docx")
    assert docx.content[:2] == b"PK"
    xlsx = client.get("/assessment/brief/2025-10/xlsx/")
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames[0] == "总体情况"


def test_dashboard_has_a_table_beside_every_chart(as_user, staff, october, travel):
    travel(AT("2025-11-05 09:00"))
    response = as_user(staff["supervisor"]).get("/assessment/dashboard/?month=2025-10")
    assert response.status_code == 200
    text = response.content.decode()
    for chart in ("chart-flow", "chart-rates", "chart-levels", "chart-irregularities"):
        section = text.split(f'data-testid="{chart}"')[1].split("</section>")[0]
        assert f'id="{chart}"' in section and "<table" in section
    assert "<script>" not in text  # CSP: no inline script, the data is JSON
    data = json.loads(text.split('id="dashboard-data" type="application/json">')[1].split("<")[0])
    october_flow = next(m for m in data["flow"] if m["month"] == "2025-10")
    assert october_flow == {
        "month": "2025-10",
        "label": "2025年10月",
        "received": 3,
        "completed": 1,
    }
    assert "<td>2025年10月</td>" in text
    assert sum(level["value"] for level in data["levels"]) == 2  # open: one submitted, one accepted
    assert "dashboard.js" in text
    bad = as_user(staff["supervisor"]).get("/assessment/dashboard/?month=abc")
    assert bad.status_code == 422


def test_home_page_entries(as_user, staff):
    leader = as_user(staff["leader"]).get("/").content.decode()
    for url in ("/assessment/dashboard/", "/assessment/brief/", "/assessment/indicators/"):
        assert f'href="{url}"' in leader
    head = as_user(staff["head"]).get("/").content.decode()
    assert 'href="/assessment/indicators/"' in head and "本部门绩效指标" in head
    assert 'href="/assessment/dashboard/"' not in head
