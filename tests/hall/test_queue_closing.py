"""The end of the day: numbers left waiting when the hours are over, or called and never finished
by the end of their day, are closed (未办结) by the scheduler's hall sweep, once, and counted
apart in the figures (neither served nor missed nor no-shows); the total of the figures takes
its 90th percentile over all the numbers, never the mean of the rows'; and call next stays a
couple of statements."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.hall.conftest import AT
from zhengwu.hall import queue_rules as rules
from zhengwu.hall import queue_selectors as selectors
from zhengwu.hall import queue_services as services
from zhengwu.hall import staffing_sweep
from zhengwu.hall.models.queue import Ticket, TicketEvent

pytestmark = pytest.mark.django_db

MONDAY = "2026-03-02"


def take(code="SCJ") -> Ticket:
    return services.take_number(business_type=code)


def states() -> dict[str, str]:
    return dict(Ticket.objects.values_list("number", "state"))


def test_rules_of_the_closing():
    hours = rules.Hours(dt.time(9), dt.time(17), None, None)
    day = dt.date(2026, 3, 2)
    over = rules.day_over
    assert not over(hours, day=day, today=day, workday=True, at=dt.time(16, 59))
    assert over(hours, day=day, today=day, workday=True, at=dt.time(17, 0))
    assert over(hours, day=day, today=day, workday=False, at=dt.time(10, 0))
    assert over(hours, day=day, today=day + dt.timedelta(days=1), workday=True, at=dt.time(8))
    assert rules.closes("waiting", day=day, today=day, over=True)
    assert not rules.closes("called", day=day, today=day, over=True)  # still being served
    assert rules.closes("called", day=day, today=day + dt.timedelta(days=1), over=True)
    assert not rules.closes("done", day=day, today=day + dt.timedelta(days=1), over=True)
    assert rules.step("waiting", rules.CLOSE).state == "closed"
    with pytest.raises(rules.QueueError):
        rules.step("done", rules.CLOSE)


def test_a_working_day_closes_the_waiting_at_closing_time_and_the_called_at_its_end(
    travel, types, clerk
):
    travel(AT(f"{MONDAY} 16:30"))
    take(), take(), take("ZJJ")
    services.sign_in(actor=clerk, window_code="1")
    services.call_next(actor=clerk)  # A001, still at the window at the closing
    travel(AT(f"{MONDAY} 16:59"))
    assert services.close_left_numbers() == 0
    travel(AT(f"{MONDAY} 17:05"))
    result = staffing_sweep.run()
    assert result.numbers_closed == 2
    assert states() == {"A001": "called", "A002": "closed", "B001": "closed"}
    services.finish(actor=clerk, number="A001")  # served after the closing: served
    travel(AT("2026-03-03 08:00"))
    assert services.close_left_numbers() == 0
    assert states()["A001"] == "done"


def test_a_number_called_and_never_finished_is_closed_the_next_day_and_frees_the_window(
    travel, types, clerk
):
    travel(AT(f"{MONDAY} 16:30"))
    take()
    services.sign_in(actor=clerk, window_code="1")
    services.call_next(actor=clerk)
    travel(AT("2026-03-03 00:10"))
    assert services.close_left_numbers() == 1
    assert states() == {"A001": "closed"}
    travel(AT("2026-03-03 09:00"))
    take()
    assert services.call_next(actor=clerk).number == "A001"  # today's A001, the window is free


def test_a_holiday_closes_what_the_last_working_day_left(travel, types):
    travel(AT("2026-02-13 16:00"))  # the Friday before the Spring Festival's make-up Saturday
    take()
    travel(AT("2026-02-17 10:00"))  # a holiday: no numbers, but the leftovers are closed
    assert services.close_left_numbers() == 1
    assert states() == {"A001": "closed"}


def test_closing_twice_closes_each_number_once(travel, types):
    travel(AT(f"{MONDAY} 10:00"))
    take(), take("ZJJ")
    travel(AT(f"{MONDAY} 18:00"))
    assert services.close_left_numbers() == 2
    assert services.close_left_numbers() == 0
    assert staffing_sweep.run().numbers_closed == 0
    assert TicketEvent.objects.filter(kind="closed").count() == 2


def test_closed_numbers_are_counted_apart_in_the_figures(travel, types, clerk):
    travel(AT(f"{MONDAY} 10:00"))
    take(), take()
    services.sign_in(actor=clerk, window_code="1")
    services.finish(actor=clerk, number=services.call_next(actor=clerk).number)
    travel(AT(f"{MONDAY} 18:00"))
    services.close_left_numbers()
    rows, total = selectors.figures_with_total(
        hall=None, start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 2), group="business_type"
    )
    (row,) = rows
    assert (row.taken, row.served, row.missed, row.closed, row.no_shows) == (2, 1, 0, 1, 0)
    assert (total.taken, total.closed) == (2, 1)


def test_the_total_p90_is_over_all_the_numbers_not_the_mean_of_the_rows(travel, types, clerk):
    # Type A: nine numbers waiting 1 minute and one 10 minutes (p90 1); type B: one number
    # waiting 20 minutes (p90 20). The mean of the p90s is 10.5; the p90 of all eleven is 10.
    travel(AT(f"{MONDAY} 09:00"))
    services.sign_in(actor=clerk, window_code="1")
    for minutes in [1] * 9 + [10]:
        travel(AT(f"{MONDAY} 09:00"))
        take()
        travel(AT(f"{MONDAY} 09:00") + dt.timedelta(minutes=minutes))
        services.finish(actor=clerk, number=services.call_next(actor=clerk).number)
    services.sign_out(actor=clerk, window_code="1")
    travel(AT(f"{MONDAY} 10:00"))
    take("ZJJ")
    travel(AT(f"{MONDAY} 10:20"))
    Ticket.objects.filter(number="B001").update(state="done", first_called_at=AT(f"{MONDAY} 10:20"))
    rows, total = selectors.figures_with_total(
        hall=None, start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 2), group="business_type"
    )
    assert sorted(r.p90_wait for r in rows) == [1, 20]
    assert total.p90_wait == 10
    assert rules.pooled_percentile([r.waits for r in rows]) / 60 == 10


def test_call_next_is_a_couple_of_statements(travel, types, clerk):
    travel(AT(f"{MONDAY} 09:00"))
    take(), take()
    services.sign_in(actor=clerk, window_code="1")
    with CaptureQueriesContext(connection) as queries:
        called = services.call_next(actor=clerk, window_code="1")
    assert called.number == "A001" and called.business_type.code == "SCJ"
    assert TicketEvent.objects.filter(ticket=called, kind="called").count() == 1
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"].upper()]
    # PostgreSQL: the caller's session locked with its window, then the claim with its step.
    expected = 2 if connection.vendor == "postgresql" else 5
    assert len(statements) == expected, statements


def test_call_next_through_the_api_checks_the_window_in_the_path(travel, types, clerk):
    from tests.hall.test_queue_api import post

    travel(AT(f"{MONDAY} 09:00"))
    take()
    services.sign_in(actor=clerk, window_code="1")
    assert post(clerk, "/windows/77/call-next").status_code == 404  # no such window
    assert post(clerk, "/windows/2/call-next").json()["code"] == "not_signed_in"
    called = post(clerk, "/windows/1/call-next").json()
    assert (called["number"], called["business_type"], called["window"]) == ("A001", "SCJ", "1")
    assert post(clerk, "/windows/1/call-next").json()["code"] == "window_busy"
