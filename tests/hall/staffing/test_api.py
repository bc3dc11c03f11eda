"""The staffing API: attendance 201 / 422 with the distance, leave, patrols, 帮办代办, scope."""

from __future__ import annotations

import pytest

from tests.hall.staffing.conftest import AT, open_session
from zhengwu.accounts.services import issue_token
from zhengwu.hall import staffing_services as services
from zhengwu.hall import staffing_sweep as sweep

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _token, raw = issue_token(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, user, path, body, **headers):
    return client.post(
        f"/api/v1/hall{path}", body, content_type="application/json", **bearer(user), **headers
    )


def get(client, user, path):
    return client.get(f"/api/v1/hall{path}", **bearer(user))


def test_attendance_inside_and_outside_the_radius(client, floor, travel):
    travel(AT("2026-03-02 08:55"))
    far = post(client, floor.a, "/attendance", {"method": "mobile", "lat": 30.001, "lon": 120.0})
    assert far.status_code == 422
    body = far.json()
    assert body["distance_m"] == 111 and body["radius_m"] == 50
    assert "111" in body["errors"]["location"][0]
    near = post(client, floor.a, "/attendance", {"method": "mobile", "lat": 30.0002, "lon": 120.0})
    assert near.status_code == 201, near.json()
    assert near.json()["late_minutes"] == 0 and near.json()["distance_m"] == 22
    again = post(client, floor.a, "/attendance", {"method": "panel"})
    assert again.status_code == 409 and again.json()["code"] == "already_signed_in"
    travel(AT("2026-03-02 16:50"))
    out = post(client, floor.a, "/attendance", {"method": "panel", "action": "sign_out"})
    assert out.status_code == 200 and out.json()["early_minutes"] == 10
    month = get(client, floor.a, "/attendance?month=2026-03").json()
    assert [d["day"] for d in month["days"]] == ["2026-03-02"]
    bad = post(client, floor.a, "/attendance", {"method": "telepathy"})
    assert bad.status_code == 422 and "method" in bad.json()["errors"]
    assert get(client, floor.a, "/attendance?month=2026-13").status_code == 422


def test_leave_through_the_api(client, floor, travel):
    travel(AT("2026-03-02 10:00"))
    made = post(
        client,
        floor.a,
        "/leave",
        {"kind": "annual", "first_day": "2026-03-04", "last_day": "2026-03-04", "reason": "休假"},
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert made.status_code == 201
    leave_id = made.json()["id"]
    assert post(client, floor.other_head, f"/leave/{leave_id}/approve", {}).status_code == 404
    done = post(client, floor.head, f"/leave/{leave_id}/approve", {})
    assert done.status_code == 200 and done.json()["state"] == "approved"


def test_patrol_finding_follow_up_and_irregularity_scope(client, floor, travel):
    travel(AT("2026-03-02 07:00"))
    services.save_roster(
        actor=floor.admin, hall=floor.hall, day="2026-03-02", leader_a=floor.leader.pk
    )
    open_session(floor.w2, floor.c, AT("2026-03-02 08:50"))
    travel(AT("2026-03-02 09:20"))
    refused = post(client, floor.a, "/patrols", {"number": 1})
    assert refused.status_code == 403
    made = post(
        client,
        floor.leader,
        "/patrols",
        {
            "number": 1,
            "checks": [{"window": floor.w1.pk, "on_post": False}],
            "findings": [
                {
                    "window": floor.w1.pk,
                    "item": "on_post",
                    "description": "窗口无人",
                    "assignee": floor.a.pk,
                }
            ],
        },
    )
    assert made.status_code == 201, made.json()
    finding = made.json()["findings"][0]
    day = get(client, floor.leader, "/patrols?date=2026-03-02").json()
    assert [p["state"] for p in day["patrols"]][:2] == ["done", "pending"]
    assert post(client, floor.b, f"/findings/{finding}/follow-up", {"text": "x"}).status_code == 404
    ok = post(client, floor.a, f"/findings/{finding}/follow-up", {"text": "已安排B岗顶岗"})
    assert ok.status_code == 200
    sweep.run()  # window 1 empty since 09:00
    mine = get(client, floor.head, "/irregularities").json()
    assert mine["total"] == 1 and mine["items"][0]["window"] == "01"
    assert mine["items"][0]["minutes"] == 20
    assert get(client, floor.other_head, "/irregularities").json()["total"] == 0
    assert get(client, floor.a, "/irregularities").json()["total"] == 0
    assert get(client, floor.supervisor, "/irregularities").json()["total"] == 1


def test_assisted_and_figures(client, floor, travel):
    travel(AT("2026-03-02 10:00"))
    made = post(
        client,
        floor.a,
        "/assisted",
        {"person": "王大爷", "items": "养老保险认证", "mode": "home", "address": "幸福路1号"},
    )
    assert made.status_code == 201
    post(client, floor.a, "/assisted", {"person": "刘女士", "items": "营业执照", "mode": "on_site"})
    called = post(
        client, floor.a, f"/assisted/{made.json()['id']}/callback", {"satisfaction": "satisfied"}
    )
    assert called.status_code == 200
    figures = get(client, floor.head, "/assisted/figures?month=2026-03").json()
    assert (figures["assisted"], figures["home"], figures["called_back"]) == (2, 1, 1)
    assert figures["satisfaction_rate"] == "100.0%"
    assert get(client, floor.c, "/assisted/figures?month=2026-03").json()["assisted"] == 0


def test_numbers_no_row_can_have_are_404_or_422_never_500(client, floor, travel):
    travel(AT("2026-03-02 10:00"))
    huge = 2**70
    assert post(client, floor.head, f"/leave/{huge}/approve", {}).status_code in (404, 422)
    assert post(client, floor.a, f"/findings/{huge}/follow-up", {"text": "x"}).status_code in (
        404,
        422,
    )
    assert get(client, floor.head, f"/irregularities?offset={huge}").status_code == 422
    client.force_login(floor.head)
    assert client.post(f"/hall/staffing/leave/{huge}/decide/", {}).status_code == 404
    assert (
        client.post(f"/hall/staffing/findings/{huge}/follow-up/", {"follow_up": "x"}).status_code
        == 404
    )
    client.force_login(floor.admin)
    response = client.post(
        "/hall/staffing/posts/", {"what": "post", "window": floor.w1.pk, "post_a": str(huge)}
    )
    assert response.status_code == 422
