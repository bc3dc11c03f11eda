"""``verify_audit`` replays each ticket's steps: its state and every clock its steps decide (the
acceptance, reply and urge deadlines, the times of each step, the extension and the urge level)
must be what the steps give; one written behind the services' back is named by ticket number."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from tests.cases.helpers import AT
from tests.cases.test_audit_chain import verify
from zhengwu.core.clock import LOCAL_TZ
from zhengwu.tickets import replay as ticket_replay
from zhengwu.tickets import services
from zhengwu.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db

END = dt.datetime(2025, 11, 14, 23, 59, 59, 999999, tzinfo=LOCAL_TZ)


def act(travel, moment, actor, ticket, action, data=None):
    travel(AT(moment))
    return services.act(actor=actor, number=ticket.number, action=action, data=data)


@pytest.fixture
def walked(travel, new_ticket, operator, unit, other_unit, supervisor, other_department):
    """A complaint through dispatch, a return approved and redispatched elsewhere, the sweep's
    urge, acceptance, a supervisor's urge, an extension, reply, an unsatisfied callback, redo,
    reply and close."""
    travel(AT("2025-11-03 09:00"))
    ticket = new_ticket()
    act(travel, "2025-11-03 09:30", operator, ticket, "dispatch", {"department": "SCJ"})
    act(travel, "2025-11-03 10:00", unit, ticket, "return", {"reason": "不属本单位职责"})
    approve = {"approve": True, "department": "ZJJ"}
    act(travel, "2025-11-03 11:00", operator, ticket, "review_return", approve)
    travel(AT("2025-11-05 08:00"))
    assert services.sweep()["urged"] == 1  # not accepted by the 4th
    act(travel, "2025-11-05 09:00", other_unit, ticket, "accept")
    urge = {"level": 2, "reason": "群众反映强烈"}
    act(travel, "2025-11-05 10:00", supervisor, ticket, "urge", urge)
    extend = {"workdays": 3, "reason": "需现场核查"}
    act(travel, "2025-11-06 09:00", other_unit, ticket, "extend", extend)
    act(travel, "2025-11-06 10:00", operator, ticket, "approve_extension", {"approve": True})
    act(travel, "2025-11-07 09:00", other_unit, ticket, "reply", {"result": "已协调办理"})
    callback = {"reached": True, "resolved": False, "satisfaction": "unsatisfied"}
    act(travel, "2025-11-07 10:00", operator, ticket, "callback", callback)
    act(travel, "2025-11-07 11:00", operator, ticket, "redo", {"reason": "问题未解决"})
    act(travel, "2025-11-10 09:00", other_unit, ticket, "reply", {"result": "已上门办结"})
    ticket = act(travel, "2025-11-10 10:00", operator, ticket, "close")
    kinds = list(ticket.events.order_by("seq").values_list("kind", flat=True))
    assert kinds == [
        "create",
        "dispatch",
        "return",
        "return_approved",
        "dispatch",
        "urge",
        "accept",
        "urge",
        "extend",
        "extension_approved",
        "reply",
        "callback_open",
        "redo",
        "reply",
        "close",
    ]
    assert ticket.state == "closed" and ticket.due_at == END  # the redo's five working days
    assert ticket.accept_due == AT("2025-11-04 00:00") + dt.timedelta(days=1, microseconds=-1)
    assert (ticket.extension_workdays, ticket.urge_level, ticket.redo_count) == (3, 2, 1)
    return ticket


def test_a_ticket_through_every_step_replays_clean(walked):
    code, out, err = verify()
    assert code == 0, err
    assert "replayed tickets: 0 mismatched" in out and err == ""


def test_an_open_urge_and_a_hand_set_deadline_replay_clean(travel, dispatched, operator):
    travel(AT("2025-11-03 09:00"))
    ticket = dispatched()
    act(travel, "2025-11-03 10:00", operator, ticket, "urge", {"level": 1, "reason": "催办"})
    travel(AT("2025-11-03 11:00"))
    again = services.create_ticket(
        actor=operator,
        kind="help",
        category="XNTS02",
        content="小区路灯坏了一个月无人修理。",
        caller_phone="13800138001",
    )
    services.act(
        actor=operator,
        number=again.number,
        action="dispatch",
        data={"department": "SCJ", "due": "2025-11-20"},
    )
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.urge_due is not None and ticket.urge_level == 1
    code, _out, err = verify()
    assert code == 0, err


# Each stored clock, tampered with, and how ``verify_audit`` names it.
TAMPERED = AT("2025-12-01 12:00")
TAMPERING = {
    "received_at": ("收件时间", TAMPERED, "2025-11-03T09:00:00+08:00"),
    "dispatched_at": ("派单时间", TAMPERED, "2025-11-03T11:00:00+08:00"),
    "accept_due": ("签收时限", TAMPERED, "2025-11-04T23:59:59.999999+08:00"),
    "accepted_at": ("签收时间", TAMPERED, "2025-11-05T09:00:00+08:00"),
    "due_at": ("办结时限", TAMPERED, END.isoformat()),
    "extension_status": ("延期", "rejected", "approved"),
    "extension_workdays": ("延期工作日", 5, "3"),
    "urge_level": ("督办级别", 3, "2"),
    "urge_due": ("督办回复时限", TAMPERED, "（无）"),
    "replied_at": ("回复时间", TAMPERED, "2025-11-10T09:00:00+08:00"),
    "redo_count": ("返工次数", 2, "1"),
    "callback_at": ("回访时间", TAMPERED, "2025-11-07T10:00:00+08:00"),
    "closed_at": ("办结时间", TAMPERED, "2025-11-10T10:00:00+08:00"),
}


@pytest.mark.parametrize("name", list(TAMPERING))
def test_each_stored_clock_written_behind_the_services_is_named(walked, name):
    label, value, replayed = TAMPERING[name]
    Ticket.objects.filter(pk=walked.pk).update(**{name: value})
    code, out, err = verify()
    assert code == 1
    assert "replayed tickets: 1 mismatched" in out
    shown = value.isoformat() if isinstance(value, dt.datetime) else str(value)
    assert f"工单 {walked.number}：{label} 存储为 {shown}，其事件得出 {replayed}" in err, err
    assert err.count("\n") == 1  # that field only


def test_a_cleared_deadline_is_named(walked):
    Ticket.objects.filter(pk=walked.pk).update(due_at=None, accept_due=None)
    code, _out, err = verify()
    assert code == 1
    assert "办结时限 存储为 （无），其事件得出 2025-11-14T23:59:59.999999+08:00" in err
    assert "签收时限 存储为 （无）" in err


def test_a_value_the_steps_do_not_record_is_not_compared():
    """An urge recorded without its response deadline proves no urge deadline; the acceptance
    in time that answers it does."""
    at = AT("2025-11-03 09:00")
    steps = [
        ticket_replay.Step("create", at, {}),
        ticket_replay.Step("dispatch", at, {"accept_due": None}),
        ticket_replay.Step("urge", at, {"level": 1}),
    ]
    replayed = ticket_replay.replay(steps)
    assert replayed["state"] == "dispatched" and replayed["urge_level"] == 1
    assert replayed["due_at"] is ticket_replay.UNKNOWN
    assert replayed["urge_due"] is ticket_replay.UNKNOWN
    assert replayed["accept_due"] is None
    steps.append(ticket_replay.Step("accept", at, {}))
    assert ticket_replay.replay(steps)["urge_due"] is ticket_replay.UNKNOWN  # due_at unknown
    steps[1] = ticket_replay.Step("dispatch", at, {"due_at": "2025-11-10T15:59:59.999999Z"})
    assert ticket_replay.replay(steps)["urge_due"] is None


def test_an_unreadable_recorded_deadline_is_named(walked):
    """A step whose recorded deadline cannot be read (written below the services) is named, not a
    crash."""
    row = walked.events.get(kind="extension_approved")
    TicketEvent.objects.filter(pk=row.pk).update(data={**row.data, "due_at": "明天"})
    code, _out, err = verify()
    assert code == 1
    assert f"BROKEN {walked.number}" in err  # the chain
    assert f"工单 {walked.number}：其事件无法重放" in err, err  # and the replay


def test_the_demo_replays_clean():
    call_command("seed_demo", "--history=40", "--tickets=60", stdout=io.StringIO())
    assert TicketEvent.objects.filter(kind="urge").exists()
    code, out, err = verify()
    assert code == 0, err
    assert "replayed tickets: 0 mismatched" in out
    assert "replayed cases: 0 mismatched" in out
