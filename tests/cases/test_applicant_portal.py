"""申请人告知 in the pages: the portal home's cases that need the applicant, the documents of an
electronic delivery (only the case's applicant downloads them), and the warnings before a partial
supplement or a further notice that asks for something new."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from docx import Document

from tests.cases.helpers import AT, applicant_payload, file_case
from zhengwu.cases import services
from zhengwu.cases.models import Case

pytestmark = pytest.mark.django_db


def act(actor, case, action, data=None):
    return services.act(actor=actor, number=case.number, action=action, data=data)


@pytest.fixture
def online(item, citizen, citizen_id, travel):
    def file(materials=("M01", "M02")):
        return file_case(
            citizen,
            channel="online",
            materials=list(materials),
            applicant=applicant_payload(id_number=citizen_id),
        )

    return file


def test_the_home_lists_what_waits_for_the_applicant_and_what_is_under_way(
    client, online, clerk, citizen, other_citizen, travel
):
    travel(AT("2025-10-09 09:00"))
    waiting = act(clerk, online(("M01",)), "request_supplement", {"missing": ["M02"]})
    running = act(clerk, online(), "accept")
    done = act(clerk, online(), "refuse", {"reason": "不符"})
    client.force_login(citizen)
    html = client.get(reverse("portal:home")).content.decode()
    assert re.findall(r'data-testid="waiting-row" data-number="(\d+)"', html) == [waiting.number]
    assert re.findall(r'data-testid="running-row" data-number="(\d+)"', html) == [running.number]
    assert 'data-date="2025-10-22"' in html and "营业执照复印件" in html
    assert done.number in html  # in the list of all cases only
    client.force_login(other_citizen)
    html = client.get(reverse("portal:home")).content.decode()
    assert 'data-testid="cases-waiting"' not in html and 'data-testid="cases-running"' not in html


def _delivered(online, clerk, reviewer, method="electronic"):
    case = act(clerk, online(), "accept")
    case = act(reviewer, case, "decide", {"outcome": "grant"})
    return act(clerk, case, "deliver", {"method": method})


@pytest.fixture
def licensing(db):
    """The item's grants record a 食品经营许可证 in the licence register."""
    from zhengwu.catalog.models import ServiceItemVersion
    from zhengwu.licences.models import LicenceType

    LicenceType.objects.create(code="SPJY", name="食品经营许可证", validity_years=5)
    ServiceItemVersion.objects.update(licence_type="SPJY")


def test_an_electronic_delivery_gives_the_applicant_the_decision_and_the_licence(
    client, online, clerk, reviewer, citizen, travel, licensing
):
    from zhengwu.licences.models import Licence

    travel(AT("2025-10-09 09:00"))
    case = _delivered(online, clerk, reviewer)
    registered = Licence.objects.get(case=case).number
    client.force_login(citizen)
    page = client.get(reverse("portal:case", args=[case.number])).content.decode()
    assert 'data-testid="document-decision"' in page and 'data-testid="document-licence"' in page
    assert registered in page  # numbered as the register recorded it
    response = client.get(reverse("portal:document", args=[case.number, "licence"]))
    document = Document(io.BytesIO(response.content))
    text = "".join(
        [p.text for p in document.paragraphs] + [c.text for t in document.tables for c in t._cells]
    )
    assert registered in text and f"{case.number}-" not in text.replace(registered, "")
    for kind, words in (("decision", "准予许可决定书"), ("licence", "行政许可证件")):
        response = client.get(reverse("portal:document", args=[case.number, kind]))
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert response["Content-Disposition"].startswith("attachment")
        text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
        assert words in text and case.number in "".join(
            c.text for t in Document(io.BytesIO(response.content)).tables for c in t._cells
        )


@pytest.mark.parametrize("who", ["other_citizen", "clerk", "anonymous"])
def test_only_the_case_applicant_downloads_the_delivered_documents(
    client, online, clerk, reviewer, other_citizen, travel, who
):
    travel(AT("2025-10-09 09:00"))
    case = _delivered(online, clerk, reviewer)
    if who != "anonymous":
        client.force_login({"other_citizen": other_citizen, "clerk": clerk}[who])
    for kind in ("decision", "licence"):
        response = client.get(reverse("portal:document", args=[case.number, kind]))
        assert response.status_code == (302 if who == "anonymous" else 404)


