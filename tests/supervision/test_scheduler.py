"""``manage.py scheduler``: one process runs every periodic job at its interval. Its one-iteration
mode (``--once``) on successive controlled days turns a case yellow and red, urges a late ticket,
invites to rate and delivers the outbox, all without any other command."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from tests.cases.helpers import AT, file_case
from tests.exchange.receiver import Receiver, queue
from tests.ratings.conftest import complete, sms_outbox  # noqa: F401 (fixtures)
from tests.tickets.conftest import categories, dispatched, new_ticket, operator  # noqa: F401
from zhengwu.cases import services
from zhengwu.cases.models import Case
from zhengwu.exchange.models.outbound import OutboxRecord
from zhengwu.ratings.models import Invitation
from zhengwu.supervision import scheduler
from zhengwu.supervision.models import CaseWarning, DailySeal
from zhengwu.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def tick(travel, moment: str) -> str:
    travel(AT(moment))
    out = io.StringIO()
    call_command("scheduler", "--once", stdout=out)
    return out.getvalue()


def test_a_case_filed_today_turns_yellow_and_red_on_the_right_days(item, clerk, reviewer, travel):
    travel(AT("2025-10-09 09:00"))
    case = file_case(clerk)
    services.act(actor=clerk, number=case.number, action="accept", data={})
    levels = {}
    for day in ("2025-10-20", "2025-10-21", "2025-10-22", "2025-10-23", "2025-11-06"):
        out = tick(travel, f"{day} 07:00")
        levels[day] = Case.objects.get(pk=case.pk).level
        for job in ("supervise", "ticket_sweep", "rating_invitations", "exchange_push"):
            assert f" {job} " in out
    assert levels == {
        "2025-10-20": "normal",
        "2025-10-21": "yellow",
        "2025-10-22": "yellow",
        "2025-10-23": "red",
        "2025-11-06": "statutory_overdue",
    }
    assert list(CaseWarning.objects.order_by("id").values_list("level", "raised_on")) == [
        ("yellow", AT("2025-10-21 00:00").date()),
        ("red", AT("2025-10-23 00:00").date()),
        ("statutory_overdue", AT("2025-11-06 00:00").date()),
    ]
    assert DailySeal.objects.exists()  # the daily seal came with the sweep
    tick(travel, "2025-11-06 07:10")  # twice the same day: nothing new
    assert CaseWarning.objects.count() == 3


def test_every_job_runs_in_one_iteration(
    item,
    complete,  # noqa: F811
    dispatched,  # noqa: F811
    sms_outbox,  # noqa: F811
    travel,
    settings,
):
    travel(AT("2025-11-03 10:00"))
    ticket = dispatched()
    done = complete("2025-11-03 11:00")
    travel(AT("2025-11-03 12:00"))
    keys = queue(2)
    with Receiver() as receiver:
        settings.EXCHANGE_PUSH_URL = receiver.url
        out = tick(travel, "2025-11-06 09:00")
    assert "ticket_sweep urged=1" in out
    assert Ticket.objects.get(pk=ticket.pk).urge_level == 1
    assert "rating_invitations invitations_sent=1" in out
    assert Invitation.objects.filter(case=done).count() == 1
    assert [m.phone for m in sms_outbox] == ["13800138000"]
    assert set(receiver.accepted) >= set(keys)
    assert not OutboxRecord.objects.filter(key__in=keys).exclude(status="delivered").exists()


def test_without_a_push_address_the_outbox_waits(settings, travel):
    settings.EXCHANGE_PUSH_URL = ""
    travel(AT("2025-11-06 08:00"))
    keys = queue(2)
    out = tick(travel, "2025-11-06 09:00")
    assert "exchange_push delivered=0" in out and "waiting_without_endpoint=province" in out
    assert OutboxRecord.objects.filter(key__in=keys, status="pending", attempts=0).count() == 2


def test_intervals_and_a_failing_job():
    now = [0.0]
    calls = []

    def ok():
        calls.append("ok")
        return "done"

    def broken():
        calls.append("broken")
        raise RuntimeError("boom")

    runner = scheduler.Scheduler(
        [scheduler.Job("a", 60, ok), scheduler.Job("b", 600, broken)], monotonic=lambda: now[0]
    )
    first = runner.tick()
    assert [(o.job, o.ok) for o in first] == [("a", True), ("b", False)]
    assert runner.seconds_to_next() == 60
    now[0] = 59
    assert runner.tick() == []
    now[0] = 60
    assert [o.job for o in runner.tick()] == ["a"]
    now[0] = 600
    assert [o.job for o in runner.tick()] == ["a", "b"]  # the failed one is tried again
    assert calls == ["ok", "broken", "ok", "ok", "broken"]


def test_intervals_on_the_command_line():
    assert {j.name: j.interval for j in scheduler.jobs({"supervise": 30})}["supervise"] == 30
    with pytest.raises(CommandError):
        call_command("scheduler", "--once", "--every", "nonsense=5")
    with pytest.raises(CommandError):
        call_command("scheduler", "--once", "--every", "supervise=0")
