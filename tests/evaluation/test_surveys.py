"""Surveys end to end through the API: seed 001 reproduced from equivalent answers, one answer
per link, anonymity, validation, access."""

from __future__ import annotations

import pytest

from tests.evaluation import seed001
from tests.evaluation.conftest import get, post, seed_evaluation
from zhengwu.core.roles import Role
from zhengwu.evaluation.models.surveys import SurveyAnswer, SurveyResponse, SurveyToken

pytestmark = pytest.mark.django_db


def test_seed_001_reproduced(client, supervisor, six_units):
    response = post(
        client,
        "/api/v1/survey-templates",
        {"name": "民主评议测评表", "questions": seed001.QUESTIONS},
        supervisor,
    )
    assert response.status_code == 201, response.json()
    template_id = response.json()["id"]
    response = post(
        client,
        "/api/v1/evaluations",
        {
            "name": "市政务服务中心部分窗口单位民主评议",
            "template": template_id,
            "units": [code for code, _name in seed001.UNITS],
            "groups": [{"name": n, "weight": w, "respondents": c} for n, w, c in seed001.GROUPS],
            "from": "2017-01-01",
            "to": "2017-09-30",
        },
        supervisor,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    tokens = body["tokens"]
    assert {k: len(v) for k, v in tokens.items()} == {"企业代表": 28, "政协委员": 8}
    assert len({t for ts in tokens.values() for t in ts}) == 36

    first = tokens["企业代表"][0]
    page = get(client, f"/api/v1/survey/{first}").json()
    assert page["group"] == "企业代表"
    assert [u["key"] for u in page["units"]] == [code for code, _n in seed001.UNITS]
    assert [q["code"] for q in page["questions"]] == [q["code"] for q in seed001.QUESTIONS]

    for group, ts in tokens.items():
        for index, token in enumerate(ts):
            answered = post(
                client, f"/api/v1/survey/{token}", {"answers": seed001.answers(group, index)}
            )
            assert answered.status_code == 201, answered.json()

    results = get(client, f"/api/v1/evaluations/{body['id']}/results", supervisor).json()
    bands = {u["key"]: u["band"] for u in results["units"]}
    assert {k for k, b in bands.items() if b == "excellent"} == seed001.EXPECTED_EXCELLENT
    assert {k for k, b in bands.items() if b == "good"} == seed001.EXPECTED_GOOD
    assert results["bands"] == {"excellent": 4, "good": 2, "fair": 0, "poor": 0}
    assert [u["key"] for u in results["units"]] == ["FCJ", "JSJ", "FGW", "GHJ", "GTJ", "HBJ"]
    assert [u["rank"] for u in results["units"]] == [1, 2, 3, 4, 5, 6]
    first_unit = results["units"][0]
    # 0.6 × (0.3×96 + 0.4×96 + 0.3×100) + 0.4 × (0.3×94 + 0.4×94 + 0.3×100)
    assert first_unit["score"] == 96.64
    assert first_unit["groups"] == {
        "企业代表": {"score": 97.2, "responses": 28},
        "政协委员": {"score": 95.8, "responses": 8},
    }
    assert first_unit["questions"]["openness"] == 100.0
    assert results["responses"] == 36
    assert results["response_rate"] == 100.0
    themes = {t["theme"]: t["answers"] for t in results["themes"]}
    assert "审批" in themes and "窗口" in themes
    assert set(first_unit["indicators"]) == {
        "on_time_rate",
        "satisfaction_rate",
        "rectification_rate",
        "hotline_on_time_rate",
    }


def test_a_link_answers_once_and_keeps_no_identity(client, supervisor, six_units, template):
    _evaluation, tokens = seed_evaluation(supervisor, template)
    token = tokens["政协委员"][0]
    answers = {"answers": seed001.answers("政协委员", 0)}
    assert post(client, f"/api/v1/survey/{token}", answers).status_code == 201
    again = post(client, f"/api/v1/survey/{token}", answers)
    assert again.status_code == 409
    assert again.json()["code"] == "survey_answered"
    assert get(client, f"/api/v1/survey/{token}").status_code == 409
    assert SurveyResponse.objects.count() == 1
    # Nothing on a response or an answer leads back to the token or a person.
    response_fields = {f.name for f in SurveyResponse._meta.get_fields()}
    assert response_fields == {"id", "evaluation", "group", "answers"}
    answer_fields = {f.name for f in SurveyAnswer._meta.get_fields()}
    assert answer_fields == {"id", "response", "unit", "question", "points", "value", "text"}
    used = SurveyToken.objects.get(token=token)
    assert used.used_on is not None
    assert not hasattr(used, "response")


def test_unknown_token_is_404(client, supervisor, six_units, template):
    seed_evaluation(supervisor, template)
    assert get(client, "/api/v1/survey/nothing-here").status_code == 404
    assert post(client, "/api/v1/survey/nothing-here", {"answers": {}}).status_code == 404


def test_answers_are_checked_per_field(client, supervisor, six_units, template):
    _evaluation, tokens = seed_evaluation(supervisor, template)
    token = tokens["企业代表"][0]
    answers = seed001.answers("企业代表", 0)
    answers["FCJ"]["attitude"] = 120
    answers["GTJ"]["openness"] = 9
    del answers["HBJ"]["efficiency"]
    answers["NOSUCHUNIT"] = {}
    response = post(client, f"/api/v1/survey/{token}", {"answers": answers})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["answers.FCJ.attitude"] == ["请填写0至100之间的分数。"]
    assert errors["answers.GTJ.openness"] == ["请从五个等级中选择一个。"]
    assert errors["answers.HBJ.efficiency"] == ["请回答此题。"]
    assert "NOSUCHUNIT" in errors["answers"][0]
    # Nothing was used up.
    assert (
        post(
            client, f"/api/v1/survey/{token}", {"answers": seed001.answers("企业代表", 0)}
        ).status_code
        == 201
    )


def test_closed_evaluation_takes_no_answers(client, supervisor, six_units, template):
    from zhengwu.evaluation.survey_services import close_evaluation

    evaluation, tokens = seed_evaluation(supervisor, template)
    close_evaluation(actor=supervisor, evaluation=evaluation.pk)
    response = post(
        client,
        f"/api/v1/survey/{tokens['企业代表'][0]}",
        {"answers": seed001.answers("企业代表", 0)},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "evaluation_closed"


def test_evaluation_input_errors(client, supervisor, six_units, template):
    response = post(
        client,
        "/api/v1/evaluations",
        {
            "name": "",
            "template": 99999,
            "units": ["FCJ", "NOPE"],
            "groups": [{"name": "企业代表", "weight": 0, "respondents": 0}],
            "from": "2017-09-30",
            "to": "2017-01-01",
            "thresholds": {"excellent": 80, "good": 85, "fair": 70},
        },
        supervisor,
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) >= {
        "name",
        "template",
        "units",
        "groups.0.weight",
        "groups.0.respondents",
        "to",
        "thresholds",
    }


def test_template_input_errors_and_versions(client, supervisor):
    bad = post(
        client,
        "/api/v1/survey-templates",
        {
            "name": "表",
            "questions": [
                {"code": "a b", "text": "x", "kind": "score"},
                {"code": "c", "text": "y", "kind": "choice", "choices": [{"value": "1"}]},
            ],
        },
        supervisor,
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"questions.0.code", "questions.1.choices"}
    first = post(
        client,
        "/api/v1/survey-templates",
        {"name": "表", "questions": seed001.QUESTIONS},
        supervisor,
    )
    second = post(
        client,
        "/api/v1/survey-templates",
        {"name": "表", "questions": seed001.QUESTIONS[:2], "based_on": first.json()["id"]},
        supervisor,
    )
    assert second.status_code == 201
    assert second.json()["version"] == 2


@pytest.mark.parametrize("role", [Role.WINDOW_CLERK, Role.DEPARTMENT_HEAD, Role.APPLICANT])
def test_only_supervisors_leaders_admins(client, make_user, supervisor, six_units, template, role):
    evaluation, _tokens = seed_evaluation(supervisor, template)
    other = make_user(role, department=six_units[0], username=f"u_{role}")
    assert get(client, f"/api/v1/evaluations/{evaluation.pk}/results", other).status_code == 403
    created = post(
        client, "/api/v1/survey-templates", {"name": "x", "questions": seed001.QUESTIONS}, other
    )
    assert created.status_code == 403
    assert get(client, f"/api/v1/evaluations/{evaluation.pk}/results").status_code == 401


def test_missing_evaluation_is_404(client, supervisor):
    assert get(client, "/api/v1/evaluations/12345/results", supervisor).status_code == 404
