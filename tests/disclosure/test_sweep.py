"""The disclosure steps of the sweep: deemed abandonments, levels, warnings and irregularities,
each recorded once."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.disclosure.conftest import AT, file
from zhengwu.core import trail
from zhengwu.disclosure import services, sweep
from zhengwu.disclosure.models import DisclosureEvent, DisclosureFinding, DisclosureRequest

pytestmark = pytest.mark.django_db
D = dt.date


def kinds(request):
    return sorted(request.findings.values_list("kind", "irregular"))


def test_warning_before_the_due_date_then_an_irregularity(travel, office, citizen):
    travel(AT("2026-03-02 10:00"))
    request = file(citizen)  # reply due 2026-03-30
    travel(AT("2026-03-26 07:00"))
    assert sweep.run().warnings == 0
    travel(AT("2026-03-27 07:00"))  # one working day left
    result = sweep.run()
    assert (result.refreshed, result.warnings) == (1, 1)
    request.refresh_from_db()
    assert request.level == "yellow"
    assert sweep.run().line() == "abandoned=0 refreshed=0 warnings=0 irregularities=0"
    travel(AT("2026-03-31 07:00"))
    assert sweep.run().irregularities == 1
    request.refresh_from_db()
    assert request.level == "red"
    assert kinds(request) == [("late_reply", True), ("warning", False)]
    assert sweep.run().irregularities == 0  # once


def test_a_late_reply_is_an_irregularity(travel, office, citizen):
    travel(AT("2026-03-02 10:00"))
    n = file(citizen).number
    travel(AT("2026-04-01 10:00"))
    request = services.act(actor=office, number=n, action="reply", data={"type": "disclosed"})
    assert request.on_time is False
    sweep.run()
    assert kinds(request) == [("late_reply", True)]


def test_deemed_abandonment_after_the_supplement_and_the_payment_periods(
    travel, department, office, citizen
):
    travel(AT("2026-03-02 10:00"))
    unclear = file(citizen).number
    unpaid = file(citizen).number
    services.act(
        actor=office,
        number=unclear,
        action="request-supplement",
        data={"items": ["文号"], "period_workdays": 5},
    )
    services.act(actor=office, number=unpaid, action="route", data={"department": "SCJ"})
    services.act(actor=office, number=unpaid, action="fee", data={"pages": 50})
    travel(AT("2026-03-09 22:00"))
    assert sweep.run().abandoned == 0
    travel(AT("2026-03-10 07:00"))
    assert sweep.run().abandoned == 1
    found = DisclosureRequest.objects.get(number=unclear)
    assert (found.state, found.result, found.result_reason) == ("abandoned", "other", 1)
    travel(AT("2026-03-31 07:00"))  # payment due 2026-03-30
    assert sweep.run().abandoned == 1
    found = DisclosureRequest.objects.get(number=unpaid)
    assert (found.state, found.result, found.result_reason) == ("abandoned", "other", 2)
    assert found.events.last().actor_name == "system"
    assert sweep.run().abandoned == 0


def test_a_second_notice_forced_by_a_backfill_and_a_late_notice(travel, office, citizen):
    travel(AT("2026-03-02 10:00"))
    n = file(citizen).number
    travel(AT("2026-03-12 10:00"))  # after the 7 working days of art. 30
    services.act(
        actor=office,
        number=n,
        action="request-supplement",
        data={"items": ["文号"], "period_workdays": 5},
    )
    services.act(actor=citizen, number=n, action="supplement")
    request = DisclosureRequest.objects.get(number=n)
    # A second notice forced past the services (a backfill written straight into the trail).
    trail.append(
        request,
        DisclosureEvent(
            request=request,
            kind="request_supplement",
            actor=office,
            occurred_at=AT("2026-03-12 11:00"),
            data={"items": ["又一项"], "period_workdays": 5},
        ),
        label="disclosure",
    )
    request.save()
    result = sweep.run()
    assert result.irregularities == 2
    assert sorted(DisclosureFinding.objects.values_list("kind", "event_seq")) == [
        ("late_notice", 2),
        ("second_notice", 4),
    ]
    assert sweep.run().irregularities == 0


def test_the_scheduler_runs_the_disclosure_sweep(travel, capsys):
    from django.core.management import call_command

    travel(AT("2026-03-02 10:00"))
    call_command("scheduler", "--once")
    assert "disclosure_sweep" in capsys.readouterr().out
