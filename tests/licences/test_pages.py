"""The licence register's pages: the staff search (filters, pages, total, masked numbers) and the
applicant's 我的证照."""

from __future__ import annotations

import pytest

from tests.cases.helpers import AT, applicant_payload
from tests.factories import valid_id_number
from tests.licences.test_licences import granted_case, licensing  # noqa: F401
from zhengwu.core.identity import mask_id
from zhengwu.core.roles import Role


@pytest.fixture
def issued(licensing, clerk, reviewer, travel):  # noqa: F811
    first = granted_case(clerk, reviewer, travel, seq=1)
    second = granted_case(clerk, reviewer, travel, seq=2)
    return first, second


def rows(response) -> list[str]:
    import re

    return re.findall(r'data-testid="licence-row" data-number="([^"]+)"', response.content.decode())


def test_staff_search_the_register(client, issued, clerk, make_user, other_department, travel):
    travel(AT("2026-09-01 09:00"))
    first, second = issued
    client.force_login(clerk)
    page = client.get("/licences/register/")
    assert page.status_code == 200
    assert rows(page) == [f"YYZZ-{second.number}", f"YYZZ-{first.number}"]
    assert 'data-total="2"' in page.content.decode()
    # the issuing department's clerk handles the cases: numbers in full
    assert valid_id_number(1) in page.content.decode()
    assert rows(client.get("/licences/register/", {"holder": valid_id_number(1)})) == [
        f"YYZZ-{first.number}"
    ]
    found = client.get("/licences/register/", {"number": f"YYZZ-{second.number}"})
    assert rows(found) == [f"YYZZ-{second.number}"]
    assert rows(client.get("/licences/register/", {"type": "YYZZ", "validity": "valid"})) == [
        f"YYZZ-{second.number}",
        f"YYZZ-{first.number}",
    ]
    assert rows(client.get("/licences/register/", {"validity": "expired"})) == []
    assert client.get("/licences/register/", {"validity": "purple"}).status_code == 422
    # another department's reviewer sees the holder masked
    zjj = make_user(Role.REVIEWER, department=other_department, username="rev_zjj2")
    client.force_login(zjj)
    page = client.get("/licences/register/").content.decode()
    assert valid_id_number(1) not in page and mask_id(valid_id_number(1)) in page
    supervisor = make_user(Role.SUPERVISOR, username="sup_lic")
    client.force_login(supervisor)
    assert valid_id_number(1) not in client.get("/licences/register/").content.decode()


def test_the_register_pages_newest_first(client, issued, clerk, monkeypatch):
    import re

    from zhengwu.licences import views

    first, second = issued
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    client.force_login(clerk)
    page = client.get("/licences/register/", {"type": "YYZZ"})
    assert rows(page) == [f"YYZZ-{second.number}"]
    html = page.content.decode()
    assert 'data-total="2"' in html
    [query] = re.findall(r'href="\?([^"]+)" data-testid="next-page"', html)
    following = client.get("/licences/register/?" + query.replace("&amp;", "&"))
    assert rows(following) == [f"YYZZ-{first.number}"]
    assert "type=YYZZ" in query  # the filters are kept


def test_the_register_is_for_staff(client, issued, make_user):
    citizen = make_user(Role.APPLICANT, username="cit_lic")
    client.force_login(citizen)
    assert client.get("/licences/register/").status_code == 403


def test_my_licences(client, licensing, clerk, reviewer, make_user, travel):  # noqa: F811
    citizen = make_user(Role.APPLICANT, username="cit_mine", full_name="张三")
    travel(AT("2026-03-02 09:00"))
    from zhengwu.cases import services as case_services
    from zhengwu.cases.services import ApplicantInput

    case = case_services.submit(
        actor=citizen,
        item="11330100SCJ-XK-0001",
        channel="online",
        applicant=ApplicantInput(**applicant_payload(5)),
        materials=["M01", "M02"],
    )
    case_services.act(actor=clerk, number=case.number, action="accept", data={})
    travel(AT("2026-03-10 09:00"))
    case_services.act(
        actor=reviewer, number=case.number, action="decide", data={"outcome": "grant"}
    )
    granted_case(clerk, reviewer, travel, seq=6)  # someone else's
    client.force_login(citizen)
    page = client.get("/licences/mine/").content.decode()
    assert page.count('data-testid="my-licence"') == 1
    assert f"YYZZ-{case.number}" in page
    assert "2031年3月9日" in page  # valid to
    travel(AT("2031-03-10 09:00"))
    page = client.get("/licences/mine/").content.decode()
    assert 'data-testid="my-licence"' not in page
    client.force_login(clerk)
    assert client.get("/licences/mine/").status_code == 403
