"""A joint case's steps reach the outbox in their own transaction (joint.observers), and the
child cases it opens, decides and delivers report their own steps, naming the joint case."""

from __future__ import annotations

import pytest

from tests.joint.conftest import (  # noqa: F401 (fixtures)
    SCJ_ITEM,
    ZJJ_FIRST,
    ZJJ_SECOND,
    admin,
    clerk,
    items,
    private_root,
    reviewer,
    scene,
    travel,
    zjj_reviewer,
)
from tests.joint.test_services import accepted, advance, children, decide
from zhengwu.exchange import records
from zhengwu.exchange.models.outbound import OutboxRecord

pytestmark = pytest.mark.django_db


def test_a_joint_case_from_receipt_to_delivery(scene, clerk, reviewer, zjj_reviewer, travel):  # noqa: F811
    joint = accepted(clerk, travel)
    kids = children(joint)
    decide(kids[SCJ_ITEM].case, reviewer, travel, "2026-10-09 10:00")
    decide(kids[ZJJ_FIRST].case, zjj_reviewer, travel, "2026-10-12 10:00")
    decide(children(joint)[ZJJ_SECOND].case, zjj_reviewer, travel, "2026-10-20 10:00")
    joint.refresh_from_db()
    advance(joint, clerk, "deliver", travel, "2026-10-21 10:00", method="window")
    rows = list(OutboxRecord.objects.filter(stream=f"joint:{joint.number}").order_by("id"))
    assert [r.kind for r in rows] == [
        "joint.submit",
        "joint.accept",
        "joint.open_stage",
        "joint.complete",
        "joint.deliver",
    ]
    for row in rows:
        assert records.problems(row.schema, row.payload) == [], row.kind
    assert rows[0].payload["scene_name"] == "开办餐饮店" and rows[0].payload["case_numbers"] == []
    assert rows[1].payload["accepted_on"] == "2026-09-24"
    assert rows[1].payload["promised_limit"] == 30
    assert len(rows[-1].payload["case_numbers"]) == 3
    assert rows[-1].payload["result"] == "granted"
    # each child case reports its own steps, naming its joint case
    for kid in children(joint).values():
        child = list(OutboxRecord.objects.filter(stream=f"case:{kid.case.number}").order_by("id"))
        kinds = [r.kind for r in child]
        assert kinds == [
            "case.submit",
            "case.accept",
            "case.decide_grant",
            "completion",
            "case.deliver",
        ]
        assert all(
            r.payload["joint_number"] == joint.number for r in child if r.kind != "completion"
        )
