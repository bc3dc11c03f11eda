"""The rectification sweep: reminders before a deadline counted in working days across National
Day 2025, the overdue irregularity the day after, long-term reports, each recorded and told once."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from tests.evaluation.rectification_fixtures import *  # noqa: F403
from tests.evaluation.rectification_fixtures import measure_on, one_problem_ledger
from zhengwu.evaluation import rectification_services as services
from zhengwu.evaluation import rectification_sweep as sweep
from zhengwu.evaluation.models.rectification import MeasureFinding
from zhengwu.notifications import messages
from zhengwu.notifications.models import Notification


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T01:00:00+00:00")  # 09:00 in Shanghai


def found():
    return sorted(MeasureFinding.objects.values_list("kind", "key"))


def test_reminder_and_overdue_across_national_day(office, unit_a, head_a, clerk_a, frozen_time):
    ledger = one_problem_ledger(office)
    measure = measure_on(
        office, ledger, unit=unit_a, head=head_a, person=clerk_a, deadline="2025-10-10"
    )
    # On Sunday 9-28 (a make-up working day) the third working day ahead is 10-9: not yet.
    frozen_time.move_to(at("2025-09-28"))
    assert sweep.run().reminders == 0
    # On 9-29 it is 10-10 (9-30, 10-9, 10-10; the holiday does not count): eleven calendar
    # days ahead, three working days.
    frozen_time.move_to(at("2025-09-29"))
    result = sweep.run()
    assert (result.reminders, result.overdue, result.notified) == (1, 0, 2)
    assert sweep.run().reminders == 0  # once
    frozen_time.move_to(at("2025-10-10"))
    assert sweep.run().overdue == 0  # due today: not late yet
    frozen_time.move_to(at("2025-10-11"))  # the make-up Saturday
    result = sweep.run()
    assert result.overdue == 1
    assert sweep.run().overdue == 0
    assert found() == [("overdue", "2025-10-10"), ("reminder", "2025-10-10")]
    told = Notification.objects.filter(recipient=clerk_a).order_by("id")
    assert [n.code for n in told] == ["reminder", "overdue"]
    note = told.last()
    assert messages.title(note) == f"整改台账 {ledger.number}：期限已过仍未验收销号"
    assert messages.link(note) == f"/evaluation/rectification/measures/{measure.pk}/"
    assert Notification.objects.filter(recipient=head_a).count() == 2


def test_a_verified_measure_is_not_chased(office, unit_a, head_a, clerk_a, frozen_time):
    ledger = one_problem_ledger(office)
    measure = measure_on(
        office, ledger, unit=unit_a, head=head_a, person=clerk_a, deadline="2025-09-26"
    )
    services.act(actor=clerk_a, measure_id=measure.pk, action="claim", text="完成")
    services.act(actor=office, measure_id=measure.pk, action="verify")
    frozen_time.move_to(at("2025-10-13"))
    result = sweep.run()
    assert (result.reminders, result.overdue) == (0, 0)


def test_long_term_reports(office, unit_a, head_a, clerk_a, frozen_time):
    ledger = one_problem_ledger(office)
    measure = measure_on(office, ledger, unit=unit_a, head=head_a, person=clerk_a, kind="long_term")
    services.act(actor=clerk_a, measure_id=measure.pk, action="claim", text="阶段完成")
    measure = services.act(actor=office, measure_id=measure.pk, action="verify")
    assert measure.report_due == dt.date(2025, 10, 29)
    frozen_time.move_to(at("2025-10-27"))
    assert sweep.run().report_reminders == 1
    frozen_time.move_to(at("2025-10-30"))
    assert sweep.run().reports_overdue == 1
    services.act(actor=clerk_a, measure_id=measure.pk, action="progress", text="十月情况")
    frozen_time.move_to(at("2025-10-31"))
    assert sweep.run().reports_overdue == 0


def test_the_scheduler_runs_it(office, capsys):
    call_command("scheduler", "--once")
    assert "rectification_sweep" in capsys.readouterr().out
