"""The citizen's pages: a request sent from the web or a phone, their list, following a ticket by
number and phone without login (rate-limited), and the public monthly statistics."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from tests.cases.helpers import AT
from zhengwu.tickets import services
from zhengwu.tickets.models import Ticket

pytestmark = pytest.mark.django_db

REQUEST = {
    "kind": "complaint",
    "category": "STHJ01",
    "content": "工地晚上十一点还在施工，噪音太大",
    "address": "建设路8号",
    "caller_phone": "13700001111",
    "caller_name": "张三",
}


@pytest.fixture(autouse=True)
def _now(travel, categories, department):
    travel(AT("2026-03-02 09:00"))
    cache.clear()


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_citizen_sends_a_request_from_the_web(client, citizen):
    client.force_login(citizen)
    assert client.get("/tickets/submit/").status_code == 200
    response = client.post("/tickets/submit/", REQUEST)
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.owner, ticket.state) == ("web", citizen, "received")
    page = text(client.get("/tickets/mine/"))
    assert f'data-testid="my-ticket" data-number="{ticket.number}"' in page


def test_a_request_sent_twice_makes_one_ticket(client, citizen):
    client.force_login(citizen)
    page = client.get("/tickets/submit/").content.decode()
    token = re.search(r'name="once" value="([^"]+)"', page).group(1)
    client.post("/tickets/submit/", {**REQUEST, "once": token})
    again = client.post("/tickets/submit/", {**REQUEST, "once": token}, follow=True)
    ticket = Ticket.objects.get()
    assert again.redirect_chain[0][0] == "/tickets/mine/"
    assert f"这张表已经提交过，即工单 {ticket.number}" in text(again)


def test_from_a_phone_the_channel_is_mobile(client, citizen):
    client.force_login(citizen)
    client.post("/tickets/submit/", REQUEST, HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Mobile/15E148")
    assert Ticket.objects.get().channel == "mobile"


def test_a_bad_request_keeps_what_was_typed(client, citizen):
    client.force_login(citizen)
    response = client.post("/tickets/submit/", {**REQUEST, "caller_phone": "abc"})
    assert response.status_code == 422
    page = text(response)
    assert REQUEST["content"] in page and 'value="建设路8号"' in page
    assert "请输入有效的电话号码" in page or "phone" in page
    assert not Ticket.objects.exists()


def test_only_applicants_submit_and_see_their_own(client, citizen, operator, make_user, new_ticket):
    client.force_login(operator)
    assert client.get("/tickets/submit/").status_code == 403
    other = make_user("applicant", username="citizen2")
    client.force_login(citizen)
    client.post("/tickets/submit/", REQUEST)
    desk_ticket = new_ticket()
    client.force_login(other)
    page = text(client.get("/tickets/mine/"))
    assert 'data-testid="my-ticket"' not in page
    assert desk_ticket.number not in page


def test_follow_without_login(client, new_ticket, operator):
    ticket = new_ticket(caller_name="王小明", caller_phone="13800138000")
    services.act(
        actor=operator, number=ticket.number, action="dispatch", data={"department": "SCJ"}
    )
    response = client.post("/tickets/follow/", {"number": ticket.number, "phone": "138 0013 8000"})
    assert response.status_code == 200
    page = text(response)
    assert (
        f'data-testid="follow-result" data-number="{ticket.number}" data-state="dispatched"' in page
    )
    assert "王小明" not in page  # masked
    assert "13800138000" not in page


def test_follow_never_says_which_part_was_wrong(client, new_ticket):
    ticket = new_ticket()
    for data in (
        {"number": ticket.number, "phone": "13900000000"},
        {"number": "20260302999", "phone": "13800138000"},
    ):
        response = client.post("/tickets/follow/", data)
        assert response.status_code == 404
        assert 'data-code="not_found"' in text(response)
    assert client.post("/tickets/follow/", {"number": "", "phone": ""}).status_code == 422


def test_follow_is_rate_limited(client, new_ticket):
    ticket = new_ticket()
    for _ in range(10):
        client.post("/tickets/follow/", {"number": ticket.number, "phone": "1"})
    response = client.post("/tickets/follow/", {"number": ticket.number, "phone": "13800138000"})
    assert response.status_code == 429
    assert 'data-code="rate_limited"' in text(response)


def test_public_statistics_need_no_login_and_show_no_personal_data(client, new_ticket):
    new_ticket(caller_name="王小明")
    new_ticket(kind="consult", category="SCJG04", content="营业执照怎么办")
    response = client.get("/tickets/stats/")
    assert response.status_code == 200
    page = text(response)
    row = re.search(r'data-testid="stats-row" data-month="2026-03">(.*?)</tr>', page).group(1)
    assert '<td class="text-end" data-testid="received">2</td>' in row
    assert "王小明" not in page and "13800138000" not in page
    assert 'id="stats-data" type="application/json"' in page
    assert len(re.findall(r'data-testid="stats-row"', page)) == 12


def test_the_public_home_page_leads_to_following_and_statistics(client):
    page = text(client.get("/"))
    assert 'href="/tickets/follow/"' in page and 'href="/tickets/stats/"' in page
    assert "诉求查询" in page
