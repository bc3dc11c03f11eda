"""The staff pages of the joint review meetings and the search by investment project code."""

from __future__ import annotations

import pytest

from tests.cases.helpers import AT
from tests.joint.conftest import ZJJ_FIRST, file_joint
from tests.joint.test_meetings import joint, zjj_head  # noqa: F401
from zhengwu.core.roles import Role
from zhengwu.joint import meetings
from zhengwu.joint.models import JointMeeting


def test_convene_record_close_and_print(client, joint, clerk, zjj_reviewer, travel):  # noqa: F811
    travel(AT("2026-09-25 10:00"))
    client.force_login(clerk)
    listing = f"/joint-meetings/{joint.number}/"
    page = client.get(listing)
    assert page.status_code == 200
    assert "召开联审会" in page.content.decode()
    # a form with an error keeps its input
    response = client.post(
        listing, {"held_on": "2026-09-28", "place": "", "topic": "联合审查", "departments": ["ZJJ"]}
    )
    assert response.status_code == 422
    assert 'value="联合审查"' in response.content.decode()
    response = client.post(
        listing,
        {"held_on": "2026-09-28", "place": "联审室", "topic": "联合审查", "departments": ["ZJJ"]},
    )
    assert response.status_code == 302
    meeting_page = f"{listing}1/"
    assert response["Location"] == meeting_page
    response = client.post(
        f"{meeting_page}attendees/",
        {"department": "ZJJ", "name": "赵干事", "title": "科员", "may_decide": "no"},
    )
    assert response.status_code == 302
    response = client.post(
        f"{meeting_page}decisions/", {"item": ZJJ_FIRST, "opinion": "agree", "text": ""}
    )
    assert response.status_code == 409
    assert "现场决定" in response.content.decode()
    client.post(
        f"{meeting_page}attendees/", {"department": "ZJJ", "name": "钱处长", "may_decide": "yes"}
    )
    response = client.post(
        f"{meeting_page}decisions/", {"item": ZJJ_FIRST, "opinion": "agree", "text": ""}
    )
    assert response.status_code == 302
    response = client.post(f"{meeting_page}close/", {"conclusion": "原则同意"})
    assert response.status_code == 302
    minutes = client.get(f"{meeting_page}minutes/").content.decode()
    assert "联审会会议纪要" in minutes
    for words in ("赵干事", "钱处长", "同意", "原则同意", "住房和城乡建设局", "会上未形成意见"):
        assert words in minutes
    # the department concerned reads, but does not keep, the minutes
    client.force_login(zjj_reviewer)
    assert client.get(meeting_page).status_code == 200
    assert 'data-testid="close-form"' not in client.get(meeting_page).content.decode()
    response = client.post(listing, {"held_on": "2026-09-29", "place": "x", "topic": "y"})
    assert response.status_code == 403
    assert JointMeeting.objects.count() == 1


def test_meeting_pages_refuse_strangers(client, joint, clerk, make_user, travel):  # noqa: F811
    travel(AT("2026-09-25 10:00"))
    meetings.convene(
        actor=clerk,
        number=joint.number,
        held_on=joint.accepted_on,
        place="联审室",
        topic="联合审查",
        departments=["ZJJ"],
    )
    citizen = make_user(Role.APPLICANT, username="someone")
    client.force_login(citizen)
    assert client.get(f"/joint-meetings/{joint.number}/1/").status_code == 403
    supervisor = make_user(Role.SUPERVISOR, username="sup9")
    client.force_login(supervisor)
    assert client.get(f"/joint-meetings/{joint.number}/1/minutes/").status_code == 200
    assert client.get(f"/joint-meetings/{joint.number}/7/").status_code == 404


@pytest.mark.parametrize("typed", ["2019-330102-47-03-012345", "20193301024703012345"])
def test_search_by_project_code(client, scene, clerk, travel, typed):
    travel(AT("2026-09-24 09:00"))
    mine = file_joint(clerk, project_code="2019-330102-47-03-012345")
    file_joint(clerk, project_code="2020-330102-47-03-000001")
    client.force_login(clerk)
    page = client.get("/joint-meetings/projects/", {"code": typed})
    assert page.status_code == 200
    body = page.content.decode()
    assert mine.number in body
    assert body.count('data-testid="project-row"') == 1
    assert 'data-total="1"' in body
    bad = client.get("/joint-meetings/projects/", {"code": "2019-33"})
    assert bad.status_code == 422
    assert "投资项目代码的格式" in bad.content.decode()
