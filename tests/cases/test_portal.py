"""The citizen portal: apply online, the one-time notice and online supplement, the files, and
progress by login or by case number and phone (issue: Citizen portal)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.functional import empty

from tests.cases.helpers import AT, applicant_payload, file_case
from tests.factories import valid_id_number, valid_uscc
from zhengwu.accounts.models import Applicant
from zhengwu.cases import portal, services
from zhengwu.cases.models import Case, CaseFile, private_storage
from zhengwu.catalog.models import ServiceItem
from zhengwu.core import clock

pytestmark = pytest.mark.django_db

ITEM = "11330100SCJ-XK-0001"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<!doctype html><html><script>alert(1)</script></html>"


@pytest.fixture(autouse=True)
def fresh_state(private_root):
    """The private storage follows this test's VAR_DIR; the rate-limit counters start at zero."""
    private_storage._wrapped = empty
    cache.clear()
    yield
    private_storage._wrapped = empty
    cache.clear()


def pdf(name="申请书.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(root: Path) -> list[Path]:
    return [p for p in (root / "private").rglob("*") if p.is_file()]


def apply_url(impl_code=ITEM) -> str:
    return reverse("portal:apply", args=[impl_code])


def form(citizen_id, **overrides) -> dict:
    data = {
        "kind": "person",
        "name": "张三",
        "id_number": citizen_id,
        "phone": "13800138000",
        "file_M01": [pdf()],
        "file_M02": [pdf("执照.png", PNG, "image/png")],
    }
    data.update(overrides)
    return data


def marked(response, name: str) -> list[str]:
    return re.findall(rf'data-testid="{name}"', response.content.decode())


@pytest.fixture
def applied(client, item, citizen, citizen_id, travel):
    """An online case of ``citizen`` filed through the portal on 30 September 2025."""
    travel(AT("2025-09-30 10:00"))
    client.force_login(citizen)
    response = client.post(apply_url(), form(citizen_id, file_M02=[]))
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return Case.objects.get()


# --- apply ---------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in(client, item):
    response = client.get(apply_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert response["Location"].endswith("?next=" + apply_url())


def test_staff_may_not_apply_online(client, item, clerk):
    client.force_login(clerk)
    assert client.get(apply_url()).status_code == 403


def test_the_apply_page_lists_the_materials_and_prefills_the_person(client, item, citizen):
    citizen.phone = "13912345678"
    citizen.save()
    client.force_login(citizen)
    response = client.get(apply_url())
    assert response.status_code == 200
    html = response.content.decode()
    codes = re.findall(r'data-testid="material" data-code="(\w+)" data-required="(\d)"', html)
    assert codes == [("M01", "1"), ("M02", "1"), ("M03", "0")]
    assert html.count('type="file"') == 3
    assert 'name="file_M01" multiple' in html
    assert 'value="张三"' in html
    assert 'value="13912345678"' in html
    assert marked(response, "onsite-note")  # the item needs one on-site visit


def test_the_apply_page_prefills_the_linked_applicant(client, item, citizen, citizen_id):
    Applicant.objects.create(
        kind="person",
        name="张三丰",
        id_number=citizen_id,
        phone="13700000000",
        user=citizen,
        created_at=clock.now(),
    )
    client.force_login(citizen)
    html = client.get(apply_url()).content.decode()
    assert f'value="{citizen_id}"' in html
    assert 'value="张三丰"' in html
    assert 'value="13700000000"' in html


def test_an_organisation_form_asks_for_the_credit_code(client, item, citizen):
    client.force_login(citizen)
    html = client.get(apply_url() + "?kind=org").content.decode()
    assert 'name="uscc"' in html
    assert 'name="id_number"' not in html
    assert 'name="kind" value="org"' in html


def test_items_not_published_are_not_found(client, item, citizen):
    client.force_login(citizen)
    assert client.get(apply_url("11330100SCJ-XK-9999")).status_code == 404
    ServiceItem.objects.filter(impl_code=ITEM).update(status=ServiceItem.Status.RETIRED)
    assert client.get(apply_url()).status_code == 404


def test_the_guide_links_to_the_online_application(client, item):
    html = client.get(reverse("catalog:guide", args=[ITEM])).content.decode()
    assert f'href="{apply_url()}" data-testid="apply-online"' in html


def test_apply_online_files_the_case_and_stores_the_files(
    client, item, citizen, citizen_id, travel, private_root, settings
):
    travel(AT("2025-09-30 10:00"))
    client.force_login(citizen)
    response = client.post(
        apply_url(), form(citizen_id, file_M03=[pdf("委托书.pdf"), pdf("委托书附页.pdf")])
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:case", args=[case.number])
    assert case.channel == "online"
    assert case.owner == citizen
    assert case.created_by == citizen
    assert case.materials == ["M01", "M02", "M03"]
    assert case.contact_phone == "13800138000"
    rows = list(CaseFile.objects.filter(case=case).order_by("id"))
    assert [(r.material_code, r.content_type) for r in rows] == [
        ("M01", "application/pdf"),
        ("M02", "image/png"),
        ("M03", "application/pdf"),
        ("M03", "application/pdf"),
    ]
    private = (private_root / "private").resolve()
    for row in rows:
        path = Path(row.file.path).resolve()
        assert path.is_file()
        assert path.is_relative_to(private)
        assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
        assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    # The case page shows the number.
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert f'<strong data-testid="case-number">{case.number}</strong>' in page.content.decode()


@pytest.mark.parametrize(
    ("upload", "limit"),
    [
        (SimpleUploadedFile("big.pdf", PDF.ljust(2048, b" "), "application/pdf"), 1024),
        (SimpleUploadedFile("empty.pdf", b"", "application/pdf"), None),
        (SimpleUploadedFile("setup.pdf", EXE, "application/pdf"), None),
        (SimpleUploadedFile("photo.jpg", HTML, "image/jpeg"), None),
    ],
    ids=["oversized", "empty", "exe-named-pdf", "html-named-jpg"],
)
def test_a_bad_upload_files_nothing(
    client, item, citizen, citizen_id, travel, private_root, settings, upload, limit
):
    if limit:
        settings.UPLOAD_MAX_BYTES = limit
    travel(AT("2025-09-30 10:00"))
    client.force_login(citizen)
    response = client.post(apply_url(), form(citizen_id, file_M02=[upload]))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-testid="field-error" data-field="file_M02"' in html
    assert 'data-field="file_M01"' not in html
    assert not Case.objects.exists()
    assert not CaseFile.objects.exists()
    assert stored_files(private_root) == []


def test_the_form_keeps_the_typed_values_on_error(client, item, citizen, travel, private_root):
    travel(AT("2025-09-30 10:00"))
    client.force_login(citizen)
    response = client.post(
        apply_url(),
        form("110101199001010000", name="王五", phone="13911112222"),  # a wrong check digit
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="王五"' in html
    assert 'value="13911112222"' in html
    assert 'value="110101199001010000"' in html
    assert 'data-field="id_number"' in html
    assert marked(response, "reselect-files")
    assert not Case.objects.exists()
    assert stored_files(private_root) == []


def test_no_file_at_all_is_refused(client, item, citizen, citizen_id, travel):
    travel(AT("2025-09-30 10:00"))
    client.force_login(citizen)
    response = client.post(apply_url(), form(citizen_id, file_M01=[], file_M02=[]))
    assert response.status_code == 422
    assert marked(response, "errors")
    assert not Case.objects.exists()


def test_a_linked_person_cannot_apply_with_another_id_number(
    client, applied, citizen, travel, private_root
):
    assert Applicant.objects.get(user=citizen).id_number == applied.applicant.id_number
    travel(AT("2025-10-09 10:00"))
    client.force_login(citizen)
    response = client.post(apply_url(), form(valid_id_number(2), name="李四"))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-testid="field-error" data-field="id_number"' in html
    assert Case.objects.count() == 1
    assert CaseFile.objects.count() == 1
    assert len(stored_files(private_root)) == 1


# --- my cases and one case -----------------------------------------------------------------------


def test_my_cases_lists_only_mine_newest_first(
    client, item, citizen, other_citizen, citizen_id, clerk, travel
):
    travel(AT("2025-09-30 10:00"))
    client.force_login(citizen)
    client.post(apply_url(), form(citizen_id))
    client.post(apply_url(), form(citizen_id))
    file_case(clerk, applicant=applicant_payload(9))  # a window case of someone else
    client.force_login(other_citizen)
    client.post(apply_url(), form(valid_id_number(7), name="李四"))
    client.force_login(citizen)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    numbers = re.findall(r'data-testid="case-row" data-number="(\d+)"', response.content.decode())
    mine = list(Case.objects.filter(owner=citizen).order_by("-id").values_list("number", flat=True))
    assert numbers == mine
    assert len(numbers) == 2
    assert 'action="/catalog/' in response.content.decode()  # the item search


def test_the_case_page_is_for_the_owner_only(
    client, applied, citizen, other_citizen, clerk, supervisor
):
    url = reverse("portal:case", args=[applied.number])
    client.force_login(citizen)
    response = client.get(url)
    assert response.status_code == 200
    assert marked(response, "step") == ['data-testid="step"']
    for someone in (other_citizen, clerk, supervisor):
        client.force_login(someone)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_supplement_online_after_the_one_time_notice(
    client, applied, citizen, other_citizen, clerk, travel, private_root
):
    travel(AT("2025-10-09 10:00"))
    services.act(
        actor=clerk,
        number=applied.number,
        action="request_supplement",
        data={"missing": ["M02", "M03"], "note": "营业执照需加盖公章"},
    )
    client.force_login(citizen)
    page = client.get(reverse("portal:case", args=[applied.number]))
    html = page.content.decode()
    assert marked(page, "supplement-notice")
    assert re.findall(r'<li data-code="(\w+)">', html)[:2] == ["M02", "M03"]
    assert "营业执照复印件" in html and "授权委托书" in html
    assert "营业执照需加盖公章" in html
    assert 'name="file_M02"' in html and 'name="file_M03"' in html

    supplement_url = reverse("portal:supplement", args=[applied.number])
    client.force_login(other_citizen)
    response = client.post(supplement_url, {"file_M02": [pdf("x.pdf")]})
    assert response.status_code == 404

    client.force_login(citizen)
    # M03 has no file: warned of what would still be missing, nothing handed in yet
    version = str(applied.version + 1)
    response = client.post(supplement_url, {"file_M02": [pdf("执照.pdf")], "version": version})
    assert response.status_code == 422
    assert marked(response, "partial-warning") and "授权委托书" in response.content.decode()
    assert Case.objects.get().state == "supplement_requested" and not stored_files(private_root)[1:]
    response = client.post(
        supplement_url, {"file_M02": [pdf("执照.pdf")], "version": version, "partial": "on"}
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.state == "supplement_requested"  # waiting for the rest, no second notice
    assert case.materials == ["M01", "M02"] and case.missing == ["M03"]
    page = client.get(reverse("portal:case", args=[applied.number])).content.decode()
    assert re.findall(r'<li data-code="(\w+)">', page)[:1] == ["M03"]
    assert 'data-testid="notice-handed-in"' in page
    response = client.post(
        supplement_url, {"file_M03": [pdf("委托书.pdf")], "version": str(case.version)}
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.state == "submitted" and case.missing == []
    assert sorted(case.files.values_list("material_code", flat=True)) == ["M01", "M02", "M03"]
    assert len(stored_files(private_root)) == 3
    kinds = list(case.events.order_by("seq").values_list("kind", flat=True))
    assert kinds == ["submit", "request_supplement", "supplement_part", "supplement"]


def test_a_bad_supplement_file_is_refused_on_the_case_page(
    client, applied, citizen, clerk, travel, private_root
):
    services.act(
        actor=clerk, number=applied.number, action="request_supplement", data={"missing": ["M02"]}
    )
    client.force_login(citizen)
    response = client.post(
        reverse("portal:supplement", args=[applied.number]),
        {"file_M02": [pdf("x.pdf", HTML)]},
    )
    assert response.status_code == 422
    assert 'data-field="file_M02"' in response.content.decode()
    assert Case.objects.get().state == "supplement_requested"
    assert CaseFile.objects.count() == 1
    assert len(stored_files(private_root)) == 1


def test_a_supplement_when_none_was_asked_for_is_a_conflict(client, applied, citizen):
    client.force_login(citizen)
    response = client.post(
        reverse("portal:supplement", args=[applied.number]), {"file_M02": [pdf()]}
    )
    assert response.status_code == 409
    assert marked(response, "errors")
    assert CaseFile.objects.count() == 1


def test_withdraw_while_open(client, applied, citizen, other_citizen):
    url = reverse("portal:withdraw", args=[applied.number])
    client.force_login(other_citizen)
    assert client.post(url, {"reason": "不办了"}).status_code == 404
    client.force_login(citizen)
    response = client.post(url, {"reason": "不办了", "version": str(applied.version)})
    assert response.status_code == 302
    assert Case.objects.get().state == "withdrawn"
    page = client.get(reverse("portal:case", args=[applied.number]))
    assert not marked(page, "withdraw-form")
    assert client.post(url, {"reason": "again"}).status_code == 409


def test_the_timeline_shows_each_step_without_a_500(client, applied, citizen, clerk, travel):
    travel(AT("2025-10-09 10:00"))
    services.act(
        actor=clerk, number=applied.number, action="request_supplement", data={"missing": ["M02"]}
    )
    client.force_login(citizen)
    client.post(reverse("portal:supplement", args=[applied.number]), {"file_M02": [pdf()]})
    services.act(actor=clerk, number=applied.number, action="accept", data={})
    response = client.get(reverse("portal:case", args=[applied.number]))
    assert response.status_code == 200
    kinds = re.findall(r'data-testid="step" data-kind="(\w+)"', response.content.decode())
    assert kinds == ["submit", "request_supplement", "supplement", "accept"]
    assert marked(response, "promised-due")


# --- files ---------------------------------------------------------------------------------------


def test_file_download_for_the_owner_and_the_department(
    client, applied, citizen, other_citizen, clerk, other_clerk
):
    row = CaseFile.objects.get()
    url = reverse("portal:file", args=[applied.number, row.pk])
    for allowed in (citizen, clerk):
        client.force_login(allowed)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content) == PDF
    for stranger in (other_citizen, other_clerk):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_a_file_is_reached_only_through_its_own_case(
    client, applied, item, citizen, citizen_id, travel
):
    client.force_login(citizen)
    client.post(apply_url(), form(citizen_id, file_M01=[pdf("second.pdf")], file_M02=[]))
    first, second = Case.objects.order_by("id")
    other_file = CaseFile.objects.get(case=second)
    url = reverse("portal:file", args=[first.number, other_file.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("portal:file", args=[first.number, 999999])).status_code == 404


# --- track ---------------------------------------------------------------------------------------


def test_track_by_number_and_phone(client, applied):
    url = reverse("portal:track")
    assert client.get(url).status_code == 200
    response = client.post(url, {"number": applied.number, "phone": "13800138000"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-testid="track-result" data-number="{applied.number}"' in html
    assert 'data-state="submitted"' in html
    assert '<dd class="col-7" data-testid="track-applicant">张*</dd>' in html
    assert 'data-date="2025-09-30"' in html
    assert "申请书.pdf" not in html
    assert 'data-testid="notice-link"' not in html


def test_track_does_not_say_which_part_was_wrong(client, applied):
    url = reverse("portal:track")
    wrong_phone = client.post(url, {"number": applied.number, "phone": "13900000000"})
    wrong_number = client.post(url, {"number": "20250930999", "phone": "13800138000"})
    assert wrong_phone.status_code == wrong_number.status_code == 404
    problem = re.compile(r'data-testid="track-problem" data-code="not_found">([^<]+)<')
    assert problem.findall(wrong_phone.content.decode()) == problem.findall(
        wrong_number.content.decode()
    )
    assert 'data-testid="track-result"' not in wrong_phone.content.decode()


def test_track_is_rate_limited_per_client_address(client, applied):
    url = reverse("portal:track")
    for _ in range(20):
        assert (
            client.post(url, {"number": applied.number, "phone": "13900000000"}).status_code == 404
        )
    response = client.post(url, {"number": applied.number, "phone": "13800138000"})
    assert response.status_code == 429
    assert 'data-code="rate_limited"' in response.content.decode()
    other = client.post(
        url, {"number": applied.number, "phone": "13800138000"}, REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 200


def test_an_organisation_applies_online(client, item, citizen, travel):
    travel(AT("2025-09-30 10:00"))
    client.force_login(citizen)
    uscc = valid_uscc(5)
    response = client.post(
        apply_url(),
        {
            "kind": "org",
            "name": "示范餐饮有限公司",
            "uscc": uscc,
            "contact": "张三",
            "legal_representative": "王五",
            "phone": "13800138000",
            "file_M01": [pdf()],
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.applicant.kind == "org"
    assert case.applicant.uscc == uscc
    assert case.owner == citizen
    assert not Applicant.objects.filter(user=citizen).exists()


def test_a_wrong_credit_code_is_shown_on_its_field(client, item, citizen, travel):
    travel(AT("2025-09-30 10:00"))
    client.force_login(citizen)
    response = client.post(
        apply_url() + "?kind=org",
        {
            "kind": "org",
            "name": "示范公司",
            "uscc": "91110000000000000X",
            "phone": "13800138000",
            "file_M01": [pdf()],
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-field="uscc"' in html
    assert 'value="示范公司"' in html
    assert not Case.objects.exists()


def test_a_case_past_its_intake_limit_reads_as_deemed_accepted(client, applied, citizen, travel):
    travel(AT("2025-10-20 10:00"))  # the intake limit ran to 14 October
    client.force_login(citizen)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    case = Case.objects.get()
    with translation.override(response["Content-Language"]):
        deemed = portal.progress_text(case)
        travel(AT("2025-10-14 16:00"))
        waiting = portal.progress_text(case)
    assert deemed != waiting
    assert deemed in response.content.decode()
