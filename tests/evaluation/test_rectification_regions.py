"""The rectification ledgers follow the reader's region (accounts.regions): a county supervisor
sees the measures of the units under the county and the ledgers holding one (and those they
opened), not another county's; a supervisor of the whole deployment sees every one."""

from __future__ import annotations

import pytest

from tests.evaluation.rectification_fixtures import (  # noqa: F401 - fixtures
    frozen_time,
    measure_on,
    one_problem_ledger,
    private_root,
)
from tests.factories import CenterFactory, DepartmentFactory, RegionFactory
from zhengwu.core.roles import Role
from zhengwu.evaluation import rectification_selectors as selectors

pytestmark = pytest.mark.django_db


def test_ledgers_and_measures_follow_the_region(make_user):
    city = RegionFactory(code="330100", name="示范市")
    county = RegionFactory(code="330106", name="西湖区", parent=city)
    other = RegionFactory(code="330108", name="滨江区", parent=city)
    here = DepartmentFactory(
        code="XH-MZJ", name="西湖区民政局", center=CenterFactory(code="C-XH", region=county)
    )
    there = DepartmentFactory(
        code="BJ-MZJ", name="滨江区民政局", center=CenterFactory(code="C-BJ", region=other)
    )
    office = make_user(Role.SUPERVISOR, username="office", full_name="赵督查")
    heads = {
        d.code: make_user(Role.DEPARTMENT_HEAD, department=d, username=f"h{d.pk}", full_name="局长")
        for d in (here, there)
    }
    ours, theirs = one_problem_ledger(office), one_problem_ledger(office)
    for ledger, unit in ((ours, here), (theirs, there)):
        head = heads[unit.code]
        measure_on(office, ledger, unit=unit, head=head, person=head)

    county_supervisor = make_user(Role.SUPERVISOR, username="xh_sup", full_name="韩督查")
    county_supervisor.region = county
    county_supervisor.save(update_fields=["region"])
    assert set(selectors.measures_for(county_supervisor).values_list("unit__code", flat=True)) == {
        "XH-MZJ"
    }
    assert set(selectors.ledgers_for(county_supervisor)) == {ours}
    assert set(selectors.ledgers_for(office)) == {ours, theirs}
    assert selectors.measures_for(office).count() == 2
