"""The annual report over requests filed and handled through the services: the tables of a year
per department and for the whole government, carried over from one year into the next, the API,
the page with its prose and downloads, and who may read what."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse

from tests.disclosure.conftest import AT, file, organisation
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.disclosure import annual, annual_selectors, annual_services, services
from zhengwu.disclosure.models import DisclosureRequest

pytestmark = pytest.mark.django_db
D = dt.date
API = "/api/v1/disclosure/annual-report"


def reply(actor, number, **data):
    return services.act(actor=actor, number=number, action="reply", data=data)


def route(actor, number, code):
    return services.act(actor=actor, number=number, action="route", data={"department": code})


@pytest.fixture
def history(travel, office, citizen, department, other_department):
    """Two years: four requests of 2025 (one still open on 31 December), seven of 2026 (two
    open now), in SCJ and ZJJ, and two appeals."""
    travel(AT("2025-03-03 10:00"))
    a = file(citizen).number  # SCJ, disclosed in 2025
    route(office, a, "SCJ")
    reply(office, a, type="disclosed")
    travel(AT("2025-12-22 10:00"))
    b = file(citizen, who=organisation(1, "business")).number  # SCJ, withheld in January 2026
    route(office, b, "SCJ")
    c = file(citizen).number  # ZJJ, partly disclosed in January 2026
    route(office, c, "ZJJ")
    d = file(citizen, who=organisation(2, "legal_service")).number  # never routed, still open
    travel(AT("2026-01-06 10:00"))
    reply(office, b, type="withheld", reason=4)
    reply(office, c, type="partial")
    travel(AT("2026-03-02 10:00"))
    e = file(citizen).number  # SCJ: not held
    route(office, e, "SCJ")
    reply(office, e, type="not_exist")
    f = file(citizen, who=organisation(3, "research")).number  # SCJ: a repeated request
    route(office, f, "SCJ")
    reply(office, f, type="duplicate")
    g = file(citizen).number  # ZJJ: withdrawn
    route(office, g, "ZJJ")
    services.act(actor=citizen, number=g, action="withdraw")
    h = file(citizen).number  # SCJ: still open
    route(office, h, "SCJ")
    i = file(citizen, who=organisation(4, "public_interest")).number  # ZJJ: still open
    route(office, i, "ZJJ")
    travel(AT("2026-04-01 10:00"))
    services.record_appeal(actor=office, number=b, kind="reconsideration", filed_on=D(2026, 2, 2))
    appeal = services.record_appeal(
        actor=office, number=b, kind="lawsuit_direct", filed_on=D(2026, 3, 20)
    )
    services.decide_appeal(
        actor=office, appeal_id=appeal.pk, result="corrected", decided_on=D(2026, 3, 31)
    )
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "h": h, "i": i}


def _records():
    return [
        annual.Request(
            r.received_on, r.applicant_type, r.completed_on, r.result or None, r.result_reason
        )
        for r in DisclosureRequest.objects.all()
    ]


def test_the_whole_government_over_two_years(history, office):
    y2025 = annual_selectors.report_for(office, year=2025)
    y2026 = annual_selectors.report_for(office, year=2026)
    assert y2025.department is None
    assert y2025.three.cell("received") == 4
    assert y2025.three.cell("disclosed") == 1
    assert y2025.three.cell("carried_forward") == 3
    assert y2025.three.rows["carried_forward"]["legal_service"] == 1
    # 2025's carried forward is 2026's carried over, column by column.
    assert y2026.three.rows["carried_over"] == y2025.three.rows["carried_forward"]
    rows = y2026.three.rows
    assert rows["received"]["total"] == 5
    assert rows["withheld_third_party_rights"]["business"] == 1
    assert rows["partial"]["person"] == 1
    assert rows["unavailable_not_held"]["person"] == 1
    assert rows["not_handled_repeated"]["research"] == 1
    assert rows["other_other"]["person"] == 1  # withdrawn
    assert rows["results_total"]["total"] == 5
    assert rows["carried_forward"]["total"] == 3  # d, h, i
    assert y2026.three.balanced and y2025.three.balanced
    # The grouped counts are those of the records, counted one by one.
    for year, found in ((2025, y2025), (2026, y2026)):
        assert found.three == annual.table_three(year, _records())
    four = y2026.four.rows
    assert four["reconsideration"]["pending"] == 1
    assert four["lawsuit_direct"]["corrected"] == 1
    assert four["lawsuit_direct"]["total"] == 1
    assert y2025.four.rows["reconsideration"]["total"] == 0


def test_a_department_counts_the_requests_it_holds(history, office, scj_officer):
    scj = annual_selectors.report_for(office, year=2026, department="SCJ")
    assert scj.department.code == "SCJ"
    assert scj.three.cell("carried_over") == 1  # b
    assert scj.three.cell("received") == 3  # e, f, h
    assert scj.three.cell("carried_forward") == 1  # h
    assert scj.four.rows["reconsideration"]["total"] == 1
    zjj = annual_selectors.report_for(office, year=2026, department="ZJJ")
    assert zjj.three.cell("received") == 2 and zjj.four.rows["lawsuit_direct"]["total"] == 0
    # The department officer reads their own department's report by default, and no other.
    own = annual_selectors.report_for(scj_officer, year=2026)
    assert own.department.code == "SCJ" and own.three == scj.three
    with pytest.raises(NotFound):
        annual_selectors.report_for(scj_officer, year=2026, department="ZJJ")


def test_who_may_read_it(history, make_user, citizen):
    from zhengwu.core.roles import Role

    for role in (Role.SUPERVISOR, Role.LEADER):
        assert annual_selectors.report_for(make_user(role), year=2026).department is None
    for role in (Role.WINDOW_CLERK, Role.OPERATOR):
        with pytest.raises(Forbidden):
            annual_selectors.report_for(make_user(role), year=2026)
    with pytest.raises(Forbidden):
        annual_selectors.report_for(citizen, year=2026)


@pytest.mark.parametrize("year", ["", "abc", "2007", "2027", "20261"])
def test_a_year_out_of_range_is_refused(history, office, year):
    with pytest.raises(ValidationFailed) as info:
        annual_selectors.report_for(office, year=year)
    assert "year" in info.value.errors


def test_a_completion_without_a_result_does_not_balance(history, office):
    # A row written around the services: completed, but no result to count it under.
    DisclosureRequest.objects.filter(number=history["h"]).update(completed_on=D(2026, 3, 20))
    with pytest.raises(DomainError) as info:
        annual_selectors.report_for(office, year=2026)
    assert info.value.code == "annual_report_unbalanced"


# ---------------------------------------------------------------- the API


def _api(user, **params):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(API, params)


def test_the_api_answers_both_tables_with_the_documented_keys(history, office):
    answer = _api(office, year=2026)
    assert answer.status_code == 200
    body = answer.json()
    assert list(body["rows"]) == list(annual.ROWS)
    assert list(body["rows"]["received"]) == list(annual.COLUMNS)
    assert body["rows"]["received"]["total"] == 5
    assert body["rows"]["carried_over"]["total"] == 3
    assert body["balanced"] is True
    assert body["balance"]["total"] == {"incoming": 8, "outgoing": 8, "balanced": True}
    assert body["table_4"]["rows"]["lawsuit_direct"] == {
        "upheld": 0,
        "corrected": 1,
        "other": 0,
        "pending": 0,
        "total": 1,
    }
    assert body["department"] is None
    scj = _api(office, year=2026, department="SCJ").json()
    assert scj["department"] == {"code": "SCJ", "name": "市场监督管理局"}
    assert scj["rows"]["received"]["total"] == 3


def test_the_api_errors(history, office, scj_officer, citizen):
    assert _api(None, year=2026).status_code == 401
    assert _api(citizen, year=2026).status_code == 403
    bad = _api(office, year="1999")
    assert bad.status_code == 422 and "year" in bad.json()["errors"]
    assert _api(office, year=2026, department="NOPE").status_code == 404
    assert _api(scj_officer, year=2026, department="ZJJ").status_code == 404
    DisclosureRequest.objects.filter(number=history["h"]).update(completed_on=D(2026, 3, 20))
    conflict = _api(office, year=2026)
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "annual_report_unbalanced"


# ---------------------------------------------------------------- the page


def _page(client, **params):
    return client.get(reverse("disclosure_annual:report"), params)


def test_the_page_shows_the_tables_the_balance_and_the_chart(history, office):
    client = Client()
    client.force_login(office)
    page = _page(client, year=2026)
    assert page.status_code == 200
    html = page.content.decode()
    assert "三、收到和处理政府信息公开申请情况" in html
    assert "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" in html
    assert 'data-key="received:total">5<' in html
    assert 'data-key="lawsuit_direct:corrected">1<' in html
    assert "核对：本年新收 5 件 + 上年结转 3 件 = 8 件" in html
    assert 'id="annual-data"' in html and "echarts.min.js" in html
    assert 'name="overview"' in html  # the office writes the prose


def test_the_prose_is_kept_and_goes_into_the_document(history, office, travel):
    from docx import Document

    travel(AT("2026-04-02 09:00"))
    client = Client()
    client.force_login(office)
    saved = client.post(
        f"{reverse('disclosure_annual:report')}?year=2026",
        {
            "overview": "本年度依申请公开工作平稳。",
            "problems": "答复时限仍需压缩。",
            "version": "0",
        },
    )
    assert saved.status_code == 302
    assert "year=2026" in saved["Location"]
    page = _page(client, year=2026).content.decode()
    assert "本年度依申请公开工作平稳。" in page and "王公开" in page
    docx = client.get(reverse("disclosure_annual:docx"), {"year": 2026})
    assert docx.status_code == 200
    assert "attachment" in docx["Content-Disposition"]
    texts = [p.text for p in Document(io.BytesIO(docx.content)).paragraphs]
    assert "本年度依申请公开工作平稳。" in texts and "答复时限仍需压缩。" in texts
    # Downloaded again after a new request: the text stays, the tables follow the requests.
    file(office, channel="in_person", received_at=AT("2026-04-02 08:30"))
    again = client.get(reverse("disclosure_annual:docx"), {"year": 2026})
    document = Document(io.BytesIO(again.content))
    assert "本年度依申请公开工作平稳。" in [p.text for p in document.paragraphs]
    assert document.tables[0].cell(3, 9).text == "6"
    # A second writer who saw an older version is refused, and keeps what they typed.
    stale = client.post(
        f"{reverse('disclosure_annual:report')}?year=2026",
        {"overview": "另一稿", "version": "0"},
    )
    assert stale.status_code == 409
    assert "另一稿" in stale.content.decode()


def test_the_workbook_download(history, office):
    from openpyxl import load_workbook

    client = Client()
    client.force_login(office)
    answer = client.get(reverse("disclosure_annual:xlsx"), {"year": 2026, "department": "SCJ"})
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "市场监督管理局2026年政府信息公开工作年度报告"
    assert sheet["J6"].value == 3
    assert client.get(reverse("disclosure_annual:xlsx"), {"year": "x"}).status_code == 404


def test_the_page_refuses_what_the_reader_may_not_see(history, scj_officer, citizen, make_user):
    from zhengwu.core.roles import Role

    client = Client()
    client.force_login(scj_officer)
    own = _page(client, year=2026)
    assert own.status_code == 200 and 'value="ZJJ"' not in own.content.decode()
    assert _page(client, year=2026, department="ZJJ").status_code == 404
    assert _page(client, year="abc").status_code == 422
    client.force_login(citizen)
    assert _page(client, year=2026).status_code == 403
    leader = make_user(Role.LEADER)
    client.force_login(leader)
    page = _page(client, year=2026)
    assert page.status_code == 200 and 'name="overview"' not in page.content.decode()
    posted = client.post(f"{reverse('disclosure_annual:report')}?year=2026", {"overview": "x"})
    assert posted.status_code == 403


def test_the_service_keeps_each_writer_to_their_scope(history, scj_officer, office, department):
    with pytest.raises(Forbidden):
        annual_services.save_text(actor=scj_officer, year=2026, department=None, texts={})
    row = annual_services.save_text(
        actor=scj_officer, year=2026, department=department, texts={"overview": "市监局"}
    )
    assert row.version == 1 and row.overview == "市监局"
    with pytest.raises(ValidationFailed) as info:
        annual_services.save_text(
            actor=office, year=2026, department=None, texts={"title": "x", "overview": "a\x00"}
        )
    assert set(info.value.errors) == {"title", "overview"}
