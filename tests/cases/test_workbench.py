"""What each role meets first: the home page's waiting work (counts equal to the lists they link
to), the 待送达 queue and its deadline, the clocks still running on the case page, the reason a
disabled 受理 gives, and the confirmation step of every legal act."""

from __future__ import annotations

import html as html_lib
import io
import re

import pytest
from django.core.management import call_command

from tests.cases.helpers import AT, applicant_payload, file_case
from tests.cases.test_staff_pages import OTHER_ITEM, other_item, page_of, rows, text_of
from zhengwu.cases import services
from zhengwu.cases.models import Case
from zhengwu.core.roles import Role

__all__ = ["other_item"]

WORK = re.compile(r'href="([^"]+)" data-testid="work-([\w-]+)" data-count="([^"]+)"')


def work(client, user) -> dict[str, tuple[str, str]]:
    """The home page's waiting work of ``user``: ``{key: (count, url)}``."""
    response, html = page_of(client, user, "/")
    assert response.status_code == 200
    return {key: (count, html_lib.unescape(url)) for url, key, count in WORK.findall(html)}


def listed(client, url: str, testid: str = "case-row") -> int:
    html = client.get(url).content.decode()
    return len(re.findall(rf'data-testid="{testid}"', html))


def granted(clerk, reviewer, **kwargs) -> Case:
    case = file_case(clerk, **kwargs)
    services.act(actor=clerk, number=case.number, action="accept")
    return services.act(
        actor=reviewer, number=case.number, action="decide", data={"outcome": "grant"}
    )


# --- home pages ----------------------------------------------------------------------------------


def test_a_clerks_home_counts_the_windows_waiting_work(
    client, item, other_item, clerk, reviewer, other_clerk, travel
):
    travel(AT("2025-09-22 09:00"))
    file_case(clerk, applicant=applicant_payload(1))
    file_case(clerk, applicant=applicant_payload(2))
    short = file_case(clerk, materials=("M01",), applicant=applicant_payload(3))
    services.act(
        actor=clerk, number=short.number, action="request_supplement", data={"missing": ["M02"]}
    )
    granted(clerk, reviewer, applicant=applicant_payload(4))
    file_case(other_clerk, item=OTHER_ITEM, applicant=applicant_payload(5))  # not theirs

    lines = work(client, clerk)
    assert lines["cases-intake"] == ("2", "/cases/?queue=intake")
    # Every section's pages lead back to this home page.
    for url in ("/cases/?queue=delivery", "/tickets/", "/ratings/", "/catalog/"):
        html = client.get(url).content.decode()
        assert 'href="/" data-testid="nav-home"' in html, url
    assert lines["cases-supplement"] == ("1", "/cases/?queue=supplement")
    assert lines["cases-delivery"] == ("1", "/cases/?queue=delivery")
    assert lines["cases-due_soon"] == ("0", "/cases/?queue=due_soon")
    assert "cases-review" not in lines
    for key, (count, url) in lines.items():
        if key.startswith("cases-"):
            assert listed(client, url) == int(count), key


def test_reviewer_head_and_supervisor_homes_count_their_queues(
    client, item, other_item, clerk, reviewer, head, supervisor, other_clerk, make_user, travel
):
    travel(AT("2025-09-22 09:00"))
    for seq in (1, 2):
        case = file_case(clerk, applicant=applicant_payload(seq))
        services.act(actor=clerk, number=case.number, action="accept")
    theirs = file_case(other_clerk, item=OTHER_ITEM, applicant=applicant_payload(3))
    services.act(actor=other_clerk, number=theirs.number, action="accept")
    suspended = file_case(clerk, applicant=applicant_payload(4))
    services.act(actor=clerk, number=suspended.number, action="accept")
    services.act(
        actor=reviewer,
        number=suspended.number,
        action="suspend",
        data={"procedure": "inspection", "reason": "送检"},
    )

    lines = work(client, reviewer)
    assert lines["cases-review"] == ("2", "/cases/?queue=review")
    assert lines["cases-overdue"][0] == "0"
    assert "cases-intake" not in lines
    assert listed(client, lines["cases-review"][1]) == 2

    lines = work(client, head)
    assert lines["cases-review"][0] == "2"
    assert lines["cases-suspended"] == ("1", "/cases/?queue=suspended")

    # Months later the sweep finds the open cases late: the watchers' homes count every department.
    travel(AT("2025-12-01 09:00"))
    call_command("supervise", "--once", stdout=io.StringIO())
    leader = make_user(Role.LEADER, username="leader_home")
    admin = make_user(Role.ADMIN, username="admin_home")
    for user in (supervisor, leader, admin):
        lines = work(client, user)
        assert lines["cases-overdue"] == ("3", "/cases/?queue=overdue"), user.username
        assert listed(client, lines["cases-overdue"][1]) == 3
    assert work(client, reviewer)["cases-overdue"][0] == "2"  # their department's only
    assert "supervision-irregularities" in work(client, supervisor)


def test_an_applicants_home_counts_their_own_cases(client, item, clerk, make_user, travel):
    travel(AT("2025-09-22 09:00"))
    citizen = make_user(Role.APPLICANT, username="citizen_home", full_name="张三")
    mine = file_case(citizen, channel="online", materials=("M01",))
    services.act(
        actor=clerk, number=mine.number, action="request_supplement", data={"missing": ["M02"]}
    )
    file_case(clerk, applicant=applicant_payload(7))  # someone else's

    lines = work(client, citizen)
    assert lines["portal-supplement"] == ("1", "/portal/")
    assert lines["portal-open"] == ("1", "/portal/")
    assert not any(key.startswith("cases-") for key in lines)


