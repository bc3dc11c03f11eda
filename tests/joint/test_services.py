"""Scenes and joint cases through the services, on the database."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.cases.helpers import AT
from tests.joint.conftest import SCENE, SCJ_ITEM, ZJJ_FIRST, ZJJ_SECOND, file_joint
from zhengwu.cases import services as case_services
from zhengwu.cases.models import Case
from zhengwu.core.errors import DomainError, Forbidden, ValidationFailed
from zhengwu.joint import services
from zhengwu.joint.models import JointCase


def test_the_published_scene_merges_materials(scene):
    materials = [(m.code, m.name, m.required, sorted(m.sources)) for m in scene.materials.all()]
    assert materials == [
        ("S01", "食品经营许可申请书", True, [SCJ_ITEM]),
        ("S02", "营业执照复印件", True, [SCJ_ITEM, ZJJ_FIRST, ZJJ_SECOND]),
        ("S03", "授权委托书", False, [SCJ_ITEM]),
        ("S04", "建设工程消防设计审查申请表", True, [ZJJ_FIRST]),
        ("S05", "建设工程消防验收申请表", True, [ZJJ_SECOND]),
    ]


def test_publishing_names_every_broken_rule(items, admin, travel):
    services.save_scene(
        actor=admin,
        code="BAD",
        name="不成立的一件事",
        lead_department="ZJJ",
        promised_limit=50,
        stages=[[SCJ_ITEM]],
    )
    with pytest.raises(DomainError) as caught:
        services.publish_scene(actor=admin, code="BAD")
    assert caught.value.code == "scene_not_publishable"
    message = str(caught.value.message)
    for words in ("至少包含两个政务服务事项", "两个部门", "牵头部门", "45个工作日"):
        assert words in message


def test_only_an_admin_edits_scenes(items, clerk):
    with pytest.raises(Forbidden):
        services.save_scene(
            actor=clerk,
            code=SCENE,
            name="x",
            lead_department="SCJ",
            promised_limit=10,
            stages=[[SCJ_ITEM, ZJJ_FIRST]],
        )


def advance(joint, actor, action, travel, when, **data):
    travel(AT(when))
    return services.act(actor=actor, number=joint.number, action=action, data=data)


def test_one_notice_one_supplement_one_acceptance(scene, clerk, travel):
    travel(AT("2026-09-22 09:00"))
    joint = file_joint(clerk, materials=["S01", "S03"])
    assert joint.number.startswith("LB20260922")
    assert joint.state == "submitted"
    assert not Case.objects.exists()  # no department sees anything before the acceptance

    with pytest.raises(DomainError) as caught:
        advance(joint, clerk, "accept", travel, "2026-09-22 10:00")
    assert caught.value.code == "materials_incomplete"
    for name in ("营业执照复印件", "建设工程消防设计审查申请表", "建设工程消防验收申请表"):
        assert name in str(caught.value.message)

    with pytest.raises(ValidationFailed) as caught:
        advance(joint, clerk, "request-supplement", travel, "2026-09-22 10:00", missing=["S02"])
    assert "S04" in str(caught.value.errors["missing"])

    joint = advance(
        joint,
        clerk,
        "request-supplement",
        travel,
        "2026-09-22 10:00",
        missing=["S02", "S04", "S05"],
    )
    assert joint.state == "supplement_requested"
    joint = advance(
        joint, clerk, "supplement", travel, "2026-09-24 09:00", materials=["S02", "S04"]
    )
    with pytest.raises(DomainError) as caught:
        advance(joint, clerk, "request-supplement", travel, "2026-09-24 10:00", missing=["S05"])
    assert caught.value.code == "already_notified"
    with pytest.raises(DomainError) as caught:
        advance(joint, clerk, "accept", travel, "2026-09-24 10:00")
    assert caught.value.code == "materials_incomplete"  # S05 is still missing
    assert "建设工程消防验收申请表" in str(caught.value.message)
    joint = advance(joint, clerk, "refuse", travel, "2026-09-24 10:00", reason="材料不全")
    assert joint.state == "refused"


def accepted(clerk, travel, when="2026-09-24 09:00"):
    travel(AT(when))
    joint = file_joint(clerk, materials=["S01", "S02", "S04", "S05"])
    return advance(joint, clerk, "accept", travel, when.replace("09:00", "10:00"))


def decide(case, actor, travel, when, outcome="grant", reason=""):
    travel(AT(when))
    return case_services.act(
        actor=actor,
        number=case.number,
        action="decide",
        data={"outcome": outcome, "reason": reason or ("不符合条件" if outcome == "deny" else "")},
    )


def children(joint):
    return {c.item.impl_code: c for c in joint.children.select_related("case", "item")}


def test_acceptance_opens_the_first_stage(scene, clerk, travel):
    joint = accepted(clerk, travel)
    assert joint.state == "accepted"
    assert joint.stage == 0
    assert joint.accepted_on == dt.date(2026, 9, 24)
    assert joint.statutory_due == dt.date(2026, 12, 3)  # 45 working days, across National Day
    assert joint.promised_due == dt.date(2026, 11, 12)  # the scene's 30
    kids = children(joint)
    first = kids[SCJ_ITEM].case
    assert first.state == "accepted"
    assert first.department.code == "SCJ"
    assert first.accepted_on == dt.date(2026, 9, 24)
    assert first.materials == ["M01", "M02"]
    assert kids[ZJJ_FIRST].case.department.code == "ZJJ"
    assert kids[ZJJ_FIRST].case.materials == ["Z02", "Z01"]
    assert kids[ZJJ_SECOND].case is None
    assert [e.kind for e in first.events.order_by("seq")] == ["submit", "accept"]


def test_stages_open_in_order_and_the_last_grant_completes(
    scene, clerk, reviewer, zjj_reviewer, travel
):
    joint = accepted(clerk, travel)
    kids = children(joint)
    decide(kids[SCJ_ITEM].case, reviewer, travel, "2026-10-09 10:00")
    joint.refresh_from_db()
    assert joint.stage == 0  # the other item of the stage is still open
    decide(kids[ZJJ_FIRST].case, zjj_reviewer, travel, "2026-10-12 10:00")
    joint.refresh_from_db()
    assert joint.stage == 1
    second = children(joint)[ZJJ_SECOND].case
    assert second.state == "accepted"
    assert second.accepted_on == dt.date(2026, 10, 12)
    decide(second, zjj_reviewer, travel, "2026-10-20 10:00")
    joint.refresh_from_db()
    assert joint.state == "completed"
    assert joint.completed_on == dt.date(2026, 10, 20)
    assert joint.completion == "early"
    joint = advance(joint, clerk, "deliver", travel, "2026-10-21 10:00", method="window")
    assert joint.state == "delivered"
    kinds = list(joint.events.order_by("seq").values_list("kind", flat=True))
    assert kinds == ["submit", "accept", "open_stage", "complete", "deliver"]
    # 统一出件: the one delivery delivers every item's decision, on each case's own trail, so no
    # department is left with a case awaiting delivery
    for kid in children(joint).values():
        case = kid.case
        assert case.state == "delivered" and case.delivered_on == dt.date(2026, 10, 21)
        last = case.events.order_by("-seq").first()
        assert last.kind == "deliver"
        assert last.data == {"method": "window", "joint": joint.number}
        assert not case.delivery_overdue


def test_a_denial_stops_later_stages(scene, clerk, reviewer, zjj_reviewer, travel):
    joint = accepted(clerk, travel)
    kids = children(joint)
    decide(kids[ZJJ_FIRST].case, zjj_reviewer, travel, "2026-10-09 10:00", outcome="deny")
    joint.refresh_from_db()
    assert joint.state == "stopped"
    assert joint.completed_on == dt.date(2026, 10, 9)
    later = children(joint)[ZJJ_SECOND]
    assert later.case is None
    assert "建设工程消防设计审查" in later.closed_reason
    stop = joint.events.order_by("seq").last()
    assert stop.kind == "stop" and stop.data["closed"] == [ZJJ_SECOND]
    # The sibling of the same stage is an ordinary case and goes on to its decision.
    decide(kids[SCJ_ITEM].case, reviewer, travel, "2026-10-12 10:00")
    joint.refresh_from_db()
    assert joint.state == "stopped"


def suspend(case, actor, travel, when: str):
    """The case's special procedure (a fire inspection) from ``when``."""
    travel(AT(when))
    return case_services.act(
        actor=actor,
        number=case.number,
        action="suspend",
        data={"procedure": "inspection", "reason": "消防检测"},
    )


