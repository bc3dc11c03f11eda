"""The scene and joint case API: the contract other tools call, and who sees what."""

from __future__ import annotations

import pytest

from tests.cases.helpers import AT, applicant_payload
from tests.joint.conftest import SCENE, SCJ_ITEM, ZJJ_FIRST, ZJJ_SECOND
from zhengwu.accounts.services import issue_token
from zhengwu.cases import services as case_services
from zhengwu.core.roles import Role
from zhengwu.joint.models import JointCase


def bearer(user) -> dict:
    _token, raw = issue_token(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, user, path, body, **headers):
    return client.post(path, body, content_type="application/json", **bearer(user), **headers)


def get(client, user, path):
    return client.get(path, **bearer(user))


def apply(client, user, materials=("S01", "S02", "S04", "S05"), **headers):
    body = {"channel": "window", "applicant": applicant_payload(), "materials": list(materials)}
    return post(client, user, f"/api/v1/scenes/{SCENE}/applications", body, **headers)


def test_the_scene_list(client, scene):
    response = client.get("/api/v1/scenes")
    assert response.status_code == 200
    [found] = response.json()
    assert found["code"] == SCENE
    assert found["name"] == "开办餐饮店"
    assert found["lead_department"] == "SCJ"
    assert found["items"] == [SCJ_ITEM, ZJJ_FIRST, ZJJ_SECOND]
    assert found["stages"] == [[SCJ_ITEM, ZJJ_FIRST], [ZJJ_SECOND]]
    assert found["materials"][1] == {
        "code": "S02",
        "name": "营业执照复印件",
        "required": True,
        "items": [SCJ_ITEM, ZJJ_FIRST, ZJJ_SECOND],
        "licence_type": None,
    }
    assert found["promised_limit"] == 30
    assert found["composite_licence"] is False
    assert (found["serial_days"], found["parallel_days"]) == (55, 40)  # 20+15+20; 20 + 20
    assert client.get(f"/api/v1/scenes/{SCENE}").json() == found
    assert client.get("/api/v1/scenes/NOPE").status_code == 404


