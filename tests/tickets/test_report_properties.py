"""Every rate of the ticket reports is a share of its own denominator: for any history of
actions, each numerator counts a subset of the tickets its denominator counts (hypothesis over
random histories through the services, on the real database).

Each example runs in a savepoint rolled back at its end, so it starts from no tickets and
replays the same way when hypothesis shrinks it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhengwu.core import clock
from zhengwu.core.clock import LOCAL_TZ
from zhengwu.core.errors import DomainError, Forbidden, ValidationFailed
from zhengwu.core.ratios import Ratio
from zhengwu.tickets import selectors, services

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 3, 3)
# Each ticket of an example is received on a day of its own: a report of that day holds it
# alone, so the property is checked ticket by ticket as well as on the example's mix.
FIRST_DAY = dt.date(2025, 4, 1)
# (who, action, data): the steps a history is made of; refused steps are skipped.
STEPS = {
    "accept": ("unit", "accept", {}),
    "return": ("unit", "return", {"reason": "不属本单位职责"}),
    "approve_return": ("operator", "review_return", {"approve": True, "department": "SCJ"}),
    "reject_return": ("operator", "review_return", {"approve": False}),
    "extend": ("unit", "extend", {"workdays": 3, "reason": "需现场核实"}),
    "approve_extension": ("operator", "approve_extension", {"approve": True}),
    "reply": ("unit", "reply", {"result": "已办理并答复来电人。"}),
    "satisfied": (
        "operator",
        "callback",
        {"reached": True, "resolved": True, "satisfaction": "satisfied"},
    ),
    "unsatisfied": (
        "operator",
        "callback",
        {"reached": True, "resolved": False, "satisfaction": "unsatisfied"},
    ),
    "not_reached": ("operator", "callback", {"reached": False}),
    "redo": ("operator", "redo", {"reason": "来电人称问题仍未解决"}),
    "close": ("operator", "close", {}),
}
# The steps that may follow in each state (a step the rules then refuse is skipped), so that
# histories reach callbacks, redo rounds and second replies often.
NEXT = {
    "received": ["close"],
    "dispatched": ["accept", "return"],
    "accepted": ["reply", "reply", "extend", "return"],
    "return_requested": ["approve_return", "reject_return"],
    "extension_requested": ["approve_extension", "reply"],
    "replied": ["satisfied", "unsatisfied", "unsatisfied", "not_reached", "close"],
    "called_back": ["redo", "redo", "satisfied", "unsatisfied", "not_reached", "close"],
}


def _rates(row: dict) -> list[tuple[str, Ratio]]:
    return [(name, value) for name, value in row.items() if isinstance(value, Ratio)]


def _check(rows: list[dict]) -> None:
    for row in rows:
        for name, rate in _rates(row):
            assert 0 <= rate.numerator <= rate.denominator, (row.get("code"), name, rate)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), tickets=st.integers(min_value=1, max_value=4))
def test_every_rate_numerator_is_within_its_denominator(
    data, tickets, new_ticket, operator, unit, department
):
    with transaction.atomic():
        _histories(data, tickets, new_ticket, operator, unit)
        transaction.set_rollback(True)


def _histories(data, tickets, new_ticket, operator, unit):
    actors = {"operator": operator, "unit": unit}
    days = [FIRST_DAY + dt.timedelta(days=n) for n in range(tickets)]
    for day in days:
        at = dt.datetime.combine(day, dt.time(9, 0), tzinfo=LOCAL_TZ)
        with clock.frozen(at):
            ticket = new_ticket()
            ticket = services.act(
                actor=operator, number=ticket.number, action="dispatch", data={"department": "SCJ"}
            )
        # Each step may be the last (one in four): histories stop in every state.
        while ticket.state in NEXT and data.draw(st.integers(min_value=0, max_value=3)):
            name = data.draw(st.sampled_from(NEXT[ticket.state]))
            # Steps may share a moment: a redo and the next reply at the same instant too.
            at += dt.timedelta(minutes=data.draw(st.sampled_from([0, 1, 60, 3 * 24 * 60])))
            who, action, payload = STEPS[name]
            with clock.frozen(at):
                try:
                    ticket = services.act(
                        actor=actors[who], number=ticket.number, action=action, data=payload
                    )
                except (DomainError, Forbidden, ValidationFailed):
                    pass
    for day in days:
        _check(selectors.performance_report(start=day, end=day))
    _check(selectors.performance_report(start=days[0], end=days[-1]))
    _check([selectors.public_monthly_stats(FIRST_DAY.year, FIRST_DAY.month)])


def _step(actor, ticket, action, data):
    return services.act(actor=actor, number=ticket.number, action=action, data=data)


@pytest.mark.django_db
def test_a_ticket_sent_back_for_redoing_is_not_called_back_until_its_new_reply_is(
    dispatched, operator, unit, department
):
    """Two tickets replied and called back unsatisfied, both sent back: one replied again. The
    callback rate counts only replies called back: 0 of 1, then 1 of 1 after the new callback."""
    tickets = [dispatched(), dispatched()]
    for ticket in tickets:
        _step(unit, ticket, "accept", {})
        _step(unit, ticket, "reply", {"result": "已办"})
        _step(operator, ticket, *STEPS["unsatisfied"][1:])
        _step(operator, ticket, "redo", {"reason": "未解决"})
    _step(unit, tickets[0], "reply", {"result": "已重新办理"})
    today = clock.today()

    def callback_rate():
        (row,) = selectors.performance_report(start=today, end=today)
        rate = row["callback_rate"]
        return rate.numerator, rate.denominator

    assert callback_rate() == (0, 1)
    _step(operator, tickets[0], *STEPS["not_reached"][1:])
    assert callback_rate() == (1, 1)
    (row,) = selectors.performance_report(start=today, end=today)
    # The latest callback of each ticket: the redone one not reached, the other unsatisfied.
    assert (row["satisfaction_rate"].numerator, row["satisfaction_rate"].denominator) == (0, 1)
