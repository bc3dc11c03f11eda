"""The queue's pages: the kiosk and its number with a QR code, the follow page, the public
waiting page, the hall screen and its feed, the clerk's window panel, the citizen's
appointments, the figures; access and the Chinese messages."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.hall.conftest import AT
from zhengwu.core.roles import Role
from zhengwu.hall import queue_services as services
from zhengwu.hall.models.queue import Appointment, Ticket

pytestmark = pytest.mark.django_db

MONDAY = "2026-03-02"


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_kiosk_gives_a_number_with_a_qr_code(travel, types):
    travel(AT(f"{MONDAY} 09:00"))
    page = client_for().get("/hall/kiosk/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "市场准入" in text and "绿色通道" in text
    answer = client_for().post("/hall/kiosk/", {"business_type": "SCJ", "green": "1"})
    ticket = Ticket.objects.get()
    assert answer.status_code == 302 and str(ticket.token) in answer["Location"]
    assert ticket.priority_reason == "green"
    shown = client_for().get(answer["Location"]).content.decode()
    assert "A001" in shown and "<svg" in shown and f"/hall/t/{ticket.token}/" in shown
    follow = client_for().get(f"/hall/t/{ticket.token}/").content.decode()
    assert "A001" in follow and "前面还有 0 位" in follow


def test_kiosk_problems_are_shown_in_chinese(travel, types):
    travel(AT("2026-02-17 10:00"))
    page = client_for().post("/hall/kiosk/", {"business_type": "SCJ"})
    assert page.status_code == 409
    assert "工作日" in page.content.decode()
    travel(AT(f"{MONDAY} 09:00"))
    page = client_for().post("/hall/kiosk/", {"appointment": "NOPE1234"})
    assert page.status_code == 422
    text = page.content.decode()
    assert "没有此预约码" in text and 'value="NOPE1234"' in text
    assert client_for().get("/hall/kiosk/?hall=NONE").status_code == 404
    assert client_for().get("/hall/t/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_screen_and_feed(travel, types, clerk):
    travel(AT(f"{MONDAY} 09:00"))
    services.take_number(business_type="SCJ")
    page = client_for().get("/hall/screen/").content.decode()
    assert "screen.js" in page and 'data-window="3"' in page
    after = Client().get("/hall/screen/feed/?after=0").json()
    assert after["calls"] == []
    assert after["types"][0]["waiting"] == 1
    services.sign_in(actor=clerk, window_code="3")
    services.call_next(actor=clerk)
    feed = Client().get("/hall/screen/feed/?after=0").json()
    assert [(c["number"], c["window"], c["recall"]) for c in feed["calls"]] == [
        ("A001", "3", False)
    ]
    assert {"code": "3", "name": "3号窗口", "open": True, "current": "A001"} in feed["windows"]
    last = feed["calls"][-1]["id"]
    assert Client().get(f"/hall/screen/feed/?after={last}").json()["calls"] == []
    assert Client().get("/hall/screen/feed/?after=x").status_code == 200
    services.recall(actor=clerk, number="A001")
    again = Client().get(f"/hall/screen/feed/?after={last}").json()["calls"]
    assert [c["recall"] for c in again] == [True]
    waiting = client_for().get("/hall/waiting/").content.decode()
    assert "A001" in waiting and "住房建设" in waiting


def test_panel_flow(item, travel, types, clerk):
    from tests.cases.helpers import file_case

    travel(AT(f"{MONDAY} 09:00"))
    services.take_number(business_type="SCJ")
    browser = client_for(clerk)
    page = browser.get("/hall/panel/").content.decode()
    assert "签到" in page and 'value="1"' in page and 'value="2"' not in page
    browser.post("/hall/panel/", {"action": "sign-in", "window": "1"})
    browser.post("/hall/panel/", {"action": "call-next"})
    page = browser.get("/hall/panel/").content.decode()
    assert 'data-testid="current-number">A001<' in page
    empty = browser.post("/hall/panel/", {"action": "call-next"})
    assert "正在办理" in empty.content.decode()
    browser.post("/hall/panel/", {"action": "finish", "number": "A001"})
    case = file_case(clerk)
    browser.post("/hall/panel/", {"action": "case", "number": "A001", "case": case.number})
    assert Ticket.objects.get().case_id == case.pk
    wrong = browser.post("/hall/panel/", {"action": "case", "number": "A001", "case": "NOPE"})
    assert wrong.status_code == 200 and "没有" in wrong.content.decode()
    nobody = browser.post("/hall/panel/", {"action": "call-next"}).content.decode()
    assert "无人等候" in nobody
    browser.post("/hall/panel/", {"action": "sign-out", "window": "1"})
    assert "签到" in browser.get("/hall/panel/").content.decode()


def test_pages_access(types, make_user, department):
    citizen = make_user(Role.APPLICANT, username="citizen1")
    assert client_for().get("/hall/panel/").status_code == 302
    assert client_for(citizen).get("/hall/panel/").status_code == 403
    assert client_for(citizen).get("/hall/figures/").status_code == 403
    reviewer = make_user(Role.REVIEWER, department, username="rev")
    assert client_for(reviewer).get("/hall/appointments/").status_code == 403
    head = make_user(Role.DEPARTMENT_HEAD, department, username="head")
    assert client_for(head).get("/hall/figures/").status_code == 200


def test_citizen_books_and_cancels(travel, types, make_user):
    travel(AT(f"{MONDAY} 10:00"))
    citizen = make_user(Role.APPLICANT, username="citizen1", full_name="李四", phone="13800000001")
    browser = client_for(citizen)
    page = browser.get("/hall/appointments/?business_type=SCJ&date=2026-03-03").content.decode()
    assert "09:00–09:30" in page and 'value="李四"' in page
    slot = types["A"].slots.order_by("starts_at").first()
    browser.post(
        "/hall/appointments/?business_type=SCJ&date=2026-03-03",
        {"slot": slot.pk, "name": "李四", "phone": "13800000001"},
    )
    booking = Appointment.objects.get()
    page = browser.get("/hall/appointments/?business_type=SCJ&date=2026-03-03").content.decode()
    assert booking.code in page
    again = browser.post(
        "/hall/appointments/?business_type=SCJ&date=2026-03-03",
        {"slot": slot.pk, "name": "李四", "phone": "13800000001"},
    )
    assert "已有" in again.content.decode()
    browser.post("/hall/appointments/", {"action": "cancel", "code": booking.code})
    booking.refresh_from_db()
    assert booking.state == "cancelled"
    holiday = browser.get("/hall/appointments/?business_type=SCJ&date=2026-04-05").content.decode()
    assert 'data-testid="no-slots"' in holiday


def test_figures_page(travel, types, clerk, make_user):
    travel(AT(f"{MONDAY} 09:00"))
    services.take_number(business_type="SCJ")
    services.sign_in(actor=clerk, window_code="1")
    travel(AT(f"{MONDAY} 09:30"))
    services.call_next(actor=clerk)
    services.finish(actor=clerk, number="A001")
    leader = make_user(Role.LEADER, username="leader1")
    page = client_for(leader).get("/hall/figures/?from=2026-03-01&to=2026-03-31").content.decode()
    assert "市场准入" in page and "30.0" in page
    staff = client_for(leader).get("/hall/figures/?group=staff&from=2026-03-01&to=2026-03-31")
    assert "张窗口" in staff.content.decode() and "clerk1" not in staff.content.decode()
    bad = client_for(leader).get("/hall/figures/?from=x&to=2026-03-31")
    assert bad.status_code == 200 and "YYYY-MM-DD" in bad.content.decode()


def test_admin_configures_business_types_and_masks_phones(travel, types, admin_user):
    travel(AT(f"{MONDAY} 09:00"))
    services.take_number(business_type="SCJ", phone="13812345678")
    browser = client_for(admin_user)
    assert browser.get("/admin/hall/businesstype/").status_code == 200
    ticket = Ticket.objects.get()
    page = browser.get(f"/admin/hall/ticket/{ticket.pk}/change/").content.decode()
    assert "13812345678" not in page and "138" in page