def test_no_licence_to_download_when_the_grant_recorded_none(
    client, online, clerk, reviewer, citizen, travel
):
    """An item that issues no licence: the electronic delivery gives the decision only."""
    travel(AT("2025-10-09 09:00"))
    case = _delivered(online, clerk, reviewer)
    client.force_login(citizen)
    page = client.get(reverse("portal:case", args=[case.number])).content.decode()
    assert 'data-testid="document-decision"' in page
    assert 'data-testid="document-licence"' not in page
    response = client.get(reverse("portal:document", args=[case.number, "licence"]))
    assert response.status_code == 404
    assert client.get(reverse("portal:document", args=[case.number, "decision"])).status_code == 200


def test_no_download_before_an_electronic_delivery(
    client, online, clerk, reviewer, citizen, travel
):
    travel(AT("2025-10-09 09:00"))
    by_post = _delivered(online, clerk, reviewer, method="mail")
    granted = act(reviewer, act(clerk, online(), "accept"), "decide", {"outcome": "grant"})
    client.force_login(citizen)
    for case in (by_post, granted):
        page = client.get(reverse("portal:case", args=[case.number])).content.decode()
        assert 'data-testid="delivered-documents"' not in page
        response = client.get(reverse("portal:document", args=[case.number, "licence"]))
        assert response.status_code == 404
    delivered = _delivered(online, clerk, reviewer)
    response = client.get(reverse("portal:document", args=[delivered.number, "other"]))
    assert response.status_code == 404


# ------------------------------------------------------------------ the clerk's warnings


def staff_act(client, user, case, action, data):
    client.force_login(user)
    payload = {"version": str(Case.objects.get(pk=case.pk).version), "confirmed": "yes", **data}
    return client.post(reverse("cases:act", args=[case.number, action]), payload)


def test_a_partial_supplement_at_the_window_is_confirmed_first(client, item, clerk, travel):
    travel(AT("2025-10-09 09:00"))
    case = act(
        clerk, file_case(clerk, materials=[]), "request_supplement", {"missing": ["M01", "M02"]}
    )
    response = staff_act(client, clerk, case, "supplement", {"materials": ["M01"]})
    assert response.status_code == 409
    assert "营业执照复印件" in response.content.decode()  # M02: what would still be missing
    assert Case.objects.get(pk=case.pk).event_count == 2  # nothing recorded
    response = staff_act(client, clerk, case, "supplement", {"materials": ["M01"], "partial": "on"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.missing) == ("supplement_requested", ["M02"])
    assert case.supplement_due is not None  # the notice's period still runs


def test_a_further_notice_asking_something_new_is_confirmed_first(client, item, clerk, travel):
    travel(AT("2025-10-09 09:00"))
    case = act(
        clerk, file_case(clerk, materials=["M01"]), "request_supplement", {"missing": ["M02"]}
    )
    case = act(clerk, case, "supplement", {"materials": ["M02"]})
    page = client.get(reverse("cases:detail", args=[case.number]))  # anonymous: no form
    assert page.status_code == 302
    response = staff_act(client, clerk, case, "request_supplement", {"missing": ["M03"]})
    assert response.status_code == 409
    html = response.content.decode()
    assert "一次性告知" in html and 'name="breaks_notice"' in html
    assert Case.objects.get(pk=case.pk).state == "submitted"
    # repeating what the first notice asked needs no confirmation
    response = staff_act(client, clerk, case, "request_supplement", {"missing": ["M02"]})
    assert response.status_code == 302
    case = act(clerk, case, "supplement", {"materials": ["M02"]})
    response = staff_act(
        client, clerk, case, "request_supplement", {"missing": ["M03"], "breaks_notice": "on"}
    )
    assert response.status_code == 302
    last = Case.objects.get(pk=case.pk).events.order_by("-seq").first()
    assert last.data["added"] == ["M03"]  # what the sweep records as the irregularity
