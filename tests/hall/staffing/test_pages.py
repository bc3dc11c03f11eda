"""The staffing pages: each flow once, the messages of the services, scope and roles, no
logins shown, the attendance sheet's .xlsx."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.hall.staffing.conftest import AT, open_session
from zhengwu.hall import staffing_services as services
from zhengwu.hall import staffing_sweep as sweep
from zhengwu.hall.models import WindowPost
from zhengwu.hall.models.staffing import (
    AssistedService,
    Attendance,
    LeaveRequest,
    Patrol,
    PatrolFinding,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_sign_in_on_the_page_and_refused_by_distance(client, floor, travel):
    travel(AT("2026-03-02 09:03"))
    client.force_login(floor.a)
    page = client.get("/hall/staffing/attendance/")
    assert page.status_code == 200 and "签到" in text(page)
    far = client.post(
        "/hall/staffing/attendance/",
        {"method": "mobile", "lat": "30.001", "lon": "120", "what": "sign_in"},
    )
    assert far.status_code == 422 and "111" in text(far)
    done = client.post("/hall/staffing/attendance/", {"method": "panel", "what": "sign_in"})
    assert done.status_code == 302
    assert Attendance.objects.get(user=floor.a).late_minutes == 3
    again = client.post("/hall/staffing/attendance/", {"method": "panel", "what": "sign_in"})
    assert again.status_code == 409 and "今天已经签到" in text(again)


def test_leave_asked_and_approved_with_confirmation(client, floor, travel):
    travel(AT("2026-03-02 10:00"))
    client.force_login(floor.a)
    client.get("/hall/staffing/attendance/")
    response = client.post(
        "/hall/staffing/attendance/",
        {
            "what": "leave",
            "kind": "annual",
            "first_day": "2026-03-04",
            "last_day": "2026-03-04",
            "reason": "休假",
            "once": "t1",
        },
    )
    assert response.status_code == 302
    leave = LeaveRequest.objects.get()
    client.force_login(floor.head)
    sheet = client.get("/hall/staffing/attendance/department/")
    assert "张三" in text(sheet) and "clerk_a" not in text(sheet)
    url = f"/hall/staffing/leave/{leave.pk}/decide/"
    ask = client.post(url, {"decision": "approve"})
    assert ask.status_code == 200 and "confirmed" in text(ask)
    leave.refresh_from_db()
    assert leave.state == "pending"
    assert client.post(url, {"decision": "approve", "confirmed": "yes"}).status_code == 302
    leave.refresh_from_db()
    assert leave.state == "approved"
    client.force_login(floor.other_head)
    assert client.post(url, {"decision": "refuse", "confirmed": "yes"}).status_code == 404


def test_attendance_sheet_xlsx(client, floor, travel):
    travel(AT("2026-03-02 09:05"))
    services.sign_in(user=floor.a, method="panel")
    travel(AT("2026-03-03 10:00"))
    client.force_login(floor.head)
    response = client.get("/hall/staffing/attendance/department/?month=2026-03&format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(3, 1).value == "姓名" and sheet.cell(3, 2).value == "1日"
    names = {sheet.cell(r, 1).value: r for r in range(4, sheet.max_row + 1)}
    assert {"张三", "李四", "李主任"} <= set(names) and "王五" not in names
    row = names["张三"]
    assert sheet.cell(row, 3).value == "迟"  # 2 March: late, no sign-out yet judged late
    assert sheet.cell(row, 2).value is None  # 1 March: a Sunday, left blank
    headings = [sheet.cell(3, c).value for c in range(33, 41)]
    assert headings[:2] == ["出勤天数", "迟到次数"]
    # the other department's head sees only their own department
    client.force_login(floor.other_head)
    other = client.get(f"/hall/staffing/attendance/department/?department={floor.dept.pk}")
    assert "王五" in text(other) and "张三" not in text(other)
    client.force_login(floor.a)
    assert client.get("/hall/staffing/attendance/department/").status_code == 403


def test_posts_page_is_for_the_administrator(client, floor, travel):
    travel(AT("2026-03-02 10:00"))
    client.force_login(floor.a)
    assert client.get("/hall/staffing/posts/").status_code == 403
    client.force_login(floor.admin)
    assert client.get("/hall/staffing/posts/").status_code == 200
    same = client.post(
        "/hall/staffing/posts/",
        {"what": "post", "window": floor.w1.pk, "post_a": floor.b.pk, "post_b": floor.b.pk},
    )
    assert same.status_code == 422 and "B岗" in text(same)
    client.post(
        "/hall/staffing/posts/",
        {"what": "post", "window": floor.w1.pk, "post_a": floor.b.pk, "post_b": floor.a.pk},
    )
    assert WindowPost.objects.get(window=floor.w1).post_a == floor.b
    wide = client.post(
        "/hall/staffing/posts/",
        {
            "what": "settings",
            "radius_m": "80",
            "empty_grace_minutes": "10",
            "patrol_grace_minutes": "30",
            "finding_workdays": "1",
            "late_tolerance_minutes": "0",
            "areas": "等候区",
        },
    )
    assert wide.status_code == 422 and 'value="80"' in text(wide)
    client.post(
        "/hall/staffing/posts/",
        {
            "what": "settings",
            "radius_m": "30",
            "empty_grace_minutes": "15",
            "patrol_grace_minutes": "30",
            "finding_workdays": "1",
            "late_tolerance_minutes": "0",
            "areas": "等候区",
        },
    )
    floor.hall.refresh_from_db()
    assert floor.hall.radius_m == 30 and floor.hall.staffing.empty_grace_minutes == 15
    times = {
        f"time_{i}": t
        for i, t in enumerate(["09:00", "10:00", "11:00", "14:00", "15:00", "16:00"], start=1)
    }
    client.post("/hall/staffing/posts/", {"what": "times", **times})
    assert list(floor.hall.patrol_slots.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]


def test_patrol_recorded_on_the_page_and_followed_up(client, floor, travel):
    travel(AT("2026-03-02 07:00"))
    client.force_login(floor.admin)
    response = client.post(
        "/hall/staffing/rosters/",
        {"day": "2026-03-02", "leader_a": floor.leader.pk, "patrol_staff": [floor.b.pk]},
    )
    assert response.status_code == 302
    travel(AT("2026-03-02 09:15"))
    client.force_login(floor.a)
    assert client.get("/hall/staffing/patrols/1/record/").status_code == 404  # not on duty
    client.force_login(floor.leader)
    page = client.get("/hall/staffing/patrols/")
    assert "陈值班" in text(page) and "duty_a" not in text(page)
    form = client.get("/hall/staffing/patrols/1/record/")
    assert form.status_code == 200 and "在岗" in text(form)
    missing = client.post(
        "/hall/staffing/patrols/1/record/",
        {
            "t0_on_post": "on",
            "f0_target": f"w:{floor.w1.pk}",
            "f0_item": "attire",
            "f0_description": "未着工装",
            "f0_assignee": "",
        },
    )
    assert missing.status_code == 422 and "未着工装" in text(missing)
    done = client.post(
        "/hall/staffing/patrols/1/record/",
        {
            "t0_on_post": "on",
            "f0_target": f"w:{floor.w1.pk}",
            "f0_item": "attire",
            "f0_description": "未着工装",
            "f0_assignee": str(floor.a.pk),
        },
    )
    assert done.status_code == 302
    patrol = Patrol.objects.get()
    assert patrol.checks.get(window=floor.w1).attire is False
    finding = PatrolFinding.objects.get()
    client.force_login(floor.a)
    mine = client.get("/hall/staffing/patrols/")
    assert "未着工装" in text(mine)
    client.post(f"/hall/staffing/findings/{finding.pk}/follow-up/", {"follow_up": "已更换工装"})
    finding.refresh_from_db()
    assert finding.follow_up == "已更换工装"
    client.force_login(floor.supervisor)
    log = client.get("/hall/staffing/patrol-log/?month=2026-03")
    assert log.status_code == 200 and "巡查日志" in text(log) and "已更换工装" in text(log)
    assert "1 of 1" in text(log) or "1/1" in text(log) or "100.0%" in text(log)


def test_irregularities_page_scope(client, floor, travel):
    open_session(floor.w2, floor.c, AT("2026-03-02 08:50"))
    travel(AT("2026-03-02 09:30"))
    sweep.run()
    client.force_login(floor.head)
    page = client.get("/hall/staffing/irregularities/?month=2026-03")
    assert "空岗" in text(page) and "市场监督管理局" in text(page)
    client.force_login(floor.other_head)
    assert "市场监督管理局" not in text(client.get("/hall/staffing/irregularities/?month=2026-03"))
    client.force_login(floor.a)
    assert client.get("/hall/staffing/irregularities/").status_code == 403


def test_assisted_page(client, floor, travel):
    travel(AT("2026-03-02 10:00"))
    client.force_login(floor.a)
    client.get("/hall/staffing/assisted/")
    no_address = client.post(
        "/hall/staffing/assisted/",
        {"person": "王大爷", "items": "社保认证", "mode": "home", "once": "x1"},
    )
    assert no_address.status_code == 422 and "王大爷" in text(no_address)
    client.post(
        "/hall/staffing/assisted/",
        {
            "person": "王大爷",
            "items": "社保认证",
            "mode": "home",
            "address": "幸福路1号",
            "once": "x2",
        },
    )
    row = AssistedService.objects.get()
    client.post(f"/hall/staffing/assisted/{row.pk}/callback/", {"satisfaction": "satisfied"})
    page = client.get("/hall/staffing/assisted/?month=2026-03")
    assert "100.0%" in text(page)


def test_configuration_pages_without_a_hall_say_so(client, admin_user):
    client.force_login(admin_user)
    for url in ("/hall/staffing/posts/", "/hall/staffing/rosters/", "/hall/staffing/patrol-log/"):
        response = client.get(url)
        assert response.status_code == 200 and "尚未为您设置服务大厅" in text(response), url
