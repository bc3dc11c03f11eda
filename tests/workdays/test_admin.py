"""The calendar in the Django admin, in Chinese; edits go through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengwu.core.roles import Role
from zhengwu.workdays import is_workday
from zhengwu.workdays.models import CalendarChange, CalendarDay

pytestmark = pytest.mark.django_db


def test_the_admin_lists_are_in_chinese(admin_client):
    html = admin_client.get("/admin/workdays/calendarday/").content.decode()
    assert "日历日" in html
    assert admin_client.get("/admin/workdays/calendaryear/").status_code == 200
    assert admin_client.get("/admin/workdays/calendarchange/").status_code == 200
    assert "工作日历" in admin_client.get("/admin/").content.decode()


def test_adding_a_day_in_the_admin_is_logged(admin_client, admin_user):
    response = admin_client.post(
        "/admin/workdays/calendarday/add/",
        {"date": "2025-11-03", "is_workday": "", "name": "防汛", "note": "", "reason": "县通知"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not is_workday(dt.date(2025, 11, 3))
    change = CalendarChange.objects.get()
    assert change.actor == admin_user and change.reason == "县通知"
    row = CalendarDay.objects.get()
    assert row.updated_by == admin_user

    response = admin_client.post(f"/admin/workdays/calendarday/{row.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert is_workday(dt.date(2025, 11, 3))
    assert CalendarChange.objects.filter(kind="delete").count() == 1


def test_a_day_outside_the_calendar_is_refused(admin_client):
    response = admin_client.post(
        "/admin/workdays/calendarday/add/",
        {"date": "2003-01-01", "is_workday": "", "name": "", "note": "", "reason": ""},
    )
    assert response.status_code == 200
    assert "请输入" in response.content.decode()
    assert not CalendarDay.objects.exists()


def test_the_log_cannot_be_edited(admin_client):
    assert admin_client.get("/admin/workdays/calendarchange/add/").status_code == 403


def test_staff_without_the_admin_role_cannot_touch_the_calendar(client, make_user):
    clerk = make_user(Role.WINDOW_CLERK, is_staff=True)
    client.force_login(clerk)
    assert client.get("/admin/workdays/calendarday/").status_code == 403
