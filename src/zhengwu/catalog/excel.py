"""The catalogue as an Excel workbook (docs/catalog.md "Excel format").

Sheet "事项": one row per item. Sheet "材料": one row per material, keyed by 实施编码 + 材料编码, in
guide order. Fees and process steps are lines inside their cells on the item's row. The headers and
the spellings of choices are Chinese on purpose: this is the file format centers exchange.

Reading only turns cells into the public dict shape (``rules.normalize_item``'s input) and reports
what cannot be read; every other check happens in ``services.validate_items``, one implementation
for dicts and files alike.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from zhengwu.catalog import choices

ITEM_SHEET = "事项"
MATERIAL_SHEET = "材料"
MAX_ROWS = 20000

# (dict key, header, required header, converter, column width)
ITEM_COLUMNS: tuple[tuple[str, str, bool, str, int], ...] = (
    ("impl_code", "实施编码", True, "text", 28),
    ("base_code", "基本编码", True, "text", 22),
    ("name", "事项名称", True, "text", 30),
    ("department", "部门编码", True, "text", 10),
    ("kind", "事项类型", True, "kind", 14),
    ("type", "办件类型", True, "type", 10),
    ("statutory_limit", "法定时限（工作日）", True, "int", 12),
    ("promised_limit", "承诺时限（工作日）", True, "int", 12),
    ("onsite_visits", "到现场次数", True, "int", 8),
    ("onsite_reason", "到现场原因", False, "text", 24),
    ("online_depth", "网上办理深度", True, "depth", 8),
    ("basis", "设定依据", False, "text", 40),
    ("conditions", "受理条件", False, "text", 40),
    ("fees", "收费", False, "fees", 36),
    ("steps", "办理流程", False, "steps", 36),
    ("special_procedures", "特别程序", False, "procedures", 16),
    ("parallel", "是否并联审批", False, "bool", 8),
    ("place", "办理地点", False, "text", 24),
    ("hours", "办理时间", False, "text", 24),
    ("consult_phone", "咨询电话", False, "text", 14),
    ("complaint_phone", "投诉电话", False, "text", 14),
    ("licence_type", "颁发证照类型", False, "text", 14),
)
MATERIAL_COLUMNS: tuple[tuple[str, str, bool, str, int], ...] = (
    ("impl_code", "实施编码", True, "text", 28),
    ("code", "材料编码", True, "text", 10),
    ("name", "材料名称", True, "text", 36),
    ("required", "是否必需", False, "bool", 8),
    ("form", "材料形式", False, "form", 12),
    ("copies", "份数", False, "int", 6),
    ("source", "来源", False, "text", 20),
    ("notes", "备注", False, "text", 30),
    ("licence_type", "可代替的证照类型", False, "text", 14),
)
ITEM_HEADERS = {key: header for key, header, *_ in ITEM_COLUMNS}
# Other spellings accepted on import (compared like headers: no spaces, no parenthesised note).
HEADER_ALIASES = {"法定办结时限": "法定时限", "承诺办结时限": "承诺时限"}
MATERIAL_HEADERS = {key: header for key, header, *_ in MATERIAL_COLUMNS}

YES = {"是", "y", "yes", "true", "1", "必需", "必须"}
NO = {"否", "n", "no", "false", "0", "非必需", "可选"}
ROMAN_INPUT = {"Ⅰ": 1, "Ⅱ": 2, "Ⅲ": 3, "Ⅳ": 4, "I": 1, "II": 2, "III": 3, "IV": 4}
FEE_SEPARATOR = re.compile(r"\s*[|｜]\s*")
STEP_NUMBER = re.compile(r"^\s*(\d{1,3})\s*[.、．]\s*")
STEP_COLON = re.compile(r"[：:]")
LIST_SEPARATOR = re.compile(r"[、,，;；\s]+")


class WorkbookUnreadable(Exception):
    """The upload is not an .xlsx workbook we can open."""


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int | None
    column: str
    message: str


@dataclass
class ParsedWorkbook:
    items: list[dict] = field(default_factory=list)
    item_rows: list[int] = field(default_factory=list)
    material_rows: list[list[int]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # (item index, field path) already reported by the reader: the validator's echo is dropped.
    reported: set[tuple[int, str]] = field(default_factory=set)
    # (item index, "fees" | "steps") -> the cell line of each entry, for messages.
    lines: dict[tuple[int, str], list[int]] = field(default_factory=dict)

    def locate(self, index: int, path: str) -> tuple[str, int | None, str, int | None]:
        """(sheet, row, column header, line in a multi-line cell) of a field of items[index]."""
        row = self.item_rows[index] if 0 <= index < len(self.item_rows) else None
        match = re.match(r"^(\w+)\[(\d+)\](?:\.(\w+))?$", path)
        if match:
            key, position, sub = match.group(1), int(match.group(2)), match.group(3)
            if key == "materials":
                rows = self.material_rows[index] if 0 <= index < len(self.material_rows) else []
                material_row = rows[position] if position < len(rows) else None
                return MATERIAL_SHEET, material_row, MATERIAL_HEADERS.get(sub or "", ""), None
            numbers = self.lines.get((index, key), [])
            line = numbers[position] if position < len(numbers) else position + 1
            return ITEM_SHEET, row, ITEM_HEADERS.get(key, ""), line
        return ITEM_SHEET, row, ITEM_HEADERS.get(path, ""), None


def header_key(text) -> str:
    """Headers compare without spaces and without a parenthesised note such as （工作日）."""
    text = "" if text is None else str(text)
    key = re.sub(r"[（(].*?[)）]", "", text).replace(" ", "").replace("\u3000", "").strip()
    return HEADER_ALIASES.get(key, key)


def cell_text(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").strip()
    return text or None


class _RowReader:
    def __init__(self, parsed: ParsedWorkbook, sheet: str, row: int, index: int):
        self.parsed, self.sheet, self.row, self.index = parsed, sheet, row, index

    def fail(self, header: str, path: str, message) -> None:
        self.parsed.errors.append(RowError(self.sheet, self.row, header, str(message)))
        self.parsed.reported.add((self.index, path))

    def convert(self, key: str, header: str, kind: str, value, path: str):
        """The dict value of a cell; None when blank. On a reading error, report and keep raw."""
        text = cell_text(value)
        if text is None:
            return [] if kind in ("fees", "steps", "procedures") else None
        if kind in ("text", "int"):
            return text if kind == "text" or not isinstance(value, (int, float)) else value
        if kind == "kind":
            return self._kind(header, path, text)
        if kind == "type":
            code = choices.code_from_file_label(choices.HANDLING_TYPES, text)
            if code is None:
                self.fail(header, path, _("Write 即办件 or 承诺件."))
                return text
            return code
        if kind == "depth":
            depth = ROMAN_INPUT.get(text.upper()) or ROMAN_INPUT.get(text)
            if depth is None and text in {"1", "2", "3", "4"}:
                depth = int(text)
            if depth is None:
                self.fail(header, path, _("Write Ⅰ, Ⅱ, Ⅲ or Ⅳ (or 1 to 4)."))
                return text
            return depth
        if kind == "bool":
            lowered = text.lower()
            if lowered in YES:
                return True
            if lowered in NO:
                return False
            self.fail(header, path, _("Write 是 or 否."))
            return text
        if kind == "form":
            code = choices.code_from_file_label(choices.MATERIAL_FORMS, text)
            if code is None:
                self.fail(header, path, _("Write 纸质, 电子 or 纸质和电子."))
                return text
            return code
        if kind == "procedures":
            return self._procedures(header, path, text)
        entries, numbers = self._fees(header, path, text) if kind == "fees" else self._steps(text)
        self.parsed.lines[(self.index, key)] = numbers
        return entries

    def _kind(self, header: str, path: str, text: str):
        match = re.match(r"^\s*(\d{1,2})(?!\d)", text)
        code = f"{int(match.group(1)):02d}" if match else None
        if code is None:
            code = choices.code_from_file_label(choices.ITEM_KINDS, text)
        if code is None or code not in choices.ITEM_KIND_CODES:
            self.fail(header, path, _("Write the kind code and name, e.g. 01 行政许可."))
            return text
        return code

    def _procedures(self, header: str, path: str, text: str):
        codes, unknown = [], []
        for part in LIST_SEPARATOR.split(text):
            if not part:
                continue
            code = choices.code_from_file_label(choices.SPECIAL_PROCEDURES, part)
            if code is None:
                unknown.append(part)
            else:
                codes.append(code)
        if unknown:
            allowed = "、".join(label for _c, _l, label in choices.SPECIAL_PROCEDURES)
            self.fail(
                header,
                path,
                _("Unknown special procedure: %(names)s. Allowed: %(allowed)s.")
                % {"names": "、".join(unknown), "allowed": allowed},
            )
        return codes

    def _fees(self, header: str, path: str, text: str):
        fees, numbers = [], []
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            parts = FEE_SEPARATOR.split(line.strip())
            if len(parts) > 3:
                self.fail(
                    header,
                    path,
                    _("Line %(line)s: write “name | standard | basis”.") % {"line": number},
                )
                continue
            parts += [""] * (3 - len(parts))
            fees.append({"name": parts[0], "standard": parts[1], "basis": parts[2]})
            numbers.append(number)
        return fees, numbers

    @staticmethod
    def _steps(text: str):
        lines = [(n, line) for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
        numbered = any(STEP_NUMBER.match(line) for _n, line in lines)
        steps: list[dict] = []
        numbers: list[int] = []
        for number, line in lines:
            match = STEP_NUMBER.match(line)
            if numbered and not match and steps:
                steps[-1]["description"] = f"{steps[-1]['description']}\n{line.strip()}".strip()
                continue
            body = line[match.end() :] if match else line
            parts = STEP_COLON.split(body, maxsplit=1)
            steps.append(
                {
                    "name": parts[0].strip(),
                    "description": parts[1].strip() if len(parts) > 1 else "",
                }
            )
            numbers.append(number)
        return steps, numbers


def header_map(parsed, sheet: str, header_row, columns) -> dict[int, tuple] | None:
    """Column position → (key, header, required, kind) of a header row; every unknown, twice
    listed or missing required column is added to ``parsed.errors``."""
    wanted = {
        header_key(header): (key, header, required, kind)
        for key, header, required, kind, _w in columns
    }
    found: dict[int, tuple] = {}
    seen: set[str] = set()
    for position, heading in enumerate(header_row or ()):
        label = header_key(heading)
        if not label:
            continue
        if label not in wanted:
            parsed.errors.append(RowError(sheet, 1, str(heading), str(_("Unknown column."))))
            continue
        if label in seen:
            parsed.errors.append(
                RowError(sheet, 1, str(heading), str(_("This column appears twice.")))
            )
            continue
        seen.add(label)
        found[position] = wanted[label]
    for label, (_key, header, required, _kind) in wanted.items():
        if required and label not in seen:
            parsed.errors.append(RowError(sheet, 1, header, str(_("This column is missing."))))
    return found


def data_rows(sheet):
    """(row number, values) of the non-blank data rows."""
    found = 0
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        if any(cell_text(v) is not None for v in values):
            found += 1
            if found > MAX_ROWS:
                message = _("The sheet “%(sheet)s” has more than %(max)s rows.")
                raise WorkbookUnreadable(str(message % {"sheet": sheet.title, "max": MAX_ROWS}))
            yield number, values


def read_workbook(fileobj) -> ParsedWorkbook:
    """Parse an uploaded workbook into the dict shape; WorkbookUnreadable if it is not one."""
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a file that is not a workbook
        raise WorkbookUnreadable(str(_("The file is not an Excel workbook (.xlsx)."))) from error
    try:
        return _read(workbook)
    except WorkbookUnreadable:
        raise
    except Exception as error:  # a damaged part inside an otherwise valid zip
        raise WorkbookUnreadable(str(_("The workbook is damaged and cannot be read."))) from error
    finally:
        workbook.close()


def _read(workbook) -> ParsedWorkbook:
    parsed = ParsedWorkbook()
    for sheet in (ITEM_SHEET, MATERIAL_SHEET):
        if sheet not in workbook.sheetnames:
            parsed.errors.append(
                RowError(
                    sheet, None, "", str(_("The sheet “%(sheet)s” is missing.") % {"sheet": sheet})
                )
            )
    if parsed.errors:
        return parsed
    items_sheet, materials_sheet = workbook[ITEM_SHEET], workbook[MATERIAL_SHEET]
    header = next(items_sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    item_columns = header_map(parsed, ITEM_SHEET, header, ITEM_COLUMNS)
    header = next(materials_sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    material_columns = header_map(parsed, MATERIAL_SHEET, header, MATERIAL_COLUMNS)
    if parsed.errors:
        return parsed

    by_code: dict[str, int] = {}
    for number, values in data_rows(items_sheet):
        index = len(parsed.items)
        reader = _RowReader(parsed, ITEM_SHEET, number, index)
        item: dict = {}
        for position, (key, header_text, _required, kind) in item_columns.items():
            value = values[position] if position < len(values) else None
            converted = reader.convert(key, header_text, kind, value, key)
            if converted is not None:
                item[key] = converted
        item["materials"] = []
        parsed.items.append(item)
        parsed.item_rows.append(number)
        parsed.material_rows.append([])
        code = item.get("impl_code")
        if isinstance(code, str) and code not in by_code:
            by_code[code] = index

    for number, values in data_rows(materials_sheet):
        cells = {}
        for position, (key, header_text, _required, kind) in material_columns.items():
            cells[key] = (header_text, kind, values[position] if position < len(values) else None)
        impl_code = cell_text(cells["impl_code"][2])
        index = by_code.get(impl_code) if impl_code else None
        if index is None:
            message = (
                _("Fill in the implementation code.")
                if impl_code is None
                else _("No item with this implementation code on the sheet “事项”.")
            )
            parsed.errors.append(
                RowError(MATERIAL_SHEET, number, ITEM_HEADERS["impl_code"], str(message))
            )
            continue
        position_in_item = len(parsed.material_rows[index])
        path = f"materials[{position_in_item}]"
        reader = _RowReader(parsed, MATERIAL_SHEET, number, index)
        material = {}
        for key, (header_text, kind, value) in cells.items():
            if key == "impl_code":
                continue
            converted = reader.convert(key, header_text, kind, value, f"{path}.{key}")
            if converted is not None:
                material[key] = converted
        parsed.items[index]["materials"].append(material)
        parsed.material_rows[index].append(number)
    if not parsed.items and not parsed.errors:
        parsed.errors.append(
            RowError(ITEM_SHEET, None, "", str(_("The sheet “事项” has no items.")))
        )
    return parsed


def cell(sheet, value, *, bold: bool = False):
    """A write-only cell: text as text (never a formula), wrapped when it spans lines."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    written = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        written.data_type = "s"  # never a formula, whatever the text starts with
        if "\n" in value:
            written.alignment = Alignment(wrap_text=True, vertical="top")
    if bold:
        written.font = Font(bold=True)
    return written


