"""Ticket events are append-only and hash-chained: ``verify_audit`` checks them with the cases'
and names a ticket whose trail was altered or cut behind the services' back."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection

from tests.cases.test_audit_chain import verify
from tests.tickets.conftest import AT
from tests.tickets.test_engine_services import act
from zhengwu.core.audit import GENESIS
from zhengwu.tickets.models import TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(travel, dispatched, unit, operator):
    travel(AT("2025-11-03 10:00"))
    ticket = dispatched()
    act(unit, ticket, "accept")
    act(unit, ticket, "reply", {"result": "已办"})
    ticket = act(operator, ticket, "close")
    assert ticket.event_count == 5
    return ticket


def test_an_intact_trail_verifies(trail):
    rows = list(TicketEvent.objects.filter(ticket=trail).order_by("seq"))
    assert rows[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))
    code, out, err = verify()
    assert code == 0 and "checked 1 tickets, 0 broken" in out and err == ""


def test_events_refuse_update_and_delete(trail):
    row = TicketEvent.objects.filter(ticket=trail).first()
    with pytest.raises(TypeError):
        row.save()
    with pytest.raises(TypeError):
        row.delete()


def test_an_altered_event_is_named(trail):
    row = TicketEvent.objects.get(ticket=trail, kind="reply")
    TicketEvent.objects.filter(pk=row.pk).update(data={"result": "改过的结果"})
    code, _out, err = verify()
    assert code == 1
    assert f"BROKEN {trail.number} (event {row.seq}): " in err


def test_a_deleted_last_event_is_named(trail):
    last = TicketEvent.objects.filter(ticket=trail).order_by("-seq").first()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM tickets_ticketevent WHERE id = %s", [last.pk])
    code, _out, err = verify()
    assert code == 1 and f"BROKEN {trail.number}" in err


def test_a_ticket_state_written_behind_the_services_is_named(dispatched):
    from zhengwu.tickets.models import Ticket

    ticket = dispatched()
    code, _out, err = verify()
    assert code == 0, err
    Ticket.objects.filter(pk=ticket.pk).update(state="closed")
    code, _out, err = verify()
    assert code == 1
    assert f"工单 {ticket.number}" in err
    assert "存储为 closed，其事件得出 dispatched" in err
