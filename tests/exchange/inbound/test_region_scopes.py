"""The exchange's figures follow the reader's region (accounts.regions): the month's
reconciliations (board, export and API) and the tickets counted by source cover the centers the
reader oversees: a township center's supervisor their center, a county supervisor the county and
its townships, not another county, a provincial leader all; the hotline desk counts every
ticket."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.factories import UserFactory, dispatched_ticket, valid_id_number
from tests.regions import ALL_CENTERS, REGION_LEVELS
from zhengwu.core import clock
from zhengwu.core.roles import Role
from zhengwu.exchange import inbound_selectors, reconcile_jobs
from zhengwu.exchange.models.inbound import (
    DepartmentRecord,
    Reconciliation,
    ReconciliationRun,
    RecordBatch,
)
from zhengwu.tickets.models import Category

pytestmark = pytest.mark.django_db

LEVELS = [level for level in REGION_LEVELS if level != "city_leader"]


@pytest.fixture
def figures(region_tree):
    """One reconciliation of this month and one ticket received today per center."""
    now = clock.now()
    month = clock.today().replace(day=1)
    category = Category.objects.create(code="SC-EX", name="市场监管")
    for key, department in region_tree["departments"].items():
        Reconciliation.objects.create(
            department=department,
            month=month,
            records=1,
            by_number=1,
            by_attributes=0,
            unmatched=0,
            run_at=now,
        )
        dispatched_ticket(f"T-{key}", department, category, now)
    return {**region_tree, "month": month}


def _reader(level, region_reader):
    return region_reader(level, Role.SUPERVISOR if level == "township_clerk" else None)


@pytest.mark.parametrize("level", LEVELS)
def test_reconciliations_and_ticket_counts_follow_the_reader(level, figures, region_reader):
    reader = _reader(level, region_reader)
    month = figures["month"]
    seen = inbound_selectors.reconciliations(month, reader=reader)
    assert {r.department.code for r in seen} == {f"D-{k}" for k in REGION_LEVELS[level]}
    today = clock.today()
    counts = inbound_selectors.tickets_by_source(today, today, reader=reader)
    assert counts[inbound_selectors.HOTLINE] == len(REGION_LEVELS[level])
    assert sum(counts.values()) == len(REGION_LEVELS[level])

    client = Client()
    client.force_login(reader)
    answer = client.get("/api/v1/exchange/reconciliations", {"month": f"{month:%Y-%m}"})
    assert answer.status_code == 200, answer.content
    assert {r["department"] for r in answer.json()} == {f"D-{k}" for k in REGION_LEVELS[level]}
    answer = client.get(
        "/api/v1/exchange/tickets/by-source", {"from": today.isoformat(), "to": today.isoformat()}
    )
    assert answer.status_code == 200
    assert answer.json()[inbound_selectors.HOTLINE] == len(REGION_LEVELS[level])
    page = client.get("/exchange/inbound/", {"month": f"{month:%Y-%m}"})
    assert page.status_code == 200
    text = page.content.decode()
    for key, department in figures["departments"].items():
        assert (department.name in text) == (key in REGION_LEVELS[level]), key


def test_the_hotline_desk_counts_every_ticket(figures):
    operator = UserFactory(roles=[Role.OPERATOR], department=None)
    today = clock.today()
    counts = inbound_selectors.tickets_by_source(today, today, reader=operator)
    assert counts[inbound_selectors.HOTLINE] == len(ALL_CENTERS)


@pytest.fixture
def records(region_tree, item):
    """One department record of September 2025 in each center's department."""
    now = clock.now()
    for key, department in region_tree["departments"].items():
        batch = RecordBatch.objects.create(
            department=department, source="api", rows=1, received_at=now
        )
        DepartmentRecord.objects.create(
            department=department,
            record_number=f"R-{key}",
            item=item,
            applicant_number=valid_id_number(3),
            received_on=dt.date(2025, 9, 8),
            batch=batch,
            updated_at=now,
        )
    return region_tree


