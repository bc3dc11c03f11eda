"""The staff case pages: workbench, window application, case page and its action forms."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from tests.cases.helpers import AT, applicant_payload, file_case
from tests.catalog.builders import item_dict
from tests.factories import valid_id_number
from zhengwu.cases import services
from zhengwu.cases.models import Case, CaseFile
from zhengwu.catalog import services as catalog_services
from zhengwu.core import clock

pytestmark = pytest.mark.django_db

ITEM = "11330100SCJ-XK-0001"
OTHER_ITEM = "11330100ZJJ-XK-0001"


@pytest.fixture
def other_item(item, other_department):
    catalog_services.import_items(
        [item_dict(impl_code=OTHER_ITEM, department="ZJJ", name="建筑工程施工许可")],
        valid_from=dt.date(2025, 1, 1),
    )


def page_of(client, user, url):
    client.force_login(user)
    response = client.get(url)
    return response, response.content.decode()


class _Text(HTMLParser):
    """The text of the first element with a given data-testid, nested elements included."""

    VOID = {"input", "br", "img", "meta", "link", "hr"}

    def __init__(self, name: str):
        super().__init__()
        self.name, self.depth, self.done, self.parts = name, 0, False, []

    def handle_starttag(self, tag, attrs):
        if self.done or tag in self.VOID:
            return
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("data-testid") == self.name:
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth and tag not in self.VOID:
            self.depth -= 1
            self.done = self.done or self.depth == 0

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def text_of(html: str, name: str) -> str:
    parser = _Text(name)
    parser.feed(html)
    assert parser.done, f"no element {name}"
    return " ".join(" ".join(parser.parts).split())


def rows(html: str) -> list[str]:
    return re.findall(r'data-testid="case-row" data-number="(\d+)"', html)


def act(client, user, case, action, data=None, version=None, confirm=True):
    client.force_login(user)
    body = {"version": case.version if version is None else version, **(data or {})}
    if confirm:
        body["confirmed"] = "yes"
    return client.post(f"/cases/{case.number}/act/{action}/", body)


# --- the workbench -------------------------------------------------------------------------------


def test_workbench_queues_per_role_and_department(
    client, item, other_item, clerk, reviewer, other_clerk, supervisor, travel
):
    travel(AT("2025-09-30 10:00"))
    waiting = file_case(clerk, applicant=applicant_payload(1))
    accepted = file_case(clerk, applicant=applicant_payload(2))
    services.act(actor=clerk, number=accepted.number, action="accept")
    theirs = file_case(other_clerk, item=OTHER_ITEM, applicant=applicant_payload(3))

    response, html = page_of(client, clerk, "/cases/")  # a clerk opens on intake
    assert response.status_code == 200
    assert rows(html) == [waiting.number]
    assert text_of(html, "queue-intake-count") == "1"
    assert text_of(html, "queue-review-count") == "1"
    assert text_of(html, "queue-done-count") == "0"
    assert 'data-testid="new-case-link"' in html

    response, html = page_of(client, clerk, "/cases/?queue=review")
    assert rows(html) == [accepted.number]

    response, html = page_of(client, reviewer, "/cases/")  # a reviewer opens on review
    assert rows(html) == [accepted.number]
    assert 'data-testid="new-case-link"' not in html
    # The applicant's number is shown in full to the department's staff.
    assert applicant_payload(2)["id_number"] in html

    response, html = page_of(client, other_clerk, "/cases/?queue=intake")
    assert rows(html) == [theirs.number]
    assert text_of(html, "queue-review-count") == "0"
    assert waiting.number not in html

    # A supervisor sees every department, read only, with the applicants masked.
    response, html = page_of(client, supervisor, "/cases/?queue=intake")
    assert set(rows(html)) == {waiting.number, theirs.number}
    assert 'data-testid="read-only"' in html
    assert applicant_payload(1)["id_number"] not in html
    assert applicant_payload(1)["id_number"][-4:] in html
    response, html = page_of(client, supervisor, "/cases/?queue=intake&department=ZJJ")
    assert rows(html) == [theirs.number]


def test_workbench_filters(client, item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    first = file_case(clerk, applicant=applicant_payload(1))
    travel(AT("2025-10-09 10:00"))
    second = file_case(clerk, applicant=applicant_payload(2))
    client.force_login(clerk)
    html = client.get(f"/cases/?queue=intake&number={first.number}").content.decode()
    assert rows(html) == [first.number]
    person = applicant_payload(2)["id_number"]
    html = client.get(f"/cases/?queue=intake&applicant={person}").content.decode()
    assert rows(html) == [second.number]
    html = client.get("/cases/?queue=intake&received_from=2025-10-01").content.decode()
    assert rows(html) == [second.number]
    html = client.get("/cases/?queue=intake&received_to=2025-10-01").content.decode()
    assert rows(html) == [first.number]
    html = client.get(f"/cases/?queue=intake&item={ITEM}&received_from=bad").content.decode()
    assert rows(html) == [second.number, first.number]


def test_workbench_pages_with_after(client, item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    cases = [file_case(clerk, applicant=applicant_payload(seq)) for seq in range(1, 24)]
    newest_first = [c.number for c in reversed(cases)]
    client.force_login(clerk)
    html = client.get("/cases/?queue=intake").content.decode()
    assert rows(html) == newest_first[:20]
    assert 'data-testid="previous-page"' not in html
    link = re.search(r'href="\?([^"]+)" data-testid="next-page"', html).group(1)
    assert "after=" in link
    html = client.get("/cases/?" + link.replace("&amp;", "&")).content.decode()
    assert rows(html) == newest_first[20:]
    assert 'data-testid="next-page"' not in html
    back = re.search(r'href="\?([^"]*)" data-testid="previous-page"', html).group(1)
    assert "after=" not in back
    html = client.get("/cases/?" + back.replace("&amp;", "&")).content.decode()
    assert rows(html) == newest_first[:20]
    # A cursor that is not ours is the first page.
    html = client.get("/cases/?queue=intake&after=%%%").content.decode()
    assert rows(html) == newest_first[:20]


def test_only_staff_open_the_workbench(client, item, citizen):
    client.force_login(citizen)
    assert client.get("/cases/").status_code == 403
    client.logout()
    response = client.get("/cases/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the case page -------------------------------------------------------------------------------


def test_case_page_shows_dates_materials_and_timeline(client, item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    case = file_case(clerk, materials=["M01"])
    response, html = page_of(client, clerk, f"/cases/{case.number}/")
    assert response.status_code == 200
    assert 'data-state="submitted"' in html
    assert "2025年10月14日" in text_of(html, "due-intake")
    assert 'data-testid="material-M02" data-handed-in="no"' in html
    assert 'data-testid="material-M01" data-handed-in="yes"' in html
    assert "营业执照复印件" in text_of(html, "missing-required")
    assert 'data-testid="event-1"' in html
    # The intake forms a clerk may use now, and the one-time notice pre-ticks what is missing.
    for action in ("request_supplement", "refuse", "withdraw"):
        assert f'data-testid="action-{action}"' in html
    assert 'data-testid="action-decide"' not in html
    assert re.search(r'name="missing" value="M02"[^>]*checked', html)
    assert not re.search(r'name="missing" value="M03"[^>]*checked', html)


def test_another_departments_case_is_not_found(
    client, item, other_item, clerk, other_clerk, travel
):
    travel(AT("2025-09-30 10:00"))
    case = file_case(clerk)
    client.force_login(other_clerk)
    assert client.get(f"/cases/{case.number}/").status_code == 404
    assert client.get("/cases/0000/").status_code == 404
    assert act(client, other_clerk, case, "accept").status_code == 404
    assert Case.objects.get(pk=case.pk).state == "submitted"


def test_accept_then_decide_and_deliver(client, item, clerk, reviewer, travel):
    travel(AT("2025-09-30 10:00"))
    case = file_case(clerk)
    travel(AT("2025-10-09 09:30"))
    response = act(client, clerk, case, "accept")
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.number}/"
    case.refresh_from_db()
    assert case.state == "accepted"
    html = client.get(response["Location"]).content.decode()
    assert 'data-state="accepted"' in html
    assert "2025年10月22日" in text_of(html, "due-promised")
    assert "2025年11月5日" in text_of(html, "due-statutory")
    assert 'data-testid="event-2-notice"' in html
    assert 'class="alert alert-success' in html

    travel(AT("2025-10-20 15:00"))
    response = act(client, reviewer, case, "decide", {"outcome": "grant", "reason": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "granted"
    response = act(client, clerk, case, "deliver", {"method": "mail"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "delivered"
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="no-actions"' in html


def test_request_supplement_must_list_every_missing_material(client, item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    case = file_case(clerk, materials=[])
    response = act(client, clerk, case, "request_supplement", {"missing": ["M01"], "note": "原件"})
    assert response.status_code == 422
    html = response.content.decode()
    error = text_of(html, "action-error")
    assert "M02" in error
    assert 'data-status="422"' in html
    # What was typed is kept: M01 ticked, M02 not, the note.
    assert re.search(r'name="missing" value="M01"[^>]*checked', html)
    assert not re.search(r'name="missing" value="M02"[^>]*checked', html)
    assert "原件</textarea>" in html
    assert Case.objects.get(pk=case.pk).state == "submitted"

    response = act(client, clerk, case, "request_supplement", {"missing": ["M01", "M02"]})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "supplement_requested"
    assert case.missing == ["M01", "M02"]

    # The applicant hands part of the materials in at the window: the case waits on for the
    # rest; then all of them, and a later notice asks for a new one.
    response = act(client, clerk, case, "supplement", {"materials": ["M01"], "partial": "on"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "supplement_requested" and case.missing == ["M02"]
    response = act(client, clerk, case, "supplement", {"materials": ["M02"]})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "submitted"
    response = act(
        client, clerk, case, "request_supplement", {"missing": ["M03"], "breaks_notice": "on"}
    )
    assert response.status_code == 302
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="event-5-added"' in html
    assert 'data-testid="event-2-added"' not in html


def test_decide_deny_needs_a_reason(client, item, clerk, reviewer, travel):
    travel(AT("2025-09-30 10:00"))
    case = file_case(clerk)
    case = services.act(actor=clerk, number=case.number, action="accept")
    response = act(client, reviewer, case, "decide", {"outcome": "deny", "reason": ""})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-field="reason"' in html
    assert re.search(r'name="outcome" value="deny"[^>]*checked', html)
    assert Case.objects.get(pk=case.pk).state == "accepted"
    response = act(client, reviewer, case, "decide", {"outcome": "deny", "reason": "条件不符"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "denied"


def test_stale_version_is_a_conflict(client, item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    case = file_case(clerk)
    stale = case.version
    services.act(actor=clerk, number=case.number, action="refuse", data={"reason": "不符"})
    response = act(client, clerk, case, "accept", version=stale)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="action-error" data-status="409"' in html
    assert Case.objects.get(pk=case.pk).state == "refused"


def test_accept_with_missing_materials_is_a_conflict(client, item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    case = file_case(clerk, materials=["M01"])
    response = act(client, clerk, case, "accept")
    assert response.status_code == 409
    assert "营业执照复印件" in text_of(response.content.decode(), "action-error")


def test_only_a_head_extends(client, item, clerk, reviewer, head, travel):
    travel(AT("2025-09-30 10:00"))
    case = file_case(clerk)
    case = services.act(actor=clerk, number=case.number, action="accept")
    response, html = page_of(client, reviewer, f"/cases/{case.number}/")
    assert 'data-testid="action-extend"' not in html
    assert 'data-testid="action-decide"' in html
    response = act(client, reviewer, case, "extend", {"workdays": "5", "reason": "复杂"})
    assert response.status_code == 403
    assert 'data-status="403"' in response.content.decode()

    response, html = page_of(client, head, f"/cases/{case.number}/")
    assert 'data-testid="action-extend"' in html
    response = act(client, head, case, "extend", {"workdays": "11", "reason": "复杂"})
    assert response.status_code == 422
    assert 'data-field="workdays"' in response.content.decode()
    response = act(client, head, case, "extend", {"workdays": "5", "reason": "情况复杂"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.extension_workdays == 5
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="extension-workdays"' in html
    assert 'data-testid="action-extend"' not in html  # once only


def test_suspend_and_resume(client, item, clerk, reviewer, travel):
    travel(AT("2025-09-30 10:00"))
    case = file_case(clerk)
    travel(AT("2025-10-09 09:30"))
    case = services.act(actor=clerk, number=case.number, action="accept")
    response = act(client, reviewer, case, "suspend", {"procedure": "", "reason": "送检"})
    assert response.status_code == 422
    assert 'data-field="procedure"' in response.content.decode()
    response = act(client, reviewer, case, "suspend", {"procedure": "inspection", "reason": "送检"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "suspended"
    travel(AT("2025-10-15 09:30"))
    response = act(client, reviewer, case, "resume", {"note": "检验完成"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "accepted"
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="suspended-workdays"' in html


def test_backfilled_step_is_marked(client, item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    case = file_case(clerk)
    travel(AT("2025-10-13 10:00"))
    response = act(client, clerk, case, "accept", {"occurred_at": "2025-10-09T09:00"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.accepted_on == dt.date(2025, 10, 9)
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="event-2-retroactive"' in html
    # A time in the future is refused on the form.
    response = act(client, clerk, case, "withdraw", {"occurred_at": "2025-10-20T09:00"})
    assert response.status_code == 422
    assert 'data-field="occurred_at"' in response.content.decode()


# --- the window application ----------------------------------------------------------------------


def test_window_application(client, item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    response, html = page_of(client, clerk, "/cases/new/")
    assert response.status_code == 200
    assert ITEM in html and 'data-testid="intake-form"' not in html
    response, html = page_of(client, clerk, f"/cases/new/?item={ITEM}")
    assert 'data-testid="intake-form"' in html
    assert 'value="M03"' in html
    person = valid_id_number(42)
    response = client.post(
        "/cases/new/",
        {
            "item": ITEM,
            "kind": "person",
            "name": "王五",
            "id_number": person,
            "phone": "13900139000",
            "materials": ["M01", "M02"],
            "received_at": "2025-09-29T15:00",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(applicant__id_number=person)
    assert response["Location"] == f"/cases/{case.number}/"
    assert case.channel == "window"
    assert case.materials == ["M01", "M02"]
    assert case.received_on == dt.date(2025, 9, 29)


def test_window_application_errors_keep_what_was_typed(client, item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    client.force_login(clerk)
    response = client.post(
        "/cases/new/",
        {
            "item": ITEM,
            "kind": "person",
            "name": "王五",
            "id_number": "110101199001011234",
            "phone": "12",
            "materials": ["M01"],
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-field="phone"' in html
    assert 'value="王五"' in html
    assert re.search(r'value="M01"[^>]*checked', html)
    response = client.post(
        "/cases/new/",
        {
            "item": ITEM,
            "kind": "person",
            "name": "王五",
            "id_number": "110101199001011234",
            "phone": "13900139000",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-field="id_number"' in html
    assert 'value="110101199001011234"' in html
    assert not Case.objects.exists()
    response = client.post("/cases/new/", {"item": "NOPE", "name": "王五"})
    assert response.status_code == 422
    html = response.content.decode()
    message = _("There is no published service item with this code.")
    assert message in text_of(html, "form-error")


def test_only_a_clerk_files_at_the_window(client, item, reviewer):
    client.force_login(reviewer)
    assert client.get("/cases/new/").status_code == 403


def test_uploaded_files_are_listed(client, item, clerk, travel):
    travel(AT("2025-09-30 10:00"))
    case = file_case(clerk)
    row = CaseFile.objects.create(
        case=case,
        material_code="M01",
        file=ContentFile(b"%PDF-1.4 test", name="upload.pdf"),
        original_name="申请书.pdf",
        content_type="application/pdf",
        size=13,
        sha256="ab" * 32,
        uploaded_by=clerk,
        uploaded_at=clock.now(),
    )
    _response, html = page_of(client, clerk, f"/cases/{case.number}/")
    assert f'data-testid="file-{row.pk}"' in html
    assert f'href="/portal/cases/{case.number}/files/{row.pk}/"' in html
    assert "申请书.pdf" in html


def test_the_accept_form_offers_parallel_approval_only_where_the_item_allows_it(
    client, item, clerk, travel
):
    joint_item = "11330100SCJ-XK-0009"
    catalog_services.import_items(
        [item_dict(impl_code=joint_item, name="建设项目联合审批", parallel=True)],
        valid_from=dt.date(2025, 1, 1),
    )
    travel(AT("2025-10-09 09:00"))
    plain = file_case(clerk, applicant=applicant_payload(1))
    joint = file_case(clerk, item=joint_item, applicant=applicant_payload(2))
    _response, html = page_of(client, clerk, f"/cases/{plain.number}/")
    assert 'name="parallel"' not in html
    _response, html = page_of(client, clerk, f"/cases/{joint.number}/")
    assert 'name="parallel"' in html and "受理并进入并联审批" in html

    response = act(client, clerk, joint, "accept", {"parallel": "on"})
    assert response.status_code == 302
    joint.refresh_from_db()
    assert joint.parallel and joint.state == "accepted"
    _response, html = page_of(client, clerk, f"/cases/{joint.number}/")
    assert "并联审批" in text_of(html, "accepted-on")
    # The box cannot be forced onto an item without parallel approval: it is not in the form.
    act(client, clerk, plain, "accept", {"parallel": "on"})
    plain.refresh_from_db()
    assert plain.state == "accepted" and not plain.parallel
