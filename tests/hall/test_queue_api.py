"""The hall queue API per the contract: business types, sign-in/out, tickets, call-next (204 when
nobody waits), recall/skip/transfer/finish, status, slots, appointments (409 slot_full), and
its errors (401, 403, 404, 409, 422)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.cases.test_concurrency import bearer
from tests.hall.conftest import AT
from zhengwu.core.roles import Role
from zhengwu.hall.models.queue import Slot, Ticket

pytestmark = pytest.mark.django_db

MONDAY = "2026-03-02"


def post(user, path, body=None, **headers):
    auth = bearer(user) if user is not None else {}
    return Client().post(
        f"/api/v1/hall{path}", body or {}, content_type="application/json", **auth, **headers
    )


def get(path, user=None):
    auth = bearer(user) if user is not None else {}
    return Client().get(f"/api/v1/hall{path}", **auth)


def test_business_types_are_public(types):
    answer = get("/business-types")
    assert answer.status_code == 200
    assert answer.json() == [
        {"code": "SCJ", "name": "市场准入", "windows": ["1", "3"]},
        {"code": "ZJJ", "name": "住房建设", "windows": ["2"]},
        {"code": "YJS", "name": "一件事综合受理", "windows": ["3"]},
    ]


def test_the_whole_queue_through_the_api(travel, types, clerk, make_user):
    travel(AT(f"{MONDAY} 09:00"))
    kiosk = make_user(Role.WINDOW_CLERK, username="kiosk1", full_name="自助取号机")
    first = post(kiosk, "/tickets", {"business_type": "SCJ", "phone": "13800000001"})
    assert first.status_code == 201
    assert first.json()["number"] == "A001"
    assert (first.json()["position"], first.json()["waiting_ahead"]) == (1, 0)
    second = post(kiosk, "/tickets", {"business_type": "SCJ"}).json()
    assert (second["number"], second["position"], second["waiting_ahead"]) == ("A002", 2, 1)

    assert post(clerk, "/windows/1/call-next").json()["code"] == "not_signed_in"
    signed = post(clerk, "/windows/1/sign-in")
    assert signed.status_code == 200 and signed.json()["window"] == "1"
    assert post(clerk, "/windows/3/call-next").status_code == 409  # not this window
    travel(AT(f"{MONDAY} 09:05"))
    called = post(clerk, "/windows/1/call-next")
    assert called.status_code == 200
    assert called.json()["number"] == "A001" and called.json()["window"] == "1"
    assert called.json()["waiting_seconds"] == 300
    assert post(clerk, "/windows/1/call-next").json()["code"] == "window_busy"
    assert post(clerk, "/tickets/A001/recall").json()["state"] == "called"
    status = get("/status").json()
    assert status["business_types"][0] == {"code": "SCJ", "name": "市场准入", "waiting": 1}
    assert {"code": "1", "name": "1号窗口", "open": True, "current": "A001"} in status["windows"]
    travel(AT(f"{MONDAY} 09:15"))
    finished = post(clerk, "/tickets/A001/finish").json()
    assert finished["state"] == "done" and finished["serving_seconds"] == 600

    assert post(clerk, "/windows/1/call-next").json()["number"] == "A002"
    skipped = post(clerk, "/tickets/A002/skip").json()
    assert skipped["state"] == "waiting"
    assert post(clerk, "/windows/1/call-next").json()["number"] == "A002"
    moved = post(clerk, "/tickets/A002/transfer", {"business_type": "ZJJ"}).json()
    assert moved["business_type"] == "ZJJ" and moved["state"] == "waiting"
    nobody = post(clerk, "/windows/1/call-next")
    assert nobody.status_code == 204
    assert post(clerk, "/windows/1/sign-out").json()["signed_out_at"] is not None


def test_errors(travel, types, clerk, housing_clerk, make_user):
    travel(AT(f"{MONDAY} 09:00"))
    assert post(None, "/tickets", {"business_type": "SCJ"}).status_code == 401
    assert post(None, "/windows/1/sign-in").status_code == 401
    assert post(housing_clerk, "/windows/1/sign-in").status_code == 403
    assert post(clerk, "/windows/77/sign-in").status_code == 404
    bad = post(clerk, "/tickets", {"business_type": "NOPE", "phone": "abc"})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"business_type", "phone"}
    assert post(clerk, "/tickets", {}).status_code == 422
    citizen = make_user(Role.APPLICANT, username="citizen9")
    green = post(citizen, "/tickets", {"business_type": "SCJ", "green": True})
    assert green.status_code == 422 and "green" in green.json()["errors"]
    post(clerk, "/tickets", {"business_type": "SCJ"})
    post(clerk, "/windows/1/sign-in")
    assert post(clerk, "/tickets/A001/finish").json()["code"] == "not_at_window"
    assert post(clerk, "/tickets/Z999/finish").status_code == 404
    post(housing_clerk, "/windows/2/sign-in")
    assert post(housing_clerk, "/tickets/A001/skip").status_code == 404  # not its business
    travel(AT("2026-02-17 10:00"))  # a holiday
    assert post(clerk, "/tickets", {"business_type": "SCJ"}).json()["code"] == "hall_closed"


def test_idempotent_ticket(travel, types, clerk):
    travel(AT(f"{MONDAY} 09:00"))
    one = post(clerk, "/tickets", {"business_type": "SCJ"}, HTTP_IDEMPOTENCY_KEY="k1").json()
    two = post(clerk, "/tickets", {"business_type": "SCJ"}, HTTP_IDEMPOTENCY_KEY="k1").json()
    assert one == two and Ticket.objects.count() == 1


def test_slots_and_appointments(travel, types, make_user):
    travel(AT(f"{MONDAY} 10:10"))
    citizen = make_user(Role.APPLICANT, username="citizen1", full_name="李四")
    today = get(f"/slots?business_type=SCJ&date={MONDAY}").json()
    assert today[0]["starts_at"] == "10:30:00"  # only the slots still to begin
    holiday = get("/slots?business_type=SCJ&date=2026-04-05")
    assert holiday.status_code == 200 and holiday.json() == []
    assert get("/slots?business_type=NOPE&date=2026-03-03").status_code == 404
    assert get("/slots?business_type=SCJ&date=03/03").status_code == 422
    found = get("/slots?business_type=SCJ&date=2026-03-03").json()
    assert len(found) == 13 and found[0]["free"] == 4
    Slot.objects.filter(pk=found[0]["id"]).update(capacity=1)
    body = {"slot": found[0]["id"], "name": "李四", "phone": "13800000001"}
    assert post(None, "/appointments", body).status_code == 401
    booked = post(citizen, "/appointments", body)
    assert booked.status_code == 201
    code = booked.json()["code"]
    assert booked.json()["starts_at"] == "09:00:00" and booked.json()["state"] == "booked"
    full = post(citizen, "/appointments", {**body, "phone": "13800000002"})
    assert full.status_code == 409 and full.json()["code"] == "slot_full"
    assert post(citizen, "/appointments", {**body, "phone": "x"}).status_code == 422
    assert [a["code"] for a in get("/appointments", citizen).json()] == [code]
    other = make_user(Role.APPLICANT, username="citizen2")
    assert post(other, f"/appointments/{code}/cancel").status_code == 404
    assert post(citizen, f"/appointments/{code}/cancel").json()["state"] == "cancelled"
    assert get("/slots?business_type=SCJ&date=2026-03-03").json()[0]["free"] == 1


def test_arrival_with_appointment_through_the_api(travel, types, make_user):
    travel(AT(f"{MONDAY} 10:10"))
    citizen = make_user(Role.APPLICANT, username="citizen1", full_name="李四")
    slot = get(f"/slots?business_type=SCJ&date={MONDAY}").json()[0]
    code = post(
        citizen, "/appointments", {"slot": slot["id"], "name": "李四", "phone": "13800000001"}
    ).json()["code"]
    travel(AT(f"{MONDAY} 10:20"))
    post(citizen, "/tickets", {"business_type": "ZJJ"})
    taken = post(citizen, "/tickets", {"appointment": code})
    assert taken.status_code == 201
    assert taken.json()["business_type"] == "SCJ"
    ticket = Ticket.objects.get(number=taken.json()["number"])
    assert ticket.priority == 1 and ticket.appointment.code == code
    assert dt.date(2026, 3, 2) == ticket.day
