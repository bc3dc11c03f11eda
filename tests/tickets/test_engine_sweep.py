"""Automatic 督办 by the sweep: levels, their response deadlines, idempotence, concurrency."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connection

from tests.cases.test_concurrency import _shared_cache_sqlite
from tests.tickets.conftest import AT
from tests.tickets.test_engine_services import act, end
from zhengwu.tickets import services
from zhengwu.tickets.models import TicketEvent


def urges(ticket) -> list[dict]:
    return [e.data for e in TicketEvent.objects.filter(ticket=ticket, kind="urge").order_by("seq")]


@pytest.mark.django_db
def test_not_accepted_in_time_then_escalated_level_by_level(travel, dispatched, unit):
    travel(AT("2025-11-03 10:00"))  # Monday
    ticket = dispatched()
    assert ticket.accept_due == end("2025-11-04")
    travel(AT("2025-11-04 20:00"))
    assert services.sweep() == {"urged": 0, "escalated": 0}  # still in time
    travel(AT("2025-11-05 09:00"))
    assert services.sweep() == {"urged": 1, "escalated": 0}
    ticket.refresh_from_db()
    assert ticket.urge_level == 1 and ticket.urge_due == end("2025-11-07")  # 2 working days
    assert urges(ticket)[0]["reason"] == "not_accepted" and urges(ticket)[0]["auto"] is True
    assert services.sweep() == {"urged": 0, "escalated": 0}  # twice: nothing new
    travel(AT("2025-11-08 09:00"))
    assert services.sweep() == {"urged": 0, "escalated": 1}
    ticket.refresh_from_db()
    assert ticket.urge_level == 2 and ticket.urge_due == end("2025-11-10")  # 1 working day
    travel(AT("2025-11-11 09:00"))
    assert services.sweep() == {"urged": 0, "escalated": 1}
    ticket.refresh_from_db()
    assert ticket.urge_level == 3 and ticket.urge_due == end("2025-11-12")
    travel(AT("2025-11-20 09:00"))
    assert services.sweep() == {"urged": 0, "escalated": 0}  # three is the top
    assert [u["level"] for u in urges(ticket)] == [1, 2, 3]
    event = TicketEvent.objects.filter(ticket=ticket, kind="urge").last()
    assert event.actor is None and event.actor_name == "system"


@pytest.mark.django_db
def test_accepting_answers_the_urge_and_a_late_reply_is_urged_again(travel, dispatched, unit):
    travel(AT("2025-11-03 10:00"))
    ticket = dispatched()
    travel(AT("2025-11-05 09:00"))
    services.sweep()
    travel(AT("2025-11-05 10:00"))
    ticket = act(unit, ticket, "accept")
    assert ticket.urge_due is None and ticket.urge_level == 1
    travel(AT("2025-11-09 09:00"))
    assert services.sweep() == {"urged": 0, "escalated": 0}  # answered: no escalation
    travel(AT("2025-11-11 09:00"))  # reply due 10 November
    assert services.sweep() == {"urged": 1, "escalated": 0}
    ticket.refresh_from_db()
    assert ticket.urge_level == 1 and urges(ticket)[-1]["reason"] == "overdue"
    act(unit, ticket, "reply", {"result": "已办"})
    travel(AT("2025-11-20 09:00"))
    assert services.sweep() == {"urged": 0, "escalated": 0}  # replied tickets are left alone


@pytest.mark.django_db
def test_a_manual_level_is_kept_by_the_sweep(travel, dispatched, supervisor):
    travel(AT("2025-11-03 10:00"))
    ticket = dispatched()
    act(supervisor, ticket, "urge", {"level": 2, "reason": "群众多次来电"})
    travel(AT("2025-11-05 09:00"))
    assert services.sweep() == {"urged": 0, "escalated": 1}
    ticket.refresh_from_db()
    assert ticket.urge_level == 3


@pytest.mark.django_db
def test_the_command_runs_once(travel, dispatched, capsys):
    travel(AT("2025-11-03 10:00"))
    dispatched()
    travel(AT("2025-11-05 09:00"))
    call_command("ticket_sweep", "--once")
    assert "urged=1 escalated=0" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(_shared_cache_sqlite(), reason="in-memory SQLite cannot queue writers")
def test_two_concurrent_sweeps_record_each_urge_once(travel, dispatched, department):
    travel(AT("2025-11-03 10:00"))
    tickets = [dispatched() for _ in range(6)]
    travel(AT("2025-11-05 09:00"))
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(services.sweep())
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(r["urged"] for r in results) == 6
    for ticket in tickets:
        assert len(urges(ticket)) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(_shared_cache_sqlite(), reason="in-memory SQLite cannot queue writers")
def test_two_replies_with_the_same_version_one_wins(travel, dispatched, unit):
    """The row lock and the version: of two units' staff replying at once, one is recorded, the
    other gets a 409."""
    from zhengwu.core.errors import DomainError

    travel(AT("2025-11-03 10:00"))
    ticket = act(unit, dispatched(), "accept")
    barrier = threading.Barrier(2)
    outcomes = []

    def run(text):
        try:
            barrier.wait()
            services.act(
                actor=unit,
                number=ticket.number,
                action="reply",
                data={"result": text},
                version=ticket.version,
            )
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(text,)) for text in ("甲", "乙")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "stale_version"]
    assert TicketEvent.objects.filter(ticket=ticket, kind="reply").count() == 1
