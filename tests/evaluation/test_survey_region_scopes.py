"""The surveys follow the reader's region (accounts.regions): a provincial evaluation of one
department per center shows a township center's supervisor the township's unit only, a county
supervisor the county's and its township's units (ranked among all), a provincial leader every
unit; an evaluation of another county's units alone is not in a county supervisor's list and
its results are 404. The list stays one query."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tests.evaluation import seed001
from tests.regions import REGION_LEVELS
from zhengwu.core.errors import NotFound, ValidationFailed
from zhengwu.core.roles import Role, role_names
from zhengwu.evaluation import survey_selectors, survey_services

pytestmark = pytest.mark.django_db

LEVELS = [level for level in REGION_LEVELS if level != "city_leader"]


@pytest.fixture
def evaluations(region_tree, region_reader):
    """By the provincial leader: one evaluation of every center's department, and one of the
    other county's alone."""
    author = region_reader("provincial_leader")
    template = survey_services.create_template(
        actor=author, name="民主评议测评表", questions=seed001.QUESTIONS
    )

    def evaluate(name, keys):
        evaluation, _tokens = survey_services.create_evaluation(
            actor=author,
            name=name,
            template=template.pk,
            units=[region_tree["departments"][k].code for k in keys],
            groups=[{"name": "企业代表", "weight": 1, "respondents": 2}],
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 6, 30),
        )
        return evaluation

    return {
        "province": evaluate("全省民主评议", region_tree["departments"]),
        "other_county": evaluate("滨江区民主评议", ["other_county"]),
    }


def _reader(level, region_reader):
    return region_reader(level, Role.SUPERVISOR if level == "township_clerk" else None)


@pytest.mark.parametrize("level", LEVELS)
def test_evaluations_and_results_follow_the_reader(level, evaluations, region_reader):
    reader = _reader(level, region_reader)
    seen = set(survey_selectors.filtered(reader).values_list("name", flat=True))
    other = "other_county" in REGION_LEVELS[level]
    assert seen == ({"全省民主评议", "滨江区民主评议"} if other else {"全省民主评议"})
    results = survey_selectors.results_for(reader, evaluations["province"].pk)
    assert {row.key for row in results.units} == {f"D-{k}" for k in REGION_LEVELS[level]}
    if not other:
        with pytest.raises(NotFound):
            survey_selectors.results_for(reader, evaluations["other_county"].pk)

    client = Client()
    client.force_login(reader)
    answer = client.get(f"/api/v1/evaluations/{evaluations['province'].pk}/results")
    assert answer.status_code == 200, answer.content
    assert {u["key"] for u in answer.json()["units"]} == {f"D-{k}" for k in REGION_LEVELS[level]}
    answer = client.get("/api/v1/evaluations")
    assert answer.status_code == 200
    answer = client.get(f"/api/v1/evaluations/{evaluations['other_county'].pk}/results")
    assert answer.status_code == (200 if other else 404)


def test_the_evaluation_list_is_one_query(evaluations, region_reader, django_assert_num_queries):
    reader = _reader("county_supervisor", region_reader)
    role_names(reader)  # roles and region are read once per request, then kept
    survey_selectors.overseen_units(reader)
    with django_assert_num_queries(1):
        assert len(list(survey_selectors.filtered(reader))) == 1


def test_a_county_supervisor_evaluates_only_the_units_under_the_county(
    evaluations, region_tree, region_reader
):
    supervisor = _reader("county_supervisor", region_reader)
    template = evaluations["province"].template
    departments = region_tree["departments"]

    def create(keys):
        return survey_services.create_evaluation(
            actor=supervisor,
            name="区民主评议",
            template=template.pk,
            units=[departments[k].code for k in keys],
            groups=[{"name": "企业代表", "weight": 1, "respondents": 1}],
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 6, 30),
        )

    with pytest.raises(ValidationFailed) as refused:
        create(["county", "other_county"])
    assert departments["other_county"].code in refused.value.errors["units"][0]
    evaluation, _tokens = create(["county", "township"])
    assert {u.key for u in survey_selectors.results_for(supervisor, evaluation.pk).units} == {
        "D-county",
        "D-township",
    }
    client = Client()
    client.force_login(supervisor)
    page = client.get(reverse("evaluation:survey_new"))
    assert page.status_code == 200
    text = page.content.decode()
    for key, department in departments.items():
        assert (department.name in text) == (key in REGION_LEVELS["county_supervisor"]), key
