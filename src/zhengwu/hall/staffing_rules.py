"""The staffing rules of the hall (DOMAIN §11), pure: no Django, no database, no clock.

- **Location sign-in**: the great-circle (haversine) distance from the hall; farther than the
  hall's radius (default 50 m) is refused with the distance.
- **Opening hours**: on a working day of the calendar (make-up Saturdays open, holidays closed)
  the hall is open from ``opens_at`` to ``closes_at`` less the lunch break; never otherwise.
- **Late arrival / early leave**: minutes after the opening / before the closing, each past a
  tolerance (default none).
- **Empty posts (空岗)**: within the open hours of a day, the stretches when nobody is signed in
  at a window (neither its A post nor its B post, nor anyone else, covers it); a stretch is an
  empty post when it lasts longer than the grace (default 10 minutes). A stretch ends when
  someone signs in, at the lunch break or at the closing; one still going on has no end yet.
- **Patrols (一日六巡)**: a patrol is due at its time; it is done when recorded by its time plus
  the grace; recorded later it is late, not recorded by then it is missed. The completion rate
  is patrols done ÷ patrols whose time plus grace has passed.
- **Findings**: followed up by their deadline, or overdue.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from zhengwu.hall import hours

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
EARTH_RADIUS_M = 6_371_008.8  # the mean earth radius (IUGG)

DEFAULT_RADIUS_M = 50
DEFAULT_EMPTY_GRACE = dt.timedelta(minutes=10)
DEFAULT_PATROL_GRACE = dt.timedelta(minutes=30)
PATROLS_PER_DAY = 6
DEFAULT_PATROL_TIMES = (
    dt.time(9, 0),
    dt.time(10, 30),
    dt.time(11, 30),
    dt.time(14, 0),
    dt.time(15, 30),
    dt.time(16, 30),
)
# The checklist of every area and window on a patrol (在岗, 着装, 秩序, 设备, 安全).
CHECK_ITEMS = ("on_post", "attire", "order", "equipment", "safety")


# -- location ------------------------------------------------------------------------------------


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The haversine distance in metres between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def within(distance: float, radius_m: int) -> bool:
    """Whether a sign-in ``distance`` metres away is inside the radius (on it counts)."""
    return distance <= radius_m


# -- opening hours -------------------------------------------------------------------------------


# Hours and their open stretches are the hall's one rule (``hall.hours``).
Hours = hours.Hours
open_intervals = hours.open_intervals
day_moment = hours.moment_on


def is_open(moment: dt.datetime, intervals: Iterable[tuple[dt.datetime, dt.datetime]]) -> bool:
    return any(a <= moment < b for a, b in intervals)


# -- attendance ----------------------------------------------------------------------------------


def _minutes(delta: dt.timedelta) -> int:
    return max(0, int(delta.total_seconds() // 60))


def late_minutes(signed_in: dt.datetime, hours: Hours, *, tolerance: int = 0) -> int:
    """Whole minutes a sign-in came after the opening (0 when within ``tolerance`` minutes)."""
    local = signed_in.astimezone(LOCAL_TZ)
    late = _minutes(local - day_moment(local.date(), hours.opens_at))
    return late if late > tolerance else 0


def early_minutes(signed_out: dt.datetime, hours: Hours, *, tolerance: int = 0) -> int:
    """Whole minutes a sign-out came before the closing (0 when within ``tolerance``)."""
    local = signed_out.astimezone(LOCAL_TZ)
    early = _minutes(day_moment(local.date(), hours.closes_at) - local)
    return early if early > tolerance else 0


class DayStatus:
    """A person's attendance on one day, as the monthly sheet shows it."""

    OFF = "off"  # not a working day
    LEAVE = "leave"  # on approved leave
    ABSENT = "absent"  # a working day without a sign-in
    NORMAL = "normal"
    LATE = "late"
    EARLY = "early"
    LATE_EARLY = "late_early"
    NO_SIGN_OUT = "no_sign_out"  # signed in, never out (a past day)
    PENDING = "pending"  # today or a day to come, nothing to judge yet


def day_status(
    *,
    workday: bool,
    on_leave: bool,
    signed_in: bool,
    signed_out: bool,
    late: int,
    early: int,
    past: bool,
) -> str:
    if not workday:
        return DayStatus.OFF
    if on_leave:
        return DayStatus.LEAVE
    if not signed_in:
        return DayStatus.ABSENT if past else DayStatus.PENDING
    if not signed_out and past:
        return DayStatus.NO_SIGN_OUT if not late else DayStatus.LATE
    if late and early:
        return DayStatus.LATE_EARLY
    if late:
        return DayStatus.LATE
    if early:
        return DayStatus.EARLY
    return DayStatus.NORMAL


def leave_decidable(*, first_day: dt.date, today: dt.date) -> bool:
    """A leave request is approved (or refused) before the day it starts, never on or after."""
    return today < first_day


# -- empty posts ---------------------------------------------------------------------------------

Span = tuple[dt.datetime, dt.datetime | None]  # an end of None: still going on


def uncovered(
    interval: tuple[dt.datetime, dt.datetime], sessions: Sequence[Span], now: dt.datetime
) -> list[Span]:
    """The stretches of ``interval`` (up to ``now``) that no session covers. A stretch that runs
    up to ``now`` inside the interval has no end (``None``)."""
    start, end = interval
    horizon = min(end, now)
    if horizon <= start:
        return []
    covered = sorted(
        (max(a, start), min(b if b is not None else horizon, horizon))
        for a, b in sessions
        if a < horizon and (b is None or b > start)
    )
    gaps: list[Span] = []
    cursor = start
    for a, b in covered:
        if a > cursor:
            gaps.append((cursor, a))
        cursor = max(cursor, b)
    if cursor < horizon:
        gaps.append((cursor, None if now < end else end))
    return gaps


def empty_posts(
    intervals: Iterable[tuple[dt.datetime, dt.datetime]],
    sessions: Sequence[Span],
    *,
    grace: dt.timedelta,
    now: dt.datetime,
) -> list[Span]:
    """The empty posts of one window on one day: the uncovered stretches longer than ``grace``
    (one still going on once ``now`` is past its start plus the grace)."""
    found = []
    for interval in intervals:
        for a, b in uncovered(interval, sessions, now):
            if (b if b is not None else now) - a > grace:
                found.append((a, b))
    return found


def minutes_between(start: dt.datetime, end: dt.datetime) -> int:
    return _minutes(end - start)


# -- patrols -------------------------------------------------------------------------------------


class PatrolState:
    DONE = "done"  # recorded by its time plus the grace
    LATE = "late"  # recorded after that
    MISSED = "missed"  # not recorded, and its time plus the grace has passed
    PENDING = "pending"  # not recorded yet, still in time


def patrol_state(
    *, due_at: dt.datetime, grace: dt.timedelta, done_at: dt.datetime | None, now: dt.datetime
) -> str:
    if done_at is not None:
        return PatrolState.DONE if done_at <= due_at + grace else PatrolState.LATE
    return PatrolState.MISSED if now > due_at + grace else PatrolState.PENDING


def completion(states: Iterable[str]) -> tuple[int, int]:
    """(done, due) over patrol states: the pending ones are not due yet."""
    done = due = 0
    for state in states:
        if state == PatrolState.PENDING:
            continue
        due += 1
        done += state == PatrolState.DONE
    return done, due


def finding_overdue(
    *, deadline: dt.datetime, followed_up_at: dt.datetime | None, now: dt.datetime
) -> bool:
    """A finding not followed up by its deadline (followed up later still counts)."""
    if followed_up_at is not None:
        return followed_up_at > deadline
    return now > deadline
