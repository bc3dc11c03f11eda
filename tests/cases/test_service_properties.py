"""Properties of the case services over random histories on the real calendar (hypothesis).

- a suspension, a resumption or an extension never moves a due date earlier;
- the stored clocks are a function of the stored events alone: ``compute_clocks`` over the events
  gives every stored clock field, after every step, refused steps and sweeps included.

Each example files its own case (the database is shared by the examples of one test).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.cases.helpers import file_case
from zhengwu.cases import rules, services
from zhengwu.cases.clocks import Event, compute_clocks
from zhengwu.cases.models import OPEN_STATE_VALUES, Case
from zhengwu.cases.rules import Action, State
from zhengwu.cases.selectors import as_of_today, remaining_workdays
from zhengwu.catalog.choices import SPECIAL_PROCEDURE_CODES
from zhengwu.core import clock
from zhengwu.core.clock import LOCAL_TZ
from zhengwu.core.errors import DomainError, ValidationFailed
from zhengwu.supervision.sweep import refresh_levels
from zhengwu.workdays.loader import get_calendar

pytestmark = pytest.mark.django_db

PROPERTY_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FIRST_DAY = dt.date(2025, 1, 2)
LAST_DAY = dt.date(2026, 10, 31)  # histories stay inside the official years
PROCEDURES = sorted(SPECIAL_PROCEDURE_CODES)
# Role of the table → who takes the step (cases are filed at the window: no applicant account).
ACTOR = {
    rules.WINDOW_CLERK: "clerk",
    rules.REVIEWER: "reviewer",
    rules.DEPARTMENT_HEAD: "head",
}
PUBLIC = {
    Action.REQUEST_SUPPLEMENT: "request_supplement",
    Action.SUPPLEMENT: "supplement",
    Action.SUPPLEMENT_PART: "supplement",  # what the services make of a partial one
    Action.ACCEPT: "accept",
    Action.REFUSE: "refuse",
    Action.SUSPEND: "suspend",
    Action.RESUME: "resume",
    Action.EXTEND: "extend",
    Action.DECIDE_GRANT: "decide",
    Action.DECIDE_DENY: "decide",
    Action.DELIVER: "deliver",
    Action.WITHDRAW: "withdraw",
}
ENDINGS = {Action.REFUSE, Action.WITHDRAW, Action.DECIDE_DENY}
REFUSALS_EXPECTED = {
    "extension_after_due",
    "deemed_accepted",
    "materials_incomplete",
    "intake_expired",
}


def moment(day: dt.date, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(8, 0), tzinfo=LOCAL_TZ) + dt.timedelta(minutes=minute)


def recomputed(case: Case, as_of: dt.date | None = None):
    """The clocks ``compute_clocks`` gives for the case's stored events, as of its clocks day
    (or ``as_of``)."""
    events = [
        Event(row.kind, clock.local_date(row.occurred_at), row.data)
        for row in case.events.order_by("seq")
    ]
    return compute_clocks(
        terms=services.terms_for(case.item_version),
        events=events,
        calendar=get_calendar(),
        as_of=as_of or case.clocks_on,
    )


def assert_clocks_follow_the_events(number: str, *, swept: bool = False) -> Case:
    """The stored clocks equal ``compute_clocks``: as of the case's clocks day, or right after a
    sweep (``swept``) as of today for an open case, whether the sweep wrote it or not, with the
    working days left computed on read."""
    case = Case.objects.select_related("item_version").get(number=number)
    today = swept and case.state in OPEN_STATE_VALUES
    if today and case.state == State.SUSPENDED:
        # stored as of its last step, read as of today
        assert_same_clocks(case, recomputed(case))
        as_of_today(case)
    clocks = recomputed(case, clock.today() if today else None)
    if today:
        assert remaining_workdays(case) == clocks.remaining_workdays, case.number
    assert_same_clocks(case, clocks)
    assert case.event_count == case.events.count()
    return case


def assert_same_clocks(case: Case, clocks) -> None:
    assert case.state == clocks.state
    for name in services.CLOCK_FIELDS:
        expected = getattr(clocks, name)
        if name in ("completion", "level"):
            expected = "" if expected is None else str(expected)
        elif isinstance(expected, dt.date):
            expected = dt.date(expected.year, expected.month, expected.day)
        assert getattr(case, name) == expected, (name, case.number)


def step_data(case: Case, action: Action, draw) -> dict:
    if action is Action.REQUEST_SUPPLEMENT:
        required = ["M01", "M02"]
        missing = [c for c in required if c not in case.materials]
        if not missing or draw(st.booleans()):
            missing.append("M03")
        return {"missing": missing, "note": ""}
    if action is Action.SUPPLEMENT:
        return {"materials": list(case.missing) or ["M03"]}
    if action is Action.SUPPLEMENT_PART:
        return {"materials": list(case.missing)[:1] or ["M03"]}
    if action is Action.REFUSE:
        return {"reason": "不符合受理条件"}
    if action is Action.SUSPEND:
        return {"procedure": draw(st.sampled_from(PROCEDURES)), "reason": "特别程序"}
    if action is Action.EXTEND:
        return {"workdays": draw(st.integers(1, 10)), "reason": "需要延长"}
    if action is Action.DECIDE_GRANT:
        return {"outcome": "grant"}
    if action is Action.DECIDE_DENY:
        return {"outcome": "deny", "reason": "不符合条件"}
    if action is Action.DELIVER:
        return {"method": draw(st.sampled_from(["window", "mail", "electronic"]))}
    return {}


@pytest.fixture
def cast(clerk, reviewer, head, item):
    return {"clerk": clerk, "reviewer": reviewer, "head": head}


def walk(draw, cast, travel, *, actions=None, steps=6, on_step=None):
    """File a case and take up to ``steps`` random allowed steps, days apart; the sweep runs on
    some days. ``on_step(before, after, action)`` sees each step that was taken."""
    day = draw(st.dates(FIRST_DAY, LAST_DAY))
    minute = 0
    travel(moment(day, minute))
    materials = draw(st.sampled_from([("M01", "M02"), ("M01",), ("M02", "M03"), ("M01", "M02")]))
    case = file_case(cast["clerk"], materials=materials)
    number = assert_clocks_follow_the_events(case.number).number
    for _ in range(draw(st.integers(1, steps))):
        day += dt.timedelta(days=draw(st.one_of(st.integers(0, 3), st.integers(0, 30))))
        if day > LAST_DAY:
            break
        minute += 10
        travel(moment(day, minute))
        if draw(st.integers(0, 4)) == 0:
            services.deem_overdue()
            refresh_levels()
            assert_clocks_follow_the_events(number, swept=True)
        case = Case.objects.select_related("item_version").get(number=number)
        offered = rules.allowed_actions(
            case.state, set(ACTOR), extended=case.extension_workdays > 0
        ) & set(actions or PUBLIC)
        if not offered:
            break
        going_on = offered - ENDINGS
        if going_on and draw(st.integers(0, 3)):
            offered = going_on  # mostly keep the case going
        action = draw(st.sampled_from(sorted(offered)))
        row = rules.find_row(case.state, action)
        who = ACTOR[sorted(row.roles & set(ACTOR))[0]]
        data = step_data(case, action, draw)
        occurred_at = None
        if draw(st.integers(0, 3)) == 0:  # paper work entered later (先办后录)
            last = case.events.order_by("-seq").first().occurred_at
            span = int((clock.now() - last).total_seconds() // 60)
            occurred_at = last + dt.timedelta(minutes=draw(st.integers(0, max(span, 0))))
        try:
            after = services.act(
                actor=cast[who],
                number=number,
                action=PUBLIC[action],
                data=data,
                occurred_at=occurred_at,
            )
        except DomainError as error:
            assert error.code in REFUSALS_EXPECTED, (action, error.code)
            event(f"refused: {error.code}")
        except ValidationFailed as error:  # pragma: no cover - the data above is valid
            raise AssertionError((action, data, error.errors)) from error
        else:
            event(f"{action} -> {after.state}")
            if on_step is not None:
                on_step(case, after, action)
        assert_clocks_follow_the_events(number)
    return number


@PROPERTY_SETTINGS
@given(data=st.data())
def test_stored_clocks_are_a_function_of_the_events(cast, travel, data):
    walk(data.draw, cast, travel, steps=7)


@PROPERTY_SETTINGS
@given(data=st.data())
def test_suspensions_and_extensions_never_move_a_due_date_earlier(cast, travel, data):
    """Against the due dates before the step, and at a resumption against those before the
    suspension: while suspended the stored dates assume the case resumes the next day, and a
    resumption recorded for the day of the suspension costs nothing (DOMAIN §3.5)."""
    dues = ("promised_due", "statutory_due")
    unsuspended: dict[str, dt.date] = {}

    def check(before: Case, after: Case, action: Action):
        if action is Action.ACCEPT:
            return
        if action is Action.SUSPEND:
            unsuspended.update({name: getattr(before, name) for name in dues})
        elif action is Action.EXTEND and before.state == State.SUSPENDED:
            # the extension adds to the dates the case had before the suspension as well
            extension = after.extension_workdays
            calendar = get_calendar()
            unsuspended.update({name: calendar.add(unsuspended[name], extension) for name in dues})
        baseline = unsuspended if action is Action.RESUME else None
        for name in dues:
            old = baseline[name] if baseline else getattr(before, name)
            new = getattr(after, name)
            assert new >= old, (action, name, old, new)

    walk(
        data.draw,
        cast,
        travel,
        actions={Action.ACCEPT, Action.SUSPEND, Action.RESUME, Action.EXTEND},
        steps=6,
        on_step=check,
    )


@PROPERTY_SETTINGS
@given(data=st.data())
def test_a_suspended_case_s_dates_never_move_earlier_while_it_waits(cast, travel, data):
    """Read after the sweep, the dates of a suspended case have moved one working day per working
    day waited (the sweep leaves the row as it is; ``as_of_today`` carries it forward)."""
    travel(moment(data.draw(st.dates(FIRST_DAY, dt.date(2026, 9, 30))), 0))
    case = file_case(cast["clerk"])
    services.act(actor=cast["clerk"], number=case.number, action="accept")
    day = clock.today() + dt.timedelta(days=data.draw(st.integers(0, 10)))
    travel(moment(day, 10))
    case = services.act(
        actor=cast["reviewer"],
        number=case.number,
        action="suspend",
        data={"procedure": data.draw(st.sampled_from(PROCEDURES)), "reason": "特别程序"},
    )
    calendar = get_calendar()
    for _ in range(3):
        waited = data.draw(st.integers(1, 15))
        later = day + dt.timedelta(days=waited)
        travel(moment(later, 10))
        refresh_levels()
        after = assert_clocks_follow_the_events(case.number, swept=True)
        counted = calendar.between(day, later)
        assert after.promised_due == calendar.add(case.promised_due, counted)
        assert after.statutory_due == calendar.add(case.statutory_due, counted)
        assert remaining_workdays(after) == remaining_workdays(case, today=day)
        case, day = after, later


def test_an_extension_moves_both_due_dates_by_its_working_days(cast, travel):
    """The same property, exactly, for every length on one case each."""
    calendar = get_calendar()
    for workdays in range(1, 11):
        travel(moment(dt.date(2026, 2, 10), workdays))
        case = file_case(cast["clerk"])
        case = services.act(actor=cast["clerk"], number=case.number, action="accept")
        promised, statutory = case.promised_due, case.statutory_due
        case = services.act(
            actor=cast["head"],
            number=case.number,
            action="extend",
            data={"workdays": workdays, "reason": "延期"},
        )
        assert case.promised_due == calendar.add(promised, workdays)
        assert case.statutory_due == calendar.add(statutory, workdays)
        assert_clocks_follow_the_events(case.number)


def test_open_states_all_appear_in_the_walks():
    """The walk offers every public action of the table to someone it has."""
    offered = set()
    for state in State:
        offered |= rules.allowed_actions(state, set(ACTOR))
    assert offered == set(PUBLIC)
