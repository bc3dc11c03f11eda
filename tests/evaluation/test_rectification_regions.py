"""The rectification ledgers follow the reader's region (accounts.regions): a county supervisor
sees the measures of the units under the county and the ledgers holding one (and those they
opened), not another county's; a supervisor of the whole deployment sees every one. The
quarterly bulletin's rectification figures count the same."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.evaluation.rectification_fixtures import (  # noqa: F401 - fixtures
    frozen_time,
    measure_on,
    one_problem_ledger,
    private_root,
    source,
)
from tests.factories import CenterFactory, DepartmentFactory, RegionFactory
from zhengwu.core.roles import Role
from zhengwu.evaluation import bulletins
from zhengwu.evaluation import rectification_selectors as selectors
from zhengwu.evaluation import rectification_services as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_counties(make_user):
    """A ledger with one measure of 西湖区民政局 and one with two of 滨江区民政局, opened by a
    supervisor of the whole deployment; a supervisor of 西湖区."""
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
    for ledger, unit, count in ((ours, here, 1), (theirs, there, 2)):
        head = heads[unit.code]
        for _ in range(count):
            measure_on(office, ledger, unit=unit, head=head, person=head)

    county_supervisor = make_user(Role.SUPERVISOR, username="xh_sup", full_name="韩督查")
    county_supervisor.region = county
    county_supervisor.save(update_fields=["region"])
    return office, county_supervisor, ours, theirs


def test_ledgers_and_measures_follow_the_region(two_counties):
    office, county_supervisor, ours, theirs = two_counties
    assert set(selectors.measures_for(county_supervisor).values_list("unit__code", flat=True)) == {
        "XH-MZJ"
    }
    assert set(selectors.ledgers_for(county_supervisor)) == {ours}
    assert set(selectors.ledgers_for(office)) == {ours, theirs}
    assert selectors.measures_for(office).count() == 3


def test_the_bulletins_rectification_figures_follow_the_region(two_counties):
    office, county_supervisor, ours, theirs = two_counties
    # a ledger shared by both counties: one problem each
    shared = services.create_rectification(
        actor=office,
        data={
            "source": source(),
            "areas": [
                {
                    "title": "政务服务",
                    "items": [
                        {
                            "title": "一窗受理",
                            "problems": [{"text": "窗口分散"}, {"text": "材料重复提交"}],
                        }
                    ],
                }
            ],
        },
    )
    for problem, measure in zip(
        shared.problems.order_by("pk"), (ours.measures.get(), theirs.measures.first()), strict=True
    ):
        services.add_measure(
            actor=office,
            rectification_id=shared.pk,
            problem=problem.pk,
            text="集中进驻",
            unit=measure.unit.code,
            leader=measure.leader.pk,
            person=measure.person.pk,
            kind="deadline",
            deadline="2025-09-26",  # before the quarter ends: overdue at its end
        )
    start, end = dt.date(2025, 7, 1), dt.date(2025, 9, 30)  # the ledgers' source: 2025-09-01
    county = bulletins.rectification_progress(start=start, end=end, reader=county_supervisor)
    # theirs, and the shared ledger's other problem, are not the county's
    assert (county.sources, county.problems, county.measures) == (2, 2, 2)
    assert (county.problems_done, county.overdue) == (0, 1)
    whole = bulletins.rectification_progress(start=start, end=end)
    assert (whole.sources, whole.problems, whole.measures) == (3, 4, 5)
    assert (whole.problems_done, whole.overdue) == (0, 2)
    # the bulletin of the quarter carries the reader's figures, the whole for the office
    assert bulletins.build(year=2025, quarter=3, reader=county_supervisor).rectification == county
    assert bulletins.build(year=2025, quarter=3, reader=office).rectification == whole


def test_a_ledger_answering_only_for_the_whole_gives_a_part_no_section(two_counties):
    office, county_supervisor, _ours, _theirs = two_counties
    whole = bulletins.RectificationProgress(sources=9)
    bulletins.register_rectification_progress(lambda *, start, end: whole)
    try:
        assert bulletins.build(year=2025, quarter=3, reader=county_supervisor).rectification is None
        assert bulletins.build(year=2025, quarter=3, reader=office).rectification == whole
    finally:
        bulletins.register_rectification_progress(selectors.bulletin_progress)


def test_a_county_office_assigns_only_the_units_it_oversees(two_counties, client):
    """A county's supervisor sets measures and records discipline for its own county's units:
    another county's unit is refused with a message in Chinese and is not offered on the
    ledger's page; the office of the whole deployment assigns any unit."""
    from zhengwu.core.errors import ValidationFailed

    office, county_supervisor, ours, _theirs = two_counties
    here_head = ours.measures.first().leader
    there_head = _theirs.measures.first().leader
    from zhengwu.accounts.models import Department

    here = Department.objects.get(code="XH-MZJ")
    there = Department.objects.get(code="BJ-MZJ")
    before = ours.measures.count()
    with pytest.raises(ValidationFailed) as refused:
        measure_on(county_supervisor, ours, unit=there, head=there_head, person=there_head)
    assert refused.value.errors["unit"] == ["请选择您督查范围内的单位。"]
    with pytest.raises(ValidationFailed) as refused:
        services.record_discipline(
            actor=county_supervisor,
            rectification_id=ours.pk,
            kind="interview",
            taken_on=dt.date(2025, 10, 1),
            person_name="钱某",
            unit=there.code,
        )
    assert "unit" in refused.value.errors
    assert ours.measures.count() == before
    measure_on(county_supervisor, ours, unit=here, head=here_head, person=here_head)
    measure_on(office, ours, unit=there, head=there_head, person=there_head)
    assert ours.measures.count() == before + 2
    client.force_login(county_supervisor)
    page = client.get(f"/evaluation/rectification/{ours.pk}/")
    for form in ("measure_form", "discipline_form"):
        offered = {d.code for d in page.context[form].fields["unit"].queryset}
        assert offered == {"XH-MZJ"}, form
    # a posted unit outside the county is refused by the form: nothing is written
    answer = client.post(
        f"/evaluation/rectification/{ours.pk}/measures/",
        {
            "problem": ours.problems.first().pk,
            "text": "整改",
            "unit": "BJ-MZJ",
            "leader": there_head.pk,
            "person": there_head.pk,
            "kind": "deadline",
            "deadline": "2025-10-20",
        },
    )
    assert answer.status_code == 422 and ours.measures.count() == before + 2
    assert "unit" in answer.context["measure_form"].errors
