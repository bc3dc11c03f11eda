"""Survey flow: a supervisor creates an evaluation from a questionnaire template on the page; a
respondent opens the link of one QR code on a phone-sized screen without login and answers; the
supervisor's results show each unit's band."""

from __future__ import annotations

import pytest

from tests.factories import DepartmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def people():
    from zhengwu.core.roles import Role
    from zhengwu.evaluation import survey_services

    DepartmentFactory(code="FCJ", name="市住房保障和房产管理局")
    DepartmentFactory(code="GTJ", name="市国土资源局")
    supervisor = UserFactory(roles=[Role.SUPERVISOR], username="xnb", full_name="王监察")
    survey_services.create_template(
        actor=supervisor,
        name="民主评议测评表",
        questions=[
            {"code": "attitude", "text": "服务态度", "kind": "score", "weight": 1},
            {"code": "openness", "text": "政务公开", "kind": "level", "weight": 1},
            {"code": "opinion", "text": "意见和建议", "kind": "text", "weight": 0},
        ],
    )
    return {"supervisor": supervisor}


def test_create_answer_by_qr_link_on_a_phone_and_see_bands(people, browser, live_server):
    staff = browser.new_context(locale="zh-CN", base_url=live_server.url)
    staff.set_default_timeout(15_000)
    page = staff.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", "xnb")
    page.fill("#id_password", "pass-1234")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=current-user]")

    page.goto("/evaluation/surveys/new/")
    page.fill("#id_name", "窗口单位民主评议")
    page.select_option("#id_template", label="民主评议测评表（v1）")
    page.fill("#id_start", "2026-07-01")
    page.fill("#id_end", "2026-09-30")
    page.check("input[name=units][value=FCJ]")
    page.check("input[name=units][value=GTJ]")
    page.fill("#id_group_0_name", "企业代表")
    page.fill("#id_group_0_weight", "1")
    page.fill("#id_group_0_respondents", "2")
    page.fill("#id_group_1_name", "")
    page.fill("#id_group_1_weight", "")
    page.click("[data-testid=create-evaluation]")
    page.wait_for_selector("[data-testid=evaluation-name]")
    cards = page.locator("[data-testid=survey-link]")
    assert cards.count() == 2
    assert cards.first.locator("svg").count() == 1
    link = cards.first.get_attribute("data-url")
    # The QR code encodes the same address (its title).
    assert cards.first.locator("svg title").text_content() == link
    detail_url = page.url

    phone = browser.new_context(locale="zh-CN", **PHONE)
    phone.set_default_timeout(15_000)
    respondent = phone.new_page()
    respondent.goto(link)
    respondent.wait_for_selector("[data-testid=answer-page]")
    assert respondent.evaluate("document.documentElement.scrollWidth") <= 400
    respondent.fill("#a-FCJ-attitude", "95")
    respondent.select_option("#a-FCJ-openness", "5")
    respondent.fill("#a-GTJ-attitude", "120")
    respondent.select_option("#a-GTJ-openness", "4")
    respondent.fill("#a-GTJ-opinion", "审批时间还需压缩")
    respondent.click("[data-testid=answer-submit]")
    respondent.wait_for_selector("[data-testid=answer-errors]")
    assert respondent.input_value("#a-GTJ-opinion") == "审批时间还需压缩"
    respondent.fill("#a-GTJ-attitude", "82")
    respondent.click("[data-testid=answer-submit]")
    respondent.wait_for_selector("[data-testid=answered]")
    respondent.goto(link)
    respondent.wait_for_selector("[data-testid=answer-closed]")

    page.goto(detail_url)
    page.click("[data-testid=results-link]")
    page.wait_for_selector("[data-testid=score-table]")
    bands = {
        row.get_attribute("data-key"): row.locator("[data-testid=row-band]").inner_text()
        for row in page.locator("[data-testid=score-row]").all()
    }
    # FCJ: (95 + 100) / 2 = 97.5 → 优秀; GTJ: (82 + 80) / 2 = 81 → 良好.
    assert bands == {"FCJ": "优秀", "GTJ": "良好"}
    assert "审批" in page.locator("[data-testid=theme]").first.inner_text()
    phone.close()
    staff.close()
