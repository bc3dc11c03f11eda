"""The 优秀窗口 selection over real case rows: the year's ranking of windows by the brief's
weighted score, eligibility by cases completed, the chosen and the last windows."""

from __future__ import annotations

import pytest

from tests.assessment.conftest import (  # noqa: F401 - the assessment fixtures
    SCJ_ITEM,
    ZJJ_ITEM,
    applicant,
    items,
    make_case,
    windows,
)
from tests.factories import WindowFactory
from zhengwu.evaluation import awards

pytestmark = pytest.mark.django_db


def test_selection_from_the_years_cases(settings, make_case, windows, department):  # noqa: F811
    settings.ZHENGWU_AWARD_COUNT = 1
    settings.ZHENGWU_AWARD_MIN_COMPLETED = 3
    settings.ZHENGWU_AWARD_LAST_PLACES = 1
    third = WindowFactory(number="09", name="综合窗口", department=department)
    for _n in range(3):  # SCJ: on time
        make_case(
            SCJ_ITEM,
            received="2025-03-03",
            accepted="2025-03-03",
            completed="2025-03-05",
            completion="on_time",
            window=windows["SCJ"],
        )
    for completion in ("on_time", "late", "late"):  # ZJJ: mostly late
        make_case(
            ZJJ_ITEM,
            received="2025-04-01",
            accepted="2025-04-01",
            completed="2025-04-20",
            completion=completion,
            window=windows["ZJJ"],
        )
    make_case(  # the comprehensive window: one case, too few to be chosen
        SCJ_ITEM,
        received="2025-05-06",
        accepted="2025-05-06",
        completed="2025-05-07",
        completion="early",
        window=third,
    )
    make_case(  # another year does not count
        ZJJ_ITEM,
        received="2024-05-06",
        accepted="2024-05-06",
        completed="2024-05-07",
        completion="on_time",
        window=windows["ZJJ"],
    )
    selection = awards.select(year=2025)
    by_name = {j.candidate.name: j for j in selection.rows}
    scj, zjj, comprehensive = (by_name[str(w)] for w in (windows["SCJ"], windows["ZJJ"], third))
    assert zjj.candidate.completed == 3
    assert [j.candidate.key for j in selection.selected] == [windows["SCJ"].pk]
    assert comprehensive.reasons == ("few_cases",) and not comprehensive.selected
    assert [j.candidate.key for j in selection.last] == [windows["ZJJ"].pk]
    assert scj.rank < zjj.rank
    lines = selection.criteria_lines()
    assert "全年办结不少于3件" in lines[1]


def test_selection_of_the_departments_overseen(make_case, windows, department):  # noqa: F811
    """A reader above part of the deployment (``accounts.regions``) judges the windows of the
    cases of the departments they oversee only."""
    for impl, window in ((SCJ_ITEM, windows["SCJ"]), (ZJJ_ITEM, windows["ZJJ"])):
        make_case(
            impl,
            received="2025-03-03",
            accepted="2025-03-03",
            completed="2025-03-05",
            completion="on_time",
            window=window,
        )
    assert {j.candidate.key for j in awards.select(year=2025).rows} == {
        windows["SCJ"].pk,
        windows["ZJJ"].pk,
    }
    scoped = awards.select(year=2025, department_ids=[department.pk])
    assert [j.candidate.key for j in scoped.rows] == [windows["SCJ"].pk]
