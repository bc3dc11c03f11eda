"""Disclosure flow: a citizen files a request online without logging in; the disclosure officer
asks for a supplement; the citizen supplements on the follow page; the officer consults a third
party and records its answer, replies 部分公开 and downloads the reply as .docx; the request is
counted in the year's table 三 in the natural-person column of the 部分公开 row. Each person works
in their own browser."""

from __future__ import annotations

import io

import docx
import pytest

from tests.factories import DepartmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ID_NUMBER = "110101199003074514"
PHONE = "13912345678"


@pytest.fixture
def people():
    from zhengwu.core.roles import Role

    DepartmentFactory(code="ZRZY", name="自然资源和规划局")
    return {
        # The government's disclosure office (no department): it sees every request.
        "officer": UserFactory(
            roles=[Role.DISCLOSURE_OFFICER], department=None, username="officer", full_name="陈公开"
        ),
    }


@pytest.fixture
def open_as(browser, live_server):
    contexts = []

    def open_(username: str | None = None):
        context = browser.new_context(locale="zh-CN", base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        if username:
            page.goto("/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", "pass-1234")
            page.click("button[type=submit]")
            page.wait_for_selector("[data-testid=current-user]")
        return page

    yield open_
    for context in contexts:
        context.close()


def act(page, number: str, action: str, fill=None, confirm=True):
    page.goto(f"/disclosure/requests/{number}/")
    section = page.locator(f"[data-testid=action-{action}]")
    if fill:
        fill(section)
    section.locator(f"[data-testid=do-{action}]").click()
    page.wait_for_load_state()
    if confirm and page.locator("[data-testid=confirm-step]").count():
        page.click("[data-testid=confirm-submit]")
        page.wait_for_load_state()
    assert page.locator("[data-testid=problems]").count() == 0, page.content()


def state(page, number: str) -> str:
    page.goto(f"/disclosure/requests/{number}/")
    return page.locator("[data-testid=state]").get_attribute("data-state")


def test_file_supplement_consult_reply_partially_and_count_in_table_three(people, open_as):
    citizen = open_as()
    citizen.goto("/disclosure/apply/")
    citizen.check("input[name=applicant_kind][value=person]")
    citizen.fill("input[name=name]", "王小明")
    citizen.fill("input[name=id_number]", ID_NUMBER)
    citizen.fill("input[name=phone]", PHONE)
    citizen.fill("input[name=address]", "杭州市西湖区文三路1号")
    citizen.fill("textarea[name=description]", "本村土地征收补偿方案")
    citizen.check("input[name=form][value=electronic]")
    citizen.check("input[name=delivery][value=email]")
    citizen.click("[data-testid=apply-submit]")
    citizen.wait_for_selector("[data-testid=filed]")
    number = citizen.locator("[data-testid=request-number]").inner_text().strip()
    assert "第三十一条" in citizen.locator("[data-testid=received-basis]").inner_text()

    officer = open_as("officer")
    officer.goto("/disclosure/")
    assert officer.locator(f"[data-testid=request-row][data-number='{number}']").count() == 1
    # The ID number is masked in the queue.
    row = officer.locator(f"[data-testid=request-row][data-number='{number}']").inner_text()
    assert ID_NUMBER not in row and "王小明" in row

    def supplement_items(section):
        section.locator("textarea[name=items]").fill("请写明土地所在的村组和征收年份")
        section.locator("input[name=period_workdays]").fill("10")

    act(officer, number, "request-supplement", supplement_items)
    assert officer.locator("[data-testid=document]").count() >= 1

    # The citizen follows the request by number and phone and supplements it.
    citizen.goto("/disclosure/follow/")
    citizen.fill("input[name=number]", number)
    citizen.fill("input[name=phone]", PHONE)
    citizen.click("[data-testid=follow-submit]")
    citizen.wait_for_selector("[data-testid=follow-result]")
    assert citizen.locator("[data-testid=document]").count() >= 1
    citizen.fill("textarea[name=note]", "西湖区三墩镇某村第三组，2025年征收")
    citizen.click("[data-testid=supplement-submit]")
    citizen.wait_for_selector("[data-testid=follow-result]")
    assert citizen.locator("[data-testid=supplement-form]").count() == 0

    act(
        officer,
        number,
        "route",
        lambda s: s.locator("select[name=department]").select_option("ZRZY"),
    )

    def third_party(section):
        section.locator("select[name=kind]").select_option("third_party")
        section.locator("input[name=party]").fill("某房地产开发有限公司")

    act(officer, number, "consult", third_party)
    act(
        officer,
        number,
        "consulted",
        lambda s: s.locator("input[name=answer][value=object]").check(),
    )

    def partially(section):
        section.locator("select[name=type]").select_option("partial")
        section.locator("textarea[name=text]").fill("涉及第三方商业秘密的部分不予公开")

    act(officer, number, "reply", partially)
    assert state(officer, number) == "replied"
    docs = officer.locator("[data-testid=document][data-kind=reply]")
    assert docs.count() == 1
    with officer.expect_download() as download:
        docs.locator("[data-testid=document-docx]").click()
    content = download.value.path().read_bytes()
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)
    assert number in text

    # Table 三 of the year: one request received, in the natural-person column of 部分公开.
    year = number[2:6]
    response = officer.request.get(f"/api/v1/disclosure/annual-report?year={year}")
    assert response.ok, response.text()
    rows = response.json()["rows"]
    assert rows["received"]["person"] == 1
    assert rows["partial"]["person"] == 1
    assert rows["partial"]["total"] == 1
    assert sum(rows["disclosed"].values()) == 0
    assert response.json()["balanced"] is True
