"""Official written acts (文书) as .docx and print views, shared by every domain.

A domain builds an ``OfficialDocument`` (the issuing office, the title, the reference line, the
facts table, the body paragraphs with an optional numbered list after the first, dated lines,
remarks, the date) and renders it with ``render_docx`` or the template
``core/official_document.html``. The cases' certificates (``zhengwu.cases.notices``) and the
disclosure documents (``zhengwu.disclosure.documents``) are both made this way.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from django.utils.translation import gettext as _


@dataclass
class OfficialDocument:
    issuer: str
    title: str
    reference_label: str  # e.g. "Case number: %(number)s" already filled in
    facts: Sequence[tuple[str, str]] = ()
    paragraphs: Sequence[str] = ()
    items: Sequence[str] = ()  # a numbered list after the first paragraph
    dates: Sequence[tuple[str, str]] = ()
    flags: Sequence[str] = ()
    date_cn: str = ""
    filename: str = "document.docx"
    ascii_filename: str = "document.docx"
    extra: dict = field(default_factory=dict)

    @property
    def content_disposition(self) -> str:
        return content_disposition(self.filename, self.ascii_filename)


def content_disposition(filename: str, ascii_filename: str) -> str:
    return f"attachment; filename=\"{ascii_filename}\"; filename*=UTF-8''{quote(filename)}"


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def render_docx(
    document: OfficialDocument, *, picture: bytes | None = None, caption: str = ""
) -> bytes:
    """The document as a Word file (python-docx, A4, 宋体); ``picture``: a PNG printed before the
    signature (a QR code) with its ``caption``."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    normal = doc.styles["Normal"]
    normal.font.name = "SimSun"
    normal.font.size = Pt(14)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), "SimSun")

    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(document.issuer)
    run.font.size = Pt(18)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(document.title)
    run.bold = True
    run.font.size = Pt(22)
    numbered = doc.add_paragraph(document.reference_label)
    numbered.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    if document.facts:
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in document.facts:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = str(label), str(value)

    for text in document.paragraphs[:1]:
        doc.add_paragraph(text).paragraph_format.first_line_indent = Pt(28)
    for index, name in enumerate(document.items, start=1):
        doc.add_paragraph(f"{index}. {name}").paragraph_format.left_indent = Pt(28)
    for text in document.paragraphs[1:]:
        doc.add_paragraph(text).paragraph_format.first_line_indent = Pt(28)
    for label, value in document.dates:
        doc.add_paragraph(f"{label}：{value}").paragraph_format.left_indent = Pt(28)
    for flag in document.flags:
        doc.add_paragraph(f"（{flag}）").paragraph_format.left_indent = Pt(28)

    if picture:
        doc.add_picture(io.BytesIO(picture), width=Cm(3))
        doc.add_paragraph(str(caption))
    for text in ("", document.issuer, _("(seal)"), document.date_cn):
        line = doc.add_paragraph(text)
        line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
