"""Tables 三 and 四 laid out as the format prints them, in the workbook and the Word report."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import translation

from zhengwu.disclosure import annual, annual_documents
from zhengwu.disclosure.annual import Proceeding, Request

D = dt.date


def _tables():
    records = [
        Request(D(2025, 12, 30), "person", D(2026, 1, 9), "disclosed"),
        Request(D(2026, 3, 2), "person", D(2026, 3, 20), "partial"),
        Request(D(2026, 3, 3), "business", D(2026, 3, 30), "withheld", 1),
        Request(D(2026, 5, 6), "legal_service", D(2026, 5, 7), "other", 3),
        Request(D(2026, 12, 29), "research"),
    ]
    proceedings = [
        Proceeding("reconsideration", D(2026, 4, 1), "corrected", D(2026, 6, 1)),
        Proceeding("lawsuit_after_reconsideration", D(2026, 7, 1)),
    ]
    return annual.table_three(2026, records), annual.table_four(2026, proceedings)


def _texts(grid):
    return {cell.key: cell for cell in grid.cells() if cell.key}


def test_table_three_is_laid_out_as_the_format():
    three, _ = _tables()
    with translation.override("zh-hans"):
        grid = annual_documents.table_three_grid(three)
    assert grid.columns == 10
    # 3 header lines, 一, 二, 22 result lines with (七), 四.
    assert len(grid.rows) == 3 + 2 + 22 + 1
    heads = [c.text for c in grid.cells() if c.header]
    assert heads[0] == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    for text in (
        "申请人情况",
        "自然人",
        "法人或其他组织",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "三、本年度办理结果",
        "（一）予以公开",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "（三）不予公开",
        "1.属于国家秘密",
        "3.危及“三安全一稳定”",
        "8.属于行政查询事项",
        "（四）无法提供",
        "2.没有现成信息需要另行制作",
        "（五）不予处理",
        "5.要求行政机关确认或重新出具已获取信息",
        "（六）其他处理",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "3.其他",
        "（七）总计",
        "四、结转下年度继续办理",
    ):
        assert text in heads, text
    results = next(c for c in grid.cells() if c.text == "三、本年度办理结果")
    assert results.rowspan == 22
    withheld = next(c for c in grid.cells() if c.text == "（三）不予公开")
    assert withheld.rowspan == 8
    cells = _texts(grid)
    assert cells["received:person"].text == "1"
    assert cells["carried_over:total"].text == "1"
    assert cells["withheld_state_secret:business"].text == "1"
    assert cells["results_total:total"].text == "4"
    assert cells["carried_forward:research"].text == "1"
    # Every row's figures sit in the last seven columns.
    assert {c.column for c in grid.cells() if c.number} == set(range(3, 10))


def test_table_four_is_laid_out_as_the_format():
    _, four = _tables()
    with translation.override("zh-hans"):
        grid = annual_documents.table_four_grid(four)
    heads = [c.text for c in grid.cells() if c.header]
    for text in ("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", "结果维持", "结果纠正",
                 "其他结果", "尚未审结"):  # fmt: skip
        assert text in heads, text
    cells = _texts(grid)
    assert cells["reconsideration:corrected"].text == "1"
    assert cells["reconsideration:total"].text == "1"
    assert cells["lawsuit_after_reconsideration:pending"].text == "1"
    assert cells["lawsuit_after_reconsideration:pending"].column == 13
    assert len([c for c in grid.cells() if c.number]) == 15


def test_the_workbook_merges_cells_as_the_format():
    from openpyxl import load_workbook

    three, four = _tables()
    with translation.override("zh-hans"):
        grids = [annual_documents.table_three_grid(three), annual_documents.table_four_grid(four)]
        title = "某县人民政府2026年政府信息公开工作年度报告"
        content = annual_documents.workbook(grids, title=title)
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == [
        "收到和处理政府信息公开申请情况",
        "政府信息公开行政复议、行政诉讼情况",
    ]
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "某县人民政府2026年政府信息公开工作年度报告"
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "A3:C5" in merged  # the balance note over three header lines
    assert "D3:J3" in merged  # 申请人情况
    assert "A8:A29" in merged  # 三、本年度办理结果 over its 22 lines
    assert sheet["A6"].value == "一、本年新收政府信息公开申请数量"
    assert sheet["J6"].value == 4  # received, total
    assert sheet["B29"].value == "（七）总计"
    assert sheet["J29"].value == 4
    assert sheet["A30"].value == "四、结转下年度继续办理"
    assert sheet["F30"].value == 1  # research institutions
    litigation = book.worksheets[1]
    assert litigation["B6"].value == 1  # reconsiderations corrected


def test_the_report_document_holds_the_prose_and_both_tables():
    from docx import Document

    three, four = _tables()
    with translation.override("zh-hans"):
        grids = {
            "table_three": annual_documents.table_three_grid(three),
            "table_four": annual_documents.table_four_grid(four),
        }
        content = annual_documents.report_docx(
            title="某县人民政府2026年政府信息公开工作年度报告",
            grids=grids,
            prose={"overview": "第一段。\n\n第二段。", "problems": "问题与改进。"},
            balance_sentence=annual_documents.balance_sentence(three),
        )
    document = Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "某县人民政府2026年政府信息公开工作年度报告"
    assert texts.index("一、总体情况") < texts.index("第一段。") < texts.index("第二段。")
    assert "二、主动公开政府信息情况" in texts
    assert "五、存在的主要问题及改进情况" in texts and "问题与改进。" in texts
    assert "六、其他需要报告的事项" in texts
    assert len(document.tables) == 2
    first = document.tables[0]
    assert first.cell(3, 0).text == "一、本年新收政府信息公开申请数量"
    assert first.cell(3, 9).text == "4"
    assert any(t.startswith("核对：") for t in texts)
