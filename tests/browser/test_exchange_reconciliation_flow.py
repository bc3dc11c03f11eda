"""Reconciliation flow: a supervisor imports a department's month of records (the .xlsx of its
own system) with one planted discrepancy of each kind, sees 体外循环, 两头受理 and 先办后录 among
the month's discrepancies, and opens the 先办后录 one with its evidence: both sides' dates, the
step that differs and the gap in working days; confirms it as an irregularity (after confirming
the act), and the month's report counts it reviewed and the other three pending."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import Workbook

from tests.catalog.builders import item_dict
from tests.exchange.inbound.month import generate
from tests.factories import DepartmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def travel():
    machines = []

    def go(moment: dt.datetime):
        if machines:
            machines.pop().stop()
        machine = time_machine.travel(moment, tick=False)
        machine.start()
        machines.append(machine)

    yield go
    for machine in machines:
        machine.stop()


@pytest.fixture
def month_file(travel, tmp_path):
    from tests.cases.helpers import AT
    from zhengwu.catalog import services as catalog_services
    from zhengwu.core.roles import Role
    from zhengwu.exchange.record_files import HEADERS

    department = DepartmentFactory(code="SCJ", name="市场监督管理局")
    travel(AT("2025-01-02 09:00"))
    catalog_services.import_items([item_dict()], valid_from=dt.date(2025, 1, 1))
    clerk = UserFactory(roles=[Role.WINDOW_CLERK], department=department, username="clerk")
    reviewer = UserFactory(roles=[Role.REVIEWER], department=department, username="reviewer")
    UserFactory(roles=[Role.SUPERVISOR], username="supervisor", full_name="赵监察")
    month = generate(clerk, reviewer, travel)
    book = Workbook()
    book.active.append(list(HEADERS.values()))
    for row in month.records:
        book.active.append([row.get(field, "") for field in HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "市场监督管理局-2025年9月.xlsx"
    path.write_bytes(buffer.getvalue())
    return path, month


def test_import_a_month_see_the_discrepancies_and_open_one(browser, live_server, month_file):
    path, month = month_file
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.fill("#id_username", "supervisor")
        page.fill("#id_password", "pass-1234")
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=current-user]")

        page.goto("/exchange/inbound/import/")
        assert page.locator("[data-testid=template]").count() == 1
        page.set_input_files("input[name=file]", str(path))
        page.click("[data-testid=submit-import]")
        page.wait_for_selector("[data-testid=findings]")
        kinds = page.locator("[data-testid=findings] tbody tr").evaluate_all(
            "rows => rows.map(row => row.dataset.kind)"
        )
        assert sorted(kinds) == ["double_intake", "off_system", "retroactive", "trail_conflict"]
        text = page.locator("[data-testid=findings]").inner_text()
        for label in ("体外循环", "两头受理", "先办后录"):
            assert label in text

        page.locator("tr[data-kind=retroactive] a[data-testid^=open-]").click()
        page.wait_for_selector("[data-testid=finding-kind]")
        assert page.locator("[data-testid=finding-kind]").inner_text() == "先办后录"
        assert page.locator("[data-testid=finding-case]").inner_text() == month.cases[8].number
        assert "3 个工作日" in page.locator("[data-testid=gap]").inner_text()
        received = page.locator("[data-testid=step-received]")
        assert "table-warning" in (received.get_attribute("class") or "")
        cells = received.locator("td").all_inner_texts()
        assert cells[0] != cells[1]  # the department's day against the center's

        # reviewed as any irregularity: confirming is a legal act, asked to be confirmed first
        page.get_by_label("属实：确属违规").check()
        page.get_by_label("核查说明").fill("部门先行受理，三个工作日后才录入中心系统")
        page.click("[data-testid=submit-review]")
        page.wait_for_selector("[data-testid=confirm-step]")
        assert month.cases[8].number in page.locator("[data-testid=confirm-facts]").inner_text()
        page.click("[data-testid=confirm-submit]")
        page.wait_for_selector("[data-testid=finding-status][data-status=confirmed]")
        assert "三个工作日后" in page.locator("[data-testid=reviews]").inner_text()
        assert "赵监察" in page.locator("[data-testid=reviews]").inner_text()

        page.goto("/exchange/inbound/?month=2025-09")
        row = page.locator("[data-testid=department-SCJ]")
        assert row.locator("[data-testid=count-off_system]").inner_text() == "1"
        assert row.locator("[data-testid=reviewed]").inner_text() == "1"
        assert row.locator("[data-testid=pending]").inner_text() == "3"
        assert "待核查" in page.locator("[data-testid=definitions]").inner_text()
    finally:
        context.close()
