"""Joint cases in the supervision sweep: deemed acceptance, levels, warnings, irregularities and
who is told, at the working-day boundaries of the 2026 calendar (春节 2/15-2/23 off, Sat 2/14
and 2/28 work; 国庆 10/1-10/7 off, Sat 10/10 works)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.cases.helpers import AT
from tests.joint.conftest import SCJ_ITEM, ZJJ_FIRST, file_joint
from tests.joint.test_services import accepted, advance, children, suspend
from zhengwu.cases import services as case_services
from zhengwu.core.errors import DomainError
from zhengwu.core.roles import Role
from zhengwu.joint import services
from zhengwu.joint.clocks import JointTerms, compute_joint_clocks
from zhengwu.joint.models import JointCase
from zhengwu.notifications import messages
from zhengwu.notifications.models import Notification
from zhengwu.supervision import sweep
from zhengwu.supervision.models import JointIrregularity, JointWarning
from zhengwu.workdays.loader import get_calendar

D = dt.date


@pytest.fixture
def head(make_user, department):
    return make_user(Role.DEPARTMENT_HEAD, department=department, username="head_scj")


def swept(travel, when: str):
    travel(AT(when))
    return sweep.run(daily=False, workers=1)


def stored(joint) -> JointCase:
    return JointCase.objects.get(pk=joint.pk)


def replayed(joint, as_of: dt.date):
    """The joint clock's own answer as of ``as_of``, from the stored events and pauses."""
    return compute_joint_clocks(
        terms=JointTerms(promised_limit=joint.scene_version.promised_limit),
        events=[services._event_tuple(r) for r in joint.events.order_by("seq")],
        pauses=services.child_pauses(joint),
        calendar=get_calendar(),
        as_of=as_of,
    )


def told(kind: str) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", "code"))


def test_levels_move_at_the_boundaries_and_each_warning_is_recorded_once(
    scene, clerk, reviewer, zjj_reviewer, head, travel
):
    joint = accepted(clerk, travel)  # 9/24: promised 11/12 (30), statutory 12/3 (45)
    assert (joint.promised_due, joint.statutory_due) == (D(2026, 11, 12), D(2026, 12, 3))
    expected = [
        ("2026-11-10 08:00", "normal", False),  # 2 working days left
        ("2026-11-11 08:00", "yellow", False),  # 1 left
        ("2026-11-12 08:00", "yellow", False),  # the promised due date itself
        ("2026-11-13 08:00", "red", False),
        ("2026-12-03 08:00", "red", False),  # the statutory due date itself
        ("2026-12-04 08:00", "statutory_overdue", True),
    ]
    for when, level, overdue in expected:
        swept(travel, when)
        now = stored(joint)
        assert (now.level, now.statutory_overdue) == (level, overdue), when
        assert now.level == replayed(now, now.clocks_on).level
    warnings = list(JointWarning.objects.filter(joint=joint).values_list("level", "raised_on"))
    assert sorted(warnings) == [
        ("red", D(2026, 11, 13)),
        ("statutory_overdue", D(2026, 12, 4)),
        ("yellow", D(2026, 11, 11)),
    ]
    assert all(w.department_id == joint.lead_department_id for w in JointWarning.objects.all())
    # the lead department's reviewers and heads are told, never the co-reviewing department
    assert told("joint_warning") == [
        ("head_scj", "red"),
        ("head_scj", "statutory_overdue"),
        ("head_scj", "yellow"),
        ("reviewer_scj", "red"),
        ("reviewer_scj", "statutory_overdue"),
        ("reviewer_scj", "yellow"),
    ]
    irregular = JointIrregularity.objects.get(joint=joint)
    assert irregular.kind == "statutory_overdue"
    assert irregular.evidence["statutory_due"] == "2026-12-03"
    assert told("joint_irregular") == [("head_scj", "statutory_overdue")]
    # a second sweep the same day records nothing again
    result = swept(travel, "2026-12-04 12:00")
    assert (result.joint_warnings, result.joint_irregularities) == (0, 0)
    assert JointWarning.objects.count() == 3
    # the words name the joint case
    note = Notification.objects.filter(kind="joint_warning", code="yellow").first()
    assert messages.title(note) == f"联办件 {joint.number}：黄牌预警"
    assert "2026年11月12日" in messages.body(note)
    # and open the joint case's page
    assert messages.link(note) == f"/joint/{joint.number}/"


def test_the_45_plus_15_clock_across_the_spring_festival_through_the_sweep(
    scene, clerk, leader, travel
):
    joint = accepted(clerk, travel, when="2026-02-10 09:00")
    assert joint.statutory_due == D(2026, 4, 21)  # across 春节 and 清明
    travel(AT("2026-04-21 10:00"))
    joint = services.act(
        actor=leader,
        number=joint.number,
        action="extend",
        data={"workdays": 15, "reason": "需组织专家论证"},
    )
    extended = get_calendar().add(D(2026, 2, 10), 60)
    assert joint.statutory_due == extended == D(2026, 5, 14)  # past 劳动节 (5/1-5/5)
    swept(travel, "2026-04-22 08:00")  # past the 45 days, not the 60
    assert not stored(joint).statutory_overdue
    swept(travel, "2026-05-14 08:00")
    assert stored(joint).level == "red"
    swept(travel, "2026-05-15 08:00")  # the day after the extended due date
    now = stored(joint)
    assert (now.level, now.statutory_overdue) == ("statutory_overdue", True)
    warning = JointWarning.objects.get(joint=joint, level="statutory_overdue")
    assert (warning.period, warning.due) == (1, D(2026, 5, 14))
    evidence = JointIrregularity.objects.get(joint=joint).evidence
    assert evidence["extension_workdays"] == 15


