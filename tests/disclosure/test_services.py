"""The services of disclosure requests: filing, every step with its event, clocks and document,
the results the annual report counts, access boundaries and the chain verify_audit checks."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from tests.disclosure.conftest import AT, applicant, file, organisation
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.disclosure import selectors, services
from zhengwu.disclosure.integrity import verify
from zhengwu.disclosure.models import DisclosureDocument, DisclosureEvent, DisclosureRequest

pytestmark = pytest.mark.django_db
D = dt.date


def test_an_applicant_files_online(travel, citizen):
    travel(AT("2026-03-02 10:00"))
    request = file(citizen)
    assert request.number.startswith("GK20260302")
    assert request.state == "received"
    assert request.received_on == D(2026, 3, 2)
    assert request.reply_due == D(2026, 3, 30)
    assert request.owner == citizen
    assert request.event_count == 1
    assert request.events.get().data["basis"] == "both_confirmed"


def test_the_public_form_without_an_account(travel):
    travel(AT("2026-03-02 10:00"))
    request = file(None)
    assert request.owner is None and request.created_by is None


def test_the_office_registers_an_ordinary_letter_confirmed_on_a_make_up_saturday(travel, office):
    travel(AT("2026-02-16 10:00"))
    request = file(
        office,
        channel="post_ordinary",
        received_at=AT("2026-02-14 09:00"),
        confirmed_at=AT("2026-02-14 15:00"),
    )
    assert request.received_on == D(2026, 2, 14)
    assert request.reply_due == D(2026, 3, 20)
    assert request.events.get().data["basis"] == "letter_confirmed"


@pytest.mark.parametrize(
    ("who", "field"),
    [
        (applicant(id_number="110101199001011230"), "applicant.id_number"),
        (applicant(id_number=""), "applicant.id_number"),
        (organisation(uscc="91330100MA27ZZZZ0Y"), "applicant.uscc"),
        (applicant(type="alien"), "applicant.type"),
        (applicant(phone="abc"), "applicant.phone"),
    ],
)
def test_real_name_details_are_checked(travel, citizen, who, field):
    travel(AT("2026-03-02 10:00"))
    with pytest.raises(ValidationFailed) as info:
        file(citizen, who=who)
    assert field in info.value.errors


def test_only_the_office_registers_other_channels_and_states_times(travel, citizen):
    travel(AT("2026-03-02 10:00"))
    with pytest.raises(ValidationFailed) as info:
        file(citizen, channel="in_person")
    assert "channel" in info.value.errors
    with pytest.raises(ValidationFailed) as info:
        file(citizen, received_at=AT("2026-03-01 10:00"))
    assert "received_at" in info.value.errors


def test_other_staff_may_not_file(travel, make_user, department):
    travel(AT("2026-03-02 10:00"))
    from zhengwu.core.roles import Role

    clerk = make_user(Role.WINDOW_CLERK, department=department)
    with pytest.raises(Forbidden):
        file(clerk)


def _flow(travel, office, head, citizen):
    """Filed, routed, supplement asked and given, third party consulted, extended, replied."""
    travel(AT("2026-03-02 10:00"))
    request = file(citizen)
    n = request.number
    services.act(actor=office, number=n, action="route", data={"department": "SCJ"})
    travel(AT("2026-03-04 10:00"))
    services.act(
        actor=office,
        number=n,
        action="request-supplement",
        data={"items": ["文件名称或文号", "所涉年份"], "period_workdays": 10},
    )
    travel(AT("2026-03-09 10:00"))
    services.act(
        actor=citizen, number=n, action="supplement", data={"note": "文号：杭建〔2025〕12号"}
    )
    travel(AT("2026-03-10 10:00"))
    services.act(
        actor=office,
        number=n,
        action="consult",
        data={"party": "某物业公司", "kind": "third_party"},
    )
    travel(AT("2026-03-20 10:00"))
    services.act(actor=office, number=n, action="consulted", data={"answer": "object"})
    travel(AT("2026-03-23 10:00"))
    services.act(
        actor=head, number=n, action="extend", data={"workdays": 10, "reason": "涉及多个部门"}
    )
    travel(AT("2026-03-25 10:00"))
    return services.act(
        actor=office, number=n, action="reply", data={"type": "partial", "text": "部分公开"}
    )


def test_a_whole_flow(travel, department, office, head, citizen):
    request = _flow(travel, office, head, citizen)
    assert request.state == "replied"
    assert (request.result, request.result_reason, request.reply_type) == (
        "partial",
        None,
        "partial",
    )
    assert request.completed_on == D(2026, 3, 25)
    # The supplement on 3/9 restarts the clock (due 4/7); the consultation [3/10, 3/20) pauses
    # 8 working days (4/17); the extension adds 10 across 劳动节 5/1–5/5.
    assert request.paused_workdays == 8
    assert request.extension_workdays == 10
    assert request.reply_due == D(2026, 5, 6)
    assert request.on_time is True
    kinds = list(request.documents.values_list("kind", flat=True))
    assert kinds == ["supplement_notice", "consultation", "extension_notice", "reply"]
    assert request.department == department
    request = services.act(actor=office, number=request.number, action="deliver")
    assert request.state == "delivered"
    assert [p for _, p in verify()] == [None]


def test_only_the_head_extends(travel, department, office, citizen):
    travel(AT("2026-03-02 10:00"))
    request = file(citizen)
    services.act(actor=office, number=request.number, action="route", data={"department": "SCJ"})
    with pytest.raises(Forbidden):
        services.act(
            actor=office,
            number=request.number,
            action="extend",
            data={"workdays": 5, "reason": "x"},
        )


def test_a_second_supplement_notice_is_refused(travel, department, office, citizen):
    travel(AT("2026-03-02 10:00"))
    n = file(citizen).number
    data = {"items": ["文号"], "period_workdays": 5}
    services.act(actor=office, number=n, action="request-supplement", data=data)
    services.act(actor=citizen, number=n, action="supplement")
    with pytest.raises(DomainError) as info:
        services.act(actor=office, number=n, action="request-supplement", data=data)
    assert info.value.code == "already_notified"


def test_silence_only_after_the_consultation_period(travel, department, office, citizen):
    travel(AT("2026-02-02 10:00"))
    n = file(citizen).number
    services.act(actor=office, number=n, action="route", data={"department": "SCJ"})
    travel(AT("2026-02-10 10:00"))
    services.act(actor=office, number=n, action="consult", data={"party": "某局", "kind": "agency"})
    travel(AT("2026-03-09 10:00"))
    with pytest.raises(DomainError) as info:
        services.act(actor=office, number=n, action="consulted", data={"answer": "silent"})
    assert info.value.code == "consultation_open"
    travel(AT("2026-03-10 10:00"))
    request = services.act(actor=office, number=n, action="consulted", data={"answer": "silent"})
    assert request.paused_workdays == 15
    assert request.reply_due == D(2026, 3, 27)


@pytest.mark.parametrize(
    ("data", "result", "reason"),
    [
        ({"type": "withheld", "reason": 4}, "withheld", 4),
        ({"type": "not_exist"}, "unavailable", 1),
        ({"type": "duplicate"}, "not_handled", 2),
        ({"type": "published", "where": "区政府门户网站"}, "disclosed", None),
    ],
)
def test_replies_set_the_annual_report_result(travel, office, citizen, data, result, reason):
    travel(AT("2026-03-02 10:00"))
    request = services.act(actor=office, number=file(citizen).number, action="reply", data=data)
    assert (request.result, request.result_reason) == (result, reason)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"type": "withheld"}, "reason"),
        ({"type": "withheld", "reason": 9}, "reason"),
        ({"type": "nonsense"}, "type"),
        ({"type": "published"}, "where"),
    ],
)
def test_bad_replies_are_422(travel, office, citizen, data, field):
    travel(AT("2026-03-02 10:00"))
    with pytest.raises(ValidationFailed) as info:
        services.act(actor=office, number=file(citizen).number, action="reply", data=data)
    assert field in info.value.errors


def test_a_complaint_becomes_a_hotline_ticket(travel, office, citizen):
    from zhengwu.tickets.services import seed_ticket_categories

    seed_ticket_categories()
    travel(AT("2026-03-02 10:00"))
    request = services.act(actor=office, number=file(citizen).number, action="to-ticket")
    assert (request.result, request.result_reason, request.state) == ("not_handled", 1, "replied")
    assert request.ticket is not None
    assert request.ticket.caller_phone == "13800138000"
    assert request.events.last().data["ticket"] == request.ticket.number


def test_fee_notice_payment_and_the_month_count(travel, department, office, citizen):
    travel(AT("2026-03-02 10:00"))
    first = file(citizen).number
    second = file(citizen).number
    for n in (first, second):
        services.act(actor=office, number=n, action="route", data={"department": "SCJ"})
    with pytest.raises(DomainError) as info:
        services.act(actor=office, number=first, action="fee", data={"items": 8})
    assert info.value.code == "no_fee"
    with pytest.raises(ValidationFailed):
        services.act(actor=office, number=first, action="fee", data={"items": 8, "pages": 40})
    request = services.act(actor=office, number=first, action="fee", data={"pages": 31})
    assert (request.state, request.fee_yuan) == ("awaiting_payment", 10)
    assert request.payment_due == D(2026, 3, 30)
    services.act(actor=citizen, number=first, action="paid")
    # Items count per applicant per month: 0 earlier (pages are not items), 12 now.
    request = services.act(actor=office, number=second, action="fee", data={"items": 12})
    assert request.fee_yuan == 200
    assert request.documents.get().kind == DisclosureDocument.Kind.FEE_NOTICE


def test_deemed_abandonment_after_the_supplement_period(travel, office, citizen):
    travel(AT("2026-03-02 10:00"))
    n = file(citizen).number
    services.act(
        actor=office,
        number=n,
        action="request-supplement",
        data={"items": ["x"], "period_workdays": 5},
    )
    assert services.abandon(number=n) is None  # not yet
    travel(AT("2026-03-09 23:00"))
    assert services.abandon(number=n) is None  # 3/9 is the last day of the period
    travel(AT("2026-03-10 01:00"))
    request = services.abandon(number=n)
    assert (request.state, request.result, request.result_reason) == ("abandoned", "other", 1)
    assert request.completed_on == D(2026, 3, 10)


def test_stale_version_is_409(travel, office, citizen):
    travel(AT("2026-03-02 10:00"))
    request = file(citizen)
    with pytest.raises(DomainError) as info:
        services.act(
            actor=office,
            number=request.number,
            action="route",
            data={"department": "SCJ"},
            version=request.version + 1,
        )
    assert info.value.code == "stale_version"


# ---------------------------------------------------------------- access


def test_scopes(
    travel, department, other_department, office, scj_officer, zjj_officer, citizen, stranger
):
    travel(AT("2026-03-02 10:00"))
    n = file(citizen).number
    # Not routed yet: the government's office and the applicant see it.
    assert selectors.visible(office).filter(number=n).exists()
    assert selectors.visible(citizen).filter(number=n).exists()
    for user in (scj_officer, zjj_officer, stranger):
        assert not selectors.visible(user).filter(number=n).exists()
        with pytest.raises(NotFound):
            services.act(actor=user, number=n, action="route", data={"department": "SCJ"})
    services.act(actor=office, number=n, action="route", data={"department": "SCJ"})
    assert selectors.visible(scj_officer).filter(number=n).exists()
    assert not selectors.visible(zjj_officer).filter(number=n).exists()
    # The department's officer handles it; the applicant cannot take an officer's step.
    services.act(
        actor=scj_officer, number=n, action="consult", data={"party": "甲", "kind": "agency"}
    )
    with pytest.raises(Forbidden):
        services.act(actor=citizen, number=n, action="consulted", data={"answer": "agree"})


def test_watchers_see_but_do_not_act(travel, make_user, office, citizen):
    from zhengwu.core.roles import Role

    supervisor = make_user(Role.SUPERVISOR)
    travel(AT("2026-03-02 10:00"))
    n = file(citizen).number
    assert selectors.visible(supervisor).filter(number=n).exists()
    with pytest.raises(Forbidden):
        services.act(actor=supervisor, number=n, action="route", data={"department": "SCJ"})


# ---------------------------------------------------------------- the chain


def test_verify_audit_covers_the_chain(travel, department, office, head, citizen):
    request = _flow(travel, office, head, citizen)
    out, err = io.StringIO(), io.StringIO()
    call_command_ok = True
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except SystemExit:
        call_command_ok = False
    assert call_command_ok, err.getvalue()
    assert "checked 1 disclosure requests, 0 broken" in out.getvalue()
    row = DisclosureEvent.objects.filter(request=request).order_by("seq")[2]
    DisclosureEvent.objects.filter(pk=row.pk).update(data={"items": ["forged"]})
    with pytest.raises(SystemExit):
        call_command("verify_audit", stdout=out, stderr=err)
    assert f"BROKEN {request.number} (event 3)" in err.getvalue()
    assert DisclosureRequest.objects.count() == 1


# ---------------------------------------------------------------- documents


def test_every_step_has_its_print_view_and_docx(
    client, travel, department, office, head, citizen, stranger
):
    from docx import Document

    request = _flow(travel, office, head, citizen)
    client.force_login(citizen)
    for document in request.documents.all():
        base = f"/disclosure/requests/{request.number}/documents/{document.number}"
        page = client.get(base)
        assert page.status_code == 200
        html = page.content.decode()
        assert "2026年3月" in html
        docx = client.get(base + ".docx")
        assert docx.status_code == 200
        text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
        assert request.number in html and document.number in text
    reply = request.documents.get(kind="reply")
    url = f"/disclosure/requests/{request.number}/documents/{reply.number}"
    assert "部分公开" in client.get(url).content.decode()
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_verify_audit_replays_the_stored_clocks(travel, department, office, head, citizen):
    request = _flow(travel, office, head, citizen)
    out, err = io.StringIO(), io.StringIO()
    call_command_ok = True
    try:
        call_command("verify_audit", stdout=out, stderr=err)
    except SystemExit:
        call_command_ok = False
    assert call_command_ok, err.getvalue()
    assert "replayed disclosure requests: 0 mismatched" in out.getvalue()
    DisclosureRequest.objects.filter(pk=request.pk).update(reply_due=D(2026, 6, 1))
    with pytest.raises(SystemExit):
        call_command("verify_audit", stdout=out, stderr=err)
    assert f"政府信息公开申请 {request.number}：答复期限 存储为 2026-06-01" in err.getvalue()


def test_the_unreasonable_quantity_path(travel, department, office, citizen):
    travel(AT("2026-03-02 10:00"))
    n = file(citizen).number
    services.act(actor=office, number=n, action="route", data={"department": "SCJ"})
    travel(AT("2026-03-03 10:00"))
    request = services.act(actor=office, number=n, action="ask-reasons")
    assert request.state == "awaiting_reasons"
    assert request.documents.get().kind == "reasons_notice"
    travel(AT("2026-03-10 10:00"))
    services.act(actor=citizen, number=n, action="reasons", data={"text": "课题研究需要"})
    request = services.act(
        actor=office, number=n, action="defer", data={"workdays": 10, "reason": "数量较大"}
    )
    assert (request.deferred_workdays, request.reply_due) == (10, D(2026, 4, 21))
    with pytest.raises(DomainError) as info:
        services.act(actor=office, number=n, action="defer", data={"workdays": 5, "reason": "x"})
    assert info.value.code == "already_deferred"
    request = services.act(
        actor=office, number=n, action="reply", data={"type": "not_handled", "reason": 4}
    )
    assert (request.result, request.result_reason) == ("not_handled", 4)


def test_withdrawal_is_other_3(travel, citizen):
    travel(AT("2026-03-02 10:00"))
    request = services.act(actor=citizen, number=file(citizen).number, action="withdraw")
    assert (request.state, request.result, request.result_reason) == ("withdrawn", "other", 3)
    assert request.completed_on == D(2026, 3, 2) and request.on_time is None


def test_appeals_for_table_four(travel, department, office, zjj_officer, citizen):
    travel(AT("2026-03-02 10:00"))
    n = file(citizen).number
    services.act(actor=office, number=n, action="reply", data={"type": "withheld", "reason": 1})
    travel(AT("2026-04-01 10:00"))
    appeal = services.record_appeal(
        actor=office, number=n, kind="reconsideration", filed_on=D(2026, 3, 20)
    )
    assert (appeal.result, appeal.decided_on) == ("pending", None)
    with pytest.raises(ValidationFailed):
        services.decide_appeal(
            actor=office, appeal_id=appeal.pk, result="corrected", decided_on=D(2026, 3, 1)
        )
    with pytest.raises(ValidationFailed):
        services.decide_appeal(
            actor=office, appeal_id=appeal.pk, result="pending", decided_on=D(2026, 3, 30)
        )
    appeal = services.decide_appeal(
        actor=office, appeal_id=appeal.pk, result="corrected", decided_on=D(2026, 3, 30)
    )
    assert (appeal.result, appeal.decided_on) == ("corrected", D(2026, 3, 30))
    with pytest.raises(NotFound):  # not routed to ZJJ
        services.record_appeal(
            actor=zjj_officer, number=n, kind="lawsuit_direct", filed_on=D(2026, 3, 20)
        )
    with pytest.raises(Forbidden):
        services.record_appeal(
            actor=citizen, number=n, kind="lawsuit_direct", filed_on=D(2026, 3, 20)
        )
    with pytest.raises(ValidationFailed):
        services.record_appeal(actor=office, number=n, kind="appeal", filed_on=D(2026, 3, 20))


def test_the_public_follow_up_by_number_and_phone(travel):
    travel(AT("2026-03-02 10:00"))
    request = file(None)
    assert selectors.find_by_number_and_phone(request.number, "13800138000") == request
    assert selectors.find_by_number_and_phone(request.number, "13900139000") is None
    assert selectors.find_by_number_and_phone("GK\x00", "13800138000") is None
