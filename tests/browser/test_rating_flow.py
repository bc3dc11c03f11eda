"""Issue flow of 好差评: a citizen scans the QR link of a completed case's decision notice and gives
a 1; the department calls back, rectifies and feeds back; the citizen sees the feedback and
accepts it; the supervisor sees the loop closed. Each person works in their own browser."""

from __future__ import annotations

import pytest

from tests.cases.helpers import applicant_payload
from tests.catalog.builders import item_dict
from tests.factories import DepartmentFactory, UserFactory
from zhengwu.cases import services as case_services
from zhengwu.catalog import services as catalog_services
from zhengwu.core.roles import Role
from zhengwu.ratings.models import RectificationTask

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEM = item_dict()["impl_code"]


@pytest.fixture
def completed(settings):
    settings.SMS_BACKEND = "zhengwu.core.sms.MemoryBackend"
    settings.EXCHANGE_PUSH_URL = ""
    department = DepartmentFactory(code="SCJ", name="市场监督管理局")
    catalog_services.import_items([item_dict()])
    citizen = UserFactory(roles=[Role.APPLICANT], username="zhangsan", full_name="张三")
    clerk = UserFactory(roles=[Role.WINDOW_CLERK], department=department, username="clerk")
    reviewer = UserFactory(roles=[Role.REVIEWER], department=department, username="reviewer")
    UserFactory(roles=[Role.SUPERVISOR], username="supervisor")
    case = case_services.submit(
        actor=citizen,
        item=ITEM,
        channel="online",
        applicant=case_services.ApplicantInput(**applicant_payload(7)),
        materials=["M01", "M02"],
    )
    case_services.act(actor=clerk, number=case.number, action="accept")
    case_services.act(
        actor=reviewer, number=case.number, action="decide", data={"outcome": "grant"}
    )
    return case


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


def test_bad_rating_loop_closes(completed, open_as):
    number = completed.number
    citizen = open_as("zhangsan")
    citizen.goto(f"/portal/cases/{number}/")
    citizen.locator("[data-testid=step][data-kind=decide_grant] [data-testid=notice-link]").click()
    citizen.wait_for_selector("[data-testid=notice-rating-qr] svg")
    link = citizen.locator("[data-testid=notice-rating-link]").get_attribute("href")
    assert link.startswith("/ratings/r/")
    citizen.goto(link)  # what scanning the code opens on the phone
    citizen.click("label[for=level-1]")
    citizen.fill("[data-testid=comment]", "等了很久，态度也不好")
    citizen.check("[data-testid=real-name]")
    citizen.click("[data-testid=rate-submit]")
    citizen.wait_for_selector("[data-testid=rate-done][data-level='1']")
    assert citizen.locator("[data-testid=rate-bad-note]").is_visible()
    task = RectificationTask.objects.get(rating__case__number=number)

    department = open_as("reviewer")
    department.goto("/ratings/tasks/")
    department.locator(
        f"[data-testid=task-row][data-task='{task.pk}'] [data-testid=open-task]"
    ).click()
    department.fill("[data-testid=callback-said]", "排队时间过长，窗口人员解释不清")
    department.click("[data-testid=submit-callback]")
    department.wait_for_selector("[data-testid=task][data-state=called_back]")
    department.fill("[data-testid=outcome-text]", "已增设窗口并对工作人员进行提醒谈话")
    department.click("[data-testid=submit-outcome]")
    department.wait_for_selector("[data-testid=task][data-state=resolved]")
    department.fill("[data-testid=feedback-text]", "您反映的问题已整改：增设一个窗口，感谢监督。")
    department.click("[data-testid=submit-feedback]")
    department.wait_for_selector("[data-testid=task][data-state=fed_back]")

    citizen.goto(f"/portal/cases/{number}/")
    assert "增设一个窗口" in citizen.locator("[data-testid=my-feedback]").inner_text()
    citizen.click("[data-testid=accept-feedback]")
    citizen.wait_for_selector("[data-testid=my-task-state][data-state=closed]")

    supervisor = open_as("supervisor")
    supervisor.goto("/ratings/supervision/")
    closed = supervisor.locator(f"[data-testid=sup-closed] [data-task='{task.pk}']")
    assert closed.get_attribute("data-state") == "closed"
    assert supervisor.locator(f"[data-testid=sup-overdue] [data-task='{task.pk}']").count() == 0


def test_supervisor_sees_an_overdue_rectification_on_the_board(completed, open_as):
    """A bad rating whose task passed its deadline: the sweep records it, the supervisor finds it
    on the board, opens its evidence, and follows the link to the ratings' supervision page."""
    import datetime as dt

    from tests.ratings.helpers import rate
    from zhengwu.core import clock
    from zhengwu.supervision import sweep

    UserFactory(roles=[Role.DEPARTMENT_HEAD], department=completed.department, username="head")
    task = rate(completed, 1, comment="等了很久", real_name=True).task
    due = clock.today() - dt.timedelta(days=3)
    RectificationTask.objects.filter(pk=task.pk).update(due_on=due)
    sweep.run(daily=False)

    supervisor = open_as("supervisor")
    supervisor.goto("/supervision/")
    row = supervisor.locator(f"[data-testid=overdue-{completed.number}]")
    assert f"{due.year}年{due.month}月{due.day}日" in row.inner_text()
    assert completed.number in supervisor.locator("[data-testid=no-callback]").inner_text()
    row.get_by_role("link", name=completed.number).click()
    assert supervisor.locator("[data-testid=irregularity-kind]").inner_text() == "差评整改超期"
    assert "整改期限" in supervisor.locator("[data-testid=evidence]").inner_text()
    supervisor.goto("/supervision/")
    supervisor.get_by_role("link", name="好差评监督页面").click()
    supervisor.wait_for_url("**/ratings/supervision/")
    # the department's head was told
    head = open_as("head")
    head.goto("/notifications/")
    assert "差评整改超期" in head.locator("main").inner_text()