# --- 待送达 and the clocks -----------------------------------------------------------------------


def test_the_delivery_queue_shows_the_deadline_across_the_national_day(
    client, item, clerk, reviewer, travel
):
    """Granted on Monday 29 September 2025: ten working days skip 1-8 October and count the
    make-up Saturday 11 October, so delivery is due on 20 October."""
    travel(AT("2025-09-22 09:00"))
    case = file_case(clerk)
    services.act(actor=clerk, number=case.number, action="accept")
    travel(AT("2025-09-29 10:00"))
    services.act(actor=reviewer, number=case.number, action="decide", data={"outcome": "grant"})

    _response, html = page_of(client, clerk, "/cases/?queue=delivery")
    assert rows(html) == [case.number]
    assert "2025年10月20日" in text_of(html, "row-delivery-due")
    assert text_of(html, "queue-delivery-count") == "1"

    html = client.get(f"/cases/{case.number}/").content.decode()
    assert "2025年10月20日" in text_of(html, "due-delivery")
    assert 'data-testid="due-promised"' not in html  # decided: that clock has stopped

    travel(AT("2025-10-20 15:00"))
    services.act(actor=clerk, number=case.number, action="deliver", data={"method": "window"})
    _response, html = page_of(client, clerk, "/cases/?queue=delivery")
    assert rows(html) == []
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="due-delivery"' not in html


def test_the_intake_clock_leaves_the_case_page_once_accepted(client, item, clerk, travel):
    travel(AT("2025-09-22 09:00"))
    case = file_case(clerk)
    _response, html = page_of(client, clerk, f"/cases/{case.number}/")
    assert 'data-testid="due-intake"' in html
    services.act(actor=clerk, number=case.number, action="accept")
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="due-intake"' not in html
    assert 'data-testid="due-promised"' in html


def test_accept_is_disabled_with_the_reason_while_materials_are_missing(
    client, item, clerk, travel
):
    travel(AT("2025-09-22 09:00"))
    case = file_case(clerk, materials=("M01",))
    _response, html = page_of(client, clerk, f"/cases/{case.number}/")
    button = re.search(r'<button[^>]*data-testid="submit-accept"[^>]*>', html).group(0)
    assert "disabled" in button
    missing = case.item_version.materials.get(code="M02").name
    assert missing in text_of(html, "blocked-accept")
    assert "不能受理" in text_of(html, "blocked-accept")
    # The notice that asks for them stays open.
    button = re.search(r'<button[^>]*data-testid="submit-request_supplement"[^>]*>', html)
    assert "disabled" not in button.group(0)

    case = file_case(clerk, applicant=applicant_payload(2))
    html = client.get(f"/cases/{case.number}/").content.decode()
    button = re.search(r'<button[^>]*data-testid="submit-accept"[^>]*>', html).group(0)
    assert "disabled" not in button and 'data-testid="blocked-accept"' not in html


# --- confirmation of legal acts ------------------------------------------------------------------


def post(client, case, action, data, confirmed=False):
    body = {"version": case.version, **data}
    if confirmed:
        body["confirmed"] = "yes"
    return client.post(f"/cases/{case.number}/act/{action}/", body)


@pytest.mark.parametrize(
    ("action", "setup", "data", "after"),
    [
        ("accept", "submitted", {}, "accepted"),
        ("refuse", "submitted", {"reason": "不属于本机关职权范围"}, "refused"),
        ("request_supplement", "short", {"missing": ["M02"]}, "supplement_requested"),
        ("decide", "accepted", {"outcome": "grant", "reason": ""}, "granted"),
        ("deliver", "granted", {"method": "mail"}, "delivered"),
    ],
)
def test_every_legal_act_asks_for_confirmation_first(
    client, item, clerk, reviewer, travel, action, setup, data, after
):
    travel(AT("2025-09-22 09:00"))
    case = file_case(clerk, materials=("M01",) if setup == "short" else ("M01", "M02"))
    if setup in ("accepted", "granted"):
        case = services.act(actor=clerk, number=case.number, action="accept")
    if setup == "granted":
        case = services.act(
            actor=reviewer, number=case.number, action="decide", data={"outcome": "grant"}
        )
    actor = reviewer if action == "decide" else clerk
    client.force_login(actor)

    response = post(client, case, action, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="confirm-form"' in html
    assert f'action="/cases/{case.number}/act/{action}/"' in html
    assert 'name="confirmed" value="yes"' in html
    for name, value in data.items():
        for one in value if isinstance(value, list) else [value]:
            assert f'name="{name}" value="{one}"' in html
    assert Case.objects.get(pk=case.pk).state == setup.replace("short", "submitted")

    response = post(client, case, action, data, confirmed=True)
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == after


def test_a_form_with_errors_is_shown_again_not_confirmed(client, item, clerk, reviewer, travel):
    travel(AT("2025-09-22 09:00"))
    case = file_case(clerk)
    case = services.act(actor=clerk, number=case.number, action="accept")
    client.force_login(reviewer)
    response = post(client, case, "decide", {"outcome": "maybe"})
    assert response.status_code == 422
    assert 'data-testid="confirm-form"' not in response.content.decode()
    # Confirmed, a refusal by the services (a denial needs reasons) comes back on the case page.
    response = post(client, case, "decide", {"outcome": "deny", "reason": ""}, confirmed=True)
    assert response.status_code == 422
    assert 'data-testid="action-error"' in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == "accepted"
