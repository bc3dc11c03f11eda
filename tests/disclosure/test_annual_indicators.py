"""The disclosure indicators registered with the assessment framework: counted per department
over requests handled through the services, shown on the indicators page and in the API."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from django.test import Client

from tests.disclosure.test_annual_report import history  # noqa: F401 (the fixture)
from zhengwu.accounts.models import Department
from zhengwu.assessment import selectors
from zhengwu.assessment.definitions import definition, keys_for
from zhengwu.disclosure.indicators import SECTION, disclosure_counts
from zhengwu.workdays.loader import workdays_between

pytestmark = pytest.mark.django_db
D = dt.date


def _by_code(rows):
    codes = dict(Department.objects.values_list("pk", "code"))
    return {codes[r.key]: r.indicators for r in rows if r.key in codes}


def test_the_section_is_registered_for_departments_and_centers():
    assert set(SECTION.keys) <= set(keys_for("department"))
    assert not set(SECTION.keys) & set(keys_for("window"))
    assert definition("disclosure_received").unit == "count"
    assert definition("disclosure_average_workdays").unit == "mean"
    assert disclosure_counts(start=D(2026, 1, 1), end=D(2026, 12, 31), group="staff",
                             department_ids=None) == {}  # fmt: skip


def test_the_indicators_of_a_month(history):  # noqa: F811
    rows = selectors.table(
        start=D(2026, 3, 1), end=D(2026, 3, 31), group="department", department_ids=None
    )
    scj, zjj = _by_code(rows)["SCJ"], _by_code(rows)["ZJJ"]
    assert scj["disclosure_received"].numerator == 3
    assert zjj["disclosure_received"].numerator == 2
    # Two replies in SCJ on the day of receipt: on time, no working day used.
    assert (
        scj["disclosure_on_time_rate"].numerator,
        scj["disclosure_on_time_rate"].denominator,
    ) == (
        2,
        2,
    )
    assert scj["disclosure_average_workdays"].value == 0
    assert (
        scj["disclosure_disclosed_rate"].numerator,
        scj["disclosure_disclosed_rate"].denominator,
    ) == (
        0,
        2,
    )
    # A withdrawal is handled but is no reply.
    assert zjj["disclosure_on_time_rate"].denominator == 0
    assert zjj["disclosure_disclosed_rate"].denominator == 1


def test_working_days_used_and_the_share_disclosed(history):  # noqa: F811
    rows = selectors.table(
        start=D(2026, 1, 1), end=D(2026, 1, 31), group="department", department_ids=None
    )
    scj, zjj = _by_code(rows)["SCJ"], _by_code(rows)["ZJJ"]
    used = workdays_between(D(2025, 12, 22), D(2026, 1, 6))
    assert scj["disclosure_average_workdays"].value == Fraction(int(used), 1)
    assert zjj["disclosure_average_workdays"].value == Fraction(int(used), 1)
    assert zjj["disclosure_disclosed_rate"].value == 1  # partly disclosed
    assert scj["disclosure_disclosed_rate"].value == 0  # withheld


def test_reconsiderations_corrected(history, office):  # noqa: F811
    from zhengwu.disclosure import services
    from zhengwu.disclosure.models import DisclosureAppeal

    appeal = DisclosureAppeal.objects.get(kind="reconsideration")
    services.decide_appeal(
        actor=office, appeal_id=appeal.pk, result="corrected", decided_on=D(2026, 4, 1)
    )
    rows = selectors.table(
        start=D(2026, 4, 1), end=D(2026, 4, 30), group="department", department_ids=None
    )
    count = _by_code(rows)["SCJ"]["disclosure_reconsideration_corrected_rate"]
    assert (count.numerator, count.denominator) == (1, 1)
    center = selectors.table(
        start=D(2026, 4, 1), end=D(2026, 4, 30), group="center", department_ids=None
    )
    assert sum(r.indicators["disclosure_reconsideration_corrected_rate"].denominator
               for r in center) == 1  # fmt: skip


def test_the_indicators_page_and_api_show_the_section(history, make_user):  # noqa: F811
    from zhengwu.core.roles import Role

    client = Client()
    client.force_login(make_user(Role.SUPERVISOR))
    page = client.get("/assessment/indicators/", {"from": "2026-03-01", "to": "2026-03-31"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="indicator-section-disclosure"' in html
    assert "依申请公开" in html and "平均答复工作日" in html
    answer = client.get(
        "/api/v1/indicators", {"from": "2026-03-01", "to": "2026-03-31", "group": "department"}
    ).json()
    scj = next(r for r in answer["rows"] if r["name"] == "市场监督管理局")
    assert scj["indicators"]["disclosure_received"]["display"] == "3"
    assert scj["indicators"]["disclosure_on_time_rate"]["display"] == "100.00%"
    assert scj["indicators"]["disclosure_average_workdays"]["display"] == "0.0"
    window = client.get(
        "/api/v1/indicators", {"from": "2026-03-01", "to": "2026-03-31", "group": "window"}
    ).json()
    assert all("disclosure_received" not in r["indicators"] for r in window["rows"])
