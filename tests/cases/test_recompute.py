"""A calendar change: when 2027's official schedule is entered, the open cases whose clocks relied
on the provisional 2027 are recomputed, and each change is recorded as an event."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from tests.cases.helpers import AT, file_case
from zhengwu.cases import services
from zhengwu.cases.clocks import Event, compute_clocks
from zhengwu.cases.models import Case
from zhengwu.core import clock
from zhengwu.workdays import loader, sources
from zhengwu.workdays import schedule as sched
from zhengwu.workdays import services as calendar_services
from zhengwu.workdays.models import CalendarYear

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat

# An official 2027 with a longer New Year: Monday 4 January 2027 is off, so every working-day
# count running over it ends one working day later than on the provisional 2027.
SCHEDULE_2027 = """\
kind,start,end,name
holiday,2027-01-01,2027-01-04,元旦
holiday,2027-02-05,2027-02-12,春节
workday,2027-02-13,,春节调休上班
holiday,2027-04-03,2027-04-05,清明节
holiday,2027-05-01,2027-05-05,劳动节
workday,2027-04-25,,劳动节调休上班
holiday,2027-06-09,2027-06-11,端午节
holiday,2027-09-15,2027-09-17,中秋节
holiday,2027-10-01,2027-10-07,国庆节
workday,2027-09-26,,国庆节调休上班
workday,2027-10-09,,国庆节调休上班
"""


@pytest.fixture
def provisional_2027(db):
    """2027 as a provisional year, whatever the installed package knows about it."""
    if 2027 in sources.package_official_years():
        CalendarYear.objects.create(year=2027, status=CalendarYear.Status.PROVISIONAL)
    return 2027


def enter_2027():
    schedule, errors = sched.parse(2027, file=SCHEDULE_2027.encode())
    assert not errors, errors.by_field
    return calendar_services.import_year(year=2027, schedule=schedule, notice="国办发明电〔2026〕")


def act(actor, case, action, data=None):
    return services.act(actor=actor, number=case.number, action=action, data=data or {})


@pytest.fixture
def cases(item, clerk, reviewer, travel, provisional_2027):
    """Three cases on 21-28 December 2026: open and provisional, granted with a provisional
    delivery date, and one whose dates stay inside 2026."""
    travel(AT("2026-12-01 09:00"))
    inside = act(clerk, file_case(clerk), "accept")
    travel(AT("2026-12-21 09:00"))
    assert loader.year_status(2027) == sources.PROVISIONAL
    open_case = act(clerk, file_case(clerk), "accept")
    granted = act(clerk, file_case(clerk), "accept")
    travel(AT("2026-12-28 10:00"))
    granted = act(reviewer, granted, "decide", {"outcome": "grant"})
    return {"open": open_case, "granted": granted, "inside": inside}


def test_cases_on_a_provisional_year_say_so(cases):
    open_case, granted, inside = cases["open"], cases["granted"], cases["inside"]
    assert open_case.provisional and granted.provisional and not inside.provisional
    # 1 January is a statutory holiday either way; 4 January is a working day provisionally
    assert open_case.promised_due == D("2027-01-05")
    assert open_case.statutory_due == D("2027-01-19")
    assert granted.delivery_due == D("2027-01-12")
    assert inside.statutory_due == D("2026-12-29")


def test_entering_the_official_year_recomputes_and_records_the_changes(cases, travel):
    travel(AT("2026-12-29 09:00"))
    enter_2027()
    assert loader.year_status(2027) == sources.OFFICIAL
    before = {name: Case.objects.get(pk=c.pk).version for name, c in cases.items()}
    assert services.recompute_provisional(years=[2027]) == 2

    open_case = Case.objects.get(pk=cases["open"].pk)
    assert open_case.promised_due == D("2027-01-06")
    assert open_case.statutory_due == D("2027-01-20")
    assert not open_case.provisional
    assert open_case.version == before["open"] + 1
    event = open_case.events.order_by("-seq").first()
    assert event.kind == "clocks_recomputed" and event.actor is None
    assert event.actor_name == "system" and event.retroactive is False
    assert event.data == {
        "years": [2027],
        "changes": {
            "promised_due": ["2027-01-05", "2027-01-06"],
            "statutory_due": ["2027-01-19", "2027-01-20"],
        },
    }
    assert open_case.state == "accepted"  # the event is no step of the case

    granted = Case.objects.get(pk=cases["granted"].pk)
    assert granted.delivery_due == D("2027-01-13") and not granted.provisional
    event = granted.events.order_by("-seq").first()
    assert event.kind == "clocks_recomputed"
    assert event.data["changes"] == {
        "promised_due": ["2027-01-05", "2027-01-06"],
        "statutory_due": ["2027-01-19", "2027-01-20"],
        "delivery_due": ["2027-01-12", "2027-01-13"],
    }
    assert granted.state == "granted" and granted.completion == "early"

    inside = Case.objects.get(pk=cases["inside"].pk)
    assert inside.version == before["inside"]
    assert not inside.events.filter(kind="clocks_recomputed").exists()

    # done once: a second run finds nothing provisional
    assert services.recompute_provisional(years=[2027]) == 0
    assert Case.objects.get(pk=open_case.pk).version == open_case.version

    # the new events continue the hash chains
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_audit", stdout=out, stderr=err)
    assert "3 cases, 0 broken" in out.getvalue()

    # and the case goes on with its recomputed clocks
    travel(AT("2027-01-06 10:00"))
    from zhengwu.accounts.models import User

    reviewer = User.objects.get(username="reviewer_scj")
    decided = act(reviewer, open_case, "decide", {"outcome": "grant"})
    assert decided.completion == "on_time"


def test_recomputed_clocks_equal_clocks_computed_afresh(cases, travel):
    travel(AT("2026-12-29 09:00"))
    enter_2027()
    services.recompute_provisional(years=[2027])
    calendar = loader.get_calendar()
    for case in Case.objects.select_related("item_version"):
        events = [
            Event(e.kind, clock.local_date(e.occurred_at), e.data)
            for e in case.events.order_by("seq")
        ]
        clocks = compute_clocks(
            terms=services.terms_for(case.item_version),
            events=events,
            calendar=calendar,
            as_of=case.clocks_on,
        )
        for name in ("promised_due", "statutory_due", "delivery_due", "provisional"):
            assert getattr(case, name) == getattr(clocks, name), (case.number, name)


def test_the_calendar_change_enqueues_the_recompute_task(
    cases, travel, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    }
    travel(AT("2026-12-29 09:00"))
    with django_capture_on_commit_callbacks(execute=True):
        enter_2027()
    queued = DBTaskResult.objects.filter(task_path="zhengwu.cases.tasks.recompute_provisional")
    assert queued.count() == 1
    assert queued.get().args_kwargs["args"] == [[2027]]
    # nothing ran yet: the worker does it
    assert Case.objects.get(pk=cases["open"].pk).promised_due == D("2027-01-05")


def test_the_task_recomputes_the_cases(cases, travel, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    }
    travel(AT("2026-12-29 09:00"))
    with django_capture_on_commit_callbacks(execute=True):
        enter_2027()
    open_case = Case.objects.get(pk=cases["open"].pk)
    assert open_case.promised_due == D("2027-01-06") and not open_case.provisional
    assert open_case.events.filter(kind="clocks_recomputed").count() == 1


def test_a_day_edited_in_a_provisional_year_is_recomputed_too(cases, travel):
    """An administrator marks 5 January 2027 off before the schedule is published."""
    travel(AT("2026-12-29 09:00"))
    calendar_services.set_day(day=D("2027-01-05"), is_workday=False, name="临时休息")
    assert services.recompute_provisional(years=[2027]) == 2
    open_case = Case.objects.get(pk=cases["open"].pk)
    assert open_case.promised_due == D("2027-01-06")
    assert open_case.provisional  # 2027 is still provisional: recomputed again later
