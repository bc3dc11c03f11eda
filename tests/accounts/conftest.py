"""The province of the scope tests: a city, a county (district) and its township, another county of
the city and another city, each with one center, one department and one case."""

from __future__ import annotations

import itertools

import pytest

from tests.assessment.conftest import SCJ_ITEM, applicant, items  # noqa: F401 - fixtures
from tests.factories import CenterFactory, DepartmentFactory, RegionFactory
from zhengwu.cases.models import Case
from zhengwu.core import clock

_numbers = itertools.count(1)


@pytest.fixture
def province(items, applicant):  # noqa: F811
    top = RegionFactory(code="330000", name="示范省")
    city = RegionFactory(code="330100", name="示范市", parent=top)
    county = RegionFactory(code="330106", name="西湖区", parent=city)
    township = RegionFactory(code="330106001", name="北山街道", parent=county)
    other_county = RegionFactory(code="330108", name="滨江区", parent=city)
    other_city = RegionFactory(code="330200", name="另一市", parent=top)
    centers = {
        "city": CenterFactory(code="C-CITY", name="示范市政务服务中心", region=city),
        "county": CenterFactory(code="C-COUNTY", name="区政务服务中心", region=county),
        "township": CenterFactory(code="C-TOWN", name="北山街道便民服务中心", region=township),
        "other_county": CenterFactory(code="C-BJ", name="滨江区政务服务中心", region=other_county),
        "other_city": CenterFactory(code="C-OTHER", name="另一市政务服务中心", region=other_city),
    }
    departments = {
        key: DepartmentFactory(code=f"D-{key}", name=f"{center.name}市场监管", center=center)
        for key, center in centers.items()
    }
    item = items[SCJ_ITEM]
    now = clock.now()
    cases = {}
    for key, department in departments.items():
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
    return {
        "regions": {"top": top, "city": city, "county": county, "township": township},
        "centers": centers,
        "departments": departments,
        "cases": cases,
    }
