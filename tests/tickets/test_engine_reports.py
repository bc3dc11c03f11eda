"""The ticket reports on hand-built data: the county study's figures (seeds/004: 282 of 300
complaints in three categories → 94.0 %; 推诿扯皮效率低下 at 49.7 % against an overall 37.0 % →
+12.7 points; those three hold 95.5 % of all substantiated), the unit rates and the rounding."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from tests.tickets.conftest import AT
from tests.tickets.test_engine_api import bearer
from zhengwu.core.ratios import Ratio, percent, points, round_half_up
from zhengwu.tickets import reports, selectors
from zhengwu.tickets.models import Category, Ticket

# (category, received, substantiated, partly, not substantiated); the rest not investigated.
STUDY = [
    ("XNTS01", 70, 14, 2, 30),
    ("XNTS02", 151, 70, 5, 50),
    ("XNTS03", 61, 15, 0, 20),
    ("XNTS05", 10, 3, 0, 5),
    ("XNTS06", 8, 2, 0, 6),
]


def build(categories_by_code, rows, *, at: dt.datetime, department=None, kind="complaint"):
    tickets = []
    for code, received, sub, partly, not_ in rows:
        outcomes = ["substantiated"] * sub + ["partly"] * partly + ["not"] * not_
        outcomes += [""] * (received - len(outcomes))
        for index, outcome in enumerate(outcomes):
            tickets.append(
                Ticket(
                    kind=kind,
                    category=categories_by_code[code],
                    content="x",
                    caller_phone="13800138000",
                    channel="phone",
                    state="closed",
                    department=department,
                    received_at=at + dt.timedelta(minutes=index),
                    investigation_outcome=outcome,
                    created_at=at,
                    updated_at=at,
                )
            )
    Ticket.objects.bulk_create(tickets)


@pytest.fixture
def study(categories):
    by_code = {c.code: c for c in Category.objects.all()}
    build(by_code, STUDY, at=AT("2024-03-01 09:00"))
    # The year before, for the year-on-year change; and a consultation that the default
    # (efficiency complaints) report leaves out.
    build(by_code, [("XNTS02", 120, 50, 0, 0)], at=AT("2023-03-01 09:00"))
    build(by_code, [("ZWFW01", 40, 0, 0, 0)], at=AT("2024-03-01 09:00"), kind="consult")
    return by_code


@pytest.mark.django_db
def test_category_report_reproduces_the_county_study(study):
    report = selectors.category_report(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
    rows = {r["code"]: r for r in report["rows"]}
    total = report["total"]
    assert total["received"] == 300 and total["substantiated"] == 111
    assert total["substantiation_rate"].percent() == percent(Fraction(37, 100))
    three = sum(rows[c]["received"].numerator for c in ("XNTS01", "XNTS02", "XNTS03"))
    assert three == 282
    assert str(Ratio(three, total["received"]).percent()) == "94.0"
    three_sub = sum(rows[c]["substantiated"].numerator for c in ("XNTS01", "XNTS02", "XNTS03"))
    assert str(Ratio(three_sub, total["substantiated"]).percent()) == "95.5"
    shirk = rows["XNTS02"]
    assert str(shirk["substantiation_rate"].percent()) == "49.7"  # partly substantiated counts
    assert str(shirk["diff_points"]) == "12.7"
    assert str(shirk["share"].percent()) == "50.3"
    assert shirk["previous_received"] == 120
    assert str(shirk["yoy"].percent()) == "25.8"  # (151 − 120) ÷ 120
    assert rows["XNTS01"]["yoy"].value is None  # no data the year before: no rate
    assert report["rows"][0]["code"] == "XNTS02"  # most received first


@pytest.mark.django_db
def test_report_api_gives_numerator_and_denominator(client, study, supervisor, unit):
    response = client.get(
        "/api/v1/tickets/report",
        {"from": "2024-01-01", "to": "2024-12-31", "group": "category"},
        **bearer(supervisor),
    )
    assert response.status_code == 200, response.json()
    rows = {r["code"]: r for r in response.json()["rows"]}
    shirk = rows["XNTS02"]
    assert shirk["substantiation_rate"] == {"numerator": 75, "denominator": 151, "value": 49.7}
    assert shirk["share"] == {"numerator": 151, "denominator": 300, "value": 50.3}
    assert shirk["received"]["numerator"] == 151
    assert shirk["substantiated"] == {"numerator": 75, "denominator": 111, "value": 67.6}
    assert shirk["diff_points"] == 12.7
    everything = client.get(
        "/api/v1/tickets/report",
        {"from": "2024-01-01", "to": "2024-12-31", "scope": "all"},
        **bearer(supervisor),
    ).json()
    assert everything["total"]["received"] == 340
    years = client.get(
        "/api/v1/tickets/report",
        {"from": "2023-01-01", "to": "2024-12-31", "group": "year"},
        **bearer(supervisor),
    ).json()["rows"]
    assert [(r["year"], r["received"]) for r in years] == [(2023, 120), (2024, 300)]
    assert years[1]["substantiation_rate"]["value"] == 37.0
    assert years[1]["yoy"] == {"numerator": 180, "denominator": 120, "value": 150.0}
    per_category = {r["code"]: r for r in years[1]["categories"]}
    assert per_category["XNTS02"]["diff_points"] == 12.7
    assert per_category["XNTS02"]["yoy"] == {"numerator": 31, "denominator": 120, "value": 25.8}
    # Bad periods and a handling unit: 4xx.
    assert (
        client.get(
            "/api/v1/tickets/report",
            {"from": "2024-12-31", "to": "2024-01-01"},
            **bearer(supervisor),
        ).status_code
        == 422
    )
    assert (
        client.get(
            "/api/v1/tickets/report", {"from": "x", "to": "2024-01-01"}, **bearer(supervisor)
        ).status_code
        == 422
    )
    assert (
        client.get(
            "/api/v1/tickets/report", {"from": "2024-01-01", "to": "2024-12-31"}, **bearer(unit)
        ).status_code
        == 403
    )


def _unit_ticket(department, category, *, at, **fields):
    return Ticket(
        kind="complaint",
        category=category,
        content="x",
        caller_phone="13800138000",
        channel="phone",
        state="closed",
        department=department,
        received_at=at,
        dispatched_at=at,
        created_at=at,
        updated_at=at,
        **fields,
    )


@pytest.mark.django_db
def test_unit_performance_rates_and_ranking(
    client, categories, department, other_department, operator
):
    category = Category.objects.get(code="SCJG01")
    at = AT("2025-03-03 09:00")
    due = AT("2025-03-10 23:59")
    accept_due = AT("2025-03-04 23:59")
    early, late = AT("2025-03-04 10:00"), AT("2025-03-12 10:00")
    tickets = [
        # SCJ: 4 dispatched, 3 accepted in time, 3 replied (2 on time), 3 called back,
        # 2 reached: 2 resolved, 1 satisfied + 1 unsatisfied; 1 returned; 2 redo rounds.
        _unit_ticket(
            department,
            category,
            at=at,
            accept_due=accept_due,
            accepted_at=early,
            due_at=due,
            replied_at=early,
            callback_at=early,
            callback_round=0,
            callback_reached=True,
            callback_resolved=True,
            satisfaction="satisfied",
        ),
        _unit_ticket(
            department,
            category,
            at=at,
            accept_due=accept_due,
            accepted_at=early,
            due_at=due,
            replied_at=early,
            callback_at=early,
            callback_round=2,
            callback_reached=True,
            callback_resolved=True,
            satisfaction="unsatisfied",
            redo_count=2,
        ),
        _unit_ticket(
            department,
            category,
            at=at,
            accept_due=accept_due,
            accepted_at=early,
            due_at=due,
            replied_at=late,
            callback_at=late,
            callback_round=0,
            callback_reached=False,
        ),
        _unit_ticket(
            department,
            category,
            at=at,
            accept_due=accept_due,
            accepted_at=late,
            due_at=due,
            returned=True,
        ),
        # ZJJ: 1 ticket, all good.
        _unit_ticket(
            other_department,
            category,
            at=at,
            accept_due=accept_due,
            accepted_at=early,
            due_at=due,
            replied_at=early,
            callback_at=early,
            callback_round=0,
            callback_reached=True,
            callback_resolved=True,
            satisfaction="basic",
        ),
    ]
    Ticket.objects.bulk_create(tickets)
    rows = selectors.performance_report(start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))
    assert [r["code"] for r in rows] == ["ZJJ", "SCJ"] and rows[0]["rank"] == 1
    scj = rows[1]
    assert scj["dispatched"] == 4
    assert (scj["response_rate"].numerator, scj["response_rate"].denominator) == (3, 4)
    assert (scj["on_time_rate"].numerator, scj["on_time_rate"].denominator) == (2, 3)
    assert (scj["callback_rate"].numerator, scj["callback_rate"].denominator) == (3, 3)
    assert (scj["resolution_rate"].numerator, scj["resolution_rate"].denominator) == (2, 2)
    assert (scj["satisfaction_rate"].numerator, scj["satisfaction_rate"].denominator) == (1, 2)
    assert scj["returned"] == 1 and scj["redo"] == 2
    response = client.get(
        "/api/v1/tickets/report",
        {"from": "2025-03-01", "to": "2025-03-31", "group": "department"},
        **bearer(operator),
    )
    body = response.json()["rows"][1]
    assert body["response_rate"] == {"numerator": 3, "denominator": 4, "value": 75.0}
    assert body["on_time_rate"]["value"] == 66.7


@pytest.mark.django_db
def test_public_monthly_stats_need_no_login(client, study):
    response = client.get("/api/v1/tickets/public-stats", {"year": 2024, "month": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["received"] == 340 and body["by_kind"]["consult"] == 40
    assert "caller_phone" not in str(body)
    assert (
        client.get("/api/v1/tickets/public-stats", {"year": 2024, "month": 13}).status_code == 422
    )


def test_rounding_is_half_up_on_exact_values():
    assert str(round_half_up(Fraction(5, 2))) == "3"
    assert str(round_half_up(Fraction(-5, 2))) == "-3"
    assert str(percent(Fraction(1265, 100000), 1)) == "1.3"
    assert str(percent(Fraction(1, 8), 1)) == "12.5"
    assert str(percent(Fraction(1, 16), 2)) == "6.25"
    assert str(points(Fraction(1, 3), Fraction(1, 6))) == "16.7"
    assert Ratio(1, 0).value is None and Ratio(1, 0).as_dict()["value"] is None
    # The seeds' other figures (DOMAIN.md §5).
    assert str(Ratio(75, 15527).percent(2)) == "0.48"
    assert str(Ratio(6, 290).percent()) == "2.1"


def test_department_ranking_puts_missing_rates_last():
    rows = reports.department_rows(
        [
            reports.DepartmentCount(code="B", name="b", dispatched=1),
            reports.DepartmentCount(code="A", name="a", dispatched=1, reached=2, satisfied=1),
        ]
    )
    assert [r["code"] for r in rows] == ["A", "B"]
