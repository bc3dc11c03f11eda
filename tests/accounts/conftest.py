"""The province of the scope tests: the shared ``region_tree`` (a city, a county and its township,
another county of the city and another city, each with one center and one department) with one
case per center."""

from __future__ import annotations

import itertools

import pytest

from tests.assessment.conftest import SCJ_ITEM, applicant, items  # noqa: F401 - fixtures
from zhengwu.cases.models import Case
from zhengwu.core import clock

_numbers = itertools.count(1)


@pytest.fixture
def province(region_tree, items, applicant):  # noqa: F811
    """``region_tree`` (tests/conftest.py) with one case per center."""
    item = items[SCJ_ITEM]
    now = clock.now()
    cases = {}
    for key, department in region_tree["departments"].items():
        cases[key] = Case.objects.create(
            number=f"R{next(_numbers):010d}",
            item=item,
            item_version=item.current_version,
            department=department,
            applicant=applicant,
            channel="window",
            state="submitted",
            received_at=now,
            received_on=clock.today(),
            intake_due=clock.today(),
            level="normal",
            clocks_on=clock.today(),
            created_at=now,
            updated_at=now,
        )
    return {**region_tree, "cases": cases}
