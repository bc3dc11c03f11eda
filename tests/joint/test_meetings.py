"""Joint review meetings (联审会): convened by the lead department, attendees with or without the
power to decide (the latter raised as irregularities by the sweep), opinions per item, the
minutes closed; every step on the joint case's hash chain; who sees and who acts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from tests.cases.helpers import AT
from tests.factories import DepartmentFactory
from tests.joint.conftest import SCJ_ITEM, ZJJ_FIRST, ZJJ_SECOND, file_joint
from tests.joint.test_api import bearer, get, post
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.core.roles import Role
from zhengwu.joint import meetings, services
from zhengwu.joint.integrity import verify
from zhengwu.joint.models import MeetingState
from zhengwu.supervision import sweep
from zhengwu.supervision.models import Irregularity, IrregularityKind


@pytest.fixture
def joint(scene, clerk, travel):
    travel(AT("2026-09-24 09:00"))
    found = file_joint(clerk)
    services.act(actor=clerk, number=found.number, action="accept")
    found.refresh_from_db()
    return found


@pytest.fixture
def zjj_head(make_user, other_department):
    return make_user(
        Role.DEPARTMENT_HEAD, department=other_department, username="head_zjj", full_name="周局长"
    )


def convene(actor, joint, **overrides):
    body = {
        "held_on": dt.date(2026, 9, 28),
        "place": "市民中心三楼联审室",
        "topic": "消防设计审查与食品经营许可联合审查",
        "departments": ["ZJJ"],
    }
    body.update(overrides)
    return meetings.convene(actor=actor, number=joint.number, **body)


def test_a_meeting_from_convening_to_its_minutes(joint, clerk, travel):
    travel(AT("2026-09-25 10:00"))
    meeting = convene(clerk, joint)
    assert (meeting.seq, meeting.state) == (1, MeetingState.CONVENED)
    assert [d.code for d in meeting.departments.all()] == ["ZJJ"]
    assert [c.item.impl_code for c in meetings.agenda(meeting)] == [ZJJ_FIRST, ZJJ_SECOND]

    meetings.record_attendee(
        actor=clerk, number=joint.number, seq=1, department="SCJ", name="王科长", may_decide=True
    )
    meetings.record_attendee(
        actor=clerk,
        number=joint.number,
        seq=1,
        department="ZJJ",
        name="赵干事",
        title="科员",
        may_decide=False,
    )
    # nobody of ZJJ may decide: the meeting gives no opinion on its items
    with pytest.raises(DomainError) as caught:
        meetings.record_decision(
            actor=clerk, number=joint.number, seq=1, item=ZJJ_FIRST, opinion="agree"
        )
    assert caught.value.code == "no_decision_maker"
    assert "住房和城乡建设局" in str(caught.value.message)

    meetings.record_attendee(
        actor=clerk, number=joint.number, seq=1, department="ZJJ", name="钱处长", may_decide=True
    )
    with pytest.raises(ValidationFailed) as invalid:
        meetings.record_decision(
            actor=clerk, number=joint.number, seq=1, item=ZJJ_FIRST, opinion="conditional"
        )
    assert invalid.value.errors["text"] == ["请写明所附条件。"]
    meetings.record_decision(
        actor=clerk,
        number=joint.number,
        seq=1,
        item=ZJJ_FIRST,
        opinion="conditional",
        text="补充消防车道平面图后通过",
    )
    with pytest.raises(DomainError) as again:
        meetings.record_decision(
            actor=clerk, number=joint.number, seq=1, item=ZJJ_FIRST, opinion="agree"
        )
    assert again.value.code == "already_decided"
    with pytest.raises(ValidationFailed):  # SCJ is not a department concerned
        meetings.record_decision(
            actor=clerk, number=joint.number, seq=1, item=SCJ_ITEM, opinion="agree"
        )

    closed = meetings.close(actor=clerk, number=joint.number, seq=1, conclusion="原则同意")
    assert closed.state == MeetingState.CLOSED
    with pytest.raises(DomainError) as late:
        meetings.record_attendee(
            actor=clerk, number=joint.number, seq=1, department="ZJJ", name="孙", may_decide=True
        )
    assert late.value.code == "meeting_closed"

    joint.refresh_from_db()
    kinds = list(joint.events.order_by("seq").values_list("kind", flat=True))
    assert kinds[-6:] == [
        "meeting_convene",
        "meeting_attend",
        "meeting_attend",
        "meeting_attend",
        "meeting_decide",
        "meeting_close",
    ]
    close_event = joint.events.order_by("-seq").first()
    assert close_event.data["undecided"] == [ZJJ_SECOND]
    assert close_event.data["without_decision_power"] == ["ZJJ"]
    # the chain verifies, and the clocks still replay (meeting steps do not move them)
    assert [problem for _pk, problem in verify() if problem] == []
    call_command("verify_audit")
    before = joint.statutory_due
    services._refresh(joint)
    assert joint.statutory_due == before and joint.state == "accepted"


def test_an_attendee_unable_to_decide_is_raised_as_an_irregularity(
    client, joint, clerk, make_user, travel
):
    travel(AT("2026-09-25 10:00"))
    convene(clerk, joint)
    meetings.record_attendee(
        actor=clerk,
        number=joint.number,
        seq=1,
        department="ZJJ",
        name="赵干事",
        title="科员",
        may_decide=False,
    )
    meetings.record_attendee(
        actor=clerk, number=joint.number, seq=1, department="SCJ", name="王科长", may_decide=True
    )
    sweep.run(daily=False)
    [row] = Irregularity.objects.filter(kind=IrregularityKind.NO_DECISION_POWER)
    assert row.department.code == "ZJJ"
    zjj_case = joint.children.get(item__impl_code=ZJJ_FIRST).case
    assert row.case_id == zjj_case.pk  # on the department's own case in the joint case
    assert row.evidence["name"] == "赵干事"
    assert row.evidence["joint"] == joint.number
    # recorded once, however often the sweep runs
    travel(AT("2026-09-25 11:00"))
    sweep.run(daily=False)
    assert Irregularity.objects.filter(kind=IrregularityKind.NO_DECISION_POWER).count() == 1
    # shown to supervisors with its evidence in words
    client.force_login(make_user(Role.SUPERVISOR, username="sup_meeting"))
    page = client.get(f"/supervision/irregularities/{row.pk}/").content.decode()
    for words in ("联审会参会人员无现场决定权", "第1次联审会", "赵干事", "科员", joint.number):
        assert words in page


def test_only_the_lead_department_convenes(joint, clerk, zjj_reviewer, zjj_head, leader, travel):
    travel(AT("2026-09-25 10:00"))
    for outsider in (zjj_reviewer, zjj_head, leader):
        with pytest.raises(Forbidden):
            convene(outsider, joint)
    meeting = convene(clerk, joint)
    with pytest.raises(Forbidden):
        meetings.record_attendee(
            actor=zjj_head,
            number=joint.number,
            seq=meeting.seq,
            department="ZJJ",
            name="周局长",
            may_decide=True,
        )


def test_convening_checks_its_input(joint, clerk, scene, travel):
    travel(AT("2026-09-25 10:00"))
    DepartmentFactory(code="GTJ", name="自然资源局")
    with pytest.raises(ValidationFailed) as caught:
        convene(clerk, joint, departments=["GTJ"], place="", held_on=dt.date(2026, 9, 1))
    assert set(caught.value.errors) == {"departments", "place", "held_on"}
    assert "GTJ" in caught.value.errors["departments"][0]
    # not while the application waits for intake
    waiting = file_joint(clerk)
    with pytest.raises(DomainError) as early:
        convene(clerk, waiting)
    assert early.value.code == "meeting_not_possible"


def test_who_sees_a_meeting(client, joint, clerk, zjj_reviewer, make_user, travel):
    travel(AT("2026-09-25 10:00"))
    convene(clerk, joint)
    path = f"/api/v1/joint-cases/{joint.number}/meetings"
    # the department concerned sees it
    response = get(client, zjj_reviewer, path)
    assert response.status_code == 200
    [shown] = response.json()
    assert shown["departments"] == ["ZJJ"]
    assert shown["convened_by"] == "王窗口"
    # a department of the joint case not concerned by a meeting does not see that meeting
    only_scj = convene(clerk, joint, departments=["SCJ"], topic="食品经营许可现场核查")
    assert get(client, zjj_reviewer, f"{path}/{only_scj.seq}").status_code == 404
    assert [m["seq"] for m in get(client, zjj_reviewer, path).json()] == [1]
    assert [m["seq"] for m in get(client, clerk, path).json()] == [1, 2]
    # staff of a department outside the joint case: 404
    gtj = DepartmentFactory(code="GTJ", name="自然资源局")
    stranger = make_user(Role.REVIEWER, department=gtj, username="reviewer_gtj")
    assert get(client, stranger, path).status_code == 404
    assert get(client, stranger, f"{path}/1").status_code == 404


def test_the_meeting_api(client, joint, clerk, zjj_reviewer, travel):
    travel(AT("2026-09-25 10:00"))
    path = f"/api/v1/joint-cases/{joint.number}/meetings"
    body = {
        "held_on": "2026-09-28",
        "place": "联审室",
        "topic": "联合审查",
        "departments": ["ZJJ"],
    }
    assert post(client, zjj_reviewer, path, body).status_code == 403
    response = post(client, clerk, path, body)
    assert response.status_code == 201, response.json()
    assert response.json()["seq"] == 1
    attendee = {"department": "ZJJ", "name": "钱处长", "title": "处长", "may_decide": True}
    response = post(client, clerk, f"{path}/1/attendees", attendee)
    assert response.status_code == 201
    assert response.json()["attendees"][0]["may_decide"] is True
    assert post(client, clerk, f"{path}/1/attendees", attendee).json()["code"] == (
        "already_attending"
    )
    decision = {"item": ZJJ_FIRST, "opinion": "disagree", "text": ""}
    response = post(client, clerk, f"{path}/1/decisions", decision)
    assert response.status_code == 422
    assert response.json()["errors"]["text"] == ["请写明不同意的理由。"]
    decision["text"] = "消防车道宽度不足"
    response = post(client, clerk, f"{path}/1/decisions", decision)
    assert response.status_code == 201
    items = {row["item"]: row for row in response.json()["items"]}
    assert items[ZJJ_FIRST]["opinion"] == "disagree"
    assert items[ZJJ_SECOND]["opinion"] is None
    response = post(client, clerk, f"{path}/1/close", {"conclusion": "退回修改"})
    assert response.status_code == 200
    assert response.json()["state"] == "closed"
    assert post(client, clerk, f"{path}/9/close", {"conclusion": "x"}).status_code == 404
    assert post(client, clerk, f"{path}/1/close", {"conclusion": "x"}).status_code == 409
    response = client.post(
        f"{path}/1/attendees",
        {**attendee, "name": "孙", "may_decide": "perhaps"},
        content_type="application/json",
        **bearer(clerk),
    )
    assert response.status_code == 422


def test_meetings_of_an_unknown_case(client, scene, clerk):
    assert get(client, clerk, "/api/v1/joint-cases/LB404/meetings").status_code == 404
    # NUL: refused before the view by the site's rule, and by the service before any query
    assert get(client, clerk, "/api/v1/joint-cases/LB%00/meetings/1").status_code == 422
    for number in ("LB404", "LB\x00"):
        with pytest.raises(NotFound):
            meetings.get_meeting(clerk, number, 1)
