"""Hall patrol flow: the duty leader on today's roster records the first patrol with its
checklist and a finding (着装 at window 01) assigned to the window's clerk; the clerk sees the
finding on their patrols page and follows it up; the patrol counts as done in time."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.factories import CenterFactory, DepartmentFactory, UserFactory, WindowFactory
from zhengwu.core.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
# A Monday, a working day, shortly after the first patrol's time (09:00).
MOMENT = dt.datetime(2026, 12, 7, 9, 10, tzinfo=SHANGHAI)


@pytest.fixture
def hall():
    from zhengwu.hall.models import Hall, WindowPost

    center = CenterFactory()
    dept = DepartmentFactory(center=center, code="SCJ", name="市场监督管理局")
    clerk = UserFactory(
        username="clerk", full_name="张三", roles=[Role.WINDOW_CLERK], department=dept
    )
    leader = UserFactory(
        username="leader", full_name="陈值班", roles=[Role.LEADER], department=dept
    )
    hall = Hall.objects.create(center=center, code="H1", name="示范市政务服务大厅")
    window = WindowFactory(center=center, number="01", name="1号窗口", department=dept)
    WindowPost.objects.create(window=window, hall=hall, post_a=clerk)
    return {"hall": hall, "clerk": clerk, "leader": leader, "window": window}


@pytest.fixture
def moment():
    with time_machine.travel(MOMENT, tick=True):
        yield


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


def test_duty_leader_records_a_patrol_with_a_finding_and_the_clerk_follows_it_up(
    hall, moment, open_as
):
    from zhengwu.hall import staffing_services as services
    from zhengwu.hall.models.staffing import Patrol, PatrolFinding

    admin = UserFactory(username="admin", full_name="管理员", roles=[Role.ADMIN])
    services.save_roster(
        actor=admin, hall=hall["hall"], day="2026-12-07", leader_a=hall["leader"].pk
    )

    leader = open_as("leader")
    leader.goto("/hall/staffing/patrols/")
    assert "陈值班" in leader.locator("[data-testid=roster]").inner_text()
    leader.click("[data-testid=record-1]")
    leader.uncheck("input[name=t0_attire]")
    row = leader.locator("[data-testid=finding-0]")
    row.locator("select[name=f0_target]").select_option(label="01号窗口")
    row.locator("select[name=f0_item]").select_option(label="着装")
    row.locator("input[name=f0_description]").fill("未按规定着工装")
    row.locator("select[name=f0_assignee]").select_option(label="张三")
    leader.click("[data-testid=save-patrol]")
    leader.wait_for_selector("[data-testid=patrol-1]")
    assert "已完成" in leader.locator("[data-testid=patrol-1]").inner_text()
    assert "陈值班" in leader.locator("[data-testid=patrol-1]").inner_text()

    patrol = Patrol.objects.get()
    assert patrol.done_by == hall["leader"] and patrol.number == 1
    assert patrol.checks.get(window=hall["window"]).attire is False

    clerk = open_as("clerk")
    clerk.goto("/hall/staffing/patrols/")
    finding = clerk.locator("[data-testid=my-finding]")
    assert "未按规定着工装" in finding.inner_text()
    finding.locator("input[name=follow_up]").fill("已更换工装")
    finding.locator("[data-testid=follow-up]").click()
    clerk.wait_for_selector("[data-testid=no-findings]")

    found = PatrolFinding.objects.get()
    assert found.assignee == hall["clerk"] and found.follow_up == "已更换工装"
    assert found.followed_up_at is not None
