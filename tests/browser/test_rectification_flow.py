"""Rectification flow: the supervising office turns a finding into a problem with two measures;
the responsible unit reports progress with an evidence photo and claims completion; the office
verifies (after confirming) and downloads the published report. Each person in their own
browser."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest

from tests.factories import DepartmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def people():
    from zhengwu.core.roles import Role

    unit = DepartmentFactory(code="SPJ", name="行政审批服务局")
    return {
        "office": UserFactory(roles=[Role.SUPERVISOR], username="office", full_name="赵督查"),
        "head": UserFactory(
            roles=[Role.DEPARTMENT_HEAD], department=unit, username="head", full_name="钱局长"
        ),
        "clerk": UserFactory(
            roles=[Role.WINDOW_CLERK], department=unit, username="clerk", full_name="孙科员"
        ),
    }


@pytest.fixture
def open_as(browser, live_server):
    contexts = []

    def open_(username: str):
        context = browser.new_context(locale="zh-CN", base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "pass-1234")
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=current-user]")
        return page

    yield open_
    for context in contexts:
        context.close()


def no_problems(page):
    assert page.locator("[data-testid=problems]").count() == 0, page.content()


def test_finding_to_measures_to_verified_report(people, open_as):
    from zhengwu.core import clock

    today = clock.today()
    deadline = (today + dt.timedelta(days=20)).isoformat()
    office = open_as("office")
    office.goto("/evaluation/rectification/new/")
    office.select_option("#id_kind", "supervision")
    office.fill("#id_title", "电子监察发现：窗口超时办结")
    office.fill("#id_date", today.isoformat())
    office.fill("#id_area", "窗口服务效能")
    office.fill("#id_item", "按时办结")
    office.fill("#id_text", "部分承诺件超期办结")
    office.click("[data-testid=save-ledger]")
    office.wait_for_selector("[data-testid=counts]")
    no_problems(office)
    ledger_url = office.url
    for text, kind in (("逐件倒查超期原因", "immediate"), ("建立超期预警提醒制度", "deadline")):
        form = office.locator("[data-testid=measure-form]")
        form.locator("#id_text").fill(text)
        form.locator("#id_unit").select_option("SPJ")
        form.locator("#id_leader").select_option(str(people["head"].pk))
        form.locator("#id_person").select_option(str(people["clerk"].pk))
        form.locator("#id_kind").select_option(kind)
        form.locator("#id_deadline").fill(deadline)
        form.locator("[data-testid=save-measure]").click()
        office.wait_for_selector("[data-testid=counts]")
        no_problems(office)
    assert office.locator("[data-testid=count-measures]").inner_text() == "2"
    assert office.locator("[data-testid=measure-row]").count() == 2
    assert "钱局长" in office.content()

    clerk = open_as("clerk")
    clerk.goto("/evaluation/rectification/")
    clerk.locator("[data-testid=ledger-row] a").first.click()
    clerk.get_by_role("link", name="逐件倒查超期原因").click()
    progress = clerk.locator("[data-testid=action-progress]")
    progress.locator("textarea").fill("已倒查12件超期件，逐件说明原因")
    progress.locator("input[type=file]").set_input_files(
        {"name": "倒查清单.png", "mimeType": "image/png", "buffer": PNG}
    )
    progress.locator("[data-testid=do-progress]").click()
    clerk.wait_for_selector("[data-testid=evidence-link]")
    no_problems(clerk)
    claim = clerk.locator("[data-testid=action-claim]")
    claim.locator("textarea").fill("已全部整改")
    claim.locator("[data-testid=do-claim]").click()
    clerk.wait_for_selector("[data-testid=state]")
    assert clerk.locator("[data-testid=state]").inner_text() == "已申请销号"
    measure_url = clerk.url

    office.goto(measure_url)
    assert office.locator("[data-testid=evidence-link]").inner_text() == "倒查清单.png"
    office.locator("[data-testid=do-verify]").click()
    office.wait_for_selector("[data-testid=confirm-step]")
    office.click("[data-testid=confirm-submit]")
    office.wait_for_selector("[data-testid=state]")
    assert office.locator("[data-testid=state]").inner_text() == "已验收销号"

    office.goto(ledger_url)
    assert office.locator("[data-testid=count-measures_done]").inner_text() == "1"
    with office.expect_download() as download:
        office.click("[data-testid=ledger-docx]")
    content = open(download.value.path(), "rb").read()
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)
    assert "梳理出1个方面、1个大项、1条具体问题，制定整改措施2条" in text
    assert "2条整改措施已验收销号1条" in text
