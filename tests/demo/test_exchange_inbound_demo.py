"""The demo's inbound exchange: a department's month with one planted discrepancy of each kind,
each found once and nothing else; three tickets handed over by other platforms; made once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from zhengwu.core.clock import LOCAL_TZ
from zhengwu.demo import exchange_inbound as demo_exchange
from zhengwu.demo import history, services
from zhengwu.demo import tickets as demo_tickets
from zhengwu.exchange.models.inbound import InboundTicket, ReconciliationFinding

pytestmark = pytest.mark.django_db
END = dt.datetime(2026, 11, 18, 18, 0, tzinfo=LOCAL_TZ)


def test_a_departments_month_with_each_discrepancy_once():
    services.seed()
    demo_tickets.seed_categories()
    history.generate(count=160, end=END, days=60, seed=7)
    with time_machine.travel(END, tick=False):
        made = demo_exchange.generate()
        assert demo_exchange.generate().records == 0  # once only
    assert made.records > 10 and made.findings == 4 and made.tickets == 3
    kinds = sorted(ReconciliationFinding.objects.values_list("kind", flat=True))
    assert kinds == ["double_intake", "off_system", "retroactive", "trail_conflict"]
    assert {f.month for f in ReconciliationFinding.objects.all()} == {dt.date(2026, 10, 1)}
    sources = sorted(InboundTicket.objects.values_list("source", flat=True))
    assert sources == ["county_hotline", "department_hotline", "police_110"]