def test_a_childs_special_procedure_pauses_the_joint_clock(scene, clerk, zjj_reviewer, travel):
    joint = accepted(clerk, travel)
    child = children(joint)[ZJJ_FIRST].case
    suspend(child, zjj_reviewer, travel, "2026-09-28 09:00")
    travel(AT("2026-10-09 09:00"))
    case_services.act(actor=zjj_reviewer, number=child.number, action="resume", data={})
    joint.refresh_from_db()
    assert joint.suspended_workdays == 4  # 9/28, 9/29, 9/30, 10/8
    assert joint.statutory_due == dt.date(2026, 12, 9)


def test_the_leader_extends_once_by_at_most_15(scene, clerk, leader, travel):
    joint = accepted(clerk, travel)
    with pytest.raises(Forbidden):
        advance(joint, clerk, "extend", travel, "2026-11-02 09:00", workdays=10, reason="复杂")
    with pytest.raises(ValidationFailed):
        advance(joint, leader, "extend", travel, "2026-11-02 09:00", workdays=16, reason="复杂")
    joint = advance(joint, leader, "extend", travel, "2026-11-02 09:00", workdays=15, reason="复杂")
    assert joint.extension_workdays == 15
    assert joint.statutory_due == dt.date(2026, 12, 24)
    with pytest.raises(DomainError) as caught:
        advance(joint, leader, "extend", travel, "2026-11-03 09:00", workdays=1, reason="再延")
    assert caught.value.code == "already_extended"


