"""Every access boundary of the case API: whose cases a caller sees and may act on."""

from __future__ import annotations

import pytest

from tests.cases.helpers import AT, applicant_payload
from tests.catalog.builders import item_dict
from tests.factories import valid_id_number
from zhengwu.accounts.models import Applicant
from zhengwu.accounts.services import issue_token
from zhengwu.catalog import services as catalog_services
from zhengwu.core.identity import mask_id
from zhengwu.core.roles import Role

pytestmark = pytest.mark.django_db

ITEM = "11330100SCJ-XK-0001"
ZJJ_ITEM = "11330100ZJJ-XK-0001"

# One valid body per action path: a refusal must come from the boundary, not the input.
ACTIONS = {
    "request-supplement": {"missing": ["M02", "M03"]},
    "supplement": {"materials": ["M02"]},
    "accept": {},
    "refuse": {"reason": "不符合条件"},
    "suspend": {"procedure": "inspection", "reason": "检验"},
    "resume": {},
    "extend": {"workdays": 3, "reason": "复核"},
    "decide": {"outcome": "grant"},
    "deliver": {"method": "window"},
    "withdraw": {},
}


def bearer(user) -> dict:
    _token, raw = issue_token(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


class Api:
    def __init__(self, client, user=None):
        self.client = client
        self.auth = bearer(user) if user is not None else {}

    def get(self, path, **params):
        return self.client.get(f"/api/v1/cases{path}", params, **self.auth)

    def post(self, path, body):
        return self.client.post(
            f"/api/v1/cases{path}", body, content_type="application/json", **self.auth
        )

    def listed(self, **params) -> set[str]:
        response = self.get("", **params)
        assert response.status_code == 200, response.json()
        return {row["number"] for row in response.json()["items"]}


@pytest.fixture
def zjj_item(item, other_department):
    catalog_services.import_items(
        [item_dict(impl_code=ZJJ_ITEM, department="ZJJ", name="建筑工程施工许可")]
    )
    return ZJJ_ITEM


@pytest.fixture
def world(client, item, zjj_item, clerk, other_clerk, citizen, other_citizen, travel):
    """A window case of SCJ, an online case of the citizen (SCJ), one of the other citizen
    (SCJ) and a window case of ZJJ."""
    travel(AT("2025-10-09 09:00"))

    def new(user, item_code, seq, channel):
        body = {
            "item": item_code,
            "channel": channel,
            "applicant": applicant_payload(seq),
            "materials": ["M01", "M02"],
        }
        response = Api(client, user).post("", body)
        assert response.status_code == 201, response.json()
        return response.json()["number"]

    return {
        "window": new(clerk, ITEM, 11, "window"),
        "mine": new(citizen, ITEM, 12, "online"),
        "theirs": new(other_citizen, ITEM, 13, "online"),
        "zjj": new(other_clerk, ZJJ_ITEM, 14, "window"),
    }


def assert_hidden(api: Api, number: str):
    """404 on the detail and on every action; absent from every list."""
    assert api.get(f"/{number}").status_code == 404
    for path, body in ACTIONS.items():
        response = api.post(f"/{number}/{path}", body)
        assert response.status_code == 404, (path, response.json())
        assert response.json()["code"] == "not_found"
    assert number not in api.listed()
    assert number not in api.listed(limit=100, state="submitted")


def test_an_applicant_sees_only_their_own_cases(client, world, citizen):
    api = Api(client, citizen)
    assert api.listed() == {world["mine"]}
    assert api.get(f"/{world['mine']}").status_code == 200
    for other in ("window", "theirs", "zjj"):
        assert_hidden(api, world[other])


def test_filters_do_not_widen_an_applicant_s_scope(client, world, citizen):
    api = Api(client, citizen)
    assert api.listed(department="SCJ") == {world["mine"]}
    assert api.listed(applicant=valid_id_number(13)) == set()
    assert api.listed(item=ITEM, limit=100) == {world["mine"]}


def test_staff_see_only_their_departments_cases(client, world, clerk, reviewer, head):
    for user in (clerk, reviewer, head):
        api = Api(client, user)
        assert api.listed() == {world["window"], world["mine"], world["theirs"]}
        assert_hidden(api, world["zjj"])


def test_another_department_s_staff_see_none_of_ours(client, world, other_clerk, make_user):
    other_head = make_user(Role.DEPARTMENT_HEAD, department=other_clerk.department)
    for user in (other_clerk, other_head):
        api = Api(client, user)
        assert api.listed() == {world["zjj"]}
        for number in ("window", "mine", "theirs"):
            assert_hidden(api, world[number])
    assert Api(client, other_clerk).listed(department="SCJ") == set()


def test_the_supervisor_sees_every_case_with_masked_numbers(client, world, supervisor):
    api = Api(client, supervisor)
    response = api.get("", limit=100)
    rows = {row["number"]: row for row in response.json()["items"]}
    assert set(rows) == set(world.values())
    for seq, key in ((11, "window"), (12, "mine"), (13, "theirs"), (14, "zjj")):
        number = valid_id_number(seq)
        shown = rows[world[key]]["applicant"]
        assert shown["number"] == mask_id(number) != number
        assert shown["name"] == "张*"
        detail = api.get(f"/{world[key]}").json()
        assert detail["applicant"]["number"] == mask_id(number)
        assert number not in str(detail)


def test_the_supervisor_takes_no_case_action(client, world, supervisor):
    api = Api(client, supervisor)
    response = api.post(f"/{world['window']}/accept", {})
    assert response.status_code == 403 and response.json()["code"] == "role_not_allowed"
    response = api.post(f"/{world['mine']}/withdraw", {})
    assert response.status_code == 403
    assert api.get(f"/{world['window']}").json()["state"] == "submitted"


def test_staff_see_full_numbers(client, world, clerk):
    detail = Api(client, clerk).get(f"/{world['window']}").json()
    assert detail["applicant"]["number"] == valid_id_number(11)


def test_no_login_is_401(client, world):
    api = Api(client)
    assert api.get("").status_code == 401
    assert api.get(f"/{world['window']}").status_code == 401
    for path, body in ACTIONS.items():
        response = api.post(f"/{world['window']}/{path}", body)
        assert response.status_code == 401, path
        assert response.json()["code"] == "unauthenticated"
    body = {"item": ITEM, "channel": "window", "applicant": applicant_payload(), "materials": []}
    assert api.post("", body).status_code == 401
    bad = {"HTTP_AUTHORIZATION": "Bearer zw_not-a-token"}
    assert client.get("/api/v1/cases", **bad).status_code == 401


@pytest.mark.parametrize(
    ("setup", "path", "body"),
    [
        ([], "accept", {}),
        ([], "refuse", {"reason": "自己拒绝"}),
        ([], "request-supplement", {"missing": ["M03"]}),
        (["accept"], "decide", {"outcome": "grant"}),
        (["accept"], "suspend", {"procedure": "hearing", "reason": "听证"}),
        (["accept"], "extend", {"workdays": 3, "reason": "复核"}),
        (["accept", "decide"], "deliver", {"method": "mail"}),
    ],
    ids=["accept", "refuse", "request-supplement", "decide", "suspend", "extend", "deliver"],
)
def test_a_citizen_takes_no_staff_action_on_their_own_case(
    client, world, citizen, clerk, reviewer, setup, path, body
):
    number = world["mine"]
    for step in setup:
        staff = Api(client, clerk if step == "accept" else reviewer)
        response = staff.post(f"/{number}/{step}", ACTIONS[step])
        assert response.status_code == 200, response.json()
    api = Api(client, citizen)
    before = api.get(f"/{number}").json()
    response = api.post(f"/{number}/{path}", body)
    assert response.status_code == 403, response.json()
    assert response.json()["code"] == "role_not_allowed"
    assert api.get(f"/{number}").json() == before


def test_a_clerk_files_only_for_the_departments_of_their_window(client, world, other_clerk):
    body = {"item": ITEM, "channel": "window", "applicant": applicant_payload(21)}
    response = Api(client, other_clerk).post("", {**body, "materials": ["M01"]})
    assert response.status_code == 422 and "item" in response.json()["errors"]


def test_an_applicant_cannot_take_over_someone_else_s_id_number(
    client, world, other_citizen, make_user
):
    """The other citizen applied online with ID number 13 and is linked to it; a new account,
    not linked to any number yet, applies online with number 13."""
    newcomer = make_user(Role.APPLICANT, username="citizen3")
    body = {
        "item": ITEM,
        "channel": "online",
        "applicant": applicant_payload(13, name="冒名者"),
        "materials": ["M01", "M02"],
    }
    response = Api(client, newcomer).post("", body)
    assert response.status_code == 422, response.json()
    assert "applicant.id_number" in response.json()["errors"]
    owner = Applicant.objects.get(id_number=valid_id_number(13))
    assert owner.user_id == other_citizen.pk and owner.name == "张三"
    # with a number of its own the newcomer applies, and is linked to that number
    body["applicant"] = applicant_payload(22, name="王五")
    assert Api(client, newcomer).post("", body).status_code == 201
    assert Applicant.objects.get(id_number=valid_id_number(22)).user_id == newcomer.pk
