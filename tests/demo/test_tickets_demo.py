"""The demo hotline: tickets of every kind and state, made by the services, enough to train on."""

from __future__ import annotations

import collections
import datetime as dt
import io

import pytest
from django.core.management import call_command

from zhengwu.core.clock import LOCAL_TZ
from zhengwu.core.roles import has_role
from zhengwu.demo import services
from zhengwu.demo import tickets as demo_tickets
from zhengwu.tickets.models import Ticket, TicketEvent
from zhengwu.tickets.selectors import public_monthly_stats

pytestmark = pytest.mark.django_db

END = dt.datetime(2026, 3, 10, 16, 0, tzinfo=LOCAL_TZ)


def test_a_hotline_history_has_every_kind_of_ticket():
    services.seed()
    made = demo_tickets.generate(count=300, end=END, seed=5)
    assert made.tickets == Ticket.objects.count() >= 300
    states = collections.Counter(Ticket.objects.values_list("state", flat=True))
    for state in ("closed", "transferred", "merged", "received", "dispatched", "accepted"):
        assert states[state] > 0, (state, states)
    kinds = collections.Counter(Ticket.objects.values_list("kind", flat=True))
    assert set(kinds) == {"consult", "help", "complaint", "report", "suggestion"}
    events = set(TicketEvent.objects.values_list("kind", flat=True))
    assert {"answer", "dispatch", "accept", "reply", "callback", "callback_open", "redo"} <= events
    assert {"return", "return_approved", "extend", "urge", "investigate", "close"} <= events
    assert Ticket.objects.filter(redo_count__gt=0, state="closed").exists()
    assert Ticket.objects.exclude(investigation_outcome="").count() > 5
    assert Ticket.objects.filter(satisfaction="unsatisfied").exists()
    # Two years of calls: the reports can compare with the year before.
    years = {t.year for t in Ticket.objects.values_list("received_at", flat=True)}
    assert len(years) >= 2
    assert made.refused == 0, made.refusals
    # Units that let a ticket lie were urged by the morning sweeps on the days they ran late,
    # not all on the day the demo was made.
    auto = [e for e in TicketEvent.objects.filter(kind="urge") if e.data.get("auto")]
    assert made.swept == len(auto) > 0
    assert len({e.occurred_at.date() for e in auto}) >= 5
    assert min(e.occurred_at for e in auto) < END - dt.timedelta(days=60)


def test_the_operator_account_and_idempotent_categories():
    services.seed()
    demo_tickets.seed_categories()
    user = demo_tickets.ensure_operator()
    demo_tickets.seed_categories()
    assert has_role(user, "operator")
    assert user.check_password(services.DEMO_PASSWORD)


def test_seed_demo_makes_the_hotline_once():
    out = io.StringIO()
    call_command("seed_demo", "--history=0", "--tickets=40", stdout=out)
    count = Ticket.objects.count()
    assert count >= 40
    assert "operator" in out.getvalue()
    call_command("seed_demo", "--history=0", "--tickets=40", stdout=io.StringIO())
    assert Ticket.objects.count() == count


def months_before(end: dt.datetime, count: int) -> list[tuple[int, int]]:
    """The ``count`` complete months before ``end``'s, latest first."""
    year, month, months = end.year, end.month, []
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        months.append((year, month))
    return months


def test_the_hotline_months_have_steady_volumes_and_real_satisfaction():
    services.seed()
    demo_tickets.generate(count=360, end=END, seed=12345)
    stats = [public_monthly_stats(year, month) for year, month in months_before(END, 12)]
    volumes = [s["received"] for s in stats]
    assert min(volumes) >= 8, volumes
    this_month = public_monthly_stats(END.year, END.month)["received"]
    assert this_month <= 3 * max(volumes), (this_month, volumes)
    rates = [s["satisfaction_rate"].percent() for s in stats]
    assert all(rate is not None for rate in rates), rates
    assert sum(rate < 100 for rate in rates) >= 8, rates  # most months below 100 %
    assert len(set(rates)) >= 5, rates  # and they vary
    assert 75 <= sorted(rates)[6] <= 98, rates  # the median month: most callers satisfied
