"""Hall queue flow: a citizen books a slot; on arrival takes a number at the kiosk with the
appointment code; the hall screen shows it called at window 3; the clerk finishes it, files a
case at the window and links it to the number. Each person works in their own browser; the
kiosk and the screen need no login."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.cases.helpers import AT
from tests.catalog.builders import item_dict
from tests.factories import DepartmentFactory, UserFactory, WindowFactory, valid_id_number
from zhengwu.catalog import services as catalog_services
from zhengwu.core.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEM = item_dict()["impl_code"]


@pytest.fixture
def hall_floor():
    from zhengwu.hall.models.floor import Hall, WindowPost
    from zhengwu.hall.models.queue import BusinessType

    # A Monday morning, the clock running: the hall is open.
    machine = time_machine.travel(AT("2026-03-02 09:20"), tick=True)
    machine.start()
    department = DepartmentFactory(code="SCJ", name="市场监督管理局")
    catalog_services.import_items([item_dict()], valid_from=dt.date(2026, 1, 1))
    hall = Hall.objects.create(center=department.center, code="MAIN", name="市民服务大厅")
    kind = BusinessType.objects.create(
        hall=hall, code="SCJ", name="市场准入", prefix="A", department=department
    )
    for number in ("1", "2", "3"):
        window = WindowFactory(
            center=department.center, number=number, name=f"{number}号窗口", department=department
        )
        WindowPost.objects.create(window=window, hall=hall)
        if number == "3":
            kind.windows.add(window)
    UserFactory(roles=[Role.APPLICANT], username="zhangsan", full_name="张三", phone="13800138000")
    UserFactory(
        roles=[Role.WINDOW_CLERK], department=department, username="clerk", full_name="王窗口"
    )
    yield hall
    machine.stop()


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


def test_book_arrive_call_at_window_three_finish_and_link_a_case(hall_floor, open_as):
    citizen = open_as("zhangsan")
    citizen.goto("/hall/appointments/?business_type=SCJ&date=2026-03-02")
    assert citizen.locator("[data-testid=book-name]").input_value() == "张三"
    citizen.click("[data-testid=book-1000]")
    citizen.wait_for_selector("[data-testid=my-appointments] [data-testid=appointment-code]")
    code = citizen.locator("[data-testid=appointment-code]").first.inner_text().strip()
    assert len(code) == 8

    screen = open_as()
    screen.goto("/hall/screen/")
    assert screen.locator("[data-testid=screen-window-3] [data-current]").inner_text() == "—"

    kiosk = open_as()
    kiosk.goto("/hall/kiosk/")
    kiosk.fill("[data-testid=kiosk-appointment-code]", code)
    kiosk.click("[data-testid=kiosk-arrive]")
    kiosk.wait_for_selector("[data-testid=ticket-number]")
    number = kiosk.locator("[data-testid=ticket-number]").inner_text().strip()
    assert number == "A001"
    assert kiosk.locator("[data-testid=ticket-qr] svg").count() == 1
    assert "预约" in kiosk.locator("[data-testid=ticket-card]").inner_text()

    clerk = open_as("clerk")
    clerk.goto("/hall/panel/")
    clerk.select_option("[data-testid=sign-in-window]", "3")
    clerk.click("[data-testid=sign-in]")
    clerk.click("[data-testid=call-next]")
    clerk.wait_for_selector("[data-testid=current-number]")
    assert clerk.locator("[data-testid=current-number]").inner_text() == number

    # The screen polls every 1.5 s: the number appears at window 3 and is announced.
    from playwright.sync_api import expect

    expect(screen.locator("[data-testid=screen-window-3] [data-current]")).to_have_text(
        "A001", timeout=10_000
    )
    latest = screen.locator("[data-testid=screen-latest]").inner_text()
    assert "A001" in latest and "3" in latest

    clerk.click("[data-testid=finish]")
    clerk.wait_for_selector(f"[data-testid=panel-served] tr[data-number={number}]")

    clerk.goto(f"/cases/new/?item={ITEM}")
    form = clerk.locator("[data-testid=intake-form]")
    form.locator("input[name=kind][value=person]").check()
    form.locator("input[name=name]").fill("张三")
    form.locator("input[name=id_number]").fill(valid_id_number(7))
    form.locator("input[name=phone]").fill("13800138000")
    for box in form.locator("input[name=materials]").all():
        box.check()
    clerk.click("[data-testid=submit-application]")
    clerk.wait_for_url("**/cases/*/")
    case_number = clerk.url.rstrip("/").rsplit("/", 1)[-1]

    clerk.goto("/hall/panel/")
    clerk.fill(f"[data-testid=case-number-{number}]", case_number)
    clerk.click(f"[data-testid=link-case-{number}]")
    clerk.wait_for_selector("[data-testid=linked-case]")
    assert clerk.locator("[data-testid=linked-case]").inner_text() == case_number

    from zhengwu.hall.models.queue import Ticket

    ticket = Ticket.objects.select_related("case", "appointment").get(number=number)
    assert ticket.state == "done" and ticket.case.number == case_number
    assert ticket.appointment.code == code and ticket.window.number == "3"