def item_cells(content: Mapping) -> dict[str, object]:
    """The 事项 row of one item (the dict shape), by key."""
    kind_label = choices.file_label(choices.ITEM_KINDS, content["kind"])
    depth_label = choices.file_label(choices.ONLINE_DEPTHS, content["online_depth"])
    fees = "\n".join(f"{f['name']} | {f['standard']} | {f['basis']}" for f in content["fees"])
    steps = "\n".join(
        f"{n}. {s['name']}：{s['description']}" if s["description"] else f"{n}. {s['name']}"
        for n, s in enumerate(content["steps"], start=1)
    )
    procedures = "、".join(
        choices.file_label(choices.SPECIAL_PROCEDURES, c) for c in content["special_procedures"]
    )
    return {
        **{key: content.get(key, "") for key in ITEM_HEADERS},
        "kind": f"{content['kind']} {kind_label}",
        "type": choices.file_label(choices.HANDLING_TYPES, content["type"]),
        "online_depth": depth_label,
        "fees": fees,
        "steps": steps,
        "special_procedures": procedures,
        "parallel": "是" if content["parallel"] else "否",
    }


def material_cells(impl_code: str, material: Mapping) -> dict[str, object]:
    return {
        **{key: material.get(key, "") for key in MATERIAL_HEADERS},
        "impl_code": impl_code,
        "required": "是" if material["required"] else "否",
        "form": choices.file_label(choices.MATERIAL_FORMS, material["form"]),
    }


