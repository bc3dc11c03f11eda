"""The staffing sweep: empty posts at their boundaries with A and B cover, recorded once and
ended when someone signs in; missed and late patrols; findings not followed up; who is told."""

from __future__ import annotations

import pytest

from tests.hall.staffing.conftest import AT, open_session
from zhengwu.hall import staffing_services as services
from zhengwu.hall import staffing_sweep as sweep
from zhengwu.hall.models import WindowSession
from zhengwu.hall.models.staffing import HallIrregularity, Patrol
from zhengwu.notifications.models import Notification

pytestmark = pytest.mark.django_db


def empty_posts(window):
    return list(
        HallIrregularity.objects.filter(kind="empty_post", window=window)
        .order_by("started_at")
        .values_list("started_at", "ended_at")
    )


@pytest.fixture
def covered(floor):
    """Window 2 covered all day, so only window 1 is looked at."""
    open_session(floor.w2, floor.c, AT("2026-03-02 08:50"))
    return floor


def test_b_covering_within_the_grace_is_no_empty_post(covered, travel):
    f = covered
    open_session(f.w1, f.a, AT("2026-03-02 08:55"), AT("2026-03-02 10:00"))
    open_session(f.w1, f.b, AT("2026-03-02 10:10"))  # B covers exactly at the grace
    travel(AT("2026-03-02 11:00"))
    assert sweep.run().empty_posts == 0
    assert empty_posts(f.w1) == []


def test_b_covering_after_the_grace_ends_the_empty_post(covered, travel):
    f = covered
    open_session(f.w1, f.a, AT("2026-03-02 08:55"), AT("2026-03-02 10:00"))
    travel(AT("2026-03-02 10:10"))
    assert sweep.run().empty_posts == 0  # 10 minutes: not yet
    travel(AT("2026-03-02 10:11"))
    result = sweep.run()
    assert result.empty_posts == 1
    assert empty_posts(f.w1) == [(AT("2026-03-02 10:00"), None)]
    # the head of the window's department is told, once
    assert list(Notification.objects.values_list("recipient_id", "code")) == [
        (f.head.pk, "empty_post")
    ]
    travel(AT("2026-03-02 10:20"))
    assert sweep.run().empty_posts == 0  # recorded once
    open_session(f.w1, f.b, AT("2026-03-02 10:25"))
    travel(AT("2026-03-02 10:30"))
    result = sweep.run()
    assert (result.empty_posts, result.empty_posts_ended) == (0, 1)
    assert empty_posts(f.w1) == [(AT("2026-03-02 10:00"), AT("2026-03-02 10:25"))]
    assert Notification.objects.count() == 1


def test_nobody_at_the_opening_and_the_lunch_break(covered, travel):
    f = covered
    travel(AT("2026-03-02 12:40"))  # nobody all morning; now in the break
    sweep.run()
    assert empty_posts(f.w1) == [(AT("2026-03-02 09:00"), AT("2026-03-02 12:00"))]
    open_session(f.w1, f.a, AT("2026-03-02 13:35"))
    travel(AT("2026-03-02 15:00"))
    assert sweep.run().empty_posts == 0  # 5 minutes after the break: within the grace


def test_no_empty_posts_on_a_day_off(covered, travel):
    travel(AT("2026-03-07 11:00"))  # Saturday
    assert sweep.run().empty_posts == 0


def test_the_duty_leaders_are_told_too(covered, travel):
    f = covered
    travel(AT("2026-03-02 07:00"))
    services.save_roster(
        actor=f.admin,
        hall=f.hall,
        day="2026-03-02",
        leader_a=f.leader.pk,
        leader_b=f.leader_b.pk,
    )
    travel(AT("2026-03-02 09:30"))
    result = sweep.run()
    assert result.rosters_published == 1 and result.empty_posts == 1
    told = set(
        Notification.objects.filter(kind="hall_irregular").values_list("recipient_id", flat=True)
    )
    assert told == {f.head.pk, f.leader.pk, f.leader_b.pk}


def test_a_session_still_open_from_yesterday_covers(covered, travel):
    f = covered
    WindowSession.objects.create(window=f.w1, user=f.a, started_at=AT("2026-03-01 16:00"))
    travel(AT("2026-03-02 11:00"))
    assert sweep.run().empty_posts == 0


def _all_covered(f):
    open_session(f.w1, f.a, AT("2026-03-02 08:50"))


def test_missed_and_late_patrols(covered, travel):
    f = covered
    _all_covered(f)
    travel(AT("2026-03-02 07:00"))
    services.save_roster(actor=f.admin, hall=f.hall, day="2026-03-02", leader_a=f.leader.pk)
    travel(AT("2026-03-02 09:29"))
    services.record_patrol(actor=f.leader, hall=f.hall, number=1, checks=[])
    travel(AT("2026-03-02 11:00"))  # patrol 2 (10:30) at its time plus the grace: not yet
    assert sweep.run().missed_patrols == 0
    travel(AT("2026-03-02 11:01"))
    result = sweep.run()
    assert result.missed_patrols == 1
    rows = list(
        HallIrregularity.objects.filter(kind="missed_patrol").values_list("key", "ended_at")
    )
    assert rows == [(f"{f.hall.pk}:2026-03-02:2", None)]
    travel(AT("2026-03-02 11:05"))  # recorded late: the irregularity ends
    services.record_patrol(actor=f.leader, hall=f.hall, number=2, checks=[])
    sweep.run()
    row = HallIrregularity.objects.get(kind="missed_patrol")
    assert row.ended_at == AT("2026-03-02 11:05")
    assert Patrol.objects.count() == 2


def test_a_finding_not_followed_up_in_time(covered, travel):
    f = covered
    _all_covered(f)
    travel(AT("2026-03-02 07:00"))
    services.save_roster(actor=f.admin, hall=f.hall, day="2026-03-02", leader_a=f.leader.pk)
    travel(AT("2026-03-02 09:10"))
    patrol = services.record_patrol(
        actor=f.leader,
        hall=f.hall,
        number=1,
        checks=[],
        findings=[
            {
                "window": f.w1.pk,
                "item": "equipment",
                "description": "叫号器故障",
                "assignee": f.a.pk,
            }
        ],
    )
    finding = patrol.findings.get()
    travel(AT("2026-03-03 23:59"))
    sweep.run()
    assert not HallIrregularity.objects.filter(kind="finding_overdue").exists()
    travel(AT("2026-03-04 00:01"))
    assert sweep.run().overdue_findings == 1
    row = HallIrregularity.objects.get(kind="finding_overdue")
    assert (row.finding_id, row.department_id, row.ended_at) == (finding.pk, f.dept.pk, None)
    travel(AT("2026-03-04 09:00"))
    services.follow_up(actor=f.a, finding_id=finding.pk, text="已修复")
    assert sweep.run().overdue_findings == 0
    row.refresh_from_db()
    assert row.ended_at == AT("2026-03-04 09:00")


def test_the_scheduler_runs_the_staffing_sweep(covered, travel, capsys):
    from django.core.management import call_command

    travel(AT("2026-03-02 10:00"))
    call_command("scheduler", "--once")
    assert "hall_staffing_sweep" in capsys.readouterr().out
    assert HallIrregularity.objects.filter(kind="empty_post", window=covered.w1).exists()
