"""申请人告知 on a phone: an applicant applies online on a 375 px wide screen and finds a message
at each step (the one-time notice, the acceptance, the decision, the delivery) and, at the
electronic delivery, the decision and the licence to download. The portal, the messages, the
rating page and tracking fit the screen (no horizontal scroll) with their key actions in view."""

from __future__ import annotations

import pytest

from tests.browser.test_case_flow import PDF, staff_action
from tests.catalog.builders import item_dict
from tests.factories import DepartmentFactory, UserFactory, valid_id_number
from zhengwu.cases.models import Case
from zhengwu.catalog import services as catalog_services
from zhengwu.catalog.models import ServiceItemVersion
from zhengwu.core.roles import Role
from zhengwu.licences.models import LicenceType
from zhengwu.ratings.services import rating_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEM = item_dict()["impl_code"]
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def people():
    department = DepartmentFactory(code="SCJ", name="市场监督管理局")
    catalog_services.import_items([item_dict()])
    # the item's grants record a licence in the register: the delivery offers it to download
    LicenceType.objects.create(code="SPJY", name="食品经营许可证", validity_years=5)
    ServiceItemVersion.objects.update(licence_type="SPJY")
    return {
        "citizen": UserFactory(roles=[Role.APPLICANT], username="zhangsan", full_name="张三"),
        "clerk": UserFactory(roles=[Role.WINDOW_CLERK], department=department, username="clerk"),
        "reviewer": UserFactory(roles=[Role.REVIEWER], department=department, username="reviewer"),
    }


@pytest.fixture
def open_as(browser, live_server):
    contexts = []

    def open_(username: str | None, *, phone: bool = False):
        options = {"locale": "zh-CN", "base_url": live_server.url}
        if phone:
            options.update(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        if username:
            page.goto("/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", "pass-1234")
            page.click("button[type=submit]")
            page.wait_for_selector("[data-testid=current-user]", state="attached")
        return page

    yield open_
    for context in contexts:
        context.close()


def fits(page, *visible: str) -> None:
    """No horizontal scroll at 375 px, and each of ``visible`` on screen within its width."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (page.url, width)
    for selector in visible:
        box = page.locator(selector).first.bounding_box()
        assert box is not None, (page.url, selector)
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (page.url, selector)


def messages(page) -> str:
    page.goto("/portal/")
    page.click("[data-testid=portal-messages]")
    page.wait_for_selector("[data-testid=notifications]")
    fits(page, "[data-testid=read-all]")
    return page.locator("[data-testid=notifications]").inner_text()


def test_an_applicant_on_a_phone_is_told_of_every_step_and_downloads_the_result(
    people, open_as, tmp_path
):
    citizen = open_as("zhangsan", phone=True)
    citizen.goto(f"/catalog/items/{ITEM}/")
    fits(citizen, "[data-testid=apply-online]")
    citizen.click("[data-testid=apply-online]")
    citizen.wait_for_selector("[data-testid=apply-form]")
    fits(citizen, "[data-testid=apply-submit]")
    citizen.fill("input[name=name]", "张三")
    citizen.fill("input[name=id_number]", valid_id_number(7))
    citizen.fill("input[name=phone]", "13800138000")
    application = tmp_path / "申请书.pdf"
    application.write_bytes(PDF)
    citizen.set_input_files("input[name=file_M01]", str(application))  # M02 is missing
    citizen.click("[data-testid=apply-submit]")
    citizen.wait_for_selector("[data-testid=portal-case]")
    number = citizen.locator("[data-testid=case-number]").first.inner_text().strip()

    clerk = open_as("clerk")
    staff_action(clerk, number, "request_supplement")

    # the one-time notice: a message, and the home lists the case as waiting, with its deadline
    assert number in messages(citizen) and "一次性告知" in messages(citizen)
    citizen.goto("/portal/")
    waiting = citizen.locator(f"[data-testid=waiting-row][data-number='{number}']")
    assert waiting.locator("[data-testid=supplement-due]").is_visible()
    fits(citizen, "[data-testid=waiting-row]", "[data-testid=portal-messages]")
    waiting.click()
    citizen.wait_for_selector("[data-testid=supplement-notice]")
    fits(citizen, "[data-testid=supplement-submit]", "[data-testid=supplement-due]")
    licence = tmp_path / "营业执照.pdf"
    licence.write_bytes(PDF)
    citizen.set_input_files("[data-testid=supplement-form] input[name=file_M02]", str(licence))
    citizen.click("[data-testid=supplement-submit]")
    citizen.wait_for_selector("[data-testid=portal-case][data-state=submitted]")

    staff_action(clerk, number, "accept")
    assert "申请已受理" in messages(citizen)
    citizen.goto("/portal/")
    assert citizen.locator(f"[data-testid=running-row][data-number='{number}']").is_visible()

    reviewer = open_as("reviewer")
    staff_action(
        reviewer,
        number,
        "decide",
        lambda form: form.locator("input[name=outcome][value=grant]").check(),
    )
    assert "准予许可" in messages(citizen)
    staff_action(
        clerk,
        number,
        "deliver",
        lambda form: form.locator("input[name=method][value=electronic]").check(),
    )
    inbox = messages(citizen)
    assert "结果已送达" in inbox and "电子送达" in inbox

    # the result to download, from the message's link to the case
    citizen.locator("[data-testid=notifications] a", has_text="结果已送达").first.click()
    citizen.wait_for_selector("[data-testid=portal-case][data-state=delivered]")
    fits(citizen, "[data-testid=document-decision]", "[data-testid=document-licence]")
    for kind in ("decision", "licence"):
        with citizen.expect_download() as caught:
            citizen.click(f"[data-testid=document-{kind}]")
        download = caught.value
        assert download.suggested_filename.endswith(".docx")
        path = tmp_path / f"{kind}.docx"
        download.save_as(path)
        assert path.read_bytes()[:2] == b"PK"  # a Word (zip) document

    # rating the service from the decision's link, and tracking without login, on the phone
    case = Case.objects.get(number=number)
    seq = case.events.get(kind="decide_grant").seq
    citizen.goto(rating_link(number, seq))
    citizen.wait_for_load_state()
    fits(citizen, "button[type=submit]")
    visitor = open_as(None, phone=True)
    visitor.goto("/portal/track/")
    fits(visitor, "button[type=submit]")
    visitor.fill("input[name=number]", number)
    visitor.fill("input[name=phone]", "13800138000")
    visitor.click("main button[type=submit]")
    visitor.wait_for_load_state()
    assert number in visitor.content()
    fits(visitor)
