"""一件事一次办 in the browser: an applicant applies online for 开办餐饮店 with one set of
materials; the lead window issues one notice, the applicant supplements, the window accepts; two
departments grant their items in their own queues; the lead window delivers one composite
licence (一业一证); the applicant opens its verification page and sees it valid. Each person
works in their own browser."""

from __future__ import annotations

import pytest

from tests.browser.test_case_flow import confirm, open_as, staff_action  # noqa: F401
from tests.catalog.builders import item_dict
from tests.factories import DepartmentFactory, UserFactory, valid_id_number
from zhengwu.catalog import services as catalog_services
from zhengwu.catalog.models import ServiceItemVersion
from zhengwu.core.roles import Role
from zhengwu.joint import services as joint_services
from zhengwu.licences.models import CompositeLicence, LicenceType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LICENCE = "11330100SCJ-DJ-0001"
FOOD = "11330100SCJ-XK-0001"
HYGIENE = "11330100WJW-XK-0001"


def material(code, name, required=True):
    return {
        "code": code,
        "name": name,
        "required": required,
        "form": "paper",
        "copies": 1,
        "source": "申请人自备",
        "notes": "",
    }


PERSON = material("X02", "法定代表人身份证明")
PLACE = material("X03", "经营场所使用证明")
HEALTH = material("X05", "从业人员健康证明")


@pytest.fixture
def people():
    scj = DepartmentFactory(code="SCJ", name="市场监督管理局")
    wjw = DepartmentFactory(code="WJW", name="卫生健康委员会")
    catalog_services.import_items(
        [
            item_dict(
                impl_code=LICENCE,
                name="企业设立登记（营业执照）",
                statutory_limit=15,
                promised_limit=3,
                special_procedures=[],
                materials=[
                    material("X01", "公司登记（备案）申请书"),
                    PERSON,
                    PLACE,
                    material("X04", "公司章程"),
                ],
            ),
            item_dict(
                impl_code=FOOD,
                materials=[
                    material("X11", "食品经营许可申请书"),
                    PERSON,
                    PLACE,
                    material("X12", "食品安全管理制度"),
                    HEALTH,
                ],
            ),
            item_dict(
                impl_code=HYGIENE,
                department="WJW",
                name="公共场所卫生许可",
                materials=[
                    material("X21", "公共场所卫生许可申请表"),
                    PERSON,
                    PLACE,
                    HEALTH,
                    material("X22", "卫生检测报告", required=False),
                ],
            ),
        ]
    )
    for code, name, impl in (
        ("YYZZ", "营业执照", LICENCE),
        ("SPJY", "食品经营许可证", FOOD),
        ("GGWS", "公共场所卫生许可证", HYGIENE),
    ):
        LicenceType.objects.create(code=code, name=name, validity_years=5)
        ServiceItemVersion.objects.filter(item__impl_code=impl).update(licence_type=code)
    admin = UserFactory(roles=[Role.ADMIN], username="admin", full_name="管理员")
    joint_services.save_scene(
        actor=admin,
        code="KBCYD",
        name="开办餐饮店",
        lead_department="SCJ",
        promised_limit=10,
        stages=[[LICENCE, FOOD, HYGIENE]],
        composite_licence=True,
    )
    joint_services.publish_scene(actor=admin, code="KBCYD")
    return {
        "citizen": UserFactory(roles=[Role.APPLICANT], username="zhangsan", full_name="张三"),
        "clerk": UserFactory(roles=[Role.WINDOW_CLERK], department=scj, username="clerk"),
        "scj": UserFactory(roles=[Role.REVIEWER], department=scj, username="reviewer_scj"),
        "wjw": UserFactory(roles=[Role.REVIEWER], department=wjw, username="reviewer_wjw"),
    }


def joint_action(page, number: str, action: str, fill=None):
    page.goto(f"/joint/{number}/")
    section = page.locator(f"[data-testid=action-{action}]")
    if fill:
        fill(section)
    section.locator(f"[data-testid=submit-{action}]").click()
    page.wait_for_load_state()
    confirm(page)
    assert page.locator("[data-testid=action-error]").count() == 0, page.content()


def grant_in_own_queue(page, expected: int) -> list[str]:
    page.goto("/cases/?queue=review")
    rows = page.locator("[data-testid=case-row]")
    assert rows.count() == expected
    numbers = [rows.nth(i).get_attribute("data-number") for i in range(expected)]
    for number in numbers:
        staff_action(
            page,
            number,
            "decide",
            lambda form: form.locator("input[name=outcome][value=grant]").check(),
        )
    return numbers


