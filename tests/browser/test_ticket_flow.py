"""Hotline flow: an operator takes a call, uses the suggested category and unit and dispatches; the
unit accepts and replies; the operator calls the caller back, who is not satisfied; the ticket goes
back for redoing, the unit replies again and the second callback closes it. Each person works in
their own browser."""

from __future__ import annotations

import pytest

from tests.factories import DepartmentFactory, UserFactory
from zhengwu.core.roles import Role
from zhengwu.tickets import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTENT = "幸福小区5栋的电梯坏了一个月，物业一直不管，老人上下楼很困难"


@pytest.fixture
def people(settings, tmp_path):
    settings.TICKET_CLASSIFIER_PATH = tmp_path / "none.json"  # the shipped model
    services.seed_ticket_categories()
    DepartmentFactory(code="SCJ", name="市场监督管理局")
    housing = DepartmentFactory(code="ZJJ", name="住房和城乡建设局")
    return {
        "operator": UserFactory(roles=[Role.OPERATOR], username="operator", full_name="刘话务"),
        "unit": UserFactory(roles=[Role.REVIEWER], department=housing, username="unit"),
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


def act(page, number: str, action: str, fill=None):
    page.goto(f"/tickets/{number}/")
    section = page.locator(f"[data-testid=action-{action}]")
    if fill:
        fill(section)
    section.locator(f"[data-testid=do-{action}]").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=problems]").count() == 0, page.content()


def state(page, number: str) -> str:
    page.goto(f"/tickets/{number}/")
    return page.locator("h1 ~ [data-testid=state]").first.get_attribute("data-state")


def test_call_dispatch_reply_unsatisfied_callback_redo_close(people, open_as):
    operator = open_as("operator")
    operator.goto("/tickets/new/")
    operator.fill("input[name=caller_phone]", "13912345678")
    operator.fill("input[name=caller_name]", "王女士")
    operator.check("input[name=kind][value=complaint]")
    operator.fill("textarea[name=content]", CONTENT)
    operator.fill("input[name=address]", "幸福小区5栋")
    # The suggestion arrives as the operator types; the operator takes it.
    operator.wait_for_selector("[data-testid=suggested-category][data-code=ZFCJ01]")
    assert operator.locator("[data-testid=suggested-department]").get_attribute("data-code") == (
        "ZJJ"
    )
    operator.click("[data-testid=use-suggestion]")
    assert operator.locator("select[name=category]").input_value() == "ZFCJ01"
    assert operator.locator("select[name=department]").input_value() == "ZJJ"
    operator.click("[data-testid=register-dispatch]")
    operator.wait_for_selector("[data-testid=ticket-number]")
    number = operator.locator("[data-testid=ticket-number]").inner_text().strip()
    assert state(operator, number) == "dispatched"
    assert "住房和城乡建设局" in operator.locator("[data-testid=department]").inner_text()

    unit = open_as("unit")
    unit.goto("/tickets/?queue=accept")
    assert unit.locator(f"[data-testid=ticket-row][data-number='{number}']").count() == 1
    act(unit, number, "accept")
    act(unit, number, "reply", lambda s: s.locator("textarea[name=result]").fill("已督促物业维修"))
    assert state(unit, number) == "replied"

    def unhappy(section):
        section.locator("input[name=reached][value=yes]").check()
        section.locator("select[name=resolved]").select_option("no")
        section.locator("select[name=satisfaction]").select_option("unsatisfied")
        section.locator("textarea[name=note]").fill("电梯还是坏的")

    act(operator, number, "callback", unhappy)
    assert state(operator, number) == "called_back"
    act(operator, number, "redo", lambda s: s.locator("textarea[name=reason]").fill("电梯仍未修好"))
    assert state(operator, number) == "accepted"

    act(unit, number, "reply", lambda s: s.locator("textarea[name=result]").fill("电梯已修复"))

    def happy(section):
        section.locator("input[name=reached][value=yes]").check()
        section.locator("select[name=resolved]").select_option("yes")
        section.locator("select[name=satisfaction]").select_option("satisfied")

    act(operator, number, "callback", happy)
    assert state(operator, number) == "closed"
    kinds = operator.locator("[data-testid=event]").evaluate_all(
        "nodes => nodes.map(n => n.getAttribute('data-kind'))"
    )
    assert kinds == [
        "create",
        "dispatch",
        "accept",
        "reply",
        "callback_open",
        "redo",
        "reply",
        "callback",
    ]
    assert operator.locator("[data-testid=redo-count]").inner_text().strip() == "1"
