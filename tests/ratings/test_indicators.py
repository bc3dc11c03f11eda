"""rating_indicator_counts on hand-built data: every formula, every grouping, the date basis."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import WindowFactory
from tests.ratings.helpers import rate
from zhengwu.cases.models import Case
from zhengwu.ratings import selectors, services

pytestmark = pytest.mark.django_db

MARCH = {"start": dt.date(2025, 3, 1), "end": dt.date(2025, 3, 31)}


@pytest.fixture
def data(item, complete, reviewer, travel, clerk):
    """Six cases completed in March: levels 5, 4, 3, 2 (real name, called back, fed back),
    1 (real name, not called back), and one not rated; a seventh completed in April rated 5."""
    window = WindowFactory(number="07")
    cases = [complete(f"2025-03-{3 + i:02d} 10:00", seq=i + 1) for i in range(6)]
    Case.objects.filter(pk__in=[c.pk for c in cases[:3]]).update(window=window)
    for case in cases:
        case.refresh_from_db()
    rate(cases[0], 5)
    rate(cases[1], 4)
    rate(cases[2], 3)
    two = rate(cases[3], 2, real_name=True)
    rate(cases[4], 1, real_name=True)
    services.record_callback(actor=reviewer, task_id=two.task.pk, rater_said="x")
    services.record_outcome(actor=reviewer, task_id=two.task.pk, outcome="rectified", text="y")
    services.send_feedback(actor=reviewer, task_id=two.task.pk, text="z")
    april = complete("2025-04-01 10:00", seq=9)
    rate(april, 5)
    return {"cases": cases, "window": window, "april": april}


def test_center_formulas(data, department):
    counts = selectors.rating_indicator_counts(**MARCH, group="center")
    assert counts == {
        department.center_id: {
            "active_rating_rate": (5, 6),
            "good_rate": (2, 5),
            "satisfaction_rate": (3, 5),
            "bad_rate": (2, 5),
            "rectification_rate": (1, 2),
            "callback_rate": (1, 2),
        }
    }


def test_groups(data, clerk, department):
    by_department = selectors.rating_indicator_counts(**MARCH, group="department")
    assert list(by_department) == [department.pk]
    by_staff = selectors.rating_indicator_counts(**MARCH, group="staff")
    assert by_staff[clerk.pk]["good_rate"] == (2, 5)
    by_item = selectors.rating_indicator_counts(**MARCH, group="item")
    assert by_item[data["cases"][0].item_id]["active_rating_rate"] == (5, 6)
    by_window = selectors.rating_indicator_counts(**MARCH, group="window")
    # the three cases at window 07 were rated 5, 4, 3; the three others were filed at no
    # window: their row is None, the key the assessment tables show as online
    assert by_window[data["window"].pk]["satisfaction_rate"] == (3, 3)
    assert by_window[data["window"].pk]["active_rating_rate"] == (3, 3)
    assert by_window[None]["satisfaction_rate"] == (0, 2)
    assert by_window[None]["active_rating_rate"] == (2, 3)
    assert selectors.rating_indicator_counts(**MARCH, group="department", department_ids=[]) == {}
    with pytest.raises(ValueError):
        selectors.rating_indicator_counts(**MARCH, group="planet")


def test_online_cases_have_no_staff_row(data, complete, citizen, clerk):
    """The staff group is the clerk who filed a window application (Case.created_by), as in the
    assessment tables: an online application, filed by the applicant, counts under None."""
    online = complete("2025-03-20 10:00", seq=11, owner=citizen, channel="online")
    rate(online, 5)
    by_staff = selectors.rating_indicator_counts(**MARCH, group="staff")
    assert set(by_staff) == {clerk.pk, None}
    assert by_staff[None]["good_rate"] == (1, 1)
    assert by_staff[clerk.pk]["good_rate"] == (2, 5)


def test_date_basis(data, complete, travel, department):
    """Ratings count by their rating date; completed cases by their completion date."""
    from tests.cases.helpers import AT

    april = {"start": dt.date(2025, 4, 1), "end": dt.date(2025, 4, 30)}
    counts = selectors.rating_indicator_counts(**april, group="center")[department.center_id]
    assert counts["active_rating_rate"] == (1, 1)
    assert counts["good_rate"] == (1, 1)
    # a case completed on 31 March and rated on 2 April: its rating counts in April, its
    # completion (and being rated) in March
    late = complete("2025-03-31 10:00", seq=10)
    travel(AT("2025-04-02 10:00"))
    rate(late, 4)
    april_counts = selectors.rating_indicator_counts(**april, group="center")[department.center_id]
    assert april_counts["good_rate"] == (2, 2) and april_counts["active_rating_rate"] == (1, 1)
    march = selectors.rating_indicator_counts(**MARCH, group="center")[department.center_id]
    assert march["good_rate"] == (2, 5) and march["active_rating_rate"] == (6, 7)


def test_item_summary_for_the_guide(data):
    summary = selectors.item_summary(data["cases"][0].item_id)
    assert summary["count"] == 6 and summary["satisfied"] == 4
