"""The 投资项目代码 rule (pure) and its use: given at filing, checked, searchable."""

from __future__ import annotations

import pytest

from tests.cases.helpers import AT, applicant_payload
from tests.joint.conftest import SCENE
from tests.joint.test_api import get, post
from zhengwu.core.roles import Role
from zhengwu.joint.project_codes import ProjectCodeError, normalize_project_code

CODE = "2019-330102-47-03-012345"


@pytest.mark.parametrize(
    "typed",
    [CODE, "201933010247030123 45", " 2019－330102－47－03－012345 ", "20193301024703012345"],
)
def test_a_code_is_given_its_printed_form(typed):
    assert normalize_project_code(typed, current_year=2026) == CODE


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("", "format"),
        ("2019-330102-47-03-01234", "format"),
        ("2019330102-47-03-012345", "format"),
        ("2019-330102-47-03-01234X", "format"),
        ("2014-330102-47-03-012345", "year"),
        ("2027-330102-47-03-012345", "year"),
        ("2019-990102-47-03-012345", "area"),
        ("2019-330102-00-03-012345", "industry"),
        ("2019-330102-98-03-012345", "industry"),
        ("2019-330102-47-00-012345", "type"),
        ("2019-330102-47-03-000000", "serial"),
    ],
)
def test_what_is_not_a_code(typed, rule):
    with pytest.raises(ProjectCodeError) as caught:
        normalize_project_code(typed, current_year=2026)
    assert caught.value.code == rule


def apply(client, user, **extra):
    body = {
        "channel": "window",
        "applicant": applicant_payload(),
        "materials": ["S01", "S02", "S04", "S05"],
        **extra,
    }
    return post(client, user, f"/api/v1/scenes/{SCENE}/applications", body)


def test_filed_with_a_code_and_found_by_it(client, scene, clerk, zjj_reviewer, travel):
    travel(AT("2026-09-24 09:00"))
    response = apply(client, clerk, project_code="2019330102 47 03 012345")
    assert response.status_code == 201, response.json()
    number = response.json()["number"]
    assert response.json()["project_code"] == CODE
    assert apply(client, clerk).json()["project_code"] is None
    bad = apply(client, clerk, project_code="2019-330102-47-03")
    assert bad.status_code == 422
    assert bad.json()["errors"]["project_code"] == [
        "投资项目代码的格式为“年份-行政区划-行业代码-项目类型-流水号”，"
        "如 2019-330102-47-03-012345。"
    ]
    found = get(client, clerk, f"/api/v1/joint-cases?project_code={CODE}").json()
    assert [row["number"] for row in found["items"]] == [number]
    # the co-reviewing department finds it too (it sees the joint summary)
    found = get(client, zjj_reviewer, "/api/v1/joint-cases?project_code=20193301024703012345")
    assert [row["number"] for row in found.json()["items"]] == [number]
    response = get(client, clerk, "/api/v1/joint-cases?project_code=nope")
    assert response.status_code == 422
    assert "project_code" in response.json()["errors"]


def test_the_list_filters_and_the_applicant_block(client, scene, clerk, make_user, travel):
    travel(AT("2026-09-24 09:00"))
    first = apply(client, clerk).json()["number"]
    travel(AT("2026-09-28 09:00"))
    second = apply(client, clerk).json()["number"]
    post(client, clerk, f"/api/v1/joint-cases/{second}/accept", {})

    def numbers(query: str, user=clerk) -> list[str]:
        response = get(client, user, f"/api/v1/joint-cases?{query}")
        assert response.status_code == 200, response.json()
        return [row["number"] for row in response.json()["items"]]

    assert numbers("") == [second, first]
    assert numbers("state=accepted") == [second]
    assert numbers("received_from=2026-09-25") == [second]
    assert numbers("received_to=2026-09-25") == [first]
    assert numbers("level=normal") == [second, first]
    assert numbers("lead_department=SCJ&scene=" + SCENE) == [second, first]
    assert numbers("lead_department=ZJJ") == []
    page = get(client, clerk, "/api/v1/joint-cases?limit=1").json()
    assert [row["number"] for row in page["items"]] == [second]
    assert numbers(f"limit=1&after={page['next']}") == [first]
    assert get(client, clerk, "/api/v1/joint-cases?level=purple").status_code == 422

    shown = get(client, clerk, f"/api/v1/joint-cases/{first}").json()["applicant"]
    assert shown["name"] == "张三"
    assert shown["phone"] == "13800138000"
    assert len(shown["number"]) == 18 and "*" not in shown["number"]
    supervisor = make_user(Role.SUPERVISOR, username="sup1")
    watched = get(client, supervisor, f"/api/v1/joint-cases/{first}").json()["applicant"]
    assert watched["name"] == "张*"
    assert watched["phone"] == "138****8000"
    assert "*" in watched["number"]
    listed = get(client, supervisor, "/api/v1/joint-cases").json()["items"][0]["applicant"]
    assert listed["number"] == watched["number"]