def test_the_joint_clock_across_national_day_through_the_sweep(scene, clerk, travel):
    joint = accepted(clerk, travel, when="2026-09-30 09:00")
    # 10/1-10/7 off, Saturday 10/10 works
    assert joint.statutory_due == get_calendar().add(D(2026, 9, 30), 45)
    swept(travel, "2026-10-09 08:00")
    assert stored(joint).level == "normal"
    due = stored(joint).statutory_due
    swept(travel, f"{due.isoformat()} 20:00")
    assert not stored(joint).statutory_overdue
    swept(travel, f"{(due + dt.timedelta(days=1)).isoformat()} 08:00")
    assert stored(joint).statutory_overdue


def test_a_childs_special_procedure_pauses_the_joint_clock_seen_by_the_sweep(
    scene, clerk, zjj_reviewer, travel
):
    joint = accepted(clerk, travel)
    child = children(joint)[ZJJ_FIRST].case
    suspend(child, zjj_reviewer, travel, "2026-09-28 09:00")
    assert stored(joint).statutory_due == D(2026, 12, 4)  # paused through 9/28
    result = swept(travel, "2026-10-08 08:00")  # National Day in between
    now = stored(joint)
    assert result.joint_refreshed >= 1
    assert now.clocks_on == D(2026, 10, 8)
    assert now.suspended_workdays == 4  # 9/28, 9/29, 9/30, 10/8
    assert now.statutory_due == D(2026, 12, 9)
    assert now.level == "normal"
    clocks = replayed(now, D(2026, 10, 8))
    assert (clocks.statutory_due, clocks.promised_due) == (now.statutory_due, now.promised_due)
    # the same day again: nothing to recompute
    assert swept(travel, "2026-10-08 12:00").joint_refreshed == 0
    # the resumption keeps the days counted so far, as the sweep had them
    travel(AT("2026-10-09 09:00"))
    case_services.act(actor=zjj_reviewer, number=child.number, action="resume", data={})
    assert stored(joint).statutory_due == D(2026, 12, 9)


def test_a_joint_application_unanswered_for_5_working_days_is_deemed_accepted(
    scene, clerk, head, travel
):
    travel(AT("2026-02-12 09:00"))
    joint = file_joint(clerk)  # every required material handed in
    assert joint.intake_due == D(2026, 2, 26)  # 2/13, the make-up Saturday 2/14, 2/24-2/26
    assert swept(travel, "2026-02-26 20:00").joint_deemed_accepted == 0
    assert stored(joint).state == "submitted"
    result = swept(travel, "2026-02-27 08:00")
    assert result.joint_deemed_accepted == 1
    now = stored(joint)
    assert (now.state, now.accepted_on, now.stage) == ("accepted", D(2026, 2, 12), 0)
    assert now.statutory_due == get_calendar().add(D(2026, 2, 12), 45)
    deem = now.events.order_by("seq").last()
    assert (deem.kind, deem.actor_id) == ("deem_accept", None)
    # the cases of the first stage are open in their departments' queues, accepted from receipt
    kids = children(now)
    for impl in (SCJ_ITEM, ZJJ_FIRST):
        assert kids[impl].case.state == "accepted"
        assert kids[impl].case.accepted_on == D(2026, 2, 12)
    irregular = JointIrregularity.objects.get(joint=joint)
    assert irregular.kind == "deemed_acceptance"
    assert irregular.evidence["intake_due"] == "2026-02-26"
    assert told("joint_irregular") == [("head_scj", "deemed_acceptance")]
    # recorded once; a late acceptance at the window is told why it is refused
    assert swept(travel, "2026-02-27 12:00").joint_deemed_accepted == 0
    assert JointIrregularity.objects.count() == 1
    with pytest.raises(DomainError) as caught:
        advance(joint, clerk, "accept", travel, "2026-02-27 13:00")
    assert caught.value.code == "deemed_accepted"


def test_a_late_intake_action_records_the_deemed_acceptance_first(scene, clerk, travel):
    travel(AT("2026-02-12 09:00"))
    joint = file_joint(clerk, materials=["S01"])
    with pytest.raises(DomainError) as caught:
        advance(joint, clerk, "request-supplement", travel, "2026-02-27 09:00", missing=["S02"])
    assert caught.value.code == "deemed_accepted"
    now = stored(joint)
    assert (now.state, now.accepted_on) == ("accepted", D(2026, 2, 12))
    assert children(now)[SCJ_ITEM].case.accepted_on == D(2026, 2, 12)