def test_a_run_for_every_department_covers_only_those_the_starter_oversees(
    records, region_reader, django_capture_on_commit_callbacks
):
    county = region_reader("county_supervisor")
    province = region_reader("provincial_leader")
    september = dt.date(2025, 9, 1)
    ours = {f"D-{k}" for k in REGION_LEVELS["county_supervisor"]}

    done = reconcile_jobs.reconcile_now(month=september, department=None, actor=county)
    assert {r.department.code for r in done} == ours
    with django_capture_on_commit_callbacks(execute=False):
        started = reconcile_jobs.start(actor=county, month=september, department=None)
        theirs = reconcile_jobs.start(actor=province, month=september, department=None)
    assert reconcile_jobs.run(started.pk).departments == len(ours)
    assert reconcile_jobs.run(theirs.pk).departments == len(ALL_CENTERS)
    # the scheduler (no one started it) still covers every department
    everyone = reconcile_jobs.reconcile_now(month=september, department=None)
    assert {r.department.code for r in everyone} == {f"D-{k}" for k in ALL_CENTERS}

    # the runs a reader follows: the county's own, not the province's run of everything
    assert [r.pk for r in inbound_selectors.recent_runs(september, county)] == [started.pk]
    assert {r.pk for r in inbound_selectors.recent_runs(september, province)} == {
        started.pk,
        theirs.pk,
    }
    client = Client()
    client.force_login(county)
    assert client.get(f"/exchange/inbound/runs/{started.pk}/").status_code == 200
    assert client.get(f"/exchange/inbound/runs/{theirs.pk}/").status_code == 404
    # a colleague of the county and the city's leader follow the county's run too; a supervisor
    # of the city's other county does not
    colleague = region_reader("county_supervisor")
    assert [r.pk for r in inbound_selectors.recent_runs(september, colleague)] == [started.pk]
    city = region_reader("city_leader")
    assert [r.pk for r in inbound_selectors.recent_runs(september, city)] == [started.pk]
    neighbour = UserFactory(
        roles=[Role.SUPERVISOR],
        department=None,
        region=records["centers"]["other_county"].region,
    )
    assert inbound_selectors.recent_runs(september, neighbour) == []


def test_a_run_whose_starter_is_gone_covers_no_department(
    records, region_reader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        started = reconcile_jobs.start(
            actor=region_reader("county_supervisor"), month=dt.date(2025, 9, 1), department=None
        )
    ReconciliationRun.objects.filter(pk=started.pk).update(started_by=None)
    done = reconcile_jobs.run(started.pk)
    assert (done.state, done.departments) == ("done", 0)
    assert not Reconciliation.objects.exists()


def test_another_regions_department_is_no_department_to_reconcile(records, region_reader):
    client = Client()
    client.force_login(region_reader("county_supervisor"))
    answer = client.post(
        "/api/v1/exchange/reconciliations",
        {"month": "2025-09", "department": "D-other_city"},
        content_type="application/json",
    )
    assert answer.status_code == 422, answer.content
    assert answer.json()["errors"]["department"] == ["没有该编码的部门。"]
    assert not Reconciliation.objects.filter(department__code="D-other_city").exists()
    answer = client.post(
        "/api/v1/exchange/reconciliations",
        {"month": "2025-09", "department": "D-township"},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert [r["department"] for r in answer.json()] == ["D-township"]
    answer = client.get(
        "/api/v1/exchange/reconciliations", {"month": "2025-09", "department": "D-other_city"}
    )
    assert answer.status_code == 422
    assert answer.json()["errors"]["department"] == ["没有该编码的部门。"]


def test_a_supervisor_sends_records_only_of_the_departments_they_oversee(
    records, region_reader, item
):
    client = Client()
    client.force_login(region_reader("county_supervisor"))

    def send(code, number):
        row = {
            "department": code,
            "record_number": number,
            "item": item.impl_code,
            "applicant_number": valid_id_number(5),
            "received_on": "2025-09-10",
        }
        return client.post(
            "/api/v1/exchange/department-records",
            {"records": [row]},
            content_type="application/json",
        )

    answer = send("D-other_city", "R-2")
    assert answer.status_code == 422, answer.content
    assert answer.json()["errors"]["records.0.department"] == ["您不能报送该部门的办件记录。"]
    assert not DepartmentRecord.objects.filter(record_number="R-2").exists()
    # the township's department is theirs to send (the item, the market regulator's, is not
    # the township's: that is the only problem)
    answer = send("D-township", "R-3")
    assert "records.0.department" not in answer.json()["errors"]
    assert set(answer.json()["errors"]) == {"records.0.item"}
