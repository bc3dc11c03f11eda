"""The hotline on the first pages: the operator's and a handling unit's home page counts, and
the confirmation step before a ticket is closed (工单办结)."""

from __future__ import annotations

from tests.cases.helpers import AT
from tests.cases.test_workbench import listed, work
from zhengwu.tickets import services
from zhengwu.tickets.models import Ticket


def test_operator_and_handling_unit_homes_count_tickets(
    client, item, clerk, operator, new_ticket, travel
):
    travel(AT("2025-09-22 09:00"))
    new_ticket()
    ticket = new_ticket(caller_phone="13900139000", content="小区路灯坏了一个月没人修。")
    lines = work(client, operator)
    assert lines["tickets-dispatch"] == ("2", "/tickets/?queue=dispatch")
    assert listed(client, lines["tickets-dispatch"][1], "ticket-row") == 2

    services.act(
        actor=operator, number=ticket.number, action="dispatch", data={"department": "SCJ"}
    )
    assert work(client, operator)["tickets-dispatch"][0] == "1"
    lines = work(client, clerk)  # the SCJ window is a handling unit
    assert lines["tickets-accept"] == ("1", "/tickets/?queue=accept")
    assert listed(client, lines["tickets-accept"][1], "ticket-row") == 1


def test_closing_a_ticket_asks_for_confirmation(client, operator, new_ticket, travel):
    travel(AT("2025-09-22 09:00"))
    ticket = new_ticket()
    client.force_login(operator)
    url = f"/tickets/{ticket.number}/act/close/"
    response = client.post(url, {"version": ticket.version, "note": "来电人已自行解决"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="confirm-form"' in html and "来电人已自行解决" in html
    assert Ticket.objects.get(pk=ticket.pk).state == "received"
    response = client.post(
        url, {"version": ticket.version, "note": "来电人已自行解决", "confirmed": "yes"}
    )
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).state == "closed"
