"""Scenes (一件事) as an Excel workbook, beside the catalogue's (docs/joint.md "Excel format").

Sheet "一件事": one row per scene. Sheet "事项": one row per item of a scene, with its stage (from
1). The headers are Chinese on purpose: this is the file format centers exchange. The cells are
read and written with the catalogue's machinery (``zhengwu.catalog.excel``: header matching,
blank rows, text never a formula); every rule is checked by ``joint.services`` (``save_scene``,
``publish_scene``), one implementation for pages, API and files. An import is all or nothing.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from zhengwu.catalog.excel import (
    NO,
    YES,
    RowError,
    WorkbookUnreadable,
    cell,
    cell_text,
    data_rows,
    header_map,
)
from zhengwu.catalog.services import WorkbookInvalid
from zhengwu.core.errors import DomainError, ValidationFailed
from zhengwu.joint import selectors, services
from zhengwu.joint.models import Scene

SCENE_SHEET = "一件事"
ITEM_SHEET = "事项"

# (key, header, required header, kind, column width)
SCENE_COLUMNS = (
    ("code", "场景编码", True, "text", 16),
    ("name", "场景名称", True, "text", 36),
    ("lead_department", "牵头部门编码", True, "text", 14),
    ("promised_limit", "承诺时限（工作日）", True, "int", 14),
    ("composite_licence", "是否一业一证", False, "bool", 12),
    ("stage_names", "阶段名称", False, "text", 30),
)
ITEM_COLUMNS = (
    ("scene", "场景编码", True, "text", 16),
    ("stage", "阶段", True, "int", 8),
    ("impl_code", "实施编码", True, "text", 30),
    ("name", "事项名称", False, "text", 36),  # written for the reader, ignored on import
)
# Stage names are one per line (or separated by arrows) in one cell.
STAGE_NAME_SEPARATOR = re.compile(r"\s*(?:\n|→|->)\s*")
SCENE_HEADERS = {key: header for key, header, *_rest in SCENE_COLUMNS}


@dataclass
class _Parsed:
    scenes: list[dict] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class SceneImportSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    published: bool = True

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


def _whole(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = cell_text(value)
    return int(text) if text is not None and text.isdigit() else None


def _read(workbook) -> _Parsed:
    parsed = _Parsed()
    for sheet in (SCENE_SHEET, ITEM_SHEET):
        if sheet not in workbook.sheetnames:
            message = _("The sheet “%(sheet)s” is missing.") % {"sheet": sheet}
            parsed.errors.append(RowError(sheet, None, "", message))
    if parsed.errors:
        return parsed
    scene_sheet, item_sheet = workbook[SCENE_SHEET], workbook[ITEM_SHEET]
    header = next(scene_sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    scene_columns = header_map(parsed, SCENE_SHEET, header, SCENE_COLUMNS)
    header = next(item_sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    item_columns = header_map(parsed, ITEM_SHEET, header, ITEM_COLUMNS)
    if parsed.errors:
        return parsed

    by_code: dict[str, dict] = {}
    for number, values in data_rows(scene_sheet):
        row = {
            key: values[pos] if pos < len(values) else None
            for pos, (key, *_r) in scene_columns.items()
        }
        scene = {
            "code": cell_text(row.get("code")) or "",
            "name": cell_text(row.get("name")) or "",
            "lead_department": cell_text(row.get("lead_department")) or "",
            "promised_limit": _whole(row.get("promised_limit")),
            "composite_licence": False,
            "stages": [],
            "stage_names": [
                part.strip()
                for part in STAGE_NAME_SEPARATOR.split(cell_text(row.get("stage_names")) or "")
                if part.strip()
            ],
        }
        if scene["promised_limit"] is None:
            parsed.errors.append(
                RowError(
                    SCENE_SHEET,
                    number,
                    SCENE_HEADERS["promised_limit"],
                    _("Enter a whole number of working days."),
                )
            )
        flag = (cell_text(row.get("composite_licence")) or "否").lower()
        if flag in YES:
            scene["composite_licence"] = True
        elif flag not in NO:
            parsed.errors.append(
                RowError(
                    SCENE_SHEET, number, SCENE_HEADERS["composite_licence"], _("Write 是 or 否.")
                )
            )
        if scene["code"] in by_code:
            parsed.errors.append(
                RowError(SCENE_SHEET, number, SCENE_HEADERS["code"], _("This scene appears twice."))
            )
            continue
        by_code[scene["code"]] = scene
        parsed.scenes.append(scene)
        parsed.rows.append(number)

    for number, values in data_rows(item_sheet):
        row = {
            key: values[pos] if pos < len(values) else None
            for pos, (key, *_r) in item_columns.items()
        }
        code = cell_text(row.get("scene")) or ""
        scene = by_code.get(code)
        if scene is None:
            parsed.errors.append(
                RowError(
                    ITEM_SHEET,
                    number,
                    "场景编码",
                    _("No scene with this code on the sheet “一件事”."),
                )
            )
            continue
        stage = _whole(row.get("stage"))
        if stage is None or not 1 <= stage <= 20:
            parsed.errors.append(
                RowError(
                    ITEM_SHEET, number, "阶段", _("Write the stage as a whole number from 1 to 20.")
                )
            )
            continue
        impl_code = cell_text(row.get("impl_code"))
        if impl_code is None:
            parsed.errors.append(
                RowError(ITEM_SHEET, number, "实施编码", _("Fill in the implementation code."))
            )
            continue
        while len(scene["stages"]) < stage:
            scene["stages"].append([])
        scene["stages"][stage - 1].append(impl_code)
    if not parsed.scenes and not parsed.errors:
        parsed.errors.append(
            RowError(SCENE_SHEET, None, "", _("The sheet “一件事” has no scenes."))
        )
    return parsed


def read_workbook(fileobj) -> _Parsed:
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a file that is not a workbook
        raise WorkbookUnreadable(_("The file is not an Excel workbook (.xlsx).")) from error
    try:
        return _read(workbook)
    except WorkbookUnreadable:
        raise
    except Exception as error:  # a damaged part inside an otherwise valid zip
        raise WorkbookUnreadable(_("The workbook is damaged and cannot be read.")) from error
    finally:
        workbook.close()


FIELD_HEADERS = {
    "code": SCENE_HEADERS["code"],
    "name": SCENE_HEADERS["name"],
    "lead_department": SCENE_HEADERS["lead_department"],
    "promised_limit": SCENE_HEADERS["promised_limit"],
}


class _NotPublishable(Exception):
    """Undo one scene's draft (its problems are listed already)."""


