"""Staff pages: access boundaries, the editor (formsets, save, publish with errors), retire,
Excel import and export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from tests.catalog.builders import content_dict, item_dict
from zhengwu.catalog import selectors, services
from zhengwu.catalog.models import ServiceItem, ServiceItemVersion
from zhengwu.core.roles import Role

pytestmark = pytest.mark.django_db
CODE = "11330100SCJ-XK-0001"
MODEL_NAMES = {"type": "handling_type", "basis": "legal_basis", "parallel": "parallel_approval"}


def editor_post(content: dict, *, identity=None, action="save", valid_from=None, revision=None):
    """The editor's form data for a content dict (the fields a browser would send)."""
    data: dict = {"action": action}
    for key, value in content.items():
        if key in ("materials", "fees", "steps"):
            continue
        name = f"v-{MODEL_NAMES.get(key, key)}"
        if key == "special_procedures":
            data[name] = list(value)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    for prefix in ("materials", "fees", "steps"):
        rows = content.get(prefix, [])
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for index, row in enumerate(rows):
            for key, value in row.items():
                if isinstance(value, bool):
                    if value:
                        data[f"{prefix}-{index}-{key}"] = "on"
                elif value is not None:
                    data[f"{prefix}-{index}-{key}"] = value
    for key, value in (identity or {}).items():
        data[f"item-{key}"] = value
    if valid_from:
        data["p-valid_from"] = valid_from.isoformat()
    if revision is not None:
        data["revision"] = str(revision)
    return data


STAFF_URLS = [
    ("catalog:staff_list", []),
    ("catalog:staff_create", []),
    ("catalog:staff_import", []),
    ("catalog:staff_export", []),
    ("catalog:staff_detail", [CODE]),
    ("catalog:staff_edit", [CODE]),
    ("catalog:staff_retire", [CODE]),
    ("catalog:staff_version", [CODE, 1]),
]


