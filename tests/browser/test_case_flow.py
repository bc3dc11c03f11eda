"""Issue flow: an applicant applies online, a clerk issues a one-time notice, the applicant
supplements, the clerk accepts, a reviewer grants, the clerk delivers; the applicant sees every
step. Each person works in their own browser."""

from __future__ import annotations

import pytest

from tests.cases.helpers import applicant_payload, file_case
from tests.catalog.builders import item_dict
from tests.factories import DepartmentFactory, UserFactory, valid_id_number
from zhengwu.catalog import services as catalog_services
from zhengwu.core.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEM = item_dict()["impl_code"]
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def people():
    department = DepartmentFactory(code="SCJ", name="市场监督管理局")
    catalog_services.import_items([item_dict()])
    return {
        "citizen": UserFactory(roles=[Role.APPLICANT], username="zhangsan", full_name="张三"),
        "clerk": UserFactory(roles=[Role.WINDOW_CLERK], department=department, username="clerk"),
        "reviewer": UserFactory(roles=[Role.REVIEWER], department=department, username="reviewer"),
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


def state_of(page) -> str:
    return page.locator("[data-testid=portal-case]").get_attribute("data-state")


def staff_action(page, number: str, action: str, fill=None):
    page.goto(f"/cases/{number}/")
    section = page.locator(f"[data-testid=action-{action}]")
    if fill:
        fill(section)
    section.locator(f"[data-testid=submit-{action}]").click()
    page.wait_for_load_state()
    confirm(page)
    assert page.locator("[data-testid=action-error]").count() == 0, page.content()


def confirm(page):
    """Legal acts ask for confirmation on a step of their own: confirm it."""
    if page.locator("[data-testid=confirm-form]").count():
        page.locator("[data-testid=confirm-submit]").click()
        page.wait_for_load_state()


def test_apply_notice_supplement_accept_grant_deliver(people, open_as, tmp_path):
    citizen = open_as("zhangsan")
    citizen.goto(f"/catalog/items/{ITEM}/")
    citizen.click("[data-testid=apply-online]")
    citizen.wait_for_selector("[data-testid=apply-form]")
    citizen.fill("input[name=name]", "张三")
    citizen.fill("input[name=id_number]", valid_id_number(7))
    citizen.fill("input[name=phone]", "13800138000")
    application = tmp_path / "申请书.pdf"
    application.write_bytes(PDF)
    citizen.set_input_files("input[name=file_M01]", str(application))  # M02 is missing
    citizen.click("[data-testid=apply-submit]")
    citizen.wait_for_selector("[data-testid=portal-case]")
    number = citizen.locator("[data-testid=case-number]").inner_text().strip()
    assert state_of(citizen) == "submitted"

    clerk = open_as("clerk")
    clerk.goto(f"/cases/{number}/")
    missing = clerk.locator("[data-testid=action-request_supplement] input[value=M02]")
    assert missing.is_checked()  # the required material not handed in is ticked already
    staff_action(
        clerk,
        number,
        "request_supplement",
        lambda form: form.locator("textarea[name=note]").fill("请补交营业执照复印件"),
    )

    citizen.reload()
    assert state_of(citizen) == "supplement_requested"
    notice = citizen.locator("[data-testid=supplement-notice]")
    assert notice.locator("[data-testid=missing-materials] li[data-code=M02]").count() == 1
    assert "营业执照" in notice.inner_text()
    licence = tmp_path / "营业执照.pdf"
    licence.write_bytes(PDF)
    citizen.set_input_files("[data-testid=supplement-form] input[name=file_M02]", str(licence))
    citizen.click("[data-testid=supplement-submit]")
    citizen.wait_for_selector("[data-testid=portal-case][data-state=submitted]")

    staff_action(clerk, number, "accept")
    reviewer = open_as("reviewer")
    staff_action(
        reviewer,
        number,
        "decide",
        lambda form: form.locator("input[name=outcome][value=grant]").check(),
    )
    staff_action(
        clerk,
        number,
        "deliver",
        lambda form: form.locator("input[name=method][value=window]").check(),
    )

    citizen.reload()
    assert state_of(citizen) == "delivered"
    steps = citizen.locator("[data-testid=timeline] [data-testid=step]")
    kinds = [steps.nth(i).get_attribute("data-kind") for i in range(steps.count())]
    assert kinds == [
        "submit",
        "request_supplement",
        "supplement",
        "accept",
        "decide_grant",
        "deliver",
    ]
    # The applicant can open the one-time notice and the decision.
    links = citizen.locator("[data-testid=timeline] [data-testid=notice-link]")
    assert links.count() >= 3
    links.first.click()
    citizen.wait_for_load_state()
    assert number in citizen.content()


def test_a_clerk_accepts_into_parallel_approval(open_as):
    """Where the item allows parallel approval the accept form offers it; the case page then
    says so beside the acceptance date and in the trail."""
    department = DepartmentFactory(code="SCJ", name="市场监督管理局")
    joint = item_dict(impl_code="11330100SCJ-XK-0009", name="建设项目联合审批", parallel=True)
    catalog_services.import_items([joint])
    clerk = UserFactory(roles=[Role.WINDOW_CLERK], department=department, username="clerk")
    case = file_case(clerk, item=joint["impl_code"], applicant=applicant_payload(3))

    page = open_as("clerk")
    page.goto(f"/cases/{case.number}/")
    section = page.locator("[data-testid=action-accept]")
    section.get_by_label("受理并进入并联审批").check()
    section.locator("[data-testid=submit-accept]").click()
    page.wait_for_load_state()
    confirm(page)
    assert "并联审批" in page.locator("[data-testid=accepted-on]").inner_text()
    assert "办理方式" in page.locator("body").inner_text()  # the accept step in the trail
    case.refresh_from_db()
    assert case.parallel and case.state == "accepted"


def test_a_clerk_delivers_from_the_delivery_queue_after_confirming(people, open_as):
    """The home page counts the case awaiting delivery; 待送达 shows its deadline; delivering
    asks for confirmation first, and the case leaves the queue."""
    from zhengwu.cases import services
    from zhengwu.cases.models import Case

    clerk, reviewer = people["clerk"], people["reviewer"]
    case = file_case(clerk, applicant=applicant_payload(4))
    services.act(actor=clerk, number=case.number, action="accept")
    case = services.act(
        actor=reviewer, number=case.number, action="decide", data={"outcome": "grant"}
    )

    page = open_as("clerk")
    page.goto("/")
    assert page.locator("[data-testid=work-cases-delivery-count]").inner_text() == "1"
    page.click("[data-testid=work-cases-delivery]")
    page.wait_for_load_state()
    row = page.locator(f"[data-testid=case-row][data-number='{case.number}']")
    due = f"{case.delivery_due.year}年{case.delivery_due.month}月{case.delivery_due.day}日"
    assert due in row.locator("[data-testid=row-delivery-due]").inner_text()
    assert "共 1 条" in page.locator("[data-testid=pager-total]").inner_text()

    row.locator("a").first.click()
    page.wait_for_load_state()
    section = page.locator("[data-testid=action-deliver]")
    section.get_by_label("邮寄").check()
    section.locator("[data-testid=submit-deliver]").click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=confirm-step]").is_visible()
    assert Case.objects.get(pk=case.pk).state == "granted"  # not yet
    page.click("[data-testid=confirm-submit]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=action-error]").count() == 0, page.content()
    assert Case.objects.get(pk=case.pk).state == "delivered"
    page.goto("/cases/?queue=delivery")
    assert page.locator("[data-testid=case-row]").count() == 0
