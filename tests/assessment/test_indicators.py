"""The indicators from hand-built case rows: every formula, its date basis, the groups, access,
the API's shape and its refusals."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from tests.assessment.conftest import SCJ_IMMEDIATE, SCJ_PARALLEL, ZJJ_ITEM
from zhengwu.accounts.services import issue_token
from zhengwu.assessment import formulas, selectors
from zhengwu.assessment.definitions import keys_for
from zhengwu.assessment.formulas import Count
from zhengwu.core.errors import Forbidden, ValidationFailed

OCT = (dt.date(2025, 10, 1), dt.date(2025, 10, 31))


def bearer(user) -> dict:
    _token, raw = issue_token(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def by_key(rows):
    return {row.key: row for row in rows}


@pytest.fixture
def october(make_case, windows, staff):
    """SCJ: 4 received in October (1 online), 3 accepted, 2 decided (1 early, 1 late), ...
    Cases outside October on each date show that each family counts by its own date."""
    clerk = staff["clerk"]
    scj = windows["SCJ"]
    cases = [
        # received 2025-09, accepted 2025-09, decided in October early, 4 working days used
        make_case(received="2025-09-25", accepted="2025-09-26", completed="2025-10-09",
                  completion="early", window=scj, filed_by=clerk, used=4),
        # received and accepted in October, decided in October late, 12 working days used
        make_case(received="2025-10-08", accepted="2025-10-08", completed="2025-10-28",
                  completion="late", window=scj, filed_by=clerk, used=12),
        # immediate item decided on the acceptance day
        make_case(SCJ_IMMEDIATE, received="2025-10-10", accepted="2025-10-10",
                  completed="2025-10-10", completion="on_time", window=scj, filed_by=clerk, used=0),
        # online, accepted in October, decided in November: not decided by the period's end
        make_case(received="2025-10-20", accepted="2025-10-21", completed="2025-11-03",
                  completion="early", channel="online", used=8),
        # parallel-approval item, received in October, not accepted yet
        make_case(SCJ_PARALLEL, received="2025-10-30", window=scj, filed_by=clerk),
        # ZJJ: one received and decided on time in October
        make_case(ZJJ_ITEM, received="2025-10-09", accepted="2025-10-09", completed="2025-10-30",
                  completion="on_time", window=windows["ZJJ"], used=15),
    ]  # fmt: skip
    return cases


def test_every_case_formula_on_hand_built_data(october):
    rows = by_key(selectors.table(start=OCT[0], end=OCT[1], group="department",
                                  department_ids=None))  # fmt: skip
    scj = next(r for r in rows.values() if r.name == "市场监督管理局").indicators
    # received in October: 2025-10-08, 10-10, 10-20 (online), 10-30 → 4
    assert scj["online_rate"] == Count(1, 4)
    # parallel: one October application for an item that allows it; no parallel handling recorded
    assert scj["parallel_rate"] == Count(0, 1)
    # accepted in October: 10-08 (decided 10-28), 10-10 (decided 10-10), 10-21 (decided 11-03)
    assert scj["completion_rate"] == Count(2, 3)
    # decided in October: 10-09 early, 10-28 late, 10-10 on time (on the acceptance day)
    assert scj["on_time_rate"] == Count(2, 3)
    assert scj["early_rate"] == Count(1, 3)
    assert scj["late_rate"] == Count(1, 3)
    assert scj["immediate_rate"] == Count(1, 3)
    # promised limits 10 + 10 + 0 = 20, statutory 20 + 20 + 0 = 40, used 4 + 12 + 0 = 16
    assert scj["promised_speedup"] == Count(4, 20)
    assert scj["statutory_speedup"] == Count(24, 40)
    assert scj["promised_speedup"].value == Fraction(1, 5)
    zjj = next(r for r in rows.values() if r.name == "住房和城乡建设局").indicators
    assert zjj["promised_speedup"] == Count(0, 15)
    assert zjj["on_time_rate"] == Count(1, 1)
    assert zjj["online_rate"] == Count(0, 1)


def test_parallel_approval_counts_the_applications_accepted_into_it(make_case, windows, staff):
    scj, clerk = windows["SCJ"], staff["clerk"]
    make_case(SCJ_PARALLEL, received="2025-10-08", accepted="2025-10-09", window=scj,
              filed_by=clerk, parallel=True)  # fmt: skip
    make_case(SCJ_PARALLEL, received="2025-10-10", accepted="2025-10-10", window=scj,
              filed_by=clerk)  # fmt: skip
    make_case(SCJ_PARALLEL, received="2025-10-30", window=scj, filed_by=clerk)
    # received in September: counts in September, whenever it was accepted
    make_case(SCJ_PARALLEL, received="2025-09-30", accepted="2025-10-08", window=scj,
              filed_by=clerk, parallel=True)  # fmt: skip
    # an item without parallel approval is in neither count
    make_case(received="2025-10-08", accepted="2025-10-08", window=scj, filed_by=clerk)
    rows = selectors.table(start=OCT[0], end=OCT[1], group="department", department_ids=None)
    scj_row = next(r for r in rows if r.name == "市场监督管理局")
    assert scj_row.indicators["parallel_rate"] == Count(1, 3)
    assert formulas.percent_text(scj_row.indicators["parallel_rate"].value) == "33.33%"


def test_rating_indicators_without_ratings(october):
    """No rating given: the decided cases are the active-rating denominator, the rest is empty."""
    rows = selectors.table(start=OCT[0], end=OCT[1], group="department", department_ids=None)
    for row in rows:
        assert set(row.indicators) == set(keys_for("department"))
        decided = row.indicators["on_time_rate"].denominator
        assert row.indicators["active_rating_rate"] == Count(0, decided)
        for key in formulas.RATING_KEYS[1:]:
            assert row.indicators[key] == Count(0, 0)
            assert row.indicators[key].value is None


def test_unmeasured_cases_stay_out_of_the_speedup(make_case):
    make_case(received="2025-10-08", accepted="2025-10-08", completed="2025-10-10",
              completion="early", used=None)  # fmt: skip
    make_case(received="2025-10-08", accepted="2025-10-08", completed="2025-10-10",
              completion="early", used=2)  # fmt: skip
    row = selectors.table(start=OCT[0], end=OCT[1], group="item", department_ids=None)[0]
    assert row.indicators["on_time_rate"] == Count(2, 2)
    assert row.indicators["promised_speedup"] == Count(8, 10)


def test_slower_than_promised_is_negative(make_case):
    make_case(received="2025-10-08", accepted="2025-10-08", completed="2025-10-31",
              completion="late", used=16)  # fmt: skip
    row = selectors.table(start=OCT[0], end=OCT[1], group="item", department_ids=None)[0]
    assert row.indicators["promised_speedup"] == Count(-6, 10)
    assert formulas.percent_text(row.indicators["promised_speedup"].value) == "-60.00%"


def test_groups(october, windows, staff):
    def table(group):
        return selectors.table(start=OCT[0], end=OCT[1], group=group, department_ids=None)

    window_rows = {r.key: r for r in table("window")}
    assert window_rows[windows["SCJ"].pk].name == "05 市场监管窗口"
    assert window_rows[windows["SCJ"].pk].indicators["on_time_rate"] == Count(2, 3)
    assert window_rows[None].name == "网上申报（无窗口）"
    assert window_rows[None].indicators["online_rate"] == Count(1, 1)
    staff_rows = {r.key: r for r in table("staff")}
    assert staff_rows[staff["clerk"].pk].indicators["late_rate"] == Count(1, 3)
    # the online case and the ZJJ case filed with no clerk on record
    assert staff_rows[None].indicators["online_rate"] == Count(1, 2)
    item_rows = {r.name: r for r in table("item")}
    assert item_rows["建设项目联合审批"].indicators["parallel_rate"] == Count(0, 1)
    (center,) = table("center")
    assert center.name == "示范市政务服务中心"
    assert center.indicators["online_rate"] == Count(1, 5)
    assert center.indicators["on_time_rate"] == Count(3, 4)
    total = selectors.center_total(table("department"))
    assert total.indicators == center.indicators


def test_departments_without_cases_are_listed(department, other_department, items):
    rows = selectors.table(start=OCT[0], end=OCT[1], group="department", department_ids=None)
    assert [r.name for r in rows] == ["市场监督管理局", "住房和城乡建设局"]
    assert all(r.indicators["online_rate"] == Count(0, 0) for r in rows)


def test_a_department_sees_only_itself(october, staff, department):
    for who in ("clerk", "head"):
        rows = selectors.indicators_for(staff[who], start=OCT[0], end=OCT[1])
        assert [r.key for r in rows] == [department.pk]
        windows = selectors.indicators_for(staff[who], start=OCT[0], end=OCT[1], group="window")
        assert "08 住建窗口" not in {r.name for r in windows}
    for who in ("supervisor", "leader"):
        rows = selectors.indicators_for(staff[who], start=OCT[0], end=OCT[1])
        assert len(rows) == 2
    with pytest.raises(Forbidden):
        selectors.indicators_for(staff["citizen"], start=OCT[0], end=OCT[1])


def test_bad_periods(staff):
    leader = staff["leader"]
    for start, end, group, field in (
        (None, OCT[1], "department", "from"),
        (OCT[0], None, "department", "to"),
        (OCT[1], OCT[0], "department", "to"),
        (dt.date(2020, 1, 1), dt.date(2025, 1, 1), "department", "to"),
        (OCT[0], OCT[1], "planet", "group"),
    ):
        with pytest.raises(ValidationFailed) as caught:
            selectors.indicators_for(leader, start=start, end=end, group=group)
        assert field in caught.value.errors


def test_api_shape(client, october, staff):
    response = client.get(
        "/api/v1/indicators?from=2025-10-01&to=2025-10-31&group=department",
        **bearer(staff["leader"]),
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["from"], body["to"], body["group"]) == ("2025-10-01", "2025-10-31", "department")
    scj = next(r for r in body["rows"] if r["name"] == "市场监督管理局")
    assert list(scj["indicators"]) == list(keys_for("department"))
    online = scj["indicators"]["online_rate"]
    assert (online["numerator"], online["denominator"], online["value"]) == (1, 4, 0.25)
    assert online["display"] == "25.00%"
    empty = scj["indicators"]["good_rate"]
    assert (empty["numerator"], empty["denominator"], empty["value"]) == (0, 0, None)


def test_api_access_and_refusals(client, october, staff, department):
    url = "/api/v1/indicators?from=2025-10-01&to=2025-10-31"
    assert client.get(url).status_code == 401
    assert client.get(url, **bearer(staff["citizen"])).status_code == 403
    mine = client.get(url, **bearer(staff["head"])).json()["rows"]
    assert [r["key"] for r in mine] == [department.pk]
    bad = client.get("/api/v1/indicators?from=2025-13-01&to=x&group=y", **bearer(staff["leader"]))
    assert bad.status_code == 422
    assert bad.content.count(b"\\u") or bad.json()
    assert client.get(url + "&group=%00", **bearer(staff["leader"])).status_code == 422


def test_seed_figures_as_the_api_shows_them():
    from zhengwu.assessment.presenters import api_count

    online = api_count(Count(75, 15527))
    assert online == {"numerator": 75, "denominator": 15527, "value": 75 / 15527,
                      "display": "0.48%"}  # fmt: skip
    assert api_count(Count(6, 290))["display"] == "2.07%"
    assert api_count(Count(0, 0)) == {"numerator": 0, "denominator": 0, "value": None,
                                      "display": None}  # fmt: skip