@pytest.mark.parametrize(("name", "args"), STAFF_URLS)
def test_anonymous_users_are_sent_to_login(client, published_item, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", [Role.WINDOW_CLERK, Role.REVIEWER, Role.LEADER, Role.APPLICANT])
@pytest.mark.parametrize(("name", "args"), STAFF_URLS)
def test_other_roles_get_403(client, make_user, department, published_item, role, name, args):
    client.force_login(make_user(role, department=department))
    assert client.get(reverse(name, args=args)).status_code == 403


def test_a_department_head_sees_and_edits_only_their_department(
    client, head, other_department, published_item
):
    services.import_items([item_dict(impl_code="ZJJ-1", department=other_department.code)])
    client.force_login(head)
    listing = client.get(reverse("catalog:staff_list")).content.decode()
    assert f'data-impl-code="{CODE}"' in listing and 'data-impl-code="ZJJ-1"' not in listing
    for name in ("catalog:staff_detail", "catalog:staff_edit", "catalog:staff_retire"):
        assert client.get(reverse(name, args=["ZJJ-1"])).status_code == 404
    post = editor_post(content_dict(name="越权"))
    assert client.post(reverse("catalog:staff_edit", args=["ZJJ-1"]), post).status_code == 404
    assert client.post(reverse("catalog:staff_publish", args=["ZJJ-1"])).status_code == 404
    assert client.get(reverse("catalog:staff_edit", args=[CODE])).status_code == 200


def test_a_supervisor_sees_all_and_edits_nothing(
    client, supervisor, other_department, published_item
):
    services.import_items([item_dict(impl_code="ZJJ-1", department=other_department.code)])
    client.force_login(supervisor)
    listing = client.get(reverse("catalog:staff_list")).content.decode()
    assert f'data-impl-code="{CODE}"' in listing and 'data-impl-code="ZJJ-1"' in listing
    assert client.get(reverse("catalog:staff_detail", args=["ZJJ-1"])).status_code == 200
    assert client.get(reverse("catalog:staff_edit", args=["ZJJ-1"])).status_code == 403
    assert client.get(reverse("catalog:staff_create")).status_code == 403
    assert client.get(reverse("catalog:staff_import")).status_code == 403
    retire = client.post(reverse("catalog:staff_retire", args=["ZJJ-1"]), {"reason": "x"})
    assert retire.status_code == 403
    assert client.get(reverse("catalog:staff_export")).status_code == 200


def test_the_staff_list_filters_by_status_and_pages(client, admin_user, published_item, draft_item):
    client.force_login(admin_user)
    url = reverse("catalog:staff_list")
    drafts = client.get(url, {"status": "draft"}).content.decode()
    assert f'data-impl-code="{draft_item.impl_code}"' in drafts and CODE not in drafts
    assert CODE in client.get(url, {"q": "经营许可（新办"}).content.decode()
    assert client.get(url, {"status": "bogus", "page": "x"}).status_code == 200


def test_create_then_publish_from_the_detail_page(client, head, department):
    client.force_login(head)
    identity = {"impl_code": "NEW-0001", "base_code": "B-0001", "department": department.code}
    response = client.post(
        reverse("catalog:staff_create"), editor_post(content_dict(), identity=identity)
    )
    assert response.status_code == 302
    item = ServiceItem.objects.get(impl_code="NEW-0001")
    assert item.status == ServiceItem.Status.DRAFT
    assert selectors.material_codes(item.draft_version) == ["M01", "M02", "M03"]
    response = client.post(
        reverse("catalog:staff_publish", args=["NEW-0001"]),
        {"p-valid_from": dt.date.today().isoformat(), "revision": item.revision},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ServiceItem.Status.PUBLISHED and item.current_version.number == 1


def test_create_for_another_department_is_refused(client, head, other_department):
    client.force_login(head)
    identity = {"impl_code": "NEW-1", "base_code": "B", "department": other_department.code}
    response = client.post(
        reverse("catalog:staff_create"), editor_post(content_dict(), identity=identity)
    )
    assert response.status_code == 422
    assert not ServiceItem.objects.exists()


def test_save_and_publish_errors_are_chinese_and_keep_what_was_typed(client, head, published_item):
    client.force_login(head)
    content = content_dict(name="食品经营许可（变更）", promised_limit=25, onsite_reason="")
    content["fees"] = [{"name": "工本费", "standard": "10元/证", "basis": ""}]
    response = client.post(
        reverse("catalog:staff_edit", args=[CODE]),
        editor_post(
            content, action="publish", valid_from=dt.date.today(), revision=published_item.revision
        ),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-testid="form-errors"' in html
    assert "承诺办结时限（25个工作日）不得超过法定办结时限（20个工作日）。" in html
    assert "须说明必须到现场的原因" in html
    assert "收费项目“工本费”须填写收费依据。" in html
    assert 'value="食品经营许可（变更）"' in html and 'value="25"' in html
    assert 'value="10元/证"' in html
    assert f'value="{dt.date.today().isoformat()}"' in html
    # The draft is saved; the published version is untouched.
    published_item.refresh_from_db()
    assert published_item.current_version.number == 1
    assert published_item.draft_version.name == "食品经营许可（变更）"
    # Fixing the form publishes version 2.
    fixed = content_dict(name="食品经营许可（变更）")
    response = client.post(
        reverse("catalog:staff_edit", args=[CODE]),
        editor_post(
            fixed, action="publish", valid_from=dt.date.today(), revision=published_item.revision
        ),
    )
    assert response.status_code == 302
    assert selectors.published_version(CODE).name == "食品经营许可（变更）"
    assert ServiceItemVersion.objects.get(item=published_item, number=1).status == "superseded"


def test_form_errors_keep_typed_values_and_save_nothing(client, head, published_item):
    client.force_login(head)
    content = content_dict(statutory_limit="二十")
    content["materials"][1]["code"] = "M01"
    response = client.post(
        reverse("catalog:staff_edit", args=[CODE]), editor_post(content, revision=1)
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="二十"' in html
    published_item.refresh_from_db()
    assert published_item.draft_version is None


def test_duplicate_material_codes_are_shown_on_the_row(client, head, published_item):
    client.force_login(head)
    content = content_dict()
    content["materials"][1]["code"] = "M01"
    response = client.post(reverse("catalog:staff_edit", args=[CODE]), editor_post(content))
    assert response.status_code == 422
    assert "材料编码“M01”在本事项中重复。" in response.content.decode()


def test_a_stale_form_is_refused(client, head, published_item):
    client.force_login(head)
    services.update_draft(actor=None, item=published_item, content=content_dict(name="别人改的"))
    response = client.post(
        reverse("catalog:staff_edit", args=[CODE]),
        editor_post(content_dict(name="我改的"), revision=published_item.revision),
    )
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()


def test_the_detail_page_publish_shows_rule_errors(client, head, published_item):
    client.force_login(head)
    services.update_draft(actor=None, item=published_item, content=content_dict(basis=""))
    detail = client.get(reverse("catalog:staff_detail", args=[CODE])).content.decode()
    assert 'data-testid="draft-problems"' in detail and "请填写事项的设定依据。" in detail
    response = client.post(
        reverse("catalog:staff_publish", args=[CODE]), {"p-valid_from": "2001-01-01"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-testid="publish-errors"' in html and 'value="2001-01-01"' in html
    response = client.post(reverse("catalog:staff_publish", args=[CODE]), {"p-valid_from": "x"})
    assert response.status_code == 422


def test_uploading_a_blank_form_in_the_editor(client, head, published_item):
    client.force_login(head)
    data = editor_post(content_dict(name="带表格"))
    data["materials-0-blank_form"] = SimpleUploadedFile("申请表.pdf", b"%PDF-1.4 form")
    data["materials-0-sample"] = SimpleUploadedFile("virus.exe", b"MZ")
    response = client.post(reverse("catalog:staff_edit", args=[CODE]), data)
    assert response.status_code == 422  # .exe is refused
    data["materials-0-blank_form"] = SimpleUploadedFile("申请表.pdf", b"%PDF-1.4 form")
    data.pop("materials-0-sample")
    assert client.post(reverse("catalog:staff_edit", args=[CODE]), data).status_code == 302
    draft = ServiceItem.objects.get(impl_code=CODE).draft_version
    material = draft.materials.get(code="M01")
    assert material.blank_form.read() == b"%PDF-1.4 form"
    # Editing again without touching the file keeps it (the row refers to its stored material).
    edit = client.get(reverse("catalog:staff_edit", args=[CODE])).content.decode()
    assert reverse("catalog:material_file", args=[material.pk, "blank_form"]) in edit
    data = editor_post(content_dict(name="再次编辑"))
    data["materials-0-ref"] = str(material.pk)
    data["materials-0-code"] = "M01A"  # renamed, file kept through its row
    assert client.post(reverse("catalog:staff_edit", args=[CODE]), data).status_code == 302
    draft.refresh_from_db()
    assert draft.materials.get(code="M01A").blank_form.name == material.blank_form.name


def test_retire_from_the_page(client, head, published_item):
    client.force_login(head)
    url = reverse("catalog:staff_retire", args=[CODE])
    assert client.post(url, {"reason": ""}).status_code == 422
    response = client.post(url, {"reason": "上级取消该事项"})
    assert response.status_code == 302
    published_item.refresh_from_db()
    assert published_item.status == ServiceItem.Status.RETIRED
    detail = client.get(reverse("catalog:staff_detail", args=[CODE])).content.decode()
    assert "上级取消该事项" in detail
    edit = client.get(reverse("catalog:staff_edit", args=[CODE]))
    assert edit.status_code == 302


def test_discard_a_draft_from_the_page(client, head, published_item):
    client.force_login(head)
    services.update_draft(actor=None, item=published_item, content=content_dict(name="草"))
    assert client.post(reverse("catalog:staff_discard", args=[CODE])).status_code == 302
    published_item.refresh_from_db()
    assert published_item.draft_version is None


def test_version_preview(client, head, published_item):
    client.force_login(head)
    services.update_draft(actor=None, item=published_item, content=content_dict(name="预览草稿"))
    html = client.get(reverse("catalog:staff_version", args=[CODE, 2])).content.decode()
    assert "预览草稿" in html and 'data-testid="guide"' in html
    assert client.get(reverse("catalog:staff_version", args=[CODE, 9])).status_code == 404


def export_bytes(client) -> bytes:
    response = client.get(reverse("catalog:staff_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return response.content


def test_export_download_and_import_page_round_trip(client, admin_user, published_item):
    client.force_login(admin_user)
    data = export_bytes(client)
    assert load_workbook(io.BytesIO(data)).sheetnames == ["事项", "材料"]
    workbook = load_workbook(io.BytesIO(data))
    workbook["事项"]["C2"] = "食品经营许可（导入修改）"
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("catalogue.xlsx", buffer.getvalue())
    response = client.post(reverse("catalog:staff_import"), {"file": upload, "publish": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="import-summary"' in html and "新增 0 项，变更 1 项，未变 0 项" in html
    assert selectors.published_version(CODE).name == "食品经营许可（导入修改）"


def test_the_import_page_lists_every_bad_cell_and_imports_nothing(client, admin_user, department):
    client.force_login(admin_user)
    services.import_items([item_dict()])
    workbook = load_workbook(io.BytesIO(export_bytes(client)))
    workbook["事项"]["H2"] = 99  # promised > statutory
    workbook["事项"]["F2"] = "很快"  # unknown handling type
    workbook["材料"]["D3"] = "也许"  # required?
    workbook["事项"].append(
        ["NEW-1", "B", "新事项", "NOPE", "01", "承诺件", 20, 5, 0, "", 3, "依据"]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("catalogue.xlsx", buffer.getvalue())
    response = client.post(reverse("catalog:staff_import"), {"file": upload, "publish": "on"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html
    assert html.count('data-testid="import-error"') == 5
    for cell in (
        'data-sheet="事项" data-row="2" data-column="办件类型"',
        'data-sheet="事项" data-row="2" data-column="承诺时限（工作日）"',
        'data-sheet="材料" data-row="3" data-column="是否必需"',
        'data-sheet="事项" data-row="3" data-column="部门编码"',
        'data-sheet="事项" data-row="3" data-column=""',
    ):
        assert cell in html, cell
    assert "不存在编码为“NOPE”的部门。" in html
    assert not ServiceItem.objects.filter(impl_code="NEW-1").exists()
    assert selectors.published_version(CODE).number == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [("list.csv", b"a,b\n1,2\n"), ("fake.xlsx", b"not a zip"), ("empty.xlsx", b"")],
)
def test_a_non_workbook_upload_gets_a_chinese_error(client, admin_user, name, content):
    client.force_login(admin_user)
    upload = SimpleUploadedFile(name, content)
    response = client.post(reverse("catalog:staff_import"), {"file": upload})
    assert response.status_code == 422
    html = response.content.decode()
    assert "该文件不是Excel工作簿（.xlsx）。" in html or "所提交的是空文件。" in html


def test_the_import_page_without_a_file(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("catalog:staff_import"), {})
    assert response.status_code == 422
    assert "此项为必填项。" in response.content.decode()


def test_malformed_editor_posts_are_4xx(client, head, published_item):
    client.force_login(head)
    url = reverse("catalog:staff_edit", args=[CODE])
    assert client.post(url, {}).status_code == 422
    assert client.post(url, {"materials-TOTAL_FORMS": "x", "v-name": "a"}).status_code == 422
    data = editor_post(content_dict(), revision="abc")
    # A forged count is capped at the formset's maximum and refused, not built and rendered
    # form by form.
    data["materials-TOTAL_FORMS"] = "100000"
    response = client.post(url, data)
    assert response.status_code == 422
    assert "200" in response.content.decode() and "表单" in response.content.decode()
    assert client.put(url).status_code == 405


def test_export_of_one_department_with_an_odd_filter(client, supervisor, published_item):
    client.force_login(supervisor)
    response = client.get(reverse("catalog:staff_export"), {"department": 'SCJ"\n'})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="catalogue-')
    response = client.get(reverse("catalog:staff_export"), {"department": "SCJ"})
    rows = list(load_workbook(io.BytesIO(response.content))["事项"].iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [CODE]
    response = client.get(reverse("catalog:staff_export"), {"department": "ZJJ"})
    assert len(list(load_workbook(io.BytesIO(response.content))["事项"].iter_rows())) == 1


def test_the_admin_shows_the_catalogue_read_only(client, admin_user, published_item):
    client.force_login(admin_user)
    listing = client.get("/admin/catalog/serviceitem/")
    assert listing.status_code == 200 and CODE in listing.content.decode()
    assert "政务服务事项" in listing.content.decode()
    detail = client.get(f"/admin/catalog/serviceitem/{published_item.pk}/change/")
    assert detail.status_code == 200
    version = published_item.current_version
    page = client.get(f"/admin/catalog/serviceitemversion/{version.pk}/change/")
    assert page.status_code == 200 and "食品经营许可申请书" in page.content.decode()
    assert client.get("/admin/catalog/serviceitem/add/").status_code == 403


def test_nul_characters_on_staff_pages(client, supervisor, published_item):
    client.force_login(supervisor)
    assert (
        client.get(reverse("catalog:staff_list"), {"q": "\x00", "status": "\x00"}).status_code
        == 400
    )
    assert client.get("/catalog/manage/items/%00/").status_code == 400


def test_the_editor_carries_licence_types(client, head, published_item):
    """The item's licence type and each material's are fields of the editor, labelled in
    Chinese, shown again from the stored draft."""
    client.force_login(head)
    content = content_dict(licence_type="SPJY")
    content["materials"][0]["licence_type"] = "YYZZ"
    url = reverse("catalog:staff_edit", args=[CODE])
    response = client.post(url, editor_post(content, revision=published_item.revision))
    assert response.status_code == 302
    draft = ServiceItem.objects.get(impl_code=CODE).draft_version
    assert draft.licence_type == "SPJY"
    assert draft.materials.order_by("position")[0].licence_type == "YYZZ"
    page = client.get(url).content.decode()
    assert "颁发证照类型" in page and "可由此类证照代替" in page
    assert 'value="SPJY"' in page and 'value="YYZZ"' in page
    bad = content_dict(licence_type="证照 类型")
    response = client.post(url, editor_post(bad, revision=published_item.revision + 1))
    assert response.status_code == 422
