"""The provincial platform files the online applications received there through
``POST /api/v1/cases`` (DOMAIN §14): its number kept and unique, a resend answered with the first
case, the applicant's real-name details checked, its scope only what it filed."""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from tests.exchange.inbound.helpers import AT, applicant_payload, bearer, platform_body
from zhengwu.accounts.models import Applicant
from zhengwu.accounts.services import register_applicant
from zhengwu.cases import services
from zhengwu.cases.models import Case, CaseFile
from zhengwu.core.roles import Role

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def post(auth, body):
    return Client().post("/api/v1/cases", body, content_type="application/json", **auth)


def test_the_platform_files_an_online_application_with_its_number_and_time(item, platform):
    response = post(bearer(platform), platform_body())
    assert response.status_code == 201, response.json()
    answer = response.json()
    assert answer["channel"] == "online" and answer["platform_number"] == "ZWFW-2025-000001"
    case = Case.objects.get(number=answer["number"])
    assert case.platform_number == "ZWFW-2025-000001"
    assert case.received_at == AT("2025-09-29 16:30") and answer["received_on"] == "2025-09-29"
    assert case.created_by == platform and case.owner is None
    assert case.materials == ["M01", "M02"]
    event = case.events.get()
    assert event.data["platform_number"] == "ZWFW-2025-000001"
    assert event.retroactive is False  # received there earlier: not entered after the fact


def test_a_resend_returns_the_first_case(item, platform):
    auth = bearer(platform)
    first = post(auth, platform_body())
    again = post(auth, platform_body(applicant=applicant_payload(1, phone="13900139000")))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["number"] == first.json()["number"]
    assert Case.objects.count() == 1


def test_a_number_filed_by_another_platform_account_is_a_conflict(item, platform, make_user):
    other = make_user(Role.PLATFORM, username="zwfw_other")
    post(bearer(platform), platform_body())
    response = post(bearer(other), platform_body())
    assert response.status_code == 409 and response.json()["code"] == "platform_number_taken"


def test_a_bad_id_number_asserted_by_the_platform_is_refused(item, platform):
    body = platform_body(applicant=applicant_payload(1, id_number="110101199001011234"))
    response = post(bearer(platform), body)
    assert response.status_code == 422
    assert "applicant.id_number" in response.json()["errors"]
    assert Case.objects.count() == 0 and Applicant.objects.count() == 0


def test_the_platform_number_is_required_of_the_platform_and_of_no_one_else(
    item, platform, clerk, citizen
):
    response = post(bearer(platform), platform_body(platform_number=""))
    assert response.status_code == 422 and "platform_number" in response.json()["errors"]
    body = platform_body(channel="window")
    body.pop("received_at")
    response = post(bearer(clerk), body)
    assert response.status_code == 422 and "platform_number" in response.json()["errors"]


def test_the_platform_files_online_only(item, platform):
    response = post(bearer(platform), platform_body(channel="window"))
    assert response.status_code == 403
    assert Case.objects.count() == 0


def test_the_platform_sees_only_what_it_filed_and_cannot_act(item, platform, clerk, make_user):
    window_case = services.submit(
        actor=clerk,
        item=item.impl_code,
        channel="window",
        applicant=services.ApplicantInput(**applicant_payload(2)),
        materials=["M01", "M02"],
    )
    other = make_user(Role.PLATFORM, username="zwfw_other")
    theirs = post(bearer(other), platform_body("OTHER-1", seq=3)).json()["number"]
    auth = bearer(platform)
    mine = post(auth, platform_body()).json()["number"]
    listed = Client().get("/api/v1/cases", **auth).json()["items"]
    assert [row["number"] for row in listed] == [mine]
    assert Client().get(f"/api/v1/cases/{mine}", **auth).status_code == 200
    assert Client().get(f"/api/v1/cases/{window_case.number}", **auth).status_code == 404
    assert Client().get(f"/api/v1/cases/{theirs}", **auth).status_code == 404
    accept = Client().post(
        f"/api/v1/cases/{mine}/accept", {}, content_type="application/json", **auth
    )
    assert accept.status_code == 403
    assert Case.objects.get(number=mine).state == "submitted"


def test_an_applicant_with_an_account_sees_the_case_at_once(item, platform, citizen):
    register_applicant(**applicant_payload(1), user=citizen)
    number = post(bearer(platform), platform_body()).json()["number"]
    assert Case.objects.get(number=number).owner == citizen
    response = Client().get(f"/api/v1/cases/{number}", **bearer(citizen))
    assert response.status_code == 200 and response.json()["platform_number"]


def test_an_applicant_who_links_an_account_later_finds_the_case(item, platform, citizen):
    number = post(bearer(platform), platform_body()).json()["number"]
    assert Client().get(f"/api/v1/cases/{number}", **bearer(citizen)).status_code == 404
    # Their first own online application links the account to the real-name applicant.
    services.submit(
        actor=citizen,
        item=item.impl_code,
        channel="online",
        applicant=services.ApplicantInput(**applicant_payload(1)),
        materials=["M01", "M02"],
    )
    listed = Client().get("/api/v1/cases", **bearer(citizen)).json()["items"]
    assert number in [row["number"] for row in listed]


def test_materials_by_reference_or_as_files(item, platform):
    body = platform_body(
        materials=[],
        platform_materials=[
            {"material": "M01", "reference": "zwfw://files/2025/000001/M01"},
            {
                "material": "M02",
                "name": "营业执照.pdf",
                "content_base64": base64.b64encode(PDF).decode(),
            },
        ],
    )
    response = post(bearer(platform), body)
    assert response.status_code == 201, response.json()
    case = Case.objects.get(number=response.json()["number"])
    assert sorted(case.materials) == ["M01", "M02"]
    assert case.events.get().data["references"] == {"M01": "zwfw://files/2025/000001/M01"}
    stored = CaseFile.objects.get(case=case)
    assert stored.material_code == "M02" and stored.content_type == "application/pdf"


@pytest.mark.parametrize(
    "entry",
    [
        {"material": "M02", "content_base64": "not base64!"},
        {"material": "M02", "reference": "zwfw://x", "content_base64": "JVBERg=="},
        {"material": "M02"},
        {"material": "X99", "reference": "zwfw://x"},
    ],
)
def test_bad_platform_materials_are_refused_by_field(item, platform, entry):
    response = post(bearer(platform), platform_body(platform_materials=[entry]))
    assert response.status_code == 422, response.json()
    assert Case.objects.count() == 0 and CaseFile.objects.count() == 0


def test_only_the_platform_sends_platform_materials(item, clerk):
    body = platform_body(channel="window", platform_number=None)
    body.pop("received_at")
    body["platform_materials"] = [{"material": "M01", "reference": "zwfw://x"}]
    response = post(bearer(clerk), body)
    assert response.status_code == 422 and "platform_materials" in response.json()["errors"]
