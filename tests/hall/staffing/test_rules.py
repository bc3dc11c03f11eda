"""The pure staffing rules: the radius, opening hours, late and early, empty posts, patrols."""

from __future__ import annotations

import datetime as dt

from zhengwu.hall import staffing_rules as r

D = dt.date(2026, 3, 2)  # a Monday
HOURS = r.Hours(dt.time(9), dt.time(17), dt.time(12), dt.time(13, 30))


def at(hhmm: str, day: dt.date = D) -> dt.datetime:
    h, m = map(int, hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(h, m), tzinfo=r.LOCAL_TZ)


def test_distance_and_radius():
    # 0.0004° of latitude is about 44.5 m; 0.0005° about 55.6 m.
    near = r.distance_m(30.0, 120.0, 30.0004, 120.0)
    far = r.distance_m(30.0, 120.0, 30.0005, 120.0)
    assert 44 < near < 45 and 55 < far < 56
    assert r.within(near, 50) and not r.within(far, 50)
    assert r.within(50.0, 50) and not r.within(50.01, 50)
    # a smaller radius refuses what 50 m admitted
    assert not r.within(near, 30)
    # along a parallel the distance shrinks with the cosine of the latitude
    east = r.distance_m(30.0, 120.0, 30.0, 120.0005)
    assert 48 < east < 48.3


def test_open_intervals_with_break_and_days_off():
    assert r.open_intervals(D, HOURS, workday=True) == [
        (at("09:00"), at("12:00")),
        (at("13:30"), at("17:00")),
    ]
    assert r.open_intervals(D, HOURS, workday=False) == []
    plain = r.Hours(dt.time(9), dt.time(17))
    assert r.open_intervals(D, plain, workday=True) == [(at("09:00"), at("17:00"))]
    assert r.is_open(at("11:59"), r.open_intervals(D, HOURS, workday=True))
    assert not r.is_open(at("12:00"), r.open_intervals(D, HOURS, workday=True))


def test_late_and_early_minutes():
    assert r.late_minutes(at("09:00"), HOURS) == 0
    assert r.late_minutes(at("08:40"), HOURS) == 0
    assert r.late_minutes(at("09:07"), HOURS) == 7
    assert r.late_minutes(at("09:04"), HOURS, tolerance=5) == 0
    assert r.late_minutes(at("09:06"), HOURS, tolerance=5) == 6
    assert r.early_minutes(at("17:00"), HOURS) == 0
    assert r.early_minutes(at("16:45"), HOURS) == 15
    assert r.early_minutes(at("18:10"), HOURS) == 0
    # a sign-in given in UTC is judged in Shanghai time
    assert r.late_minutes(at("09:07").astimezone(dt.UTC), HOURS) == 7


def test_day_status():
    base = dict(workday=True, on_leave=False, signed_in=True, signed_out=True, past=True)
    assert r.day_status(**base, late=0, early=0) == r.DayStatus.NORMAL
    assert r.day_status(**base, late=3, early=0) == r.DayStatus.LATE
    assert r.day_status(**base, late=0, early=3) == r.DayStatus.EARLY
    assert r.day_status(**base, late=3, early=3) == r.DayStatus.LATE_EARLY
    assert r.day_status(**{**base, "workday": False}, late=0, early=0) == r.DayStatus.OFF
    assert r.day_status(**{**base, "on_leave": True}, late=0, early=0) == r.DayStatus.LEAVE
    none = {**base, "signed_in": False, "signed_out": False}
    assert r.day_status(**none, late=0, early=0) == r.DayStatus.ABSENT
    assert r.day_status(**{**none, "past": False}, late=0, early=0) == r.DayStatus.PENDING
    half = {**base, "signed_out": False}
    assert r.day_status(**half, late=0, early=0) == r.DayStatus.NO_SIGN_OUT


def test_leave_is_decided_before_its_first_day():
    assert r.leave_decidable(first_day=D, today=D - dt.timedelta(days=1))
    assert not r.leave_decidable(first_day=D, today=D)


GRACE = dt.timedelta(minutes=10)
MORNING = [(at("09:00"), at("12:00"))]


def test_empty_post_boundaries():
    # A leaves at 10:00; B signs in 10 minutes later: exactly the grace, no empty post.
    sessions = [(at("08:55"), at("10:00")), (at("10:10"), None)]
    assert r.empty_posts(MORNING, sessions, grace=GRACE, now=at("11:00")) == []
    # 11 minutes later: an empty post from 10:00 to 10:11.
    sessions = [(at("08:55"), at("10:00")), (at("10:11"), None)]
    assert r.empty_posts(MORNING, sessions, grace=GRACE, now=at("11:00")) == [
        (at("10:00"), at("10:11"))
    ]


def test_empty_post_still_going_on_has_no_end():
    sessions = [(at("08:55"), at("10:00"))]
    assert r.empty_posts(MORNING, sessions, grace=GRACE, now=at("10:10")) == []
    assert r.empty_posts(MORNING, sessions, grace=GRACE, now=at("10:11")) == [(at("10:00"), None)]
    # after the break begins it ends at the break
    assert r.empty_posts(MORNING, sessions, grace=GRACE, now=at("12:30")) == [
        (at("10:00"), at("12:00"))
    ]


def test_nobody_from_the_opening_and_overlapping_sessions():
    assert r.empty_posts(MORNING, [], grace=GRACE, now=at("09:11")) == [(at("09:00"), None)]
    # A late at 09:10 exactly: no empty post; overlapping A and B leave no gap.
    sessions = [(at("09:10"), at("10:30")), (at("10:00"), at("11:00")), (at("11:05"), None)]
    assert r.empty_posts(MORNING, sessions, grace=GRACE, now=at("11:30")) == []
    # the gap before the break and the one after it are separate, each under the grace
    day = r.open_intervals(D, HOURS, workday=True)
    sessions = [(at("09:00"), at("11:55")), (at("13:38"), None)]
    assert r.empty_posts(day, sessions, grace=GRACE, now=at("15:00")) == []


def test_patrol_states_and_completion():
    due, grace = at("09:00"), dt.timedelta(minutes=30)
    S = r.PatrolState
    assert r.patrol_state(due_at=due, grace=grace, done_at=at("09:30"), now=at("10:00")) == S.DONE
    assert r.patrol_state(due_at=due, grace=grace, done_at=at("09:31"), now=at("10:00")) == S.LATE
    assert r.patrol_state(due_at=due, grace=grace, done_at=None, now=at("09:30")) == S.PENDING
    assert r.patrol_state(due_at=due, grace=grace, done_at=None, now=at("09:31")) == S.MISSED
    assert r.completion([S.DONE, S.DONE, S.LATE, S.MISSED, S.PENDING]) == (2, 4)


def test_finding_overdue():
    deadline = at("17:00")
    assert not r.finding_overdue(deadline=deadline, followed_up_at=None, now=at("17:00"))
    assert r.finding_overdue(deadline=deadline, followed_up_at=None, now=at("17:01"))
    assert not r.finding_overdue(deadline=deadline, followed_up_at=at("16:00"), now=at("18:00"))
    assert r.finding_overdue(deadline=deadline, followed_up_at=at("17:30"), now=at("18:00"))
