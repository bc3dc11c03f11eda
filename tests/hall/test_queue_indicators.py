"""The queue's assessment indicators (average and 90th-percentile wait, appointment no-show
rate) with their numerators and denominators, in the API and the indicators page, and the 大厅
section of the monthly brief (page, .docx, .xlsx) and the leader dashboard."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client

from tests.hall.conftest import AT
from zhengwu.assessment import providers
from zhengwu.core.roles import Role
from zhengwu.hall import queue_services as services
from zhengwu.hall.indicators import queue_counts, queue_pooled
from zhengwu.hall.models.queue import Slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(travel, types, clerk, housing_clerk):
    """March 2026: ten SCJ numbers waiting 1..10 minutes at window 1, one ZJJ number waiting
    30 minutes at window 2; three SCJ appointments of which one kept, one missed, one
    cancelled."""
    travel(AT("2026-03-02 08:00"))
    services.open_slots(business_type=types["A"], day=dt.date(2026, 3, 3))
    slot = Slot.objects.get(day=dt.date(2026, 3, 3), starts_at=dt.time(9, 0))
    kept = services.book(slot_id=slot.pk, name="甲", phone="13800000001", user=None)
    services.book(slot_id=slot.pk, name="乙", phone="13800000002", user=None)
    services.book(slot_id=slot.pk, name="丙", phone="13800000003", user=housing_clerk)
    services.cancel(actor=housing_clerk, code=slot.appointments.get(name="丙").code)
    travel(AT("2026-03-02 09:00"))
    services.sign_in(actor=clerk, window_code="1")
    services.sign_in(actor=housing_clerk, window_code="2")
    moment = AT("2026-03-02 09:00")
    for minutes in range(1, 11):
        travel(moment)
        number = services.take_number(business_type="SCJ").number
        travel(moment + dt.timedelta(minutes=minutes))
        services.call_next(actor=clerk)
        services.finish(actor=clerk, number=number)
        moment += dt.timedelta(minutes=minutes)
    travel(AT("2026-03-02 14:00"))
    number = services.take_number(business_type="ZJJ").number
    travel(AT("2026-03-02 14:30"))
    services.call_next(actor=housing_clerk)
    services.finish(actor=housing_clerk, number=number)
    travel(AT("2026-03-03 09:05"))
    services.take_number(appointment=kept.code)
    travel(AT("2026-04-10 10:00"))


def test_the_provider_counts_waits_and_no_shows(month, department, other_department, clerk):
    by_department = queue_counts(
        start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), group="department", department_ids=None
    )
    scj = by_department[department.pk]
    assert (scj["average_wait_minutes"].numerator, scj["average_wait_minutes"].denominator) == (
        55,
        10,
    )
    assert scj["wait_p90_minutes"].numerator == 9 * 60  # nearest rank of 1..10 minutes
    assert (scj["no_show_rate"].numerator, scj["no_show_rate"].denominator) == (1, 2)
    zjj = by_department[other_department.pk]
    assert zjj["average_wait_minutes"].value == 30
    assert "no_show_rate" not in zjj
    by_staff = queue_counts(
        start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), group="staff", department_ids=None
    )
    assert by_staff[clerk.pk]["average_wait_minutes"].denominator == 10
    assert all("no_show_rate" not in row for row in by_staff.values())
    only = queue_counts(
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 3, 31),
        group="center",
        department_ids=[other_department.pk],
    )
    (center,) = only.values()
    assert center["average_wait_minutes"].denominator == 1
    assert "hall_queue" in providers.registered()


def test_the_api_and_the_indicators_page(month, make_user):
    client = Client()
    client.force_login(make_user(Role.SUPERVISOR, username="sup"))
    answer = client.get(
        "/api/v1/indicators", {"from": "2026-03-01", "to": "2026-03-31", "group": "department"}
    ).json()
    scj = next(r for r in answer["rows"] if r["name"] == "市场监督管理局")
    wait = scj["indicators"]["average_wait_minutes"]
    assert (wait["numerator"], wait["denominator"], wait["display"]) == (55, 10, "5.5")
    assert scj["indicators"]["wait_p90_minutes"]["display"] == "9.0"
    assert scj["indicators"]["no_show_rate"]["display"] == "50.00%"
    page = client.get("/assessment/indicators/", {"from": "2026-03-01", "to": "2026-03-31"})
    html = page.content.decode()
    assert 'data-testid="indicator-section-hall"' in html and "平均等候时长" in html


def test_the_brief_and_the_dashboard_have_a_hall_section(month, make_user):
    from docx import Document
    from openpyxl import load_workbook

    client = Client()
    client.force_login(make_user(Role.LEADER, username="leader"))
    html = client.get("/assessment/brief/2026-03/").content.decode()
    assert 'data-testid="section-hall"' in html
    # Numbered after the brief's own five sections and the ones registered before it.
    assert "、服务大厅" in html and "取号 12 个" in html
    assert "市场准入" in html and "住房建设" in html
    docx = Document(io.BytesIO(client.get("/assessment/brief/2026-03/docx/").content))
    assert any("、服务大厅" in p.text for p in docx.paragraphs)
    book = load_workbook(io.BytesIO(client.get("/assessment/brief/2026-03/xlsx/").content))
    assert any("大厅" in name or "排队" in name for name in book.sheetnames)
    dashboard = client.get("/assessment/dashboard/?month=2026-03").content.decode()
    assert 'data-testid="section-hall"' in dashboard and "平均等候时长" in dashboard


def test_the_total_pools_the_90th_percentile_over_all_numbers(month, make_user):
    """Market supervision waited 1..10 minutes (p90 9), housing 30 (p90 30): the mean of the
    groups' percentiles is 19.5 minutes, the 90th percentile of all eleven numbers 10."""
    from openpyxl import load_workbook

    client = Client()
    client.force_login(make_user(Role.SUPERVISOR, username="sup"))
    march = {"from": "2026-03-01", "to": "2026-03-31"}
    for group in ("department", "window", "center"):
        answer = client.get("/api/v1/indicators", {**march, "group": group}).json()
        p90 = answer["total"]["indicators"]["wait_p90_minutes"]
        assert (p90["numerator"], p90["denominator"], p90["display"]) == (600, 60, "10.0"), group
        wait = answer["total"]["indicators"]["average_wait_minutes"]
        assert (wait["numerator"], wait["denominator"]) == (85, 11)
        # The other indicators of the total still add the rows up.
        received = answer["total"]["indicators"]["online_rate"]["denominator"]
        assert received == sum(
            r["indicators"]["online_rate"]["denominator"] for r in answer["rows"]
        )
    by_department = client.get("/api/v1/indicators", {**march, "group": "department"}).json()
    p90s = [
        r["indicators"]["wait_p90_minutes"]
        for r in by_department["rows"]
        if r["indicators"]["wait_p90_minutes"]["denominator"]
    ]
    assert sorted(p["display"] for p in p90s) == ["30.0", "9.0"]
    html = client.get("/assessment/indicators/", march).content.decode()
    hall = html[html.index('data-testid="indicator-section-hall"') :]
    footer = hall[hall.index("<tfoot") : hall.index("</tfoot>")]
    assert 'title="600 ÷ 60">10.0<' in footer and "19.5" not in footer
    book = load_workbook(
        io.BytesIO(client.get("/assessment/indicators/", {**march, "format": "xlsx"}).content)
    )
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header = next(r for r in rows if "90% 分位等候时长（分钟）" in r)
    column = header.index("90% 分位等候时长（分钟）")
    assert rows[-1][0] == "合计" and rows[-1][column] == "10.0"


def test_the_pooled_total_answers_every_set_of_groups_in_one_read(
    month, department, other_department, django_assert_num_queries
):
    """A region's row and the table's total each pool their own groups: market supervision
    alone has p90 9 minutes, with housing the eleven numbers have 10; one read for all sets."""
    with django_assert_num_queries(1):
        pooled = queue_pooled(
            start=dt.date(2026, 3, 1),
            end=dt.date(2026, 3, 31),
            group="department",
            department_ids=None,
            sets={
                "scj": [department.pk],
                "both": [department.pk, other_department.pk],
                "all": None,
            },
        )
    assert pooled["scj"]["wait_p90_minutes"].numerator == 9 * 60
    assert pooled["both"]["wait_p90_minutes"].numerator == 10 * 60
    assert pooled["all"]["wait_p90_minutes"].numerator == 10 * 60
    assert pooled["both"]["average_wait_minutes"].denominator == 11
