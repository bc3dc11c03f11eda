"""Survey fixtures: a supervisor, the six window units of seed 001, a template."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.evaluation import seed001
from tests.factories import DepartmentFactory
from zhengwu.accounts.services import issue_token
from zhengwu.core.roles import Role
from zhengwu.evaluation import survey_services


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.SUPERVISOR, username="xnb_sup", full_name="王监察")


@pytest.fixture
def six_units(db):
    return [DepartmentFactory(code=code, name=name) for code, name in seed001.UNITS]


@pytest.fixture
def template(supervisor):
    return survey_services.create_template(
        actor=supervisor, name="民主评议测评表", questions=seed001.QUESTIONS
    )


def bearer(user) -> dict:
    _token, raw = issue_token(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, path, body, user=None, **headers):
    auth = bearer(user) if user is not None else {}
    return client.post(path, json.dumps(body), content_type="application/json", **auth, **headers)


def get(client, path, user=None):
    return client.get(path, **(bearer(user) if user is not None else {}))


def seed_evaluation(supervisor, template, **changes):
    """The seed 001 evaluation: six units, 28 enterprise representatives and 8 members."""
    data = {
        "name": "市政务服务中心部分窗口单位民主评议",
        "template": template.pk,
        "units": [code for code, _name in seed001.UNITS],
        "groups": [
            {"name": name, "weight": weight, "respondents": count}
            for name, weight, count in seed001.GROUPS
        ],
        "start": dt.date(2017, 1, 1),
        "end": dt.date(2017, 9, 30),
    }
    data.update(changes)
    return survey_services.create_evaluation(actor=supervisor, **data)
