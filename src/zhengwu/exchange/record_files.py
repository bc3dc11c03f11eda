"""Department records as a spreadsheet (.xlsx or CSV) and its template (docs/exchange.md
"Import"). The headers are Chinese on purpose: this is the file format exchanged with the
departments. Reading only turns the sheet into rows of the API's shape with their row numbers;
every check is ``inbound_services.check_rows``, one implementation for both."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from zhengwu.core.errors import ValidationFailed
from zhengwu.exchange.inbound_services import FIELDS, MAX_BATCH

# The header of each field, in the template's order (the exchange format).
HEADERS = {
    "department": "部门编码",
    "record_number": "部门办件编号",
    "item": "事项实施编码",
    "applicant_number": "申请人证件号码",
    "received_on": "收件日期",
    "accepted_on": "受理日期",
    "decided_on": "办结日期",
    "delivered_on": "送达日期",
}
MAX_BYTES = 20 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "部门办件"
    sheet.append([HEADERS[f] for f in FIELDS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFGH", (10, 24, 26, 22, 12, 12, 12, 12), strict=True):
        sheet.column_dimensions[column].width = width
    notes = book.create_sheet("填写说明")
    for line in (
        "每行一件办件；日期按 YYYY-MM-DD 填写，未发生的环节留空。",
        "部门办件编号：中心转来的办件填中心办件编号，部门自行受理的填部门系统编号。",
        "申请人证件号码：自然人填居民身份证号码，法人填统一社会信用代码。",
        "整个文件一并校验：任何一行有误，整份文件都不导入，并按行、列列出错误。",
    ):
        notes.append([line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return ""
    return value if isinstance(value, dt.date) else str(value).strip()


def _rows(lines) -> tuple[list[dict], list[int]]:
    iterator = iter(lines)
    header = next(iterator, None)
    by_label = {label: name for name, label in HEADERS.items()}
    columns: dict[int, str] = {}
    missing = set(FIELDS)
    for position, heading in enumerate(header or ()):
        name = by_label.get(str(heading or "").strip())
        if name is not None and name in missing:
            columns[position] = name
            missing.discard(name)
    if missing:
        labels = "、".join(HEADERS[f] for f in FIELDS if f in missing)
        raise ValidationFailed(
            {"file": [_("These columns are missing: %(columns)s.") % {"columns": labels}]}
        )
    rows, numbers = [], []
    for number, values in enumerate(iterator, start=2):
        row = {name: _cell(values[p]) if p < len(values) else "" for p, name in columns.items()}
        if not any(str(v) for v in row.values()):
            continue
        if len(rows) >= MAX_BATCH:
            message = _("Import at most %(max)d records at once.") % {"max": MAX_BATCH}
            raise ValidationFailed({"file": [message]})
        rows.append(row)
        numbers.append(number)
    if not rows:
        raise ValidationFailed({"file": [_("The file has no records.")]})
    return rows, numbers


def read(upload) -> tuple[list[dict], list[int]]:
    """``(rows, their row numbers in the sheet)`` of an uploaded .xlsx or .csv file."""
    if upload.size > MAX_BYTES:
        raise ValidationFailed({"file": [_("The file is too large.")]})
    name = str(upload.name or "").lower()
    data = upload.read()
    if name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationFailed({"file": [_("The CSV file is not in UTF-8 or GB18030.")]})
        return _rows(csv.reader(io.StringIO(text)))
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a file that is not a workbook
        message = _("The file is not an Excel workbook (.xlsx) or a CSV file.")
        raise ValidationFailed({"file": [message]}) from error
    try:
        return _rows(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


def problems_by_row(numbers: list[int]):
    """How an import reports problems: one line per problem, by the sheet's row and column."""

    def render(problems) -> dict[str, list[str]]:
        lines = []
        for p in problems:
            if p.field == "records":
                lines.append(p.message)
                continue
            lines.append(
                _("Row %(row)d, %(column)s: %(message)s")
                % {"row": numbers[p.row], "column": HEADERS[p.field], "message": p.message}
            )
        return {"file": lines}

    return render
