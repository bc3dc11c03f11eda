"""Attendance, leave, rosters, patrols and 帮办代办 through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.hall.staffing.conftest import AT
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.hall import staffing_services as services
from zhengwu.hall.models.staffing import Attendance, LeaveRequest, PatrolFinding
from zhengwu.notifications.models import Notification

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64


def test_location_sign_in_inside_the_radius_and_late(floor, travel):
    travel(AT("2026-03-02 09:07"))
    row = services.sign_in(user=floor.a, method="mobile", lat="30.0004", lon="120.0")
    assert (row.day, row.late_minutes, row.distance_m) == (dt.date(2026, 3, 2), 7, 44)
    assert row.department_id == floor.dept.pk and row.hall_id == floor.hall.pk
    with pytest.raises(DomainError) as error:
        services.sign_in(user=floor.a, method="panel")
    assert error.value.code == "already_signed_in"
    travel(AT("2026-03-02 16:45"))
    out = services.sign_out(user=floor.a, method="panel")
    assert (out.early_minutes, out.sign_out_method) == (15, "panel")


def test_location_sign_in_outside_the_radius_is_refused_with_the_distance(floor, travel):
    travel(AT("2026-03-02 08:50"))
    with pytest.raises(services.OutsideRadius) as error:
        services.sign_in(user=floor.a, method="mobile", lat="30.0005", lon="120.0")
    assert error.value.distance == 56 and error.value.payload()["distance_m"] == 56
    assert "56" in error.value.errors["location"][0]
    assert not Attendance.objects.exists()
    # a smaller radius refuses what 50 m admits
    floor.hall.radius_m = 30
    floor.hall.save()
    with pytest.raises(services.OutsideRadius):
        services.sign_in(user=floor.a, method="mobile", lat="30.0004", lon="120.0")
    with pytest.raises(ValidationFailed) as error:
        services.sign_in(user=floor.a, method="mobile", lat="x", lon=None)
    assert set(error.value.errors) == {"lat", "lon"}


def test_kiosk_needs_a_face_photo_and_no_late_on_a_day_off(floor, travel):
    travel(AT("2026-03-07 10:00"))  # a Saturday
    with pytest.raises(ValidationFailed) as error:
        services.sign_in(user=floor.a, method="kiosk")
    assert "photo" in error.value.errors
    with pytest.raises(ValidationFailed):
        services.sign_in(user=floor.a, method="kiosk", photo=b"not an image")
    row = services.sign_in(user=floor.a, method="kiosk", photo=JPEG)
    assert row.photo.name and row.late_minutes == 0


def test_leave_is_approved_beforehand_by_the_department_head(floor, travel):
    travel(AT("2026-03-02 10:00"))
    with pytest.raises(ValidationFailed) as error:
        services.request_leave(
            user=floor.a,
            kind="personal",
            first_day="2026-03-02",
            last_day="2026-03-02",
            reason="家中有事",
        )
    assert "first_day" in error.value.errors
    leave = services.request_leave(
        user=floor.a,
        kind="personal",
        first_day="2026-03-04",
        last_day="2026-03-05",
        reason="家中有事",
    )
    with pytest.raises(NotFound):  # another department's head
        services.decide_leave(head=floor.other_head, leave_id=leave.pk, approve=True)
    with pytest.raises(NotFound):  # not a head
        services.decide_leave(head=floor.b, leave_id=leave.pk, approve=True)
    late = services.request_leave(
        user=floor.b, kind="sick", first_day="2026-03-03", last_day="2026-03-03", reason="看病"
    )
    services.decide_leave(head=floor.head, leave_id=leave.pk, approve=True)
    leave.refresh_from_db()
    assert leave.state == LeaveRequest.State.APPROVED and leave.decided_by == floor.head
    with pytest.raises(DomainError) as error:
        services.decide_leave(head=floor.head, leave_id=leave.pk, approve=False)
    assert error.value.code == "leave_decided"
    travel(AT("2026-03-03 08:00"))  # on its first day: too late
    with pytest.raises(DomainError) as error:
        services.decide_leave(head=floor.head, leave_id=late.pk, approve=True)
    assert error.value.code == "leave_too_late"


def test_roster_publication_and_patrol_with_finding(floor, travel):
    travel(AT("2026-03-02 07:00"))
    with pytest.raises(Forbidden):
        services.save_roster(
            actor=floor.a, hall=floor.hall, day="2026-03-02", leader_a=floor.leader.pk
        )
    services.save_roster(
        actor=floor.admin,
        hall=floor.hall,
        day="2026-03-02",
        leader_a=floor.leader.pk,
        leader_b=floor.leader_b.pk,
        patrol_staff=[floor.b.pk],
    )
    assert services.publish_rosters(now=AT("2026-03-02 07:59")) == 0
    assert services.publish_rosters(now=AT("2026-03-02 08:00")) == 1
    assert services.publish_rosters(now=AT("2026-03-02 08:05")) == 0
    told = set(
        Notification.objects.filter(kind="duty_roster").values_list("recipient_id", flat=True)
    )
    assert told == {floor.leader.pk, floor.leader_b.pk, floor.b.pk}

    travel(AT("2026-03-02 09:10"))
    with pytest.raises(Forbidden):  # not on today's roster
        services.record_patrol(actor=floor.a, hall=floor.hall, number=1, checks=[])
    patrol = services.record_patrol(
        actor=floor.leader,
        hall=floor.hall,
        number=1,
        checks=[{"window": floor.w1.pk, "attire": False}, {"area": "等候区"}],
        findings=[
            {
                "window": floor.w1.pk,
                "item": "attire",
                "description": "未佩戴工牌",
                "assignee": floor.a.pk,
            }
        ],
    )
    assert patrol.checks.count() == 2 and patrol.checks.get(window=floor.w1).attire is False
    finding = patrol.findings.get()
    # due by the end of the next working day, in the window's department
    assert finding.deadline == AT("2026-03-03 23:59") + dt.timedelta(seconds=59.999999)
    assert finding.department_id == floor.dept.pk
    with pytest.raises(DomainError) as error:
        services.record_patrol(actor=floor.leader, hall=floor.hall, number=1, checks=[])
    assert error.value.code == "patrol_recorded"
    with pytest.raises(ValidationFailed) as error:
        services.record_patrol(
            actor=floor.leader,
            hall=floor.hall,
            number=2,
            checks=[],
            findings=[{"area": "等候区", "item": "order", "description": ""}],
        )
    assert {"findings.0.description", "findings.0.assignee"} <= set(error.value.errors)
    with pytest.raises(NotFound):  # only the assignee follows it up
        services.follow_up(actor=floor.b, finding_id=finding.pk, text="已整改")
    services.follow_up(actor=floor.a, finding_id=finding.pk, text="已佩戴")
    assert PatrolFinding.objects.get().followed_up_by == floor.a


def test_assisted_service_and_callback(floor, travel):
    travel(AT("2026-03-02 10:00"))
    with pytest.raises(ValidationFailed) as error:
        services.record_assisted(actor=floor.a, person="王大爷", items="社保卡补办", mode="home")
    assert "address" in error.value.errors
    row = services.record_assisted(
        actor=floor.a, person="王大爷", items="社保卡补办", mode="home", address="幸福路1号"
    )
    with pytest.raises(NotFound):  # not theirs
        services.call_back(actor=floor.c, service_id=row.pk, satisfaction="satisfied")
    services.call_back(actor=floor.head, service_id=row.pk, satisfaction="satisfied")
    with pytest.raises(DomainError):
        services.call_back(actor=floor.head, service_id=row.pk, satisfaction="satisfied")
