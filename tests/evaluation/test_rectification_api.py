"""The rectification API contract: a ledger with its tree and ids, measures, the four steps with
evidence, the counts, idempotent creation, the errors, and who may see and do what."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.evaluation.rectification_fixtures import *  # noqa: F403
from tests.evaluation.rectification_fixtures import PNG, source
from zhengwu.accounts.services import issue_token
from zhengwu.evaluation.models.rectification import Rectification

pytestmark = pytest.mark.django_db

LEDGER = {
    "source": source(),
    "areas": [
        {
            "title": "落实全面从严治党主体责任方面",
            "items": [
                {
                    "title": "好差评工作",
                    "problems": [{"text": "主动评价率较低"}, {"text": "系统对接不畅"}],
                }
            ],
        },
        {
            "title": "作风建设方面",
            "items": [{"title": "指导基层", "problems": [{"text": "指导不够"}]}],
        },
    ],
}


def bearer(user) -> dict:
    _token, raw = issue_token(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, url, data, user, **headers):
    return client.post(url, data, content_type="application/json", **bearer(user), **headers)


def new_ledger(client, office) -> dict:
    response = post(client, "/api/v1/rectifications", LEDGER, office)
    assert response.status_code == 201, response.json()
    return response.json()


def new_measure(client, office, ledger, problem_id, unit, head, person, **overrides) -> dict:
    data = {
        "problem": problem_id,
        "text": "制作摆放好差评二维码",
        "unit": unit.code,
        "leader": head.pk,
        "person": person.pk,
        "kind": "deadline",
        "deadline": "2025-10-20",
    }
    data.update(overrides)
    response = post(client, f"/api/v1/rectifications/{ledger['id']}/measures", data, office)
    assert response.status_code == 201, response.json()
    return response.json()


def test_the_whole_contract(client, office, unit_a, head_a, clerk_a):
    ledger = new_ledger(client, office)
    assert [a["title"] for a in ledger["areas"]] == ["落实全面从严治党主体责任方面", "作风建设方面"]
    problems = [p for a in ledger["areas"] for i in a["items"] for p in i["problems"]]
    assert [p["text"] for p in problems] == ["主动评价率较低", "系统对接不畅", "指导不够"]
    assert ledger["counts"]["problems"] == 3 and ledger["counts"]["measures"] == 0
    measure = new_measure(client, office, ledger, problems[0]["id"], unit_a, head_a, clerk_a)
    assert measure["person"] == {"id": clerk_a.pk, "name": "孙科员"}
    assert measure["leader"]["name"] == "钱局长"
    assert measure["state"] == "open"
    url = f"/api/v1/measures/{measure['id']}"
    upload = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    response = client.post(
        f"{url}/progress", {"text": "已摆放二维码", "files": [upload]}, **bearer(clerk_a)
    )
    assert response.status_code == 200, response.json()
    response = post(client, f"{url}/claim", {"text": "已完成"}, clerk_a)
    assert response.json()["state"] == "claimed"
    response = post(client, f"{url}/return", {"reason": "佐证不足"}, office)
    assert (response.json()["state"], response.json()["return_reason"]) == ("open", "佐证不足")
    post(client, f"{url}/claim", {"text": "已补充"}, clerk_a)
    response = post(client, f"{url}/verify", {}, office)
    assert response.json()["state"] == "verified"
    detail = client.get(f"/api/v1/rectifications/{ledger['id']}", **bearer(office)).json()
    assert detail["counts"] == {
        "areas": 2,
        "items": 2,
        "problems": 3,
        "measures": 1,
        "measures_done": 1,
        "problems_done": 1,
        "overdue": 0,
    }


def test_creation_is_idempotent(client, office):
    first = post(client, "/api/v1/rectifications", LEDGER, office, HTTP_IDEMPOTENCY_KEY="k1")
    again = post(client, "/api/v1/rectifications", LEDGER, office, HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Rectification.objects.count() == 1


def test_errors(client, office, unit_a, head_a, clerk_a, clerk_b):
    response = post(
        client,
        "/api/v1/rectifications",
        {"source": source(title=""), "areas": [{"title": "", "items": []}]},
        office,
    )
    assert response.status_code == 422
    assert {"source.title", "areas.0.title", "areas.0.items"} <= set(response.json()["errors"])
    ledger = new_ledger(client, office)
    problem = ledger["areas"][0]["items"][0]["problems"][0]["id"]
    response = post(
        client,
        f"/api/v1/rectifications/{ledger['id']}/measures",
        {
            "problem": problem,
            "text": "",
            "unit": "NOPE",
            "leader": 999999,
            "person": clerk_a.pk,
            "kind": "deadline",
            "deadline": "2025-10-20",
        },
        office,
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"text", "unit", "leader"}
    measure = new_measure(client, office, ledger, problem, unit_a, head_a, clerk_a)
    url = f"/api/v1/measures/{measure['id']}"
    response = post(client, f"{url}/verify", {}, office)
    assert response.status_code == 409 and response.json()["code"] == "illegal_transition"
    assert response.json()["message"] == "该整改措施当前状态下不能进行此操作。"
    # another unit: 404, never 403
    assert post(client, f"{url}/claim", {"text": "x"}, clerk_b).status_code == 404
    assert client.get(url, **bearer(clerk_b)).status_code == 404
    # a unit does not verify, the office does not claim
    post(client, f"{url}/claim", {"text": "x"}, clerk_a)
    assert post(client, f"{url}/verify", {}, head_a).status_code == 403
    assert post(client, "/api/v1/rectifications", LEDGER, clerk_a).status_code == 403
    assert client.get("/api/v1/rectifications/99999999", **bearer(office)).status_code == 404
    assert client.get("/api/v1/rectifications").status_code == 401


def test_a_unit_sees_only_its_own_measures(
    client, office, unit_a, unit_b, head_a, clerk_a, clerk_b
):
    ledger = new_ledger(client, office)
    problems = [p["id"] for a in ledger["areas"] for i in a["items"] for p in i["problems"]]
    new_measure(client, office, ledger, problems[0], unit_a, head_a, clerk_a)
    new_measure(client, office, ledger, problems[1], unit_a, head_a, clerk_a)
    mine_b = new_measure(client, office, ledger, problems[2], unit_b, clerk_b, clerk_b)
    seen = client.get(f"/api/v1/rectifications/{ledger['id']}", **bearer(clerk_b)).json()
    measures = [
        m["id"]
        for a in seen["areas"]
        for i in a["items"]
        for p in i["problems"]
        for m in p["measures"]
    ]
    assert measures == [mine_b["id"]]
    assert seen["counts"]["problems"] == 1 and seen["counts"]["measures"] == 1
    listed = client.get("/api/v1/rectifications", **bearer(clerk_b)).json()
    assert listed["total"] == 1
    assert listed["items"][0]["counts"] == {
        "problems": 1,
        "measures": 1,
        "measures_done": 0,
        "overdue": 0,
    }
    everything = client.get("/api/v1/rectifications", **bearer(office)).json()
    assert everything["items"][0]["counts"]["measures"] == 3
    assert everything["items"][0]["counts"]["problems"] == 3
