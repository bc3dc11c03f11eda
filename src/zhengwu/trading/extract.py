"""The text and metadata of an uploaded technical bid (.txt, .docx, .pdf). Pure: no Django
imports.

- ``.txt``: UTF-8 (with or without a byte-order mark), else GB18030 (which covers GBK and
  GB2312, what Chinese Windows writes);
- ``.docx`` (python-docx): the paragraphs and the tables' cells in order; the core properties'
  author (``dc:creator``) and last editor, and the company of the application properties
  (``docProps/app.xml``), which Word fills from the machine's registered organisation;
- ``.pdf`` (pypdf): each page's text; the document information's author, creator, producer and,
  when the producing program wrote one, the company.

A file it cannot read raises ``ExtractError`` with a stable code (``unsupported_type``,
``unreadable``); the caller words it.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

SUFFIXES = (".txt", ".docx", ".pdf")
MAX_APP_XML = 1 << 20


class ExtractError(ValueError):
    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code)


@dataclass(frozen=True)
class Extracted:
    kind: str  # "txt" | "docx" | "pdf"
    text: str
    author: str = ""
    company: str = ""
    last_modified_by: str = ""
    creator: str = ""  # the producing program, for a PDF


def extract(name: str, data: bytes) -> Extracted:
    suffix = PurePosixPath(name.lower()).suffix
    if suffix not in SUFFIXES:
        raise ExtractError("unsupported_type", suffix=suffix or name)
    try:
        if suffix == ".txt":
            return Extracted("txt", _text(data))
        if suffix == ".docx":
            return _docx(data)
        return _pdf(data)
    except ExtractError:
        raise
    except Exception as error:  # a broken upload of any kind: the library's own errors vary
        raise ExtractError("unreadable", suffix=suffix, detail=type(error).__name__) from error


def _text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _docx(data: bytes) -> Extracted:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    parts: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            parts.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                parts.append("\t".join(cell.text for cell in row.cells))
    props = document.core_properties
    return Extracted(
        "docx",
        "\n".join(parts),
        author=(props.author or "").strip(),
        company=_docx_company(data),
        last_modified_by=(props.last_modified_by or "").strip(),
    )


def _docx_company(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            info = archive.getinfo("docProps/app.xml")
        except KeyError:
            return ""
        if info.file_size > MAX_APP_XML:
            return ""
        xml = archive.read(info).decode("utf-8", "replace")
    # One flat element of a small, known file: no parser needed (and no entities expanded).
    found = re.search(r"<(?:\w+:)?Company>([^<]*)</(?:\w+:)?Company>", xml)
    return html.unescape(found.group(1)).strip() if found else ""


def _pdf(data: bytes) -> Extracted:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    info = reader.metadata or {}

    def field(key: str) -> str:
        value = info.get(key)
        return str(value).strip() if value else ""

    return Extracted(
        "pdf",
        text,
        author=field("/Author"),
        company=field("/Company"),
        creator=field("/Creator") or field("/Producer"),
    )
