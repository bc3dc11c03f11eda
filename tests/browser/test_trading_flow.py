"""Trading oversight flow: a supervisor opens a deal with three bids from the deal list, sees the
`similar_documents` signal with the shared passages side by side, confirms it after the
confirmation step, and the credit pages of the two bidders it names show the finding."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def deal():
    from tests.trading.test_services import colluding_deal
    from zhengwu.core.roles import Role
    from zhengwu.trading import services

    officer = UserFactory(roles=[Role.TRADING_OFFICER], username="officer", full_name="钱交易")
    UserFactory(roles=[Role.SUPERVISOR], username="supervisor", full_name="孙监督")
    made = colluding_deal(officer)
    services.act(actor=officer, code=made.code, action="open")
    return made


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.goto("/accounts/login/")
    tab.fill("#id_username", "supervisor")
    tab.fill("#id_password", "pass-1234")
    tab.click("button[type=submit]")
    tab.wait_for_selector("[data-testid=current-user]")
    yield tab
    context.close()


def test_a_supervisor_confirms_similar_technical_bids_and_the_bidders_credit_shows_it(deal, page):
    page.goto("/trading/")
    page.click(f"[data-testid=deal-row][data-code='{deal.code}'] a")
    page.wait_for_selector("[data-testid=deal-title]")
    assert page.locator("[data-testid=bid-row]").count() == 3
    row = page.locator("[data-testid=flag-row][data-kind=similar_documents]")
    assert row.locator("[data-testid=flag-status]").get_attribute("data-status") == "open"
    row.locator("[data-testid=flag-link]").click()
    page.wait_for_selector("[data-testid=passages]")
    assert page.locator("[data-testid=flag-title]").inner_text() == "投标文件异常一致"
    # The first passage: the same text in two bidders' files, side by side.
    first = page.locator("[data-testid=passage]").first
    bidders = first.locator("[data-testid=passage-bidder]").all_inner_texts()
    texts = first.locator("[data-testid=passage-text]").all_inner_texts()
    assert len(bidders) == 2 and bidders[0].split(" · ")[0] != bidders[1].split(" · ")[0]
    assert texts[0] == texts[1] and len(texts[0]) > 50

    page.check("input[name=decision][value=confirmed]")
    page.fill("textarea[name=note]", "两家技术标大段雷同，移交行政监督部门查处")
    page.click("[data-testid=review-submit]")
    page.wait_for_selector("[data-testid=confirm-step]")
    assert "信用记录" in page.locator("[data-testid=confirm-warning]").inner_text()
    page.click("[data-testid=confirm-submit]")
    page.wait_for_selector("[data-testid=flag-credit]")
    assert page.locator("[data-testid=flag-status]").get_attribute("data-status") == "confirmed"
    assert "移交行政监督部门查处" in page.locator("[data-testid=flag-note]").inner_text()

    names = page.locator("[data-testid=flag-bidder]").all_inner_texts()
    assert len(names) == 2
    for index in range(2):
        page.locator("[data-testid=flag-bidder]").nth(index).click()
        page.wait_for_selector("[data-testid=credit-title]")
        assert page.locator("[data-testid=credit-title]").inner_text() == names[index]
        year = page.locator("[data-testid=credit-year]").first
        assert year.locator("[data-key=collusion]").inner_text() == "1"
        record = page.locator("[data-testid=credit-record][data-kind=collusion]")
        assert "串通投标查实" in record.inner_text()
        assert "移交行政监督部门查处" in record.inner_text()
        page.go_back()
        page.wait_for_selector("[data-testid=flag-credit]")
