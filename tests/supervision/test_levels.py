"""The supervision sweep (``manage.py supervise --once``): deemed acceptances and the levels of
open cases, day by day, on the real calendar (DOMAIN §4)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from tests.cases.helpers import AT, applicant_payload, file_case
from zhengwu.cases import services
from zhengwu.cases.selectors import get_case, remaining_workdays
from zhengwu.core.errors import DomainError

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat


def sweep(travel, moment: str) -> str:
    travel(AT(moment))
    out = io.StringIO()
    call_command("supervise", "--once", stdout=out)
    return out.getvalue()


def left(case, day: str | None = None) -> int | None:
    """The working days left (computed on read, not stored)."""
    return remaining_workdays(case, today=D(day) if day else None)


def act(actor, case, action, data=None):
    return services.act(actor=actor, number=case.number, action=action, data=data or {})


# Accepted Thursday 9 October 2025: promised due Wednesday 22 October, statutory due Wednesday
# 5 November. (day swept, level, working days left, statutory overdue flag)
LEVELS = [
    ("2025-10-10", "normal", 9, False),  # Saturday 11 October is worked
    ("2025-10-17", "normal", 3, False),
    ("2025-10-18", "normal", 3, False),  # a Saturday: 20, 21, 22 October are left
    ("2025-10-20", "normal", 2, False),
    ("2025-10-21", "yellow", 1, False),
    ("2025-10-22", "yellow", 0, False),  # the due day itself
    ("2025-10-23", "red", -1, False),
    ("2025-10-26", "red", -2, False),  # a Sunday
    ("2025-11-05", "red", -10, False),  # the statutory due day: not yet overdue
    ("2025-11-06", "statutory_overdue", -11, True),
]


@pytest.mark.parametrize(("day", "level", "days", "overdue"), LEVELS, ids=[d[0] for d in LEVELS])
def test_levels_after_the_sweep(item, clerk, travel, day, level, days, overdue):
    travel(AT("2025-10-09 09:00"))
    case = act(clerk, file_case(clerk), "accept")
    assert case.level == "normal" and left(case, "2025-10-09") == 10
    version, events = case.version, case.event_count
    output = sweep(travel, f"{day} 07:00")
    # only a case whose stored level moves is written
    written = level != "normal"
    assert f"refreshed={int(written)}" in output
    case.refresh_from_db()
    assert (case.level, remaining_workdays(case), case.statutory_overdue) == (level, days, overdue)
    assert case.clocks_on == (D(day) if written else D("2025-10-09"))
    # levels move with time alone: no event, no new version
    assert (case.version, case.event_count) == (version, events)


def test_the_sweep_walks_the_levels_day_by_day(item, clerk, travel):
    travel(AT("2025-10-09 09:00"))
    case = act(clerk, file_case(clerk), "accept")
    seen, writes = [], []
    for day, *_expected in LEVELS:
        output = sweep(travel, f"{day} 07:00")
        writes.append(int(output.split("refreshed=")[1].split()[0]))
        case.refresh_from_db()
        seen.append((day, case.level, left(case, day), case.statutory_overdue))
    assert seen == LEVELS
    # written on the three days its level crossed a threshold (yellow, red, overdue), no other
    assert writes == [0, 0, 0, 0, 1, 0, 1, 0, 0, 1]


def test_yellow_on_the_last_working_day_before_a_holiday(item, clerk, travel):
    """Accepted 18 September 2025: due 9 October, the first working day after National Day."""
    travel(AT("2025-09-18 09:00"))
    case = act(clerk, file_case(clerk), "accept")
    assert case.promised_due == D("2025-10-09")
    sweep(travel, "2025-09-29 07:00")
    case.refresh_from_db()
    assert (case.level, left(case, "2025-09-29")) == ("normal", 2)
    sweep(travel, "2025-09-30 07:00")
    case.refresh_from_db()
    assert (case.level, left(case, "2025-09-30")) == ("yellow", 1)
    sweep(travel, "2025-10-05 07:00")
    case.refresh_from_db()
    assert (case.level, left(case, "2025-10-05")) == ("yellow", 1)
    sweep(travel, "2025-10-10 07:00")
    case.refresh_from_db()
    assert case.level == "red"


def test_a_suspended_case_does_not_turn_yellow_by_waiting(item, clerk, reviewer, travel):
    travel(AT("2025-10-09 09:00"))
    case = act(clerk, file_case(clerk), "accept")
    travel(AT("2025-10-13 09:00"))
    case = act(reviewer, case, "suspend", {"procedure": "inspection", "reason": "送检"})
    assert (case.level, left(case)) == ("normal", 8)
    for day in ("2025-10-22", "2025-10-30", "2025-11-20"):
        sweep(travel, f"{day} 07:00")
        case.refresh_from_db()
        assert (case.state, case.level, left(case, day)) == ("suspended", "normal", 8)
        assert not case.statutory_overdue
    travel(AT("2025-11-20 10:00"))
    case = act(reviewer, case, "resume")
    # 13 October to 19 November: 28 working days not counted
    assert case.suspended_workdays == 28
    assert case.promised_due == D("2025-12-01")
    assert (case.state, case.level, left(case)) == ("accepted", "normal", 7)


def test_a_red_case_stays_red_when_suspended(item, clerk, reviewer, travel):
    travel(AT("2025-10-09 09:00"))
    case = act(clerk, file_case(clerk), "accept")
    travel(AT("2025-10-24 09:00"))
    case = act(reviewer, case, "suspend", {"procedure": "hearing", "reason": "听证"})
    assert case.level == "red"
    sweep(travel, "2025-10-30 07:00")
    case.refresh_from_db()
    assert case.level == "red" and case.promised_due == D("2025-10-22")


def test_the_sweep_leaves_a_waiting_suspended_case_and_reads_carry_it_forward(
    item, clerk, reviewer, travel, client
):
    """A suspended case keeps the clocks of its last step; what is shown is as of today."""
    travel(AT("2025-10-09 09:00"))
    case = act(clerk, file_case(clerk), "accept")
    travel(AT("2025-10-13 09:00"))
    case = act(reviewer, case, "suspend", {"procedure": "inspection", "reason": "送检"})
    stored = (case.promised_due, case.statutory_due, case.suspended_workdays, case.version)
    output = sweep(travel, "2025-11-20 07:00")
    assert "refreshed=0" in output
    case.refresh_from_db()
    assert (case.promised_due, case.statutory_due, case.suspended_workdays, case.version) == stored
    assert case.clocks_on == D("2025-10-13")
    # read on 20 November: 13 October to 20 November suspended (29 working days), resuming on
    # the 21st; the same dates the resumption would give that day
    shown = get_case(reviewer, case.number)
    assert (shown.promised_due, shown.suspended_workdays, shown.clocks_on) == (
        D("2025-12-02"),
        29,
        D("2025-11-20"),
    )
    assert left(shown) == 8
    client.force_login(reviewer)
    body = client.get(f"/api/v1/cases/{case.number}").json()
    assert (body["promised_due"], body["suspended_workdays"]) == ("2025-12-02", 29)
    listed = client.get("/api/v1/cases?state=suspended").json()["items"]
    assert [(row["number"], row["promised_due"]) for row in listed] == [(case.number, "2025-12-02")]
    travel(AT("2025-11-21 09:00"))
    resumed = act(reviewer, case, "resume")
    assert (resumed.promised_due, resumed.suspended_workdays) == (D("2025-12-02"), 29)


def test_an_immediate_case_suspended_on_its_due_day_is_late_the_next_day(
    item, clerk, reviewer, travel
):
    """A due date on the acceptance day is not moved by a pause (the acceptance day is never
    counted): the sweep writes the suspended case when the day has passed."""
    travel(AT("2025-10-09 09:00"))
    case = act(clerk, file_case(clerk, "11330100SCJ-QT-0002"), "accept")
    case = act(reviewer, case, "suspend", {"procedure": "inspection", "reason": "送检"})
    assert (case.state, case.level) == ("suspended", "yellow")
    assert "refreshed=1 " in sweep(travel, "2025-10-10 07:00")
    case.refresh_from_db()
    # statutory limit 0 too: past both limits the next day
    assert (case.state, case.level, case.statutory_overdue) == (
        "suspended",
        "statutory_overdue",
        True,
    )
    assert (case.promised_due, case.clocks_on) == (D("2025-10-09"), D("2025-10-10"))
    assert case.warnings.filter(level="statutory_overdue").count() == 1


def test_an_immediate_item_still_open_the_next_day_is_red(item, clerk, travel):
    travel(AT("2025-10-09 09:00"))
    case = file_case(clerk, "11330100SCJ-QT-0002")
    case = act(clerk, case, "accept")
    assert case.promised_due == D("2025-10-09") and case.level == "yellow"
    sweep(travel, "2025-10-10 07:00")
    case.refresh_from_db()
    # statutory limit 0 too: past it the next day
    assert case.level == "statutory_overdue" and case.statutory_overdue


def test_closed_cases_are_left_alone(item, clerk, reviewer, travel):
    travel(AT("2025-10-09 09:00"))
    case = act(clerk, file_case(clerk), "accept")
    case = act(reviewer, case, "decide", {"outcome": "grant"})
    before = (case.level, case.clocks_on, case.version, case.delivery_overdue)
    output = sweep(travel, "2025-11-20 07:00")
    assert "deemed_accepted=0 refreshed=0" in output
    case.refresh_from_db()
    assert (case.level, case.clocks_on, case.version, case.delivery_overdue) == before


def test_the_sweep_deems_every_case_past_its_intake_limit(item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    due = [file_case(clerk, applicant=applicant_payload(n)) for n in range(1, 4)]
    travel(AT("2025-10-13 10:00"))
    later = file_case(clerk, applicant=applicant_payload(9))
    output = sweep(travel, "2025-10-15 07:00")
    assert "deemed_accepted=3" in output
    for case in due:
        case.refresh_from_db()
        assert case.state == "accepted" and case.deemed_accepted
        assert case.accepted_on == D("2025-09-30")
        assert case.level == "normal" and case.clocks_on == D("2025-10-15")
        assert [e.kind for e in case.events.order_by("seq")] == ["submit", "deem_accept"]
    later.refresh_from_db()
    assert later.state == "submitted" and not later.deemed_accepted
    # twice in a day changes nothing
    assert "deemed_accepted=0 refreshed=0" in sweep(travel, "2025-10-15 18:00")


def test_a_refuse_after_the_sweep_is_too_late(item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    case = file_case(clerk)
    sweep(travel, "2025-10-15 07:00")
    with pytest.raises(DomainError) as caught:
        act(clerk, case, "refuse", {"reason": "材料不齐"})
    assert caught.value.code == "deemed_accepted"
    case.refresh_from_db()
    assert case.state == "accepted" and case.event_count == 2
