"""The disclosure pages: the public request form (logged in or not, kept on error, rate-limited,
the receipt date with its basis), the follow-up by number and phone with its supplement, the
office's queues, registration, request page, actions with confirmation, and documents; and who
sees what."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from tests.disclosure.conftest import AT, applicant, file
from tests.factories import valid_id_number, valid_uscc
from zhengwu.core.roles import Role
from zhengwu.disclosure import services
from zhengwu.disclosure.models import DisclosureRequest

pytestmark = pytest.mark.django_db

FORM = {
    "applicant_kind": "person",
    "name": "张三",
    "id_number": valid_id_number(1),
    "phone": "13800138000",
    "address": "杭州市西湖区文三路1号",
    "description": "2025年本区老旧小区改造项目的资金安排文件",
    "document_number": "",
    "form": "electronic",
    "delivery": "email",
}


@pytest.fixture(autouse=True)
def _now(travel, department, other_department):
    travel(AT("2026-03-02 09:00"))
    cache.clear()


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def confirm(client, url, data):
    """Post an action, then its confirmation step when it asks for one."""
    response = client.post(url, data)
    if response.status_code == 200 and b'data-testid="confirm-step"' in response.content:
        response = client.post(url, {**data, "confirmed": "yes"})
    return response


# --- the public request form ----------------------------------------------------------------------


def test_anyone_files_online_and_sees_the_receipt_date_with_its_basis(client):
    assert client.get("/disclosure/apply/").status_code == 200
    response = client.post("/disclosure/apply/", FORM)
    item = DisclosureRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/disclosure/apply/{item.number}/"
    assert (item.channel, item.owner, item.applicant_type) == ("internet", None, "person")
    page = text(client.get(response["Location"]))
    assert item.number in page
    assert 'data-date="2026-03-02"' in page and "2026年3月2日" in page
    assert "第三十一条" in page  # the basis names its article
    assert 'data-testid="reply-due" data-date="2026-03-30"' in page


def test_an_organisation_gives_its_type_and_credit_code(client):
    data = {**FORM, "applicant_kind": "organization", "organization_type": "research"}
    data.update(id_number="", uscc=valid_uscc(3), name="某研究所")
    assert client.post("/disclosure/apply/", data).status_code == 302
    item = DisclosureRequest.objects.get()
    assert (item.applicant_type, item.uscc, item.id_number) == ("research", valid_uscc(3), "")


def test_a_bad_id_number_keeps_what_was_typed_and_says_why_in_chinese(client):
    response = client.post("/disclosure/apply/", {**FORM, "id_number": "110101199003074515"})
    assert response.status_code == 422
    page = text(response)
    assert FORM["description"] in page and 'value="杭州市西湖区文三路1号"' in page
    assert 'data-field="id_number"' in page and "校验" in page
    assert not DisclosureRequest.objects.exists()


def test_an_organisation_without_its_type_is_refused(client):
    data = {**FORM, "applicant_kind": "organization", "uscc": valid_uscc(2), "id_number": ""}
    response = client.post("/disclosure/apply/", data)
    assert response.status_code == 422
    assert not DisclosureRequest.objects.exists()


def test_the_same_form_sent_twice_files_one_request(client):
    page = client.get("/disclosure/apply/").content.decode()
    token = re.search(r'name="once" value="([^"]+)"', page).group(1)
    client.post("/disclosure/apply/", {**FORM, "once": token})
    again = client.post("/disclosure/apply/", {**FORM, "once": token})
    item = DisclosureRequest.objects.get()
    assert again["Location"] == f"/disclosure/apply/{item.number}/"


def test_the_form_is_rate_limited_per_address(client):
    for _ in range(10):
        client.post("/disclosure/apply/", {**FORM, "description": ""})
    response = client.post("/disclosure/apply/", FORM)
    assert response.status_code == 429
    assert FORM["description"] in text(response)


def test_a_logged_in_applicant_finds_their_details_and_their_requests(client, citizen):
    from zhengwu.accounts.models import Applicant

    Applicant.objects.create(
        kind="person",
        name="张三",
        id_number=valid_id_number(1),
        phone="13800138000",
        user=citizen,
        created_at=AT("2026-01-01 09:00"),
    )
    client.force_login(citizen)
    page = text(client.get("/disclosure/apply/"))
    assert f'value="{valid_id_number(1)}"' in page and 'value="13800138000"' in page
    client.post("/disclosure/apply/", FORM)
    item = DisclosureRequest.objects.get()
    assert item.owner == citizen
    mine = text(client.get("/disclosure/mine/"))
    assert f'data-testid="mine-row" data-number="{item.number}"' in mine
    assert client.get(f"/disclosure/follow/{item.number}/").status_code == 200


def test_the_receipt_page_is_only_for_the_browser_that_filed(client):
    item = file(None)
    assert client.get(f"/disclosure/apply/{item.number}/").status_code == 404


# --- following a request --------------------------------------------------------------------------


def test_follow_by_number_and_phone_then_supplement(client, office):
    item = file(None)
    services.act(
        actor=office,
        number=item.number,
        action="request-supplement",
        data={"items": "请写明小区名称", "period_workdays": 10},
    )
    wrong = client.post("/disclosure/follow/", {"number": item.number, "phone": "13900000000"})
    assert wrong.status_code == 404
    assert client.get(f"/disclosure/follow/{item.number}/").status_code == 404
    found = client.post("/disclosure/follow/", {"number": item.number, "phone": "13800138000"})
    assert found["Location"] == f"/disclosure/follow/{item.number}/"
    page = text(client.get(found["Location"]))
    assert 'data-testid="supplement-form"' in page and "请写明小区名称" in page
    assert 'data-kind="supplement_notice"' in page
    assert "510************" not in page  # the number itself is not on the public page
    refused = client.post(f"/disclosure/follow/{item.number}/supplement/", {"note": ""})
    assert refused.status_code == 422
    client.post(f"/disclosure/follow/{item.number}/supplement/", {"note": "幸福小区"})
    item.refresh_from_db()
    assert item.state == "in_progress"
    last = item.events.order_by("-seq").first()
    assert (last.kind, last.actor, last.data["note"]) == ("supplement", None, "幸福小区")
    page = text(client.get(f"/disclosure/follow/{item.number}/"))
    assert 'data-testid="supplement-form"' not in page
    assert 'data-testid="clock-restarted"' in page


def test_follow_is_rate_limited(client):
    item = file(None)
    for _ in range(10):
        client.post("/disclosure/follow/", {"number": item.number, "phone": "1"})
    response = client.post("/disclosure/follow/", {"number": item.number, "phone": "13800138000"})
    assert response.status_code == 429


def test_the_public_sees_the_notices_to_the_applicant_not_the_consultation_letter(client, office):
    item = file(None)
    services.act(actor=office, number=item.number, action="route", data={"department": "SCJ"})
    services.act(
        actor=office,
        number=item.number,
        action="consult",
        data={"kind": "third_party", "party": "某公司"},
    )
    client.post("/disclosure/follow/", {"number": item.number, "phone": "13800138000"})
    page = text(client.get(f"/disclosure/follow/{item.number}/"))
    assert 'data-kind="consultation"' not in page
    letter = item.documents.get().number
    assert client.get(f"/disclosure/follow/{item.number}/documents/{letter}").status_code == 404


# --- the office -----------------------------------------------------------------------------------


def test_only_the_office_and_the_watchers_open_the_office_pages(client, citizen, make_user):
    assert client.get("/disclosure/").status_code == 302  # to the login
    client.force_login(citizen)
    assert client.get("/disclosure/").status_code == 403
    client.force_login(make_user(Role.WINDOW_CLERK, username="clerk_x"))
    assert client.get("/disclosure/").status_code == 403
    client.force_login(make_user(Role.SUPERVISOR, username="sup_x"))
    assert client.get("/disclosure/").status_code == 200


def test_a_department_officer_sees_its_own_department_only(
    client, office, scj_officer, zjj_officer
):
    mine = file(None)
    theirs = file(None, who=applicant(2))
    services.act(actor=office, number=mine.number, action="route", data={"department": "SCJ"})
    services.act(actor=office, number=theirs.number, action="route", data={"department": "ZJJ"})
    client.force_login(scj_officer)
    page = text(client.get("/disclosure/?queue=all"))
    assert f'data-number="{mine.number}"' in page
    assert f'data-number="{theirs.number}"' not in page
    assert client.get(f"/disclosure/requests/{theirs.number}/").status_code == 404
    assert client.get(f"/disclosure/requests/{mine.number}/").status_code == 200
    client.force_login(office)
    page = text(client.get("/disclosure/?queue=all"))
    assert f'data-number="{mine.number}"' in page and f'data-number="{theirs.number}"' in page


def test_the_queues_name_the_applicant_and_mask_the_id(client, office):
    item = file(None)
    client.force_login(office)
    page = text(client.get("/disclosure/"))  # 待登记 first
    assert f'data-number="{item.number}"' in page and "张三" in page
    assert valid_id_number(1) not in page
    assert valid_id_number(1)[:3] + "*" in page
    assert 'data-testid="pager-total" data-total="1"' in page
    empty = text(client.get("/disclosure/?queue=supplement"))
    assert f'data-number="{item.number}"' not in empty
    filtered = text(client.get("/disclosure/?queue=all&name=李四"))
    assert f'data-number="{item.number}"' not in filtered


def test_overdue_and_due_soon_queues(client, office, travel):
    item = file(None)
    services.act(actor=office, number=item.number, action="route", data={"department": "SCJ"})
    travel(AT("2026-03-27 09:00"))  # the reply is due on 30 March
    services.refresh(number=item.number)
    client.force_login(office)
    assert f'data-number="{item.number}"' in text(client.get("/disclosure/?queue=due_soon"))
    travel(AT("2026-03-31 09:00"))
    services.refresh(number=item.number)
    client.force_login(office)
    page = text(client.get("/disclosure/?queue=overdue"))
    assert f'data-number="{item.number}"' in page and 'data-testid="row-overdue"' in page


def test_the_office_registers_a_letter_with_the_stated_time(client, office):
    client.force_login(office)
    data = {
        **FORM,
        "channel": "post_signed",
        "received_at": "2026-02-27T10:00",
    }
    response = client.post("/disclosure/register/", data)
    assert response.status_code == 302, text(response)
    item = DisclosureRequest.objects.get()
    assert (item.channel, item.received_on.isoformat()) == ("post_signed", "2026-02-27")
    assert item.owner is None and item.created_by == office
    page = text(client.get(response["Location"]))
    assert valid_id_number(1) in page  # the handler sees it whole


def test_registration_keeps_what_was_typed(client, office):
    client.force_login(office)
    response = client.post("/disclosure/register/", {**FORM, "channel": "fax", "received_at": ""})
    assert response.status_code == 422
    assert FORM["description"] in text(response)


def test_the_request_page_shows_the_clocks_in_words_with_their_basis(client, office, head):
    item = file(None)
    services.act(actor=office, number=item.number, action="route", data={"department": "SCJ"})
    services.act(
        actor=head,
        number=item.number,
        action="extend",
        data={"workdays": 10, "reason": "涉及多个年度档案"},
    )
    client.force_login(office)
    page = text(client.get(f"/disclosure/requests/{item.number}/"))
    assert 'data-testid="clock-received"' in page and 'data-testid="clock-reply-due"' in page
    assert 'data-testid="clock-extension"' in page and "10个工作日" in page
    assert "第三十三条" in page
    assert 'data-kind="extension_notice"' in page
    # The officer who is not the head is not offered the extension.
    assert 'data-testid="action-extend"' not in page
    client.force_login(head)
    page = text(client.get(f"/disclosure/requests/{item.number}/"))
    assert 'data-testid="action-route"' in page


def test_a_legal_act_asks_for_confirmation_first(client, office):
    item = file(None)
    client.force_login(office)
    url = f"/disclosure/requests/{item.number}/act/request-supplement/"
    data = {"items": "请写明年份", "period_workdays": "10", "version": str(item.version)}
    first = client.post(url, data)
    assert first.status_code == 200 and b'data-testid="confirm-step"' in first.content
    item.refresh_from_db()
    assert item.state == "received"
    done = client.post(url, {**data, "confirmed": "yes"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.state == "awaiting_supplement"


def test_a_refused_step_is_shown_in_chinese_with_what_was_typed(client, office):
    item = file(None)
    services.act(
        actor=office,
        number=item.number,
        action="request-supplement",
        data={"items": "请写明年份", "period_workdays": 10},
    )
    services.act(actor=office, number=item.number, action="supplement", data={"note": "2025年"})
    client.force_login(office)
    url = f"/disclosure/requests/{item.number}/act/request-supplement/"
    item.refresh_from_db()
    data = {"items": "再次补正", "period_workdays": "5", "version": str(item.version)}
    response = client.post(url, {**data, "confirmed": "yes"})
    assert response.status_code in (403, 409)
    page = text(response)
    assert 'data-testid="problems"' in page and "再次补正" in page


def test_a_stale_page_is_refused(client, office):
    item = file(None)
    client.force_login(office)
    url = f"/disclosure/requests/{item.number}/act/route/"
    stale = str(item.version)
    services.act(actor=office, number=item.number, action="route", data={"department": "SCJ"})
    response = client.post(url, {"department": "ZJJ", "version": stale})
    assert response.status_code == 409


def test_reply_partially_with_the_reply_letter_in_word(client, office):
    import io

    import docx

    item = file(None)
    services.act(actor=office, number=item.number, action="route", data={"department": "SCJ"})
    client.force_login(office)
    item.refresh_from_db()
    response = confirm(
        client,
        f"/disclosure/requests/{item.number}/act/reply/",
        {"type": "partial", "text": "第三方商业秘密部分不予公开", "version": str(item.version)},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.result) == ("replied", "partial")
    page = text(client.get(f"/disclosure/requests/{item.number}/"))
    assert 'data-testid="clock-completed"' in page and "按期" in page
    letter = item.documents.get(kind="reply").number
    view = client.get(f"/disclosure/requests/{item.number}/documents/{letter}")
    assert view.status_code == 200
    word = client.get(f"/disclosure/requests/{item.number}/documents/{letter}.docx")
    assert word["Content-Type"].startswith("application/vnd.openxmlformats")
    paragraphs = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert item.number in paragraphs


def test_a_reason_of_another_result_is_refused(client, office):
    item = file(None)
    services.act(actor=office, number=item.number, action="route", data={"department": "SCJ"})
    client.force_login(office)
    item.refresh_from_db()
    response = client.post(
        f"/disclosure/requests/{item.number}/act/reply/",
        {"type": "withheld", "reason": "unavailable:1", "version": str(item.version)},
    )
    assert response.status_code == 422
    assert 'data-field="reason"' in text(response)


def test_one_click_turns_a_complaint_into_a_hotline_ticket(client, office):
    from zhengwu.tickets.models import Ticket

    services_seed()
    item = file(None)
    client.force_login(office)
    response = confirm(
        client,
        f"/disclosure/requests/{item.number}/act/to-ticket/",
        {"kind": "complaint", "version": str(item.version)},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.result, item.result_reason) == ("not_handled", 1)
    assert Ticket.objects.filter(pk=item.ticket_id).exists()


def services_seed():
    from zhengwu.tickets import services as tickets

    tickets.seed_ticket_categories()


def test_an_applicant_sees_only_their_own_requests(client, citizen, stranger):
    client.force_login(citizen)
    client.post("/disclosure/apply/", FORM)
    item = DisclosureRequest.objects.get()
    client.force_login(stranger)
    assert client.get(f"/disclosure/follow/{item.number}/").status_code == 404
    assert f'data-number="{item.number}"' not in text(client.get("/disclosure/mine/"))
    assert client.get(f"/disclosure/requests/{item.number}/").status_code == 403


def test_the_follower_downloads_the_notice_with_the_id_masked(client, office):
    import io

    import docx

    item = file(None)
    services.act(
        actor=office,
        number=item.number,
        action="request-supplement",
        data={"items": "请写明年份", "period_workdays": 10},
    )
    letter = item.documents.get().number
    url = f"/disclosure/follow/{item.number}/documents/{letter}"
    assert client.get(url).status_code == 404  # not followed from this browser yet
    client.post("/disclosure/follow/", {"number": item.number, "phone": "13800138000"})
    assert client.get(url).status_code == 200
    word = client.get(url + ".docx")
    document = docx.Document(io.BytesIO(word.content))
    cells = " ".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    texts = " ".join(p.text for p in document.paragraphs) + cells
    assert "请写明年份" in texts and valid_id_number(1) not in texts


def test_a_watcher_sees_the_request_masked_and_takes_no_step(client, office, make_user):
    item = file(None)
    client.force_login(make_user(Role.LEADER, username="leader_x"))
    page = text(client.get(f"/disclosure/requests/{item.number}/"))
    assert valid_id_number(1) not in page and 'data-testid="no-actions"' in page


def test_the_reply_is_delivered_from_the_to_deliver_queue(client, office):
    item = file(None)
    services.act(actor=office, number=item.number, action="route", data={"department": "SCJ"})
    services.act(actor=office, number=item.number, action="reply", data={"type": "disclosed"})
    client.force_login(office)
    assert f'data-number="{item.number}"' in text(client.get("/disclosure/?queue=to_deliver"))
    item.refresh_from_db()
    response = confirm(
        client,
        f"/disclosure/requests/{item.number}/act/deliver/",
        {"method": "email", "version": str(item.version)},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == "delivered"


def test_the_pages_speak_chinese(client, office):
    item = file(None)
    client.force_login(office)
    page = text(client.get(f"/disclosure/requests/{item.number}/"))
    for words in ("告知补正", "转交承办部门", "转为热线工单", "办理时限", "依据"):
        assert words in page
    for english in ("Ask for a supplement", "Reply due by", "Basis"):
        assert english not in page
