"""The staffing indicators: empty-post minutes by department and window, the patrol completion
rate by center, with their numerators and denominators, on the indicators page and in the API."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.hall.staffing.conftest import AT, open_session
from zhengwu.hall import staffing_services as services
from zhengwu.hall import staffing_sweep as sweep
from zhengwu.hall.staffing_indicators import staffing_counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(floor, travel):
    f = floor
    open_session(f.w2, f.c, AT("2026-03-02 08:50"))
    open_session(f.w1, f.a, AT("2026-03-02 08:55"), AT("2026-03-02 10:00"))
    open_session(f.w1, f.b, AT("2026-03-02 10:25"))  # window 1 empty 10:00–10:25
    travel(AT("2026-03-02 07:00"))
    services.save_roster(actor=f.admin, hall=f.hall, day="2026-03-02", leader_a=f.leader.pk)
    for number, moment in ((1, "09:05"), (2, "10:40"), (3, "11:30"), (4, "14:45")):
        travel(AT(f"2026-03-02 {moment}"))
        services.record_patrol(actor=f.leader, hall=f.hall, number=number, checks=[])
    travel(AT("2026-03-02 18:00"))
    sweep.run()
    return f


def test_counts(month):
    f = month
    start, end = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
    by_dept = staffing_counts(start=start, end=end, group="department", department_ids=None)
    count = by_dept[f.dept.pk]["empty_post_minutes"]
    assert (count.numerator, count.denominator) == (25, 1)
    assert f.other.pk not in by_dept
    by_window = staffing_counts(start=start, end=end, group="window", department_ids=None)
    assert by_window[f.w1.pk]["empty_post_minutes"].numerator == 25
    center = staffing_counts(start=start, end=end, group="center", department_ids=None)
    rate = center[f.center.pk]["patrol_completion_rate"]
    # six due on 2 March: 1, 2, 3 in time, 4 late (14:00 + 30 < 14:45), 5 and 6 missed
    assert (rate.numerator, rate.denominator) == (3, 6)
    assert staffing_counts(start=start, end=end, group="item", department_ids=None) == {}
    only_other = staffing_counts(
        start=start, end=end, group="department", department_ids=[f.other.pk]
    )
    assert only_other == {}


def test_api_and_page(month, client):
    f = month
    client.force_login(f.supervisor)
    page = client.get("/assessment/indicators/", {"from": "2026-03-01", "to": "2026-03-31"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="indicator-section-hall_staffing"' in html and "巡查完成率" in html
    answer = client.get(
        "/api/v1/indicators", {"from": "2026-03-01", "to": "2026-03-31", "group": "center"}
    ).json()
    row = next(r for r in answer["rows"] if r["name"] == f.center.name)
    rate = row["indicators"]["patrol_completion_rate"]
    assert (rate["numerator"], rate["denominator"]) == (3, 6)
    minutes = row["indicators"]["empty_post_minutes"]
    assert (minutes["numerator"], minutes["denominator"]) == (25, 1)