def test_apply_accept_and_follow(client, scene, clerk, travel):
    travel(AT("2026-09-24 09:00"))
    response = apply(client, clerk, materials=["S01"], HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 201, response.json()
    body = response.json()
    number = body["number"]
    assert body["state"] == "submitted"
    assert body["scene"] == SCENE
    assert [c["state"] for c in body["children"]] == ["waiting"] * 3
    again = apply(client, clerk, materials=["S01"], HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.json()["number"] == number
    assert JointCase.objects.count() == 1

    response = post(client, clerk, f"/api/v1/joint-cases/{number}/accept", {})
    assert response.status_code == 409
    assert response.json()["code"] == "materials_incomplete"
    for name in ("营业执照复印件", "建设工程消防设计审查申请表", "建设工程消防验收申请表"):
        assert name in response.json()["message"]

    response = post(
        client,
        clerk,
        f"/api/v1/joint-cases/{number}/request-supplement",
        {"missing": ["S02", "S04", "S05"]},
    )
    assert response.status_code == 200
    travel(AT("2026-09-25 09:00"))
    response = post(
        client,
        clerk,
        f"/api/v1/joint-cases/{number}/supplement",
        {"materials": ["S02", "S04", "S05"]},
    )
    assert response.status_code == 200
    response = post(client, clerk, f"/api/v1/joint-cases/{number}/accept", {})
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "accepted"
    assert body["accepted_on"] == "2026-09-25"
    assert body["statutory_due"] == "2026-12-03"  # 9/25 is 中秋: counted as from 9/24
    assert body["stage"] == 0
    assert body["extension_workdays"] == 0
    assert body["suspended_workdays"] == 0
    assert body["licence"] is None
    states = {c["item"]: c["state"] for c in body["children"]}
    assert states == {SCJ_ITEM: "accepted", ZJJ_FIRST: "accepted", ZJJ_SECOND: "waiting"}
    assert [e["kind"] for e in body["events"]] == [
        "submit",
        "request_supplement",
        "supplement",
        "accept",
    ]

    listed = get(client, clerk, "/api/v1/joint-cases?state=accepted").json()
    assert [row["number"] for row in listed["items"]] == [number]
    assert get(client, clerk, "/api/v1/joint-cases?state=nonsense").status_code == 422


def test_validation_and_errors(client, scene, clerk, leader, travel):
    travel(AT("2026-09-24 09:00"))
    number = apply(client, clerk).json()["number"]
    assert post(client, clerk, f"/api/v1/joint-cases/{number}/accept", {}).status_code == 200
    path = f"/api/v1/joint-cases/{number}/extend"
    assert post(client, clerk, path, {"workdays": 5, "reason": "复杂"}).status_code == 403
    response = post(client, leader, path, {"workdays": 16, "reason": "复杂"})
    assert response.status_code == 422
    assert "workdays" in response.json()["errors"]
    assert post(client, leader, path, {"workdays": "5", "reason": "复杂"}).status_code == 422
    response = post(client, leader, path, {"workdays": 15, "reason": "情况复杂"})
    assert response.status_code == 200
    assert response.json()["extension_workdays"] == 15
    response = post(client, leader, path, {"workdays": 1, "reason": "再延"})
    assert response.status_code == 409
    assert response.json()["code"] == "already_extended"
    assert post(client, clerk, "/api/v1/joint-cases/NOPE/accept", {}).status_code == 404
    assert client.get(f"/api/v1/joint-cases/{number}").status_code == 401


@pytest.fixture
def running(scene, clerk, travel, client):
    travel(AT("2026-09-24 09:00"))
    number = apply(client, clerk).json()["number"]
    post(client, clerk, f"/api/v1/joint-cases/{number}/accept", {})
    return number


def test_the_lead_department_sees_every_child(client, running, clerk, reviewer):
    for user in (clerk, reviewer):
        children = get(client, user, f"/api/v1/joint-cases/{running}").json()["children"]
        assert all(c["number"] for c in children[:2])


def test_a_co_reviewing_department_sees_its_child_only(
    client, running, zjj_reviewer, make_user, other_department
):
    response = get(client, zjj_reviewer, f"/api/v1/joint-cases/{running}")
    assert response.status_code == 200
    children = {c["item"]: c for c in response.json()["children"]}
    assert children[ZJJ_FIRST]["number"] and children[ZJJ_FIRST]["state"] == "accepted"
    assert children[SCJ_ITEM]["number"] is None and children[SCJ_ITEM]["state"] is None
    scj_case = JointCase.objects.get(number=running).children.get(item__impl_code=SCJ_ITEM).case
    assert get(client, zjj_reviewer, f"/api/v1/cases/{scj_case.number}").status_code == 404
    listed = get(client, zjj_reviewer, "/api/v1/joint-cases").json()["items"]
    assert [row["number"] for row in listed] == [running]


def test_an_unrelated_department_and_another_applicant_see_nothing(
    client, running, make_user, citizen
):
    from tests.factories import DepartmentFactory

    stranger = make_user(Role.REVIEWER, department=DepartmentFactory(code="GAJ", name="公安局"))
    for user in (stranger, citizen):
        assert get(client, user, f"/api/v1/joint-cases/{running}").status_code == 404
        assert get(client, user, "/api/v1/joint-cases").json()["items"] == []


def test_the_applicant_sees_their_own(client, scene, citizen, clerk, travel):
    travel(AT("2026-09-24 09:00"))
    body = {
        "channel": "online",
        "applicant": applicant_payload(),
        "materials": ["S01", "S02", "S04", "S05"],
    }
    response = post(client, citizen, f"/api/v1/scenes/{SCENE}/applications", body)
    assert response.status_code == 201, response.json()
    number = response.json()["number"]
    post(client, clerk, f"/api/v1/joint-cases/{number}/accept", {})
    children = get(client, citizen, f"/api/v1/joint-cases/{number}").json()["children"]
    assert all(c["number"] for c in children[:2])
    response = post(client, citizen, f"/api/v1/joint-cases/{number}/withdraw", {"reason": "不办了"})
    assert response.status_code == 200
    assert response.json()["state"] == "withdrawn"


def test_licences_of_a_holder(client, items, clerk, reviewer, citizen, travel):
    from tests.cases.helpers import file_case
    from tests.factories import valid_id_number
    from zhengwu.catalog.models import ServiceItemVersion
    from zhengwu.licences.models import LicenceType

    LicenceType.objects.create(code="SPJY", name="食品经营许可证", validity_years=5)
    ServiceItemVersion.objects.filter(item__impl_code=SCJ_ITEM).update(licence_type="SPJY")
    travel(AT("2026-03-02 09:00"))
    case = file_case(clerk)
    case_services.act(actor=clerk, number=case.number, action="accept", data={})
    case_services.act(
        actor=reviewer, number=case.number, action="decide", data={"outcome": "grant"}
    )
    holder = valid_id_number(1)
    response = get(client, clerk, f"/api/v1/licences?holder={holder}")
    assert response.json() == [
        {
            "number": f"SPJY-{case.number}",
            "name": "食品经营许可证",
            "holder": holder,
            "valid_from": "2026-03-02",
            "valid_to": "2031-03-01",
            "case": case.number,
        }
    ]
    assert get(client, citizen, f"/api/v1/licences?holder={holder}").json() == []