def import_workbook(fileobj, *, actor, publish: bool = True) -> SceneImportSummary:
    """Save (and with ``publish`` publish) every scene of the workbook as ``actor`` (an
    administrator), all or nothing. Raises ``WorkbookInvalid`` listing every bad row."""
    try:
        parsed = read_workbook(fileobj)
    except WorkbookUnreadable as error:
        raise WorkbookInvalid([RowError("", None, "", str(error))]) from None
    if parsed.errors:
        raise WorkbookInvalid(parsed.errors)
    summary = SceneImportSummary(published=publish)
    errors: list[RowError] = []
    with transaction.atomic():
        for scene, number in zip(parsed.scenes, parsed.rows, strict=True):
            current = selectors.scene_content_of(scene["code"])
            known = Scene.objects.filter(code=scene["code"][:64]).exists()
            if current is not None and current == scene and publish:
                summary.unchanged.append(scene["code"])
                continue
            try:
                with transaction.atomic():
                    draft = services.save_scene(actor=actor, **scene)
                    problems = services.publish_problems(draft) if publish else []
                    if problems:
                        errors.extend(RowError(SCENE_SHEET, number, "", p) for p in problems)
                        raise _NotPublishable
                    if publish:
                        services.publish_scene(actor=actor, code=scene["code"])
            except _NotPublishable:
                continue
            except ValidationFailed as failed:
                for key, messages in failed.errors.items():
                    header = FIELD_HEADERS.get(key, "事项" if key == "stages" else "")
                    errors.extend(RowError(SCENE_SHEET, number, header, str(m)) for m in messages)
                continue
            except DomainError as error:
                errors.append(RowError(SCENE_SHEET, number, "", str(error.message)))
                continue
            (summary.updated if known else summary.created).append(scene["code"])
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise WorkbookInvalid(errors)
    return summary


def write_workbook(contents: Iterable[dict]) -> bytes:
    """The workbook of the given scenes (``selectors.scene_content`` shape plus item names)."""
    workbook = Workbook(write_only=True)
    scene_sheet = workbook.create_sheet(SCENE_SHEET)
    item_sheet = workbook.create_sheet(ITEM_SHEET)
    for sheet, columns in ((scene_sheet, SCENE_COLUMNS), (item_sheet, ITEM_COLUMNS)):
        for position, (*_rest, width) in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(position)].width = width
        sheet.freeze_panes = "A2"
        sheet.append([cell(sheet, header, bold=True) for _k, header, *_rest in columns])
    for content in contents:
        scene_sheet.append(
            [
                cell(scene_sheet, value)
                for value in (
                    content["code"],
                    content["name"],
                    content["lead_department"],
                    content["promised_limit"],
                    "是" if content["composite_licence"] else "否",
                    "\n".join(content["stage_names"]),
                )
            ]
        )
        for stage, codes in enumerate(content["stages"], start=1):
            for impl_code in codes:
                name = content["names"].get(impl_code, "")
                item_sheet.append(
                    [cell(item_sheet, v) for v in (content["code"], stage, impl_code, name)]
                )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_workbook() -> bytes:
    """Every published scene's current version as an .xlsx workbook."""
    return write_workbook(
        {
            **selectors.scene_content(scene.current_version),
            "names": selectors.item_names(scene.current_version),
        }
        for scene in selectors.published_scenes()
    )
