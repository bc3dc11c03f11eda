"""Concurrent writes to one joint case: one of two conflicting actions wins, the other gets a
409; two grants that finish a stage together open the next stage once."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.cases.helpers import AT, applicant_payload
from tests.cases.test_concurrency import _shared_cache_sqlite, bearer, poster, race
from tests.joint.conftest import SCENE, SCJ_ITEM, ZJJ_FIRST, file_joint
from zhengwu.joint import services
from zhengwu.joint.integrity import verify
from zhengwu.joint.models import JointCase

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(_shared_cache_sqlite(), reason="in-memory SQLite test database"),
]


def test_two_acceptances_one_wins(scene, clerk, make_user, department, travel):
    from zhengwu.core.roles import Role

    second = make_user(Role.WINDOW_CLERK, department=department, username="clerk_scj_2")
    travel(AT("2026-09-24 09:00"))
    joint = file_joint(clerk)
    path = f"/api/v1/joint-cases/{joint.number}/accept"
    results = race(poster(bearer(clerk), path, {}), poster(bearer(second), path, {}))
    statuses = sorted(status for status, _body in results)
    assert statuses == [200, 409], results
    joint.refresh_from_db()
    assert joint.children.filter(case__isnull=False).count() == 2
    assert all(problem is None for _id, problem in verify())


def test_one_idempotency_key_files_once(scene, clerk, travel):
    travel(AT("2026-09-24 09:00"))
    body = {
        "channel": "window",
        "applicant": applicant_payload(),
        "materials": ["S01", "S02", "S04", "S05"],
    }
    path = f"/api/v1/scenes/{SCENE}/applications"
    auth = bearer(clerk)
    results = race(*(poster(auth, path, body, HTTP_IDEMPOTENCY_KEY="same") for _ in range(2)))
    numbers = {body["number"] for status, body in results if status == 201}
    assert len(numbers) == 1, results
    assert JointCase.objects.count() == 1


def test_the_last_two_grants_of_a_stage_open_the_next_once(
    scene, clerk, reviewer, zjj_reviewer, travel
):
    travel(AT("2026-09-24 09:00"))
    joint = file_joint(clerk)
    joint = services.act(actor=clerk, number=joint.number, action="accept")
    cases = {c.item.impl_code: c.case for c in joint.children.select_related("item", "case")}
    results = race(
        poster(
            bearer(reviewer),
            f"/api/v1/cases/{cases[SCJ_ITEM].number}/decide",
            {"outcome": "grant"},
        ),
        poster(
            bearer(zjj_reviewer),
            f"/api/v1/cases/{cases[ZJJ_FIRST].number}/decide",
            {"outcome": "grant"},
        ),
    )
    assert [status for status, _body in results] == [200, 200], results
    joint.refresh_from_db()
    assert joint.stage == 1
    assert list(joint.events.values_list("kind", flat=True)).count("open_stage") == 1
    assert joint.children.filter(stage=1, case__isnull=False).count() == 1
    assert Client().get("/api/v1/scenes").status_code == 200


def test_two_opinions_on_one_item_one_wins_and_the_chain_holds(scene, clerk, travel):
    """Meeting steps lock the joint case: of two opinions on one item one is recorded, the other
    gets a 409, and the chain stays whole."""
    from zhengwu.joint import meetings

    travel(AT("2026-09-24 09:00"))
    joint = file_joint(clerk)
    services.act(actor=clerk, number=joint.number, action="accept")
    meeting = meetings.convene(
        actor=clerk,
        number=joint.number,
        held_on=AT("2026-09-25 09:00").date(),
        place="联审室",
        topic="联合审查",
        departments=["ZJJ"],
    )
    meetings.record_attendee(
        actor=clerk,
        number=joint.number,
        seq=meeting.seq,
        department="ZJJ",
        name="钱处长",
        may_decide=True,
    )
    path = f"/api/v1/joint-cases/{joint.number}/meetings/{meeting.seq}/decisions"
    auth = bearer(clerk)
    results = race(
        poster(auth, path, {"item": ZJJ_FIRST, "opinion": "agree"}),
        poster(auth, path, {"item": ZJJ_FIRST, "opinion": "disagree", "text": "不同意"}),
    )
    assert sorted(status for status, _body in results) == [201, 409], results
    joint.refresh_from_db()
    assert list(joint.events.values_list("kind", flat=True)).count("meeting_decide") == 1
    assert all(problem is None for _id, problem in verify())
