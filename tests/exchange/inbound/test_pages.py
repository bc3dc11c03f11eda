"""The inbound pages: the import with its template (all or nothing, problems by row and column
in Chinese), the month's reconciliation per department and its .xlsx, the discrepancies and one
with its evidence; who may see them."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from tests.exchange.inbound.month import MONTH, generate
from zhengwu.exchange import inbound_services
from zhengwu.exchange.models.inbound import DepartmentRecord, ReconciliationFinding
from zhengwu.exchange.reconcile import reconcile
from zhengwu.exchange.record_files import HEADERS

pytestmark = pytest.mark.django_db


def xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(list(HEADERS.values()))
    for row in rows:
        sheet.append([row.get(field, "") for field in HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("scj-2025-09.xlsx", buffer.getvalue())


@pytest.fixture
def month(item, clerk, reviewer, travel):
    return generate(clerk, reviewer, travel)


def test_the_template_has_the_columns(client, supervisor):
    client.force_login(supervisor)
    response = client.get("/exchange/inbound/template.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == list(HEADERS.values())


def test_an_import_reconciles_its_month_and_shows_the_discrepancies(client, month, supervisor):
    client.force_login(supervisor)
    response = client.post("/exchange/inbound/import/", {"file": xlsx(month.records)})
    assert response.status_code == 302
    assert "month=2025-09" in response["Location"] and "department=SCJ" in response["Location"]
    assert DepartmentRecord.objects.count() == len(month.records)
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    for kind in ("off_system", "double_intake", "retroactive", "trail_conflict"):
        assert f'data-kind="{kind}"' in text
    assert "共 4 条" in text or "4" in text
    found = ReconciliationFinding.objects.get(kind="retroactive")
    detail = client.get(f"/exchange/inbound/findings/{found.pk}/").content.decode()
    assert "先办后录" in detail and month.cases[8].number in detail
    assert "3 个工作日" in detail


def test_a_bad_row_imports_nothing_and_says_where_in_chinese(client, month, supervisor):
    client.force_login(supervisor)
    rows = [*month.records[:3], dict(month.records[3], accepted_on="2025-13-40")]
    rows.append(dict(month.records[4], applicant_number="110101199001011234"))
    response = client.post("/exchange/inbound/import/", {"file": xlsx(rows)})
    assert response.status_code == 422
    text = response.content.decode()
    assert "第5行“受理日期”" in text and "第6行“申请人证件号码”" in text
    assert DepartmentRecord.objects.count() == 0


def test_a_csv_file_imports_the_same_way(client, month, supervisor):
    client.force_login(supervisor)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS.values())
    for row in month.records:
        writer.writerow([row.get(field, "") for field in HEADERS])
    upload = SimpleUploadedFile("scj.csv", out.getvalue().encode("utf-8-sig"))
    response = client.post("/exchange/inbound/import/", {"file": upload})
    assert response.status_code == 302
    assert ReconciliationFinding.objects.count() == 4


def test_a_file_without_the_columns_is_refused(client, supervisor):
    client.force_login(supervisor)
    upload = SimpleUploadedFile("x.csv", "编号,日期\n1,2\n".encode())
    response = client.post("/exchange/inbound/import/", {"file": upload})
    assert response.status_code == 422 and "缺少这些列" in response.content.decode()


def test_the_months_report_per_department_and_its_xlsx(client, month, supervisor):
    inbound_services.receive_records(actor=supervisor, rows=month.records)
    reconcile(month=MONTH, actor=supervisor)
    client.force_login(supervisor)
    page = client.get("/exchange/inbound/?month=2025-09")
    text = page.content.decode()
    assert 'data-testid="department-SCJ"' in text and "体外循环" in text
    book = load_workbook(
        io.BytesIO(client.get("/exchange/inbound/?month=2025-09&export=xlsx").content)
    )
    sheet = book.active
    assert sheet.title == "2025-09"
    assert [c.value for c in sheet[2]][:5] == ["市场监督管理局", 14, 12, 1, 1]
    assert [c.value for c in sheet[2]][5:] == [1, 1, 1, 1, 0, 4]  # by kind; reviewed, pending


def test_who_may_see_the_pages(client, month, supervisor, clerk, head, other_head):
    inbound_services.receive_records(actor=supervisor, rows=month.records)
    reconcile(month=MONTH, actor=supervisor)
    found = ReconciliationFinding.objects.first()
    client.force_login(clerk)
    assert client.get("/exchange/inbound/").status_code == 403
    client.force_login(head)
    assert client.get(f"/exchange/inbound/findings/{found.pk}/").status_code == 200
    assert client.get("/exchange/inbound/import/").status_code == 403
    client.force_login(other_head)
    assert client.get(f"/exchange/inbound/findings/{found.pk}/").status_code == 404
    assert 'data-kind="' not in client.get("/exchange/inbound/findings/").content.decode()


def test_the_home_page_offers_the_reconciliation_to_supervisors_only(client, supervisor, clerk):
    client.force_login(supervisor)
    assert "/exchange/inbound/" in client.get("/").content.decode()
    client.force_login(clerk)
    assert "/exchange/inbound/" not in client.get("/").content.decode()
