"""The scene pages: the public list and guide (stage diagram, merged materials, serial and
parallel figures with their definitions), the staff's scene report (seed 001's 232 → 72 working
days and 111 → 48 steps), the administrators' management pages and the Excel import/export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests.cases.helpers import AT
from tests.catalog.builders import item_dict
from tests.joint.conftest import SCENE, SCJ_ITEM, ZJJ_FIRST, ZJJ_SECOND
from tests.joint.test_scenes import SEED_001_STAGES
from zhengwu.catalog import services as catalog_services
from zhengwu.core.roles import Role
from zhengwu.joint import scene_excel, services
from zhengwu.joint.models import Scene, SceneVersion

pytestmark = pytest.mark.django_db


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- public --------------------------------------------------------------------------------------


def test_the_public_guide_shows_stages_materials_and_figures(client, scene):
    page = html(client.get(reverse("scenes:guide", args=[SCENE])))
    assert 'data-testid="stage-diagram"' in page
    assert page.count('data-testid="stage"') == 2
    assert "第1阶段" in page and "第2阶段" in page
    assert "市场监督管理局" in page  # the lead department
    # one 营业执照复印件 serves all three items
    assert page.count('data-testid="merged-material"') == 5
    assert "食品经营许可（新办）、建设工程消防设计审查、建设工程消防验收" in page
    # serial 20 + 15 + 20 = 55, parallel max(20, 15) + 20 = 40, −27%
    assert 'data-testid="serial-days">55<' in page
    assert 'data-testid="parallel-days">40<' in page
    assert 'data-testid="reduction-days">−27%<' in page
    assert "各事项法定办结时限之和" in page  # the definition beside the figure
    assert "30 个工作日" in page  # promised limit


def test_the_public_list_is_linked_from_the_catalogue(client, scene):
    assert reverse("scenes:public_list") in html(client.get(reverse("catalog:public_list")))
    page = html(client.get(reverse("scenes:public_list")))
    assert reverse("scenes:guide", args=[SCENE]) in page and "开办餐饮店" in page


def test_a_draft_only_scene_has_no_public_guide(client, items, admin):
    services.save_scene(
        actor=admin,
        code="DRAFT",
        name="草稿",
        lead_department="SCJ",
        promised_limit=10,
        stages=[[SCJ_ITEM, ZJJ_FIRST]],
    )
    assert client.get(reverse("scenes:guide", args=["DRAFT"])).status_code == 404
    assert client.get(reverse("scenes:guide", args=["NONE\x00"])).status_code in (400, 404)


# --- the scene report ----------------------------------------------------------------------------


@pytest.fixture
def seed_001_scene(department, other_department, admin, travel):
    """The four stages of seed 001's 模块化审批, configured as published items with their
    statutory limits and process steps, alternating between two departments."""
    travel(AT("2026-01-05 09:00"))
    stages, data = [], []
    for s, stage in enumerate(SEED_001_STAGES):
        codes = []
        for i, (limit, steps) in enumerate(stage):
            code = f"SEED-{s}-{i}"
            codes.append(code)
            data.append(
                item_dict(
                    impl_code=code,
                    department="SCJ" if (s + i) % 2 == 0 else "ZJJ",
                    name=f"第{s + 1}阶段事项{i + 1}",
                    statutory_limit=limit,
                    promised_limit=limit,
                    steps=[{"name": f"环节{n + 1}", "description": ""} for n in range(steps)],
                )
            )
        stages.append(codes)
    catalog_services.import_items(data, valid_from=dt.date(2026, 1, 5))
    services.save_scene(
        actor=admin,
        code="GCJS",
        name="工程建设项目审批",
        lead_department="SCJ",
        promised_limit=45,
        stages=stages,
    )
    return services.publish_scene(actor=admin, code="GCJS")


def test_the_report_reproduces_seed_001_from_the_configured_stages(
    client, seed_001_scene, make_user
):
    client.force_login(make_user(Role.SUPERVISOR))
    page = html(client.get(reverse("scenes:report")))
    row = page[page.index('data-code="GCJS"') :]
    row = row[: row.index("</tr>")]
    assert 'data-testid="serial-days">232<' in row
    assert 'data-testid="parallel-days">72<' in row
    assert 'data-testid="reduction-days">−69%<' in row
    assert 'data-testid="serial-steps">111<' in row
    assert 'data-testid="parallel-steps">48<' in row
    assert 'data-testid="reduction-steps">−57%<' in row
    assert "各阶段内最长的法定办结时限之和" in page
    # the same figures on the scene's public guide
    guide = html(client.get(reverse("scenes:guide", args=["GCJS"])))
    assert 'data-testid="serial-steps">111<' in guide and 'data-testid="parallel-days">72<' in guide


@pytest.mark.parametrize("name", ["scenes:report", "scenes:public_list"])
def test_the_report_and_the_list_read_every_scene_in_a_few_queries(
    client, seed_001_scene, scene, make_user, django_assert_max_num_queries, name
):
    """Two scenes of 3 and 13 items: the count does not grow with scenes, items or steps (it was
    one query per item for its steps and one per scene for its code)."""
    client.force_login(make_user(Role.SUPERVISOR))
    client.get(reverse(name))
    with django_assert_max_num_queries(12):
        page = html(client.get(reverse(name)))
    assert 'data-code="GCJS"' in page or "GCJS" in page


def test_the_report_is_for_staff(client, scene, citizen):
    url = reverse("scenes:report")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(citizen)
    assert client.get(url).status_code == 403


# --- management ----------------------------------------------------------------------------------

MANAGE_URLS = [
    ("scenes:staff_list", []),
    ("scenes:staff_create", []),
    ("scenes:staff_import", []),
    ("scenes:staff_export", []),
    ("scenes:staff_detail", [SCENE]),
    ("scenes:staff_edit", [SCENE]),
    ("scenes:staff_version", [SCENE, 1]),
]


@pytest.mark.parametrize(("name", "args"), MANAGE_URLS)
def test_management_is_for_administrators(client, scene, admin, make_user, department, name, args):
    url = reverse(name, args=args)
    assert client.get(url).status_code == 302
    for role in (Role.DEPARTMENT_HEAD, Role.SUPERVISOR, Role.WINDOW_CLERK):
        client.force_login(make_user(role, department=department))
        assert client.get(url).status_code == 403
    client.force_login(admin)
    assert client.get(url).status_code == 200


def test_the_list_filters_pages_and_counts(client, scene, admin, items):
    for n in range(22):
        services.save_scene(
            actor=admin,
            code=f"S{n:02d}",
            name=f"场景{n}",
            lead_department="ZJJ",
            promised_limit=10,
            stages=[[ZJJ_FIRST, SCJ_ITEM]],
        )
    client.force_login(admin)
    url = reverse("scenes:staff_list")
    page = html(client.get(url))
    assert 'data-total="23"' in page and page.count('data-testid="scene-row"') == 20
    assert page.count('data-testid="scene-row"') == 20
    second = html(client.get(url, {"page": 2}))
    assert second.count('data-testid="scene-row"') == 3
    published = html(client.get(url, {"status": "published"}))
    assert 'data-total="1"' in published and f'data-code="{SCENE}"' in published
    by_lead = html(client.get(url, {"lead": "ZJJ", "q": "场景1"}))
    assert 'data-total="11"' in by_lead  # 场景1, 场景10 ... 场景19
    assert 'data-total="23"' in html(client.get(url, {"status": "nonsense"}))


def editor_post(*, name="开办餐饮店", lead="SCJ", promised=20, composite=False, rows=(), code=None):
    data = {
        "name": name,
        "lead_department": lead,
        "promised_limit": str(promised),
        "items-TOTAL_FORMS": str(len(rows)),
        "items-INITIAL_FORMS": "0",
    }
    if code is not None:
        data["code"] = code
    if composite:
        data["composite_licence"] = "on"
    for index, (impl_code, stage) in enumerate(rows):
        data[f"items-{index}-item"] = impl_code
        data[f"items-{index}-stage"] = str(stage)
    return data


def test_create_preview_and_publish_with_confirmation(client, items, admin):
    client.force_login(admin)
    rows = [(SCJ_ITEM, 1), (ZJJ_FIRST, 1), (ZJJ_SECOND, 2)]
    response = client.post(
        reverse("scenes:staff_create"), editor_post(code="KBCY", rows=rows, composite=True)
    )
    assert response.status_code == 302
    draft = Scene.objects.get(code="KBCY").draft_version
    assert draft.composite_licence and draft.items.count() == 3
    detail = html(client.get(reverse("scenes:staff_detail", args=["KBCY"])))
    # the merged material list, before publication
    assert detail.count('data-testid="merged-material"') == 5
    assert 'data-testid="scene-publish"' in detail
    url = reverse("scenes:staff_publish", args=["KBCY"])
    asked = html(client.post(url, {}))
    assert 'data-testid="confirm-step"' in asked and "开办餐饮店" in asked
    assert Scene.objects.get(code="KBCY").current_version is None
    assert client.post(url, {"confirmed": "yes"}).status_code == 302
    scene = Scene.objects.get(code="KBCY")
    assert scene.status == Scene.Status.PUBLISHED and scene.current_version.number == 1
    assert scene.current_version.materials.count() == 5
    detail = html(client.get(reverse("scenes:staff_detail", args=["KBCY"])))
    assert 'data-testid="scene-version" data-number="1"' in detail and "管理员" in detail


def test_every_broken_publishing_rule_is_shown(client, items, admin):
    client.force_login(admin)
    rows = [(SCJ_ITEM, 2)]
    response = client.post(
        reverse("scenes:staff_create"), editor_post(code="BAD", lead="ZJJ", promised=50, rows=rows)
    )
    assert response.status_code == 302
    page = html(client.get(reverse("scenes:staff_detail", args=["BAD"])))
    problems = page.count('data-testid="publish-problem"')
    assert problems == 5
    for message in (
        "一件事至少包含两个政务服务事项",
        "一件事至少包含两个部门的事项",
        "牵头部门必须办理一件事中的至少一个事项",
        "45个工作日",
        "阶段须从第一阶段起连续编号",
    ):
        assert message in page, message
    assert 'data-testid="scene-publish"' not in page
    # a forced post is refused with the same messages
    response = client.post(reverse("scenes:staff_publish", args=["BAD"]), {"confirmed": "yes"})
    assert response.status_code == 409
    assert response.content.decode().count('data-testid="publish-problem"') == 5


def test_the_editor_keeps_input_on_error(client, items, admin):
    client.force_login(admin)
    response = client.post(
        reverse("scenes:staff_create"),
        editor_post(code="坏 编码", name="", rows=[("NO-SUCH", 1)]),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'value="坏 编码"' in page
    assert "field-error" in page
    assert not Scene.objects.exists()


def test_editing_a_published_scene_makes_a_new_version(client, scene, admin):
    client.force_login(admin)
    url = reverse("scenes:staff_edit", args=[SCENE])
    page = html(client.get(url))
    assert f'value="{SCJ_ITEM}" selected' in page or "selected" in page
    rows = [(SCJ_ITEM, 1), (ZJJ_FIRST, 2), (ZJJ_SECOND, 3)]
    assert client.post(url, editor_post(promised=25, rows=rows)).status_code == 302
    draft = Scene.objects.get(code=SCENE).draft_version
    assert draft.number == 2 and draft.promised_limit == 25
    assert Scene.objects.get(code=SCENE).current_version.number == 1
    version = html(client.get(reverse("scenes:staff_version", args=[SCENE, 1])))
    assert version.count('data-testid="stage"') == 2


# --- Excel ---------------------------------------------------------------------------------------


def sheet_rows(content: bytes, title: str) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content))[title].iter_rows(values_only=True))


def test_export_then_import_reproduces_the_scenes(client, scene, admin):
    client.force_login(admin)
    response = client.get(reverse("scenes:staff_export"))
    assert response.status_code == 200
    exported = response.content
    scenes = sheet_rows(exported, "一件事")
    assert scenes[0] == (
        "场景编码",
        "场景名称",
        "牵头部门编码",
        "承诺时限（工作日）",
        "是否一业一证",
        "阶段名称",
    )
    assert scenes[1][:5] == (SCENE, "开办餐饮店", "SCJ", 30, "否")
    items = sheet_rows(exported, "事项")
    assert items[0] == ("场景编码", "阶段", "实施编码", "事项名称")
    assert [row[:3] for row in items[1:]] == [
        (SCENE, 1, SCJ_ITEM),
        (SCENE, 1, ZJJ_FIRST),
        (SCENE, 2, ZJJ_SECOND),
    ]
    # importing the export changes nothing
    assert scene_excel.import_workbook(io.BytesIO(exported), actor=admin).unchanged == [SCENE]
    # a changed scene is put back as exported, as a new published version
    services.save_scene(
        actor=admin,
        code=SCENE,
        name="改过的名称",
        lead_department="ZJJ",
        promised_limit=40,
        stages=[[ZJJ_FIRST, SCJ_ITEM]],
    )
    services.publish_scene(actor=admin, code=SCENE)
    upload = SimpleUploadedFile("scenes.xlsx", exported)
    page = html(client.post(reverse("scenes:staff_import"), {"file": upload, "publish": "on"}))
    assert 'data-testid="import-summary"' in page
    summary = page[page.index('data-testid="import-summary"') :]
    assert "新增 0" in summary and "变更 1" in summary
    again = client.get(reverse("scenes:staff_export")).content
    assert sheet_rows(again, "一件事") == scenes and sheet_rows(again, "事项") == items
    assert Scene.objects.get(code=SCENE).current_version.number == 3


def workbook(scenes: list[tuple], items: list[tuple]) -> bytes:
    book = Workbook()
    first = book.active
    first.title = "一件事"
    first.append(["场景编码", "场景名称", "牵头部门编码", "承诺时限（工作日）", "是否一业一证"])
    for row in scenes:
        first.append(list(row))
    second = book.create_sheet("事项")
    second.append(["场景编码", "阶段", "实施编码"])
    for row in items:
        second.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_bad_import_lists_every_row_in_chinese_and_imports_nothing(client, items, admin):
    client.force_login(admin)
    content = workbook(
        [
            ("GOOD", "好场景", "SCJ", 10, "是"),
            ("ONE", "只有一个事项", "SCJ", 50, "否"),
            ("LEAD", "部门不存在", "NOSUCH", 10, "也许"),
        ],
        [
            ("GOOD", 1, SCJ_ITEM),
            ("GOOD", 1, ZJJ_FIRST),
            ("ONE", 1, SCJ_ITEM),
            ("LEAD", 1, SCJ_ITEM),
            ("NONE", 1, SCJ_ITEM),
            ("GOOD", "甲", ZJJ_SECOND),
        ],
    )
    upload = SimpleUploadedFile("bad.xlsx", content)
    response = client.post(reverse("scenes:staff_import"), {"file": upload, "publish": "on"})
    assert response.status_code == 422
    page = response.content.decode()
    assert page.count('data-testid="import-error"') == 3
    assert 'data-sheet="一件事" data-row="4"' in page  # 是否一业一证: 也许
    assert 'data-sheet="事项" data-row="6"' in page and "工作表“一件事”中没有此场景编码" in page
    assert 'data-sheet="事项" data-row="7"' in page and "阶段请填写1至20的整数" in page
    assert not Scene.objects.exists()
    # the reading errors first; once they are fixed, the rules of each scene
    content = workbook(
        [("GOOD", "好场景", "SCJ", 10, "是"), ("ONE", "只有一个事项", "SCJ", 50, "否")],
        [("GOOD", 1, SCJ_ITEM), ("GOOD", 1, ZJJ_FIRST), ("ONE", 1, SCJ_ITEM)],
    )
    upload = SimpleUploadedFile("rules.xlsx", content)
    response = client.post(reverse("scenes:staff_import"), {"file": upload, "publish": "on"})
    assert response.status_code == 422
    page = response.content.decode()
    assert page.count('data-row="3"') == 3  # too few items, departments, promised too long
    assert not Scene.objects.exists()
    upload = SimpleUploadedFile("x.xlsx", b"not a workbook")
    response = client.post(reverse("scenes:staff_import"), {"file": upload})
    assert "不是Excel工作簿" in response.content.decode()


def test_importing_drafts(items, admin):
    content = workbook(
        [("D1", "草稿场景", "SCJ", 10, "否")], [("D1", 1, SCJ_ITEM), ("D1", 2, ZJJ_FIRST)]
    )
    summary = scene_excel.import_workbook(io.BytesIO(content), actor=admin, publish=False)
    assert summary.created == ["D1"] and not summary.published
    scene = Scene.objects.get(code="D1")
    assert scene.current_version is None
    assert scene.draft_version.status == SceneVersion.Status.DRAFT


def test_stages_are_named_in_the_editor_the_guide_and_excel(client, items, admin):
    client.force_login(admin)
    rows = [(SCJ_ITEM, 1), (ZJJ_FIRST, 2), (ZJJ_SECOND, 2)]
    data = editor_post(code="NAMED", rows=rows)
    data["stage_names"] = "营业执照\r\n消防审查和验收"
    assert client.post(reverse("scenes:staff_create"), data).status_code == 302
    url = reverse("scenes:staff_publish", args=["NAMED"])
    assert client.post(url, {"confirmed": "yes"}).status_code == 302
    version = Scene.objects.get(code="NAMED").current_version
    assert version.stage_names == ["营业执照", "消防审查和验收"]
    guide = html(client.get(reverse("scenes:guide", args=["NAMED"])))
    assert "第1阶段 <span" in guide and ">营业执照</span>" in guide
    assert ">消防审查和验收</span>" in guide
    edit = html(client.get(reverse("scenes:staff_edit", args=["NAMED"])))
    assert "营业执照\n消防审查和验收" in edit
    exported = scene_excel.export_workbook()
    assert sheet_rows(exported, "一件事")[1][5] == "营业执照\n消防审查和验收"
    assert scene_excel.import_workbook(io.BytesIO(exported), actor=admin).unchanged == ["NAMED"]
    # more names than stages is refused, the input kept
    data["stage_names"] = "一\n二\n三"
    response = client.post(reverse("scenes:staff_edit", args=["NAMED"]), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "阶段名称多于阶段数" in page and "一\n二\n三" in page
