"""Issue flow: a supervisor opens the board, drills into a red case, and reviews one of its
irregularities; the review stays on the irregularity and shows on the case page."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.cases.helpers import applicant_payload, file_case
from tests.catalog.builders import item_dict
from tests.factories import DepartmentFactory, UserFactory
from zhengwu.cases import services
from zhengwu.catalog import services as catalog_services
from zhengwu.core import clock
from zhengwu.core.roles import Role
from zhengwu.supervision import sweep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def red_case():
    department = DepartmentFactory(code="SCJ", name="市场监督管理局")
    catalog_services.import_items([item_dict()], valid_from=clock.today() - dt.timedelta(days=120))
    clerk = UserFactory(roles=[Role.WINDOW_CLERK], department=department, username="clerk")
    UserFactory(roles=[Role.REVIEWER], department=department, username="reviewer")
    UserFactory(roles=[Role.SUPERVISOR], username="supervisor", full_name="王监察")
    # Paper work entered late: received and accepted 60 days ago, recorded today.
    long_ago = clock.now() - dt.timedelta(days=60)
    case = file_case(clerk, applicant=applicant_payload(3), received_at=long_ago)
    case = services.act(
        actor=clerk,
        number=case.number,
        action="accept",
        data={},
        occurred_at=long_ago + dt.timedelta(hours=2),
    )
    sweep.run(daily=False)
    case.refresh_from_db()
    assert case.level in ("red", "statutory_overdue")
    return case


def test_a_supervisor_drills_into_a_red_case_and_reviews(page, login, red_case):
    login("supervisor")
    page.goto("/")
    page.get_by_role("link", name="电子监察看板").first.click()
    level = red_case.level
    cell = page.locator(f"[data-testid=cell-SCJ-{level}] a")
    assert cell.inner_text() == "1"
    cell.click()
    page.locator(f"[data-testid=case-{red_case.number}] a").first.click()
    page.wait_for_selector("[data-testid=case-supervision]")
    assert page.locator("[data-testid=case-warnings]").count() == 1
    # both the backdated filing and the backdated acceptance were entered late
    panel = page.locator("[data-testid=case-irregularities] li[data-kind=retroactive]").last
    panel.get_by_role("link", name="证据与核查").click()
    assert page.locator("[data-testid=irregularity-kind]").inner_text() == "先办后录"
    assert "迟录工作日数" in page.locator("[data-testid=evidence]").inner_text()
    page.get_by_label("属实：确属违规").check()
    page.get_by_label("核查说明").fill("纸质受理后未及时录入，已要求窗口整改")
    page.click("[data-testid=submit-review]")
    page.wait_for_selector("[data-testid=confirm-step]")
    page.click("[data-testid=confirm-submit]")
    page.wait_for_selector("[data-testid=irregularity-status][data-status=confirmed]")
    assert "已要求窗口整改" in page.locator("[data-testid=reviews]").inner_text()
    page.locator("[data-testid=irregularity-case]").click()
    assert "已要求窗口整改" in page.locator("[data-testid=case-irregularities]").inner_text()