def test_one_application_one_notice_one_delivery_one_licence(people, open_as):  # noqa: F811
    citizen = open_as("zhangsan")
    citizen.goto("/")
    citizen.click("a[href='/portal/scenes/']")
    citizen.locator("[data-testid=scene][data-code=KBCYD] [data-testid=apply-scene]").click()
    citizen.wait_for_selector("[data-testid=joint-apply-form]")
    citizen.fill("input[name=name]", "张三")
    citizen.fill("input[name=id_number]", valid_id_number(7))
    citizen.fill("input[name=phone]", "13800138000")
    listed = citizen.locator("[data-testid=material]")
    names = [listed.nth(i).inner_text() for i in range(listed.count())]
    # one set: a material three items need is listed once
    assert sum("法定代表人身份证明" in n for n in names) == 1
    assert sum("从业人员健康证明" in n for n in names) == 1
    for name in ("公司登记（备案）申请书", "法定代表人身份证明", "经营场所使用证明", "公司章程"):
        citizen.get_by_label(name).check()
    for name in ("食品经营许可申请书", "食品安全管理制度", "公共场所卫生许可申请表"):
        citizen.get_by_label(name).check()
    citizen.click("[data-testid=joint-apply-submit]")  # the health certificates are missing
    citizen.wait_for_selector("[data-testid=portal-joint]")
    number = citizen.locator("[data-testid=joint-number]").inner_text().strip()
    assert citizen.locator("[data-testid=portal-joint]").get_attribute("data-state") == "submitted"

    clerk = open_as("clerk")
    clerk.goto("/joint/")
    assert clerk.locator(f"[data-testid=joint-row][data-number='{number}']").count() == 1
    joint_action(
        clerk,
        number,
        "request-supplement",
        lambda form: form.locator("textarea[name=note]").fill("请补交全体从业人员健康证明"),
    )

    citizen.reload()
    notice = citizen.locator("[data-testid=supplement-notice]")
    missing = notice.locator("[data-testid=missing-materials] li")
    assert missing.count() == 1 and "从业人员健康证明" in missing.inner_text()
    citizen.click("[data-testid=supplement-submit]")
    citizen.wait_for_selector("[data-testid=portal-joint][data-state=submitted]")

    joint_action(clerk, number, "accept")
    assert clerk.locator("[data-testid=joint-state]").get_attribute("data-state") == "accepted"
    assert clerk.locator("[data-testid=child][data-state=accepted]").count() == 3

    grant_in_own_queue(open_as("reviewer_scj"), 2)
    grant_in_own_queue(open_as("reviewer_wjw"), 1)

    clerk.goto(f"/joint/{number}/")
    assert clerk.locator("[data-testid=joint-state]").get_attribute("data-state") == "completed"
    joint_action(
        clerk,
        number,
        "deliver",
        lambda form: form.locator("input[name=method][value=window]").check(),
    )
    assert clerk.locator("[data-testid=joint-state]").get_attribute("data-state") == "delivered"
    assert clerk.locator("[data-testid=composite-licence]").count() == 1

    citizen.reload()
    licence = citizen.locator("[data-testid=composite-licence]")
    assert "行业综合许可证" in licence.inner_text()
    assert licence.locator("[data-testid=composite-qr] svg").count() == 1
    verify = licence.locator("[data-testid=composite-verify-link]").get_attribute("href")
    composite = CompositeLicence.objects.get()
    assert verify == f"/licences/verify/{composite.verify_code}"

    # the QR code's page, opened by anyone without a login
    context = citizen.context.browser.new_context(locale="zh-CN")
    try:
        visitor = context.new_page()
        visitor.goto(citizen.url.split("/portal/")[0] + verify)
        result = visitor.locator("[data-testid=verify-result]")
        assert result.get_attribute("data-status") == "valid"
        assert "有效" in visitor.locator("[data-testid=verify-status]").inner_text()
        assert visitor.locator("[data-testid=verify-entry]").count() == 3
        assert "张*" in visitor.locator("[data-testid=verify-holder]").inner_text()
        assert "市场监督管理局" in visitor.locator("[data-testid=verify-issuer]").inner_text()
    finally:
        context.close()
