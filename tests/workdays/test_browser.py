"""An administrator enters next year's official schedule in a real browser."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengwu.core.roles import Role
from zhengwu.workdays import add_workdays, loader, sources
from zhengwu.workdays.models import CalendarYear

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_preview_and_import_in_the_browser(page, login, make_user):
    if 2027 in sources.package_official_years():
        CalendarYear.objects.create(year=2027, status=CalendarYear.Status.PROVISIONAL)
    make_user(Role.ADMIN, username="calendar-admin")
    login("calendar-admin")
    page.goto("/workdays/?year=2027")
    assert page.get_by_test_id("year-status").inner_text() == "暂定"
    page.fill("#id_year", "2027")
    page.fill("#id_holidays", "2027-02-05,2027-02-12,春节\n2027-02-30,2027-03-01,错")
    page.click("button[value=preview]")
    assert "第 2 行" in page.locator(".invalid-feedback").first.inner_text()
    assert "2027-02-30" in page.input_value("#id_holidays")
    page.fill("#id_holidays", "2027-02-05,2027-02-12,春节")
    page.fill("#id_workdays", "2027-02-13,春节调休上班")
    page.click("button[value=preview]")
    assert "2027年2月13日" in page.get_by_test_id("preview").inner_text()
    page.click("button[value=import]")
    page.wait_for_selector(".alert-success")
    assert page.get_by_test_id("year-status").inner_text() == "官方"
    assert "wd-makeup" in page.locator('td[data-date="2027-02-13"]').get_attribute("class")
    assert loader.year_status(2027) == sources.OFFICIAL
    assert add_workdays(dt.date(2027, 2, 4), 1) == dt.date(2027, 2, 13)
