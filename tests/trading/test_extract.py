"""The text and metadata of uploaded technical bids."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from zhengwu.trading.extract import ExtractError, extract


def make_docx(
    *, author="王建国", company="北京宏达建设工程有限公司", body="施工组织设计：混凝土浇筑"
) -> bytes:
    document = docx.Document()
    document.add_paragraph(body)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "项目经理"
    table.cell(0, 1).text = "赵一"
    document.add_paragraph("第二段")
    document.core_properties.author = author
    document.core_properties.last_modified_by = "李明"
    buffer = io.BytesIO()
    document.save(buffer)
    if not company:
        return buffer.getvalue()
    # Word writes the company into docProps/app.xml; python-docx does not, so add it here.
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "docProps/app.xml":
                data = data.replace(
                    b"</Properties>", f"<Company>{company}</Company></Properties>".encode()
                )
            target.writestr(item, data)
    return out.getvalue()


def make_pdf(text: str = "Technical bid: concrete C30", author: str = "Wang Jianguo") -> bytes:
    """A one-page PDF with a line of text and an author, written by hand."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        f"<< /Author ({author}) /Company (Hongda Construction) /Creator (Writer) >>".encode(),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, xref)
    )
    return out.getvalue()


def test_docx_text_tables_and_metadata():
    got = extract("技术标.DOCX", make_docx())
    assert got.kind == "docx"
    assert got.text.split("\n") == ["施工组织设计：混凝土浇筑", "项目经理\t赵一", "第二段"]
    assert (got.author, got.company, got.last_modified_by) == (
        "王建国",
        "北京宏达建设工程有限公司",
        "李明",
    )


def test_docx_without_a_company():
    assert extract("a.docx", make_docx(company="")).company == ""


def test_pdf_text_and_metadata():
    got = extract("bid.pdf", make_pdf())
    assert got.kind == "pdf"
    assert "Technical bid: concrete C30" in got.text
    assert (got.author, got.company, got.creator) == (
        "Wang Jianguo",
        "Hongda Construction",
        "Writer",
    )


def test_txt_in_utf8_with_a_bom_or_in_gbk():
    text = "技术标：施工方案"
    assert extract("a.txt", b"\xef\xbb\xbf" + text.encode()).text == text
    assert extract("a.txt", text.encode("gbk")).text == text
    assert extract("a.txt", text.encode()).author == ""


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("a.doc", b"old word", "unsupported_type"),
        ("a.docx", b"not a zip", "unreadable"),
        ("a.pdf", b"%PDF-1.4 broken", "unreadable"),
    ],
)
def test_what_cannot_be_read_is_a_clear_error(name, data, code):
    with pytest.raises(ExtractError) as caught:
        extract(name, data)
    assert caught.value.code == code