def export_catalogue(fileobj, *, department: str = "") -> None:
    """Write the published catalogue (optionally one department's) into ``fileobj``."""
    from zhengwu.catalog import selectors

    versions = selectors.export_versions(department=department)
    fileobj.write(write_workbook(selectors.version_content(v) for v in versions))


def write_workbook(contents: Iterable[Mapping]) -> bytes:
    """The workbook of the given items (dict shape, identity included); headers even when empty."""
    workbook = Workbook(write_only=True)
    items_sheet = workbook.create_sheet(ITEM_SHEET)
    materials_sheet = workbook.create_sheet(MATERIAL_SHEET)
    for sheet, columns in ((items_sheet, ITEM_COLUMNS), (materials_sheet, MATERIAL_COLUMNS)):
        for position, (_key, _header, _required, _kind, width) in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(position)].width = width
        sheet.freeze_panes = "A2"
        sheet.append([cell(sheet, header, bold=True) for _k, header, *_rest in columns])
    for content in contents:
        row = item_cells(content)
        items_sheet.append([cell(items_sheet, row[key]) for key, *_rest in ITEM_COLUMNS])
        for material in content["materials"]:
            cells = material_cells(content["impl_code"], material)
            materials_sheet.append(
                [cell(materials_sheet, cells[key]) for key, *_rest in MATERIAL_COLUMNS]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
