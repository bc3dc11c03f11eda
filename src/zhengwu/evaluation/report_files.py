"""Reports of the evaluation app as files: a .docx of headed sections with paragraphs and
tables (python-docx, A4, 宋体), used by the 评议报告, the 季度通报 and the 优秀窗口 list;
the .xlsx uses the assessment's ``workbook`` (one sheet per table), so the tables are built
once for page and files."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from zhengwu.assessment.documents import Table, workbook

__all__ = ["Part", "Table", "docx", "workbook"]


@dataclass
class Part:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def docx(*, issuer: str, title: str, subtitle: str, parts: list[Part], date_cn: str) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.5)
    normal = document.styles["Normal"]
    normal.font.name = "SimSun"
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "SimSun")

    def centered(text, size, bold=False):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold

    centered(title, 18, bold=True)
    if subtitle:
        centered(subtitle, 12)
    for part in parts:
        heading = document.add_paragraph()
        run = heading.add_run(part.heading)
        run.bold = True
        run.font.size = Pt(14)
        for text in part.paragraphs:
            document.add_paragraph(text).paragraph_format.first_line_indent = Pt(24)
        for table in part.tables:
            if table.title:
                document.add_paragraph(table.title).runs[0].bold = True
            grid = document.add_table(rows=1, cols=len(table.headers))
            grid.style = "Table Grid"
            for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
                cell.text = str(header)
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in table.rows:
                cells = grid.add_row().cells
                for cell, value in zip(cells, row, strict=True):
                    cell.text = "" if value is None else str(value)
    for text in ("", issuer, date_cn):
        line = document.add_paragraph(text)
        line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