def test_refusal_of_the_whole_application(scene, clerk, travel):
    travel(AT("2026-09-24 09:00"))
    joint = file_joint(clerk)
    joint = advance(
        joint, clerk, "refuse", travel, "2026-09-24 10:00", reason="不属于本中心受理范围"
    )
    assert joint.state == "refused"
    assert not Case.objects.exists()


def test_withdrawal_closes_the_open_children(scene, clerk, citizen, travel):
    travel(AT("2026-09-24 09:00"))
    joint = file_joint(citizen, channel="online")
    assert joint.owner == citizen
    joint = advance(joint, clerk, "accept", travel, "2026-09-24 10:00")
    joint = advance(joint, citizen, "withdraw", travel, "2026-09-25 10:00", reason="不开了")
    assert joint.state == "withdrawn"
    assert set(Case.objects.values_list("state", flat=True)) == {"withdrawn"}
    assert children(joint)[ZJJ_SECOND].closed_reason == "不开了"


def test_the_joint_trail_is_hash_chained(scene, clerk, travel):
    joint = accepted(clerk, travel)
    rows = list(joint.events.order_by("seq"))
    assert [r.seq for r in rows] == [1, 2]
    assert rows[1].prev_hash == rows[0].hash
    assert JointCase.objects.get(pk=joint.pk).head_hash == rows[1].hash


def test_only_the_lead_window_files_at_the_window(scene, zjj_clerk, travel):
    travel(AT("2026-09-24 09:00"))
    with pytest.raises(ValidationFailed) as caught:
        file_joint(zjj_clerk)
    assert "scene" in caught.value.errors


def verify_audit() -> tuple[int, str, str]:
    import io

    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_verify_audit_checks_the_joint_chains(scene, clerk, travel):
    from zhengwu.joint.models import JointCaseEvent

    joint = accepted(clerk, travel)
    code, out, _err = verify_audit()
    assert code == 0
    assert "checked 1 joint cases, 0 broken" in out
    JointCaseEvent.objects.filter(joint=joint, seq=2).update(data={"forged": True})
    code, out, err = verify_audit()
    assert code == 1
    assert f"BROKEN {joint.number} (event 2)" in err


def test_only_staff_state_when_a_step_happened(scene, clerk, citizen, travel):
    travel(AT("2026-09-24 09:00"))
    joint = file_joint(citizen, channel="online")
    travel(AT("2026-09-30 09:00"))
    with pytest.raises(ValidationFailed) as caught:
        services.act(
            actor=citizen,
            number=joint.number,
            action="withdraw",
            occurred_at=AT("2026-09-25 09:00"),
        )
    assert "occurred_at" in caught.value.errors
    # A clerk's acceptance of the 24th recorded on the 30th is 先办后录.
    joint = services.act(
        actor=clerk, number=joint.number, action="accept", occurred_at=AT("2026-09-24 10:00")
    )
    last = joint.events.order_by("seq").last()
    assert last.kind == "accept" and last.retroactive
    assert joint.accepted_on == dt.date(2026, 9, 24)
