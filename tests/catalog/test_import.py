"""Imports: the dict shape (the demo-data loader) and Excel, all or nothing, one write path."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from tests.catalog.builders import immediate_item, item_dict
from zhengwu.catalog import excel, selectors, services
from zhengwu.catalog.models import ServiceItem, ServiceItemVersion
from zhengwu.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def catalogue(count: int = 3) -> list[dict]:
    return [
        item_dict(impl_code=f"11330100SCJ-XK-{n:04d}", name=f"许可事项{n}") for n in range(count)
    ]


# --- dicts ---------------------------------------------------------------------------------------


def test_import_creates_and_publishes(department, admin_user):
    summary = services.import_items(catalogue(3), actor=admin_user)
    assert summary.created == [f"11330100SCJ-XK-{n:04d}" for n in range(3)]
    assert summary.total == 3 and summary.updated == summary.unchanged == []
    version = selectors.published_version("11330100SCJ-XK-0001")
    assert version.name == "许可事项1" and version.number == 1
    assert version.published_by == admin_user


def test_import_is_idempotent_and_versions_changes(department):
    services.import_items(catalogue(3))
    again = services.import_items(catalogue(3))
    assert again.unchanged == [f"11330100SCJ-XK-{n:04d}" for n in range(3)]
    assert ServiceItemVersion.objects.count() == 3
    changed = catalogue(3)
    changed[1]["promised_limit"] = 5
    summary = services.import_items(changed)
    assert summary.updated == ["11330100SCJ-XK-0001"] and len(summary.unchanged) == 2
    version = selectors.published_version("11330100SCJ-XK-0001")
    assert version.number == 2 and version.promised_limit == 5
    assert ServiceItemVersion.objects.filter(status="superseded").count() == 1


def test_import_as_drafts(department):
    summary = services.import_items(catalogue(2), publish=False)
    assert len(summary.created) == 2 and summary.published is False
    assert ServiceItem.objects.filter(status=ServiceItem.Status.DRAFT).count() == 2
    assert not selectors.search_published().exists()


def test_import_with_a_past_valid_from(department):
    services.import_items(catalogue(1), valid_from=dt.date(2024, 1, 1))
    assert selectors.published_version("11330100SCJ-XK-0000").valid_from == dt.date(2024, 1, 1)


def test_a_bad_item_imports_nothing_and_every_problem_is_listed(department):
    items = catalogue(4)
    items[1]["promised_limit"] = 30
    items[2]["department"] = "NOPE"
    items[2]["materials"][0]["form"] = "fax"
    items[3]["impl_code"] = items[0]["impl_code"]
    with pytest.raises(services.ImportFailed) as failed:
        services.import_items(items)
    found = {(p.index, p.field, p.code) for p in failed.value.problems}
    assert found == {
        (1, "promised_limit", "promised_over_statutory"),
        (2, "materials[0].form", "bad_choice"),
        (2, "department", "department_unknown"),
        (3, "impl_code", "impl_code_duplicate"),
    }
    assert isinstance(failed.value, ValidationFailed) and failed.value.status == 422
    assert "items[1].promised_limit" in failed.value.errors
    assert not ServiceItem.objects.exists()


def test_import_refuses_to_move_or_recode_an_item(department, other_department):
    services.import_items(catalogue(1))
    moved = catalogue(1)
    moved[0]["department"] = other_department.code
    moved[0]["base_code"] = "999"
    with pytest.raises(services.ImportFailed) as failed:
        services.import_items(moved)
    assert {p.code for p in failed.value.problems} == {"department_changed", "base_code_changed"}


def test_a_retired_item_is_not_imported(published_item):
    services.retire(actor=None, item=published_item, reason="取消")
    with pytest.raises(services.ImportFailed) as failed:
        services.import_items([item_dict(name="复活")])
    assert [p.code for p in failed.value.problems] == ["item_retired"]


def test_a_department_head_imports_only_their_department(
    department, other_department, head, admin_user
):
    items = [item_dict(), item_dict(impl_code="ZJJ-1", department=other_department.code)]
    with pytest.raises(services.ImportFailed) as failed:
        services.import_items(items, actor=head)
    assert [(p.index, p.code) for p in failed.value.problems] == [(1, "department_forbidden")]
    assert services.import_items(items, actor=admin_user).total == 2


def test_not_a_list_is_a_validation_error(department):
    with pytest.raises(services.ImportFailed):
        services.import_items({"impl_code": "x"})


def test_an_existing_draft_is_replaced_and_published(department):
    services.import_items(catalogue(1), publish=False)
    summary = services.import_items(catalogue(1))
    assert summary.updated == ["11330100SCJ-XK-0000"]
    item = ServiceItem.objects.get()
    assert item.status == ServiceItem.Status.PUBLISHED and item.versions.count() == 1


# --- Excel ---------------------------------------------------------------------------------------


def sheet_rows(data: bytes, sheet: str) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(data))
    return [tuple(row) for row in workbook[sheet].iter_rows(values_only=True)]


def test_export_catalogue_writes_into_a_file(department):
    services.import_items([item_dict()])
    buffer = io.BytesIO()
    excel.export_catalogue(buffer)
    assert sheet_rows(buffer.getvalue(), "事项")[1][0] == "11330100SCJ-XK-0001"


def test_export_writes_both_sheets_with_chinese_headers(department):
    services.import_items(
        [
            item_dict(
                fees=[{"name": "工本费", "standard": "10元/证", "basis": "发改价格〔2017〕1186号"}],
                special_procedures=["inspection", "expert_review"],
                parallel=True,
            ),
            immediate_item("11330100SCJ-QT-0002"),
        ]
    )
    data = services.export_workbook()
    items = sheet_rows(data, "事项")
    assert items[0][:4] == ("实施编码", "基本编码", "事项名称", "部门编码")
    assert [row[0] for row in items[1:]] == ["11330100SCJ-QT-0002", "11330100SCJ-XK-0001"]
    row = dict(zip(items[0], items[2], strict=True))
    assert row["事项类型"] == "01 行政许可"
    assert row["办件类型"] == "承诺件"
    assert row["法定时限（工作日）"] == 20 and row["承诺时限（工作日）"] == 10
    assert row["网上办理深度"] == "Ⅲ"
    assert row["收费"] == "工本费 | 10元/证 | 发改价格〔2017〕1186号"
    assert row["办理流程"] == "1. 受理：窗口受理申请材料\n2. 审查：审查材料并现场核查\n3. 决定"
    assert row["特别程序"] == "检验、专家评审"
    assert row["是否并联审批"] == "是"
    second = dict(zip(items[0], items[1], strict=True))
    assert second["办件类型"] == "即办件" and second["网上办理深度"] == "Ⅳ"
    materials = sheet_rows(data, "材料")
    assert materials[0] == (
        "实施编码",
        "材料编码",
        "材料名称",
        "是否必需",
        "材料形式",
        "份数",
        "来源",
        "备注",
        "可代替的证照类型",
    )
    assert materials[4][:6] == ("11330100SCJ-XK-0001", "M01", "食品经营许可申请书", "是", "纸质", 1)
    assert materials[5][4] == "纸质和电子" and materials[6][3] == "否"
    assert len(materials) == 1 + 6


def test_round_trip_export_then_import_changes_nothing(department):
    services.import_items(
        [
            item_dict(
                steps=[{"name": "受理", "description": "第一行\n第二行"}],
                fees=[{"name": "工本费", "standard": "10元", "basis": "文件"}],
                basis="=SUM(A1) 不是公式\n第二段",
            ),
            immediate_item("11330100SCJ-QT-0002"),
        ]
    )
    before = [selectors.version_content(v) for v in selectors.export_versions()]
    summary = services.import_workbook(io.BytesIO(services.export_workbook()))
    assert summary.unchanged == ["11330100SCJ-QT-0002", "11330100SCJ-XK-0001"]
    assert summary.created == summary.updated == []
    assert [selectors.version_content(v) for v in selectors.export_versions()] == before


def test_an_edited_export_imports_as_new_versions(department):
    services.import_items([item_dict()])
    workbook = load_workbook(io.BytesIO(services.export_workbook()))
    workbook["事项"]["H2"] = 8  # 承诺办结时限
    workbook["事项"].append(
        [
            "11330100SCJ-XK-0002",
            "000123456002",
            "新事项",
            "SCJ",
            "07 行政确认",
            "即办件",
            0,
            0,
            0,
            None,
            "IV",
            "依据",
            None,
            None,
            None,
            "听证、检测",
            "否",
        ]
    )
    workbook["材料"].append(["11330100SCJ-XK-0002", 1, "身份证", "是", "电子", 0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    summary = services.import_workbook(buffer)
    assert summary.updated == ["11330100SCJ-XK-0001"] and summary.created == ["11330100SCJ-XK-0002"]
    assert selectors.published_version("11330100SCJ-XK-0001").promised_limit == 8
    new = selectors.published_version("11330100SCJ-XK-0002")
    assert new.kind == "07" and new.handling_type == "immediate" and new.online_depth == 4
    assert new.special_procedures == ["hearing", "testing"]
    assert selectors.material_codes(new) == ["1"]


def workbook_bytes(items: list[list], materials: list[list], *, item_header=None) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "事项"
    sheet.append(item_header or [header for _k, header, *_r in excel.ITEM_COLUMNS])
    for row in items:
        sheet.append(row)
    other = workbook.create_sheet("材料")
    other.append([header for _k, header, *_r in excel.MATERIAL_COLUMNS])
    for row in materials:
        other.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


GOOD_ROW = [
    "A-0001",
    "B-0001",
    "事项甲",
    "SCJ",
    "01 行政许可",
    "承诺件",
    20,
    10,
    1,
    "现场核查",
    "Ⅲ",
    "《某法》第一条",
    "条件",
    "",
    "1. 受理：窗口受理",
    "检验",
    "否",
    "二楼",
    "9:00-17:00",
    "123",
    "12345",
]


def test_a_workbook_with_bad_rows_imports_nothing_and_lists_each_cell(department):
    bad_limits = ["A-0002", *GOOD_ROW[1:7], 30, *GOOD_ROW[8:]]  # promised 30 > statutory 20
    bad_type = ["A-0003", *GOOD_ROW[1:5], "加急件", *GOOD_ROW[6:]]
    bad_fee = ["A-0004", *GOOD_ROW[1:13], "工本费 | 10元 |", *GOOD_ROW[14:]]
    items = [GOOD_ROW, bad_limits, bad_type, bad_fee]
    materials = [
        ["A-0001", "M01", "申请书", "是", "纸质", 1],
        ["A-0002", "M01", "申请书", "是", "纸质", 1],
        ["A-0003", "M01", "申请书", "是", "纸质", 1],
        ["A-0004", "M01", "申请书", "也许", "纸质", 1],
        ["A-0004", "M01", "重复编码", "是", "纸质", 1],
        ["A-9999", "M01", "无主材料", "是", "纸质", 1],
    ]
    with pytest.raises(services.WorkbookInvalid) as failed:
        services.import_workbook(workbook_bytes(items, materials))
    rows = {(e.sheet, e.row, e.column) for e in failed.value.rows}
    assert rows == {
        ("事项", 3, "承诺时限（工作日）"),
        ("事项", 4, "办件类型"),
        ("事项", 5, "收费"),
        ("材料", 5, "是否必需"),
        ("材料", 6, "材料编码"),
        ("材料", 7, "实施编码"),
    }
    messages = {(e.sheet, e.row): e.message for e in failed.value.rows}
    assert messages[("事项", 3)] == "承诺办结时限（30个工作日）不得超过法定办结时限（20个工作日）。"
    assert messages[("事项", 4)] == "请填写“即办件”或“承诺件”。"
    assert messages[("事项", 5)].startswith("第1行：")
    assert "重复" in messages[("材料", 6)]
    assert not ServiceItem.objects.exists()


def test_a_workbook_missing_a_sheet_or_columns(department):
    header = [h for _k, h, *_r in excel.ITEM_COLUMNS if h != "办件类型"] + ["颜色"]
    with pytest.raises(services.WorkbookInvalid) as failed:
        services.import_workbook(workbook_bytes([], [], item_header=header))
    assert {(e.sheet, e.row, e.column) for e in failed.value.rows} == {
        ("事项", 1, "办件类型"),
        ("事项", 1, "颜色"),
    }
    only_items = Workbook()
    only_items.active.title = "事项"
    buffer = io.BytesIO()
    only_items.save(buffer)
    buffer.seek(0)
    with pytest.raises(services.WorkbookInvalid) as failed:
        services.import_workbook(buffer)
    assert [(e.sheet, e.message) for e in failed.value.rows] == [("材料", "缺少工作表“材料”。")]


def test_an_empty_workbook_and_a_non_workbook(department):
    with pytest.raises(services.WorkbookInvalid) as failed:
        services.import_workbook(workbook_bytes([], []))
    assert failed.value.rows[0].message == "工作表“事项”中没有事项。"
    for junk in (b"impl_code,name\n1,2\n", b"PK\x03\x04 broken zip", b""):
        with pytest.raises(services.WorkbookInvalid) as failed:
            services.import_workbook(io.BytesIO(junk))
        assert failed.value.rows[0].message == "该文件不是Excel工作簿（.xlsx）。"


def test_headers_tolerate_spaces_half_width_brackets_and_long_names(department):
    header = [h.replace("（工作日）", "(工作日) ") for _k, h, *_r in excel.ITEM_COLUMNS]
    header[6] = "法定办结时限（工作日）"
    buffer = workbook_bytes([GOOD_ROW], [["A-0001", "M01", "申请书"]], item_header=header)
    assert services.import_workbook(buffer).created == ["A-0001"]
    material = selectors.published_version("A-0001").materials.get()
    assert material.required is True and material.form == "paper" and material.copies == 1


def test_licence_types_travel_through_dicts_and_excel(department):
    """A version names the licence type its grant issues, a material the type that stands in for
    it; both round-trip through the dict import and the workbook, with Chinese headers."""
    data = item_dict(licence_type="SPJY")
    data["materials"][0]["licence_type"] = "YYZZ"
    services.import_items([data])
    version = ServiceItem.objects.get(impl_code=data["impl_code"]).current_version
    assert version.licence_type == "SPJY"
    assert version.materials.get(code=data["materials"][0]["code"]).licence_type == "YYZZ"
    exported = services.export_workbook()
    items = sheet_rows(exported, "事项")
    assert dict(zip(items[0], items[1], strict=True))["颁发证照类型"] == "SPJY"
    materials = sheet_rows(exported, "材料")
    assert dict(zip(materials[0], materials[1], strict=True))["可代替的证照类型"] == "YYZZ"
    # the same workbook imports unchanged
    summary = services.import_workbook(io.BytesIO(exported))
    assert summary.unchanged == [data["impl_code"]]


def test_a_licence_type_is_a_code(department):
    problems = services.validate_items([item_dict(licence_type="营业 执照")])
    assert [(p.field, p.code) for p in problems] == [("licence_type", "bad_code")]
