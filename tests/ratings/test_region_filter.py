"""The ratings list's department filter offers the departments the reader oversees
(accounts.regions): a county supervisor the county's and its township's, not another county's."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.regions import REGION_LEVELS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("level", ["county_supervisor", "provincial_leader"])
def test_the_department_filter_follows_the_reader(level, region_tree, region_reader):
    client = Client()
    client.force_login(region_reader(level))
    page = client.get("/ratings/")
    assert page.status_code == 200
    text = page.content.decode()
    for key, department in region_tree["departments"].items():
        assert (f'value="{department.code}"' in text) == (key in REGION_LEVELS[level]), key
