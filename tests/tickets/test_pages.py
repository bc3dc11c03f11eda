"""The staff ticket pages: access per role, the intake form with its suggestions and what it keeps
on failure, the ticket page with only the user's actions, queues, knowledge base and reports."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.cases.helpers import AT
from zhengwu.tickets import services
from zhengwu.tickets.models import Category, RoutingRule, Ticket

pytestmark = pytest.mark.django_db

CALL = {
    "caller_phone": "13912345678",
    "caller_name": "李女士",
    "kind": "complaint",
    "content": "幸福小区3栋楼下烧烤店油烟扰民，晚上噪音很大",
    "address": "幸福小区3栋",
    "area": "东城区",
    "category": "STHJ02",
    "department": "SCJ",
}


@pytest.fixture(autouse=True)
def _now(travel, department):
    """Monday 2 March 2026, and the SCJ department the calls go to."""
    travel(AT("2026-03-02 09:00"))


@pytest.fixture
def rules_only(settings, tmp_path):
    """No classifier model: the routing rules decide."""
    settings.TICKET_CLASSIFIER_PATH = tmp_path / "none.json"
    settings.TICKET_CLASSIFIER_SHIPPED = False


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- access --------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    response = client.get("/tickets/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_applicant_has_no_workbench(client, citizen):
    client.force_login(citizen)
    assert client.get("/tickets/").status_code == 403
    assert client.get("/tickets/new/").status_code == 403


@pytest.mark.parametrize(
    ("fixture", "tabs"),
    [
        ("operator", ["dispatch", "returns", "extensions", "overdue", "callback", "unsettled"]),
        ("unit", ["accept", "handling", "overdue", "urged"]),
        ("supervisor", ["urged", "overdue", "investigate"]),
        ("leader", ["overdue", "urged"]),
    ],
)
def test_each_role_sees_its_queues(client, request, fixture, tabs):
    client.force_login(request.getfixturevalue(fixture))
    page = text(client.get("/tickets/"))
    shown = [q for q in re.findall(r'data-testid="queue-(\w+)"', page) if q != "tabs"]
    assert shown[: len(tabs)] == tabs


def test_only_the_desk_takes_calls(client, unit, supervisor, operator):
    for user in (unit, supervisor):
        client.force_login(user)
        assert client.get("/tickets/new/").status_code == 403
        assert client.post("/tickets/new/assist/", {"content": "x"}).status_code == 403
    client.force_login(operator)
    assert client.get("/tickets/new/").status_code == 200


def test_a_unit_sees_only_its_departments_tickets(client, dispatched, unit, other_unit):
    ticket = dispatched()
    client.force_login(unit)
    assert client.get(f"/tickets/{ticket.number}/").status_code == 200
    assert ticket.number in text(client.get("/tickets/?queue=accept"))
    client.force_login(other_unit)
    assert client.get(f"/tickets/{ticket.number}/").status_code == 404
    assert ticket.number not in text(client.get("/tickets/?queue=all"))
    assert client.post(f"/tickets/{ticket.number}/act/accept/", {}).status_code == 404


def test_watchers_see_callers_masked(client, new_ticket, supervisor, operator):
    ticket = new_ticket()
    client.force_login(supervisor)
    page = text(client.get(f"/tickets/{ticket.number}/"))
    assert "13800138000" not in page and "138****8000" in page
    client.force_login(operator)
    assert "13800138000" in text(client.get(f"/tickets/{ticket.number}/"))


def test_reports_are_for_the_desk_and_the_watchers(client, unit, supervisor, leader, operator):
    client.force_login(unit)
    assert client.get("/tickets/reports/").status_code == 403
    for user in (supervisor, leader, operator):
        client.force_login(user)
        assert client.get("/tickets/reports/").status_code == 200


# --- intake --------------------------------------------------------------------------------------


def test_register_and_dispatch_in_one_step(client, operator, categories, department):
    client.force_login(operator)
    response = client.post("/tickets/new/", {**CALL, "intent": "dispatch"})
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{ticket.number}/"
    assert (ticket.state, ticket.department.code, ticket.category.code) == (
        "dispatched",
        "SCJ",
        "STHJ02",
    )
    assert ticket.created_by == operator


def once_token(response) -> str:
    """The one-time token of the form on the page."""
    return re.search(r'name="once" value="([^"]+)"', response.content.decode()).group(1)


def test_a_call_sent_twice_makes_one_ticket(client, operator, categories, department):
    """A double click or a reload sends the form again: the second submit goes to the first
    ticket; a new form has a new token and makes a new ticket."""
    client.force_login(operator)
    token = once_token(client.get("/tickets/new/"))
    first = client.post("/tickets/new/", {**CALL, "intent": "dispatch", "once": token})
    ticket = Ticket.objects.get()
    again = client.post("/tickets/new/", {**CALL, "intent": "dispatch", "once": token}, follow=True)
    assert Ticket.objects.count() == 1
    assert first["Location"] == again.redirect_chain[0][0] == f"/tickets/{ticket.number}/"
    assert f"这张表已经提交过，即工单 {ticket.number}" in text(again)
    # An answer on the spot goes back to a new form; sent again, it shows the first ticket.
    token = once_token(client.get("/tickets/new/"))
    consult = {**CALL, "kind": "consult", "intent": "answer", "answer": "可网上办理", "once": token}
    assert client.post("/tickets/new/", consult)["Location"] == "/tickets/new/"
    answered = Ticket.objects.latest("id")
    assert client.post("/tickets/new/", consult)["Location"] == f"/tickets/{answered.number}/"
    assert Ticket.objects.count() == 2


def test_a_failed_call_keeps_its_token_and_can_be_sent_again(client, operator, categories):
    client.force_login(operator)
    token = once_token(client.get("/tickets/new/"))
    failed = client.post("/tickets/new/", {**CALL, "caller_phone": "12", "once": token})
    assert failed.status_code == 422 and once_token(failed) == token
    assert client.post("/tickets/new/", {**CALL, "once": token}).status_code == 302
    assert Ticket.objects.count() == 1


def test_a_bad_call_keeps_what_was_typed_and_says_why_in_chinese(client, operator, categories):
    client.force_login(operator)
    response = client.post("/tickets/new/", {**CALL, "caller_phone": "12", "intent": "register"})
    assert response.status_code == 422
    page = text(response)
    assert CALL["content"] in page
    assert 'value="幸福小区3栋"' in page
    assert 'value="12"' in page
    assert 'data-field="caller_phone"' in page
    assert not Ticket.objects.exists()


def test_dispatch_without_a_unit_writes_nothing(client, operator, categories):
    client.force_login(operator)
    response = client.post("/tickets/new/", {**CALL, "department": "", "intent": "dispatch"})
    assert response.status_code == 422
    assert 'data-field="department"' in text(response)
    assert not Ticket.objects.exists()


def test_a_failed_second_step_rolls_the_call_back(client, operator, categories):
    client.force_login(operator)
    # Answering on the spot is for consultations only: the complaint is not left registered.
    response = client.post("/tickets/new/", {**CALL, "intent": "answer", "answer": "已解答"})
    assert response.status_code == 409
    assert "只有咨询" in text(response) or "consultation" in text(response)
    assert not Ticket.objects.exists()
    assert CALL["content"] in text(response)


def test_emergency_transfer_closes_at_once(client, operator, categories):
    client.force_login(operator)
    data = {**CALL, "kind": "help", "content": "楼下有人打架", "service": "110"}
    response = client.post("/tickets/new/", {**data, "intent": "transfer"})
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.state, ticket.emergency_service) == ("transferred", "110")
    assert ticket.closed_at is not None
    assert ticket.events.filter(kind="transfer").exists()


def test_a_consultation_answered_on_the_spot(client, operator, categories):
    client.force_login(operator)
    data = {**CALL, "kind": "consult", "content": "营业执照怎么办", "category": "SCJG04"}
    response = client.post("/tickets/new/", {**data, "intent": "answer", "answer": "可网上办理"})
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.state, ticket.reply) == ("closed", "可网上办理")


def test_a_repeated_call_is_merged_into_the_earlier_ticket(client, operator, new_ticket):
    first = new_ticket(content=CALL["content"], caller_phone=CALL["caller_phone"])
    client.force_login(operator)
    response = client.post("/tickets/new/", {**CALL, "into": first.number})
    assert response.status_code == 302
    repeat = Ticket.objects.exclude(pk=first.pk).get()
    assert (repeat.state, repeat.duplicate_of) == ("merged", first)


def test_assist_suggests_from_the_rules_without_a_model(
    client, operator, categories, department, rules_only
):
    client.force_login(operator)
    RoutingRule.objects.create(
        order=2,
        keywords="路灯",
        category=Category.objects.get(code="ZFCJ04"),
        department=department,
    )
    RoutingRule.objects.create(
        order=1,
        keywords="油烟、噪音",
        category=Category.objects.get(code="STHJ02"),
        department=department,
    )
    response = client.post(
        "/tickets/new/assist/", {"content": CALL["content"], "kind": "complaint"}
    )
    page = text(response)
    assert response.status_code == 200
    assert 'data-testid="suggested-category" data-code="STHJ02"' in page
    assert 'data-testid="suggested-department" data-code="SCJ"' in page
    assert "（派单规则）" in page


def test_assist_with_the_shipped_model(client, operator, categories, settings, tmp_path):
    settings.TICKET_CLASSIFIER_PATH = tmp_path / "none.json"
    client.force_login(operator)
    response = client.post(
        "/tickets/new/assist/", {"content": "小区电梯坏了一个月，物业不管", "kind": "complaint"}
    )
    page = text(response)
    assert 'data-testid="suggested-category" data-code="ZFCJ01"' in page


def test_assist_offers_duplicates_and_knowledge_answers(client, operator, new_ticket):
    earlier = new_ticket(content=CALL["content"], caller_phone=CALL["caller_phone"])
    other = new_ticket(content="路灯不亮", caller_phone=CALL["caller_phone"])
    services.answer_on_the_spot(
        actor=operator,
        number=new_ticket(kind="consult", category="SHBZ04", content="低保怎么申请").number,
        answer="向街道提出申请，经审核后由民政局审批。",
    )
    client.force_login(operator)
    page = text(
        client.post(
            "/tickets/new/assist/",
            {"content": CALL["content"], "caller_phone": CALL["caller_phone"], "kind": "complaint"},
        )
    )
    assert f'data-testid="duplicate" data-number="{earlier.number}"' in page
    assert other.number not in page
    assert 'data-testid="answers"' not in page  # answers are for consultations
    page = text(
        client.post("/tickets/new/assist/", {"content": "请问低保怎么申请", "kind": "consult"})
    )
    assert 'data-testid="answer-hit" data-kind="answer"' in page
    assert "民政局审批" in page


def test_assist_for_nothing_typed(client, operator):
    client.force_login(operator)
    page = text(client.post("/tickets/new/assist/", {"content": "  "}))
    assert 'data-testid="assist-empty"' in page


# --- the ticket page -----------------------------------------------------------------------------


def actions(client, number) -> list[str]:
    return re.findall(r'data-testid="action-(\w+)"', text(client.get(f"/tickets/{number}/")))


def test_only_the_users_actions_are_offered(client, new_ticket, operator, unit, supervisor):
    ticket = new_ticket()
    client.force_login(operator)
    assert actions(client, ticket.number) == ["dispatch", "merge", "transfer", "close"]
    services.act(
        actor=operator, number=ticket.number, action="dispatch", data={"department": "SCJ"}
    )
    assert actions(client, ticket.number) == ["urge", "merge"]
    client.force_login(unit)
    assert actions(client, ticket.number) == ["accept", "return"]
    client.force_login(supervisor)
    assert actions(client, ticket.number) == ["investigate", "urge"]


def test_a_unit_accepts_and_replies_from_the_page(client, dispatched, unit):
    ticket = dispatched()
    client.force_login(unit)
    response = client.post(f"/tickets/{ticket.number}/act/accept/", {"version": ticket.version})
    assert response.status_code == 302
    ticket.refresh_from_db()
    response = client.post(
        f"/tickets/{ticket.number}/act/reply/", {"version": ticket.version, "result": "已整改"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.state, ticket.reply) == ("replied", "已整改")


def test_a_refused_action_keeps_the_input(client, dispatched, unit):
    ticket = dispatched()
    client.force_login(unit)
    response = client.post(f"/tickets/{ticket.number}/act/return/", {"reason": ""})
    assert response.status_code == 422
    assert 'data-action="return"' in text(response)
    response = client.post(
        f"/tickets/{ticket.number}/act/extend/", {"workdays": "3", "reason": "需要现场核查"}
    )
    assert response.status_code == 409  # not accepted yet
    assert "需要现场核查" in text(response)


def test_a_stale_version_is_refused(client, dispatched, unit):
    ticket = dispatched()
    client.force_login(unit)
    response = client.post(f"/tickets/{ticket.number}/act/accept/", {"version": ticket.version - 1})
    assert response.status_code == 409
    ticket.refresh_from_db()
    assert ticket.state == "dispatched"


def test_callback_unsatisfied_then_redo(client, dispatched, unit, operator):
    ticket = dispatched()
    services.act(actor=unit, number=ticket.number, action="accept")
    services.act(actor=unit, number=ticket.number, action="reply", data={"result": "已处理"})
    client.force_login(operator)
    response = client.post(
        f"/tickets/{ticket.number}/act/callback/",
        {"reached": "yes", "resolved": "no", "satisfaction": "unsatisfied", "note": ""},
    )
    assert response.status_code == 302
    assert "redo" in actions(client, ticket.number)
    response = client.post(f"/tickets/{ticket.number}/act/redo/", {"reason": "来电人不满意"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.state, ticket.redo_count) == ("accepted", 1)


def test_unknown_action_and_ticket_are_404(client, new_ticket, operator):
    ticket = new_ticket()
    client.force_login(operator)
    assert client.post(f"/tickets/{ticket.number}/act/explode/", {}).status_code == 404
    assert client.get("/tickets/NOPE/").status_code == 404
    assert client.get(f"/tickets/{ticket.number}/act/accept/").status_code == 405


def test_the_timeline_lists_every_step(client, dispatched, operator):
    ticket = dispatched()
    client.force_login(operator)
    page = text(client.get(f"/tickets/{ticket.number}/"))
    assert re.findall(r'data-testid="event" data-kind="(\w+)"', page) == ["create", "dispatch"]


# --- queues --------------------------------------------------------------------------------------


def test_queues_filter_and_page(client, new_ticket, operator):
    made = [new_ticket(caller_phone=f"1390000{i:04d}") for i in range(23)]
    new_ticket(kind="consult", category="SCJG04", content="营业执照怎么办")
    client.force_login(operator)
    page = text(client.get("/tickets/?queue=dispatch&kind=complaint"))
    rows = re.findall(r'data-testid="ticket-row" data-number="(\w+)"', page)
    assert rows == [t.number for t in reversed(made)][:20]
    nxt = re.search(r'href="\?([^"]+)" data-testid="next-page"', page).group(1)
    page = text(client.get("/tickets/?" + nxt.replace("&amp;", "&")))
    rows = re.findall(r'data-testid="ticket-row" data-number="(\w+)"', page)
    assert rows == [t.number for t in reversed(made)][20:]
    page = text(client.get("/tickets/?queue=dispatch&phone=13900000005"))
    assert re.findall(r'data-testid="ticket-row" data-number="(\w+)"', page) == [made[5].number]
    # A bad filter value is dropped, never an error.
    assert client.get("/tickets/?queue=nope&received_from=garbage").status_code == 200


def test_overdue_queue(client, dispatched, operator, travel):
    ticket = dispatched()
    travel(AT("2026-03-20 09:00"))
    client.force_login(operator)
    page = text(client.get("/tickets/?queue=overdue"))
    assert f'data-number="{ticket.number}"' in page
    assert 'data-testid="row-overdue"' in page


# --- knowledge base and reports ------------------------------------------------------------------


def test_knowledge_page_searches(client, operator, new_ticket):
    services.answer_on_the_spot(
        actor=operator,
        number=new_ticket(kind="consult", category="SHBZ04", content="低保怎么申请").number,
        answer="向街道提出申请。",
    )
    client.force_login(operator)
    page = text(client.get("/tickets/knowledge/?q=低保"))
    assert 'data-testid="knowledge-hit" data-kind="answer"' in page
    assert 'data-testid="no-results"' in text(client.get("/tickets/knowledge/?q=火星"))


def test_report_page_shows_the_category_table_and_charts(
    client, dispatched, supervisor, unit, travel
):
    for outcome in ("substantiated", "not"):
        ticket = dispatched()
        services.act(
            actor=supervisor, number=ticket.number, action="investigate", data={"outcome": outcome}
        )
    client.force_login(supervisor)
    page = text(client.get("/tickets/reports/?start=2026-01-01&end=2026-03-31"))
    row = re.search(r'data-testid="category-row" data-code="XNTS02">(.*?)</tr>', page).group(1)
    assert '<td class="text-end" data-testid="received">2</td>' in row
    assert '<td class="text-end" data-testid="substantiated">1</td>' in row
    assert '<td class="text-end" data-testid="rate">50.0%</td>' in row
    assert 'id="chart-data" type="application/json"' in page
    assert 'data-testid="chart-received-table"' in page
    assert "查实率" in page
    bad = client.get("/tickets/reports/?start=2026-03-31&end=2026-01-01")
    assert bad.status_code == 422


def test_reports_default_to_this_year(client, supervisor):
    client.force_login(supervisor)
    response = client.get("/tickets/reports/")
    assert response.context["start"] == dt.date(2026, 1, 1)
    assert response.context["end"] == dt.date(2026, 3, 2)


def test_a_supervisor_investigates_and_urges_within_the_roles_levels(
    client, dispatched, supervisor, operator
):
    ticket = dispatched()
    client.force_login(operator)
    page = text(client.get(f"/tickets/{ticket.number}/"))
    assert re.findall(r'<option value="(\d)"', page.split('data-testid="action-urge"')[1])[:3] == [
        "1"
    ]
    client.force_login(supervisor)
    page = text(client.get(f"/tickets/{ticket.number}/"))
    levels = re.findall(r'<option value="(\d)"', page.split('data-testid="action-urge"')[1])
    assert levels[:2] == ["1", "2"] and "3" not in levels[:3]
    response = client.post(
        f"/tickets/{ticket.number}/act/investigate/",
        {"outcome": "substantiated", "department": "", "staff": "张某", "note": "调阅记录属实"},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.investigation_outcome == "substantiated"
    assert "investigate" not in actions(client, ticket.number)
    assert f'data-number="{ticket.number}"' not in text(client.get("/tickets/?queue=investigate"))
