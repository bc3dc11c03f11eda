"""The ticket services: every rule of DOMAIN.md §7 against the real database."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.tickets.conftest import AT
from zhengwu.core.clock import LOCAL_TZ
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.tickets import services
from zhengwu.tickets.models import Category, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def end(day: str) -> dt.datetime:
    return dt.datetime.combine(
        dt.date.fromisoformat(day), dt.time(23, 59, 59, 999999), tzinfo=LOCAL_TZ
    )


def act(actor, ticket, action, data=None, **kwargs):
    return services.act(actor=actor, number=ticket.number, action=action, data=data, **kwargs)


def kinds(ticket) -> list[str]:
    return list(
        TicketEvent.objects.filter(ticket=ticket).order_by("seq").values_list("kind", flat=True)
    )


def test_categories_seed_is_idempotent_and_has_the_county_study(categories):
    assert services.seed_ticket_categories() == 0
    efficiency = Category.objects.get(code="XNTS")
    names = set(efficiency.children.values_list("name", flat=True))
    assert names == {
        "滥用职权执法不公",
        "推诿扯皮效率低下",
        "作风粗暴态度生硬",
        "吃拿卡要以权谋私",
        "违反工作纪律",
        "其他",
    }
    assert all(c.is_efficiency for c in efficiency.children.all())
    assert set(Category.objects.filter(parent=None).values_list("name", flat=True)) >= {
        "市场监管",
        "住房城建",
        "社会保障",
        "交通出行",
        "教育",
        "医疗卫生",
        "生态环境",
        "政务服务",
    }


def test_create_numbers_and_records(travel, new_ticket, operator):
    travel(AT("2025-09-30 10:00"))
    ticket = new_ticket()
    assert ticket.number == f"20250930{ticket.pk:08d}"
    assert ticket.state == "received"
    assert ticket.created_by == operator and ticket.owner is None
    assert kinds(ticket) == ["create"]
    other = new_ticket()
    assert other.number != ticket.number


def test_citizen_web_ticket_is_their_own(travel, citizen, categories):
    travel(AT("2025-09-30 10:00"))
    ticket = services.create_ticket(
        actor=citizen,
        kind="suggestion",
        category="ZWFW01",
        content="建议办事指南增加示例。",
        caller_phone="13900139000",
    )
    assert ticket.owner == citizen and ticket.channel == "web"
    with pytest.raises(ValidationFailed) as caught:
        services.create_ticket(
            actor=citizen,
            kind="suggestion",
            category="ZWFW01",
            content="x",
            caller_phone="13900139000",
            occurred_at=AT("2025-09-29 10:00"),
        )
    assert "occurred_at" in caught.value.errors


def test_create_refuses_bad_input_naming_each_field(travel, new_ticket):
    travel(AT("2025-09-30 10:00"))
    with pytest.raises(ValidationFailed) as caught:
        new_ticket(kind="gossip", category="NOPE", content=" ", caller_phone="abc")
    assert set(caught.value.errors) == {"kind", "category", "content", "caller_phone"}
    with pytest.raises(ValidationFailed) as caught:
        new_ticket(related_case="2025000000000999")
    assert "related_case" in caught.value.errors
    assert Ticket.objects.count() == 0


def test_a_unit_or_a_supervisor_cannot_register(travel, unit, supervisor, categories):
    travel(AT("2025-09-30 10:00"))
    for actor in (unit, supervisor):
        with pytest.raises(Forbidden):
            services.create_ticket(
                actor=actor,
                kind="consult",
                category="ZWFW01",
                content="x",
                caller_phone="13800138000",
            )


def test_dispatch_writes_the_deadlines_across_national_day(travel, dispatched):
    travel(AT("2025-09-30 10:00"))
    ticket = dispatched()
    assert ticket.state == "dispatched"
    assert ticket.department.code == "SCJ"
    assert ticket.due_at == end("2025-10-14")
    assert ticket.accept_due == end("2025-10-09")
    consult = dispatched(kind="consult", category="ZWFW01")
    assert consult.due_at == end("2025-10-11")  # a make-up Saturday


def test_dispatch_across_the_2026_spring_festival(travel, dispatched):
    travel(AT("2026-02-13 09:00"))
    assert dispatched().due_at == end("2026-02-27")
    assert dispatched(kind="help", category="SHBZ01").due_at == end("2026-02-25")


def test_urgent_ticket_is_due_the_same_day(travel, dispatched, settings):
    travel(AT("2025-09-30 10:00"))
    ticket = dispatched(urgent=True, kind="help", category="SHBZ04")
    assert ticket.due_at == end("2025-09-30") == ticket.accept_due
    settings.TICKET_URGENT_HOURS = 2
    ticket = dispatched(urgent=True, kind="help", category="SHBZ04")
    assert ticket.due_at == AT("2025-09-30 12:00")


def test_configured_workdays_by_kind(travel, dispatched, settings):
    settings.TICKET_REPLY_WORKDAYS = {**settings.TICKET_REPLY_WORKDAYS, "complaint": 10}
    travel(AT("2025-11-03 10:00"))
    assert dispatched().due_at == end("2025-11-17")


def test_dispatcher_may_set_the_deadline_by_hand_but_not_in_the_past(
    travel, new_ticket, operator, department
):
    travel(AT("2025-11-03 10:00"))
    ticket = new_ticket()
    with pytest.raises(ValidationFailed) as caught:
        act(operator, ticket, "dispatch", {"department": "SCJ", "due": "2025-11-01"})
    assert "due" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        act(operator, ticket, "dispatch", {"department": "NOPE"})
    assert "department" in caught.value.errors
    ticket = act(operator, ticket, "dispatch", {"department": "SCJ", "due": "2025-11-05"})
    assert ticket.due_at == end("2025-11-05")


def test_full_life_with_redo_after_dissatisfaction(travel, dispatched, unit, operator):
    travel(AT("2025-11-03 10:00"))
    ticket = dispatched()
    travel(AT("2025-11-03 15:00"))
    ticket = act(unit, ticket, "accept")
    assert ticket.state == "accepted" and ticket.accepted_at == AT("2025-11-03 15:00")
    travel(AT("2025-11-05 10:00"))
    ticket = act(unit, ticket, "reply", {"result": "已约谈窗口负责人，当场办结。"})
    assert ticket.state == "replied" and ticket.replied_at == AT("2025-11-05 10:00")
    ticket = act(
        operator,
        ticket,
        "callback",
        {"reached": True, "resolved": False, "satisfaction": "unsatisfied"},
    )
    assert ticket.state == "called_back" and ticket.closed_at is None
    travel(AT("2025-11-06 10:00"))
    ticket = act(operator, ticket, "redo", {"reason": "来电人称问题仍未解决"})
    assert ticket.state == "accepted" and ticket.redo_count == 1
    assert ticket.due_at == end("2025-11-13")  # a new five working days from the redo
    assert ticket.replied_at is None
    ticket = act(unit, ticket, "reply", {"result": "已重新办理并告知结果。"})
    ticket = act(
        operator, ticket, "callback", {"reached": True, "resolved": True, "satisfaction": "basic"}
    )
    assert ticket.state == "closed" and ticket.closed_at == AT("2025-11-06 10:00")
    assert kinds(ticket) == [
        "create",
        "dispatch",
        "accept",
        "reply",
        "callback_open",
        "redo",
        "reply",
        "callback",
    ]


def test_redo_only_after_an_unsatisfied_or_unresolved_reached_callback(
    travel, dispatched, unit, operator
):
    travel(AT("2025-11-03 10:00"))
    ticket = dispatched()
    act(unit, ticket, "accept")
    act(unit, ticket, "reply", {"result": "已办"})
    ticket = act(operator, ticket, "callback", {"reached": False})
    assert ticket.state == "called_back" and ticket.callback_reached is False
    with pytest.raises(DomainError) as caught:
        act(operator, ticket, "redo", {"reason": "x"})
    assert caught.value.code == "redo_not_allowed"
    ticket = act(operator, ticket, "close", {"note": "三次未接通"})
    assert ticket.state == "closed"


def test_callback_input_is_checked(travel, dispatched, unit, operator):
    travel(AT("2025-11-03 10:00"))
    ticket = dispatched()
    act(unit, ticket, "accept")
    act(unit, ticket, "reply", {"result": "已办"})
    with pytest.raises(ValidationFailed) as caught:
        act(operator, ticket, "callback", {"reached": True, "satisfaction": "great"})
    assert set(caught.value.errors) == {"resolved", "satisfaction"}
    with pytest.raises(ValidationFailed) as caught:
        act(operator, ticket, "callback", {"reached": False, "satisfaction": "satisfied"})
    assert "satisfaction" in caught.value.errors
    with pytest.raises(ValidationFailed):
        act(operator, ticket, "callback", {"reached": "yes"})


def test_a_unit_returns_once_and_the_dispatcher_reviews(
    travel, dispatched, unit, other_unit, operator
):
    travel(AT("2025-11-03 10:00"))
    ticket = dispatched()
    with pytest.raises(ValidationFailed):
        act(unit, ticket, "return", {"reason": " "})
    ticket = act(unit, ticket, "return", {"reason": "属住建部门职责"})
    assert ticket.state == "return_requested" and ticket.returned
    # Approved: dispatched at once to ZJJ, with fresh deadlines.
    travel(AT("2025-11-04 10:00"))
    ticket = act(operator, ticket, "review_return", {"approve": True, "department": "ZJJ"})
    assert ticket.state == "dispatched" and ticket.department.code == "ZJJ"
    assert ticket.due_at == end("2025-11-11")
    with pytest.raises(NotFound):  # SCJ no longer sees it
        act(unit, ticket, "accept")
    # ZJJ may not return it again: one return per ticket.
    with pytest.raises(DomainError) as caught:
        act(other_unit, ticket, "return", {"reason": "也不归我们"})
    assert caught.value.code == "already_returned"
    assert "只能退" in str(caught.value.message)


def test_a_rejected_return_goes_back_to_the_unit_and_a_second_return_is_refused(
    travel, dispatched, unit, operator
):
    travel(AT("2025-11-03 10:00"))
    ticket = dispatched()
    act(unit, ticket, "accept")
    act(unit, ticket, "return", {"reason": "不归我们管"})
    ticket = act(operator, ticket, "review_return", {"approve": False, "note": "属本单位职责"})
    assert ticket.state == "accepted" and ticket.department.code == "SCJ"
    with pytest.raises(DomainError) as caught:
        act(unit, ticket, "return", {"reason": "还是不归我们管"})
    assert caught.value.code == "already_returned"


def test_approved_return_without_a_new_unit_waits_for_dispatch(travel, dispatched, unit, operator):
    travel(AT("2025-11-03 10:00"))
    ticket = dispatched()
    act(unit, ticket, "return", {"reason": "不归我们管"})
    ticket = act(operator, ticket, "review_return", {"approve": True})
    assert ticket.state == "received" and ticket.department is None and ticket.due_at is None


def test_extension_once_approved_by_the_dispatcher(travel, dispatched, unit, operator, settings):
    travel(AT("2025-11-03 10:00"))
    ticket = dispatched()
    act(unit, ticket, "accept")
    with pytest.raises(ValidationFailed):
        act(
            unit,
            ticket,
            "extend",
            {"workdays": settings.TICKET_EXTENSION_MAX_WORKDAYS + 1, "reason": "x"},
        )
    with pytest.raises(ValidationFailed):
        act(unit, ticket, "extend", {"workdays": True, "reason": "需现场核查"})
    ticket = act(unit, ticket, "extend", {"workdays": 3, "reason": "需现场核查"})
    assert ticket.state == "extension_requested"
    with pytest.raises(Forbidden):
        act(unit, ticket, "approve_extension", {"approve": True})
    ticket = act(operator, ticket, "approve_extension", {"approve": True})
    assert ticket.state == "accepted" and ticket.extension_workdays == 3
    assert ticket.due_at == end("2025-11-13")  # 10 November + 3 working days
    with pytest.raises(DomainError) as caught:
        act(unit, ticket, "extend", {"workdays": 1, "reason": "还需时间"})
    assert caught.value.code == "already_extended"


def test_a_rejected_extension_still_counts_as_the_one(travel, dispatched, unit, operator):
    travel(AT("2025-11-03 10:00"))
    ticket = dispatched()
    act(unit, ticket, "accept")
    act(unit, ticket, "extend", {"workdays": 2, "reason": "需现场核查"})
    ticket = act(operator, ticket, "approve_extension", {"approve": False})
    assert ticket.state == "accepted" and ticket.due_at == end("2025-11-10")
    with pytest.raises(DomainError):
        act(unit, ticket, "extend", {"workdays": 2, "reason": "再次申请"})


def test_no_extension_after_the_deadline(travel, dispatched, unit):
    travel(AT("2025-11-03 10:00"))
    ticket = dispatched()
    act(unit, ticket, "accept")
    travel(AT("2025-11-11 09:00"))
    with pytest.raises(DomainError) as caught:
        act(unit, ticket, "extend", {"workdays": 2, "reason": "来不及"})
    assert caught.value.code == "extension_after_due"


def test_manual_urge_levels_by_role_and_only_upwards(
    travel, dispatched, operator, supervisor, leader, unit
):
    travel(AT("2025-11-03 10:00"))
    ticket = dispatched()
    with pytest.raises(Forbidden):
        act(operator, ticket, "urge", {"level": 2, "reason": "办理不力"})
    with pytest.raises(Forbidden):
        act(unit, ticket, "urge", {"level": 1, "reason": "x"})
    ticket = act(operator, ticket, "urge", {"level": 1, "reason": "办理不力"})
    assert ticket.urge_level == 1 and ticket.urge_due == end("2025-11-05")
    ticket = act(supervisor, ticket, "urge", {"level": 2, "reason": "仍未办理"})
    assert ticket.urge_level == 2 and ticket.urge_due == end("2025-11-04")
    with pytest.raises(DomainError) as caught:
        act(supervisor, ticket, "urge", {"level": 1, "reason": "降级"})
    assert caught.value.code == "urge_level_down"
    ticket = act(leader, ticket, "urge", {"level": 3, "reason": "政府办督办"})
    assert ticket.urge_level == 3
    with pytest.raises(ValidationFailed):
        act(leader, ticket, "urge", {"level": 4, "reason": "x"})
    assert ticket.state == "dispatched"


def test_efficiency_complaint_investigation(
    travel, dispatched, unit, supervisor, operator, other_department
):
    travel(AT("2025-11-03 10:00"))
    ticket = dispatched(related_department=other_department)
    with pytest.raises(Forbidden):
        act(operator, ticket, "investigate", {"outcome": "substantiated"})
    act(unit, ticket, "accept")
    ticket = act(
        supervisor,
        ticket,
        "investigate",
        {"outcome": "partly", "staff": "窗口工作人员李某", "note": "态度问题属实"},
    )
    assert ticket.investigation_outcome == "partly"
    assert ticket.investigated_department == other_department  # the department complained of
    assert ticket.investigated_staff == "窗口工作人员李某"
    with pytest.raises(DomainError) as caught:
        act(supervisor, ticket, "investigate", {"outcome": "not"})
    assert caught.value.code == "already_investigated"
    plain = dispatched(kind="consult", category="ZWFW01")
    act(unit, plain, "accept")
    with pytest.raises(DomainError) as caught:
        act(supervisor, plain, "investigate", {"outcome": "not"})
    assert caught.value.code == "not_efficiency"


def test_investigation_links_the_related_case(
    travel, new_ticket, supervisor, operator, item, clerk
):
    from tests.cases.helpers import file_case

    travel(AT("2025-11-03 10:00"))
    case = file_case(clerk)
    ticket = new_ticket(related_case=case.number)
    ticket = act(operator, ticket, "dispatch", {"department": "SCJ"})
    ticket = act(
        supervisor, ticket, "investigate", {"outcome": "substantiated", "department": "SCJ"}
    )
    event = TicketEvent.objects.get(ticket=ticket, kind="investigate")
    assert event.data["case"] == case.number
    assert ticket.related_case == case


def test_emergency_transfer_closes_at_once(travel, new_ticket, operator):
    travel(AT("2025-11-03 10:00"))
    ticket = new_ticket(kind="help", category="SHBZ04", content="家中老人晕倒")
    with pytest.raises(ValidationFailed):
        services.transfer_emergency(actor=operator, number=ticket.number, service="999")
    ticket = services.transfer_emergency(
        actor=operator, number=ticket.number, service="120", note="已三方通话转接"
    )
    assert ticket.state == "transferred" and ticket.emergency_service == "120"
    assert ticket.closed_at == AT("2025-11-03 10:00")
    with pytest.raises(DomainError):
        act(operator, ticket, "dispatch", {"department": "SCJ"})


def test_answer_on_the_spot_only_for_a_consultation(travel, new_ticket, operator):
    travel(AT("2025-11-03 10:00"))
    consult = new_ticket(kind="consult", category="ZWFW01")
    ticket = services.answer_on_the_spot(
        actor=operator, number=consult.number, answer="营业执照变更可在网上办理。"
    )
    assert ticket.state == "closed" and ticket.reply.startswith("营业执照")
    complaint = new_ticket()
    with pytest.raises(DomainError) as caught:
        services.answer_on_the_spot(actor=operator, number=complaint.number, answer="x")
    assert caught.value.code == "answer_consult_only"


def test_merge_a_duplicate(travel, new_ticket, operator):
    travel(AT("2025-11-03 10:00"))
    first = new_ticket()
    second = new_ticket()
    with pytest.raises(DomainError):
        services.merge_duplicate(actor=operator, number=second.number, into=second.number)
    with pytest.raises(ValidationFailed):
        services.merge_duplicate(actor=operator, number=second.number, into="nope")
    second = services.merge_duplicate(actor=operator, number=second.number, into=first.number)
    assert second.state == "merged" and second.duplicate_of == first
    third = new_ticket()
    with pytest.raises(DomainError) as caught:
        services.merge_duplicate(actor=operator, number=third.number, into=second.number)
    assert caught.value.code == "merge_into_merged"


def test_occurred_at_rules_are_those_of_cases(travel, dispatched, unit, operator):
    travel(AT("2025-11-03 10:00"))
    ticket = dispatched()
    with pytest.raises(ValidationFailed):  # the future
        act(unit, ticket, "accept", occurred_at=AT("2025-11-03 11:00"))
    with pytest.raises(ValidationFailed):  # before the previous step
        act(unit, ticket, "accept", occurred_at=AT("2025-11-03 09:00"))
    with pytest.raises(ValidationFailed):  # naive
        act(unit, ticket, "accept", occurred_at=dt.datetime(2025, 11, 3, 9, 30))
    travel(AT("2025-11-06 10:00"))
    ticket = act(unit, ticket, "accept", occurred_at=AT("2025-11-03 16:00"))
    event = TicketEvent.objects.get(ticket=ticket, kind="accept")
    assert event.retroactive  # recorded three working days later
    assert event.data["in_time"] is True
    ticket = act(unit, ticket, "reply", {"result": "已办"}, occurred_at=AT("2025-11-05 16:00"))
    assert not TicketEvent.objects.get(ticket=ticket, kind="reply").retroactive


def test_a_stale_version_is_refused(travel, dispatched, unit):
    travel(AT("2025-11-03 10:00"))
    ticket = dispatched()
    seen = ticket.version
    act(unit, ticket, "accept", version=seen)
    with pytest.raises(DomainError) as caught:
        act(unit, ticket, "reply", {"result": "x"}, version=seen)
    assert caught.value.code == "stale_version"


def test_unknown_action_and_nothing_half_written(travel, dispatched, unit):
    travel(AT("2025-11-03 10:00"))
    ticket = dispatched()
    with pytest.raises(ValidationFailed):
        act(unit, ticket, "fly")
    before = (ticket.version, ticket.event_count)
    with pytest.raises(DomainError):
        act(unit, ticket, "reply", {"result": "x"})  # not accepted yet
    ticket.refresh_from_db()
    assert (ticket.version, ticket.event_count) == before
