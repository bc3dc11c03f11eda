"""The brief and the indicator tables as files: a .docx 月度简报 (python-docx) and .xlsx workbooks
(openpyxl, one sheet per table). The tables are built once (``brief_tables``) for both files and
the page, so they always say the same thing."""

from __future__ import annotations

import io
from dataclasses import dataclass
from fractions import Fraction
from urllib.parse import quote

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.assessment import formulas
from zhengwu.assessment.brief import TABLE_KEYS, Brief, Ranked
from zhengwu.assessment.definitions import DEFINITIONS, GROUP_LABELS, definition, keys_for
from zhengwu.assessment.definitions import definitions as all_definitions
from zhengwu.assessment.formulas import Count
from zhengwu.assessment.presenters import text_of


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list]


def points(value: Fraction | None) -> str:
    """A score (already in percent points) rounded half up to two decimals."""
    return "—" if value is None else str(formulas.half_up(value, 2))


def weight_text(weight: Fraction) -> str:
    return str(weight.numerator) if weight.denominator == 1 else str(formulas.half_up(weight, 2))


def signed(value: Fraction | int | None) -> str:
    if value is None:
        return "—"
    text = points(value) if isinstance(value, Fraction) else str(value)
    return text if text.startswith("-") or text in ("0", "0.00") else f"+{text}"


def _cell(count: Count) -> str:
    return formulas.percent_text(count.value)


def _ranking(rows: list[Ranked], key: str, title: str, first: str) -> Table:
    headers = [
        _("Rank"),
        first,
        _("Score"),
        _("Change in score"),
        _("Change in rank"),
        *[str(DEFINITIONS[k].label) for k in TABLE_KEYS],
        _("Note"),
    ]
    body = []
    for row in rows:
        if row.flagged:
            note = _("Last three two months running")
        elif row.last_places:
            note = _("Last three")
        else:
            note = ""
        body.append(
            [
                row.rank if row.rank is not None else "—",
                row.name,
                points(row.score),
                signed(row.score_change),
                signed(row.rank_change),
                *[_cell(row.indicators[k]) for k in TABLE_KEYS],
                note,
            ]
        )
    return Table(key, title, headers, body)


def days(value: Fraction | None) -> str:
    """Working days, rounded half up to one decimal."""
    return "—" if value is None else str(formulas.half_up(value, 1))


def joint_table(rows) -> Table:
    """The 一件事 section (brief and dashboard): per scene (``joint_indicators.SceneRow``), the
    joint applications received and decided in the period, on time, and for those with every
    item granted the average working days used against the average serial days of their
    items; a total row last."""
    from zhengwu.assessment.joint_indicators import SceneRow

    total = SceneRow("", _("Total"))
    for row in rows:
        for name in ("received", "decided", "on_time", "completed", "used_days", "serial_days"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return Table(
        "joint",
        _("One-thing applications by scene"),
        [
            _("Scene"),
            _("Received"),
            _("Decided"),
            _("Decided on time"),
            str(DEFINITIONS["joint_on_time_rate"].label),
            _("Average working days used"),
            _("Average serial days"),
        ],
        [
            [
                row.name,
                row.received,
                row.decided,
                row.on_time,
                _cell(row.on_time_rate),
                days(row.average_days),
                days(row.average_serial_days),
            ]
            for row in [*rows, *([total] if rows else [])]
        ],
    )


def brief_tables(brief: Brief) -> list[Table]:
    overview = Table(
        "overview",
        _("Overview"),
        [_("Indicator"), _("This month"), _("Last month"), _("Numerator ÷ denominator")],
        [
            [
                str(DEFINITIONS[k].label),
                _cell(brief.total.indicators[k]),
                _cell(brief.previous_total.indicators[k]),
                f"{brief.total.indicators[k].numerator} ÷ {brief.total.indicators[k].denominator}",
            ]
            for k in formulas.INDICATOR_KEYS
        ],
    )
    warnings = Table(
        "warnings",
        _("Warnings"),
        [_("Level"), _("This month"), _("Last month")],
        [
            [_level_label(level), count, brief.previous_warnings.get(level, 0)]
            for level, count in brief.warnings.items()
        ],
    )
    irregularities = Table(
        "irregularities",
        _("Irregularities"),
        [_("Kind"), _("Count")],
        [[label, count] for _kind, label, count in brief.irregularities],
    )
    top = Table(
        "top_cases",
        _("Cases with the most irregularities"),
        [_("Case number"), _("Department"), _("Irregularities"), _("Count"), _("Last detected")],
        [
            [c["number"], c["department"], c["kind"], c["count"], _cn(c["detected_on"])]
            for c in brief.top_cases
        ],
    )
    definitions = Table(
        "definitions",
        _("Definitions"),
        [_("Indicator"), _("Formula"), _("Date basis"), _("Weight")],
        [
            [
                str(d.label),
                str(d.formula),
                str(d.basis),
                weight_text(brief.weights[d.key]) if d.key in brief.weights else "",
            ]
            for d in DEFINITIONS.values()
        ],
    )
    return [
        overview,
        _ranking(brief.departments, "departments", _("Department ranking"), _("Department")),
        _ranking(brief.windows, "windows", _("Window ranking"), _("Window")),
        warnings,
        irregularities,
        top,
        joint_table(brief.joint_scenes),
        *[t for section in brief.sections for t in section_tables(section)],
        definitions,
    ]


# The brief's own parts are I to V; the sections of other apps follow.
NUMERALS = (
    gettext_lazy("VI"),
    gettext_lazy("VII"),
    gettext_lazy("VIII"),
    gettext_lazy("IX"),
    gettext_lazy("X"),
)


def section_heading(index: int, section) -> str:
    number = str(NUMERALS[index]) if index < len(NUMERALS) else str(index + 6)
    return _("%(number)s. %(title)s") % {"number": number, "title": section.title}


def section_tables(section) -> list[Table]:
    """A registered section's tables, then its definitions as a table."""
    out = list(section.tables)
    if section.definitions:
        out.append(
            Table(
                f"{section.key}_definitions",
                _("Definitions: %(section)s") % {"section": section.title},
                [_("Indicator"), _("Formula"), _("Date basis")],
                [list(row) for row in section.definitions],
            )
        )
    return out


def _level_label(level: str) -> str:
    from zhengwu.cases.models import CaseLevel

    return str(dict(CaseLevel.choices).get(level, level))


def _cn(day) -> str:
    return "" if day is None else f"{day.year}年{day.month}月{day.day}日"


def attachment(filename: str, fallback: str) -> str:
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


# ---------------------------------------------------------------- .xlsx


def _sheet_title(text: str, used: set[str]) -> str:
    title = "".join(ch for ch in text if ch not in "[]:*?/\\")[:31] or "Sheet"
    base, n = title, 2
    while title in used:
        title = f"{base[:28]}({n})"
        n += 1
    used.add(title)
    return title


def workbook(tables: list[Table]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_title(table.title, used))
        sheet.append(table.headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(row)
        for index, header in enumerate(table.headers, start=1):
            width = max([len(str(header))] + [len(str(r[index - 1])) for r in table.rows]) + 4
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(width * 1.6, 60)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def brief_xlsx(brief: Brief) -> bytes:
    return workbook(brief_tables(brief))


def indicators_table(rows, *, group: str, start, end, total=None) -> list[Table]:
    """The indicators page as sheets: the values, the counts behind them (each with the total
    row last, when given: ``selectors.table_total``), the definitions."""
    keys = keys_for(group)
    rows = [*rows, *([total] if total is not None and rows else [])]
    first = str(GROUP_LABELS[group])
    labels = [str(definition(k).label) for k in keys]
    values = Table(
        "values",
        _("Indicators %(start)s to %(end)s") % {"start": _cn(start), "end": _cn(end)},
        [first, *labels],
        [[r.name, *[text_of(r.indicators[k], definition(k).unit) for k in keys]] for r in rows],
    )
    counts = Table(
        "counts",
        _("Numerators and denominators"),
        [first, *[f"{label} {part}" for label in labels for part in ("分子", "分母")]],
        [
            [
                r.name,
                *[
                    n
                    for k in keys
                    for n in (r.indicators[k].numerator, r.indicators[k].denominator)
                ],
            ]
            for r in rows
        ],
    )
    definitions = Table(
        "definitions",
        _("Definitions"),
        [_("Indicator"), _("Formula"), _("Date basis")],
        [[str(d.label), str(d.formula), str(d.basis)] for d in all_definitions(group)],
    )
    return [values, counts, definitions]


# ---------------------------------------------------------------- .docx


def brief_docx(brief: Brief, *, center_name: str) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(29.7), Cm(21)  # landscape: wide tables
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)
    normal = document.styles["Normal"]
    normal.font.name = "SimSun"
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "SimSun")

    def centered(text, size, bold=False):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.font.size = bold, Pt(size)

    def heading(text):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(text)
        run.bold, run.font.size = True, Pt(14)

    def text(body):
        document.add_paragraph(body).paragraph_format.first_line_indent = Pt(24)

    def grid(table: Table):
        if not table.rows:
            text(_("None this month."))
            return
        out = document.add_table(rows=1, cols=len(table.headers))
        out.style = "Table Grid"
        for cell, header in zip(out.rows[0].cells, table.headers, strict=True):
            cell.text = str(header)
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in table.rows:
            for cell, value in zip(out.add_row().cells, row, strict=True):
                cell.text = str(value)
        for row in out.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(9)

    tables = {t.key: t for t in brief_tables(brief)}
    centered(_("Performance assessment monthly brief"), 22, bold=True)
    centered(f"{center_name}　{brief.label}", 14)
    centered(_("Period: %(start)s to %(end)s") % {"start": _cn(brief.start),
                                                   "end": _cn(brief.end)}, 11)  # fmt: skip

    heading(_("I. Overview"))
    text(overview_sentence(brief))
    grid(tables["overview"])

    heading(_("II. Department ranking"))
    text(ranking_sentence(brief.departments, brief.flagged_departments))
    grid(tables["departments"])

    heading(_("III. Window ranking"))
    text(ranking_sentence(brief.windows, brief.flagged_windows))
    grid(tables["windows"])

    heading(_("IV. Warnings and irregularities"))
    text(warning_sentence(brief))
    grid(tables["warnings"])
    grid(tables["irregularities"])
    document.add_paragraph(_("Cases with the most irregularities"))
    grid(tables["top_cases"])

    heading(_("V. One-thing applications (一件事)"))
    text(joint_sentence(brief))
    grid(tables["joint"])

    for index, section in enumerate(brief.sections):
        heading(section_heading(index, section))
        text(section.sentence)
        for table in section_tables(section):
            document.add_paragraph(table.title)
            grid(table)

    heading(_("Note: definitions and weights"))
    text(
        _(
            "Percentages are rounded half up to two decimals; scores are the weighted mean of "
            "the indicators with data, in percent points, with late completion counted as 100 "
            "minus its rate."
        )
    )
    grid(tables["definitions"])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def joint_sentence(brief: Brief) -> str:
    rows = brief.joint_scenes
    if not rows:
        return _("No joint application was received or decided this month.")
    return _(
        "%(received)s joint applications received and %(decided)s decided in %(scenes)s "
        "scenes; each table row compares the working days used with the serial days of the "
        "scene's items."
    ) % {
        "received": sum(r.received for r in rows),
        "decided": sum(r.decided for r in rows),
        "scenes": len(rows),
    }


def overview_sentence(brief: Brief) -> str:
    total = brief.total.indicators
    return _(
        "This month the center received %(received)s applications, of which %(online)s online "
        "(online rate %(online_rate)s), and decided %(completed)s cases, %(on_time)s of them "
        "on time or early (on-time rate %(on_time_rate)s, last month %(previous)s)."
    ) % {
        "received": total["online_rate"].denominator,
        "online": total["online_rate"].numerator,
        "online_rate": _cell(total["online_rate"]),
        "completed": total["on_time_rate"].denominator,
        "on_time": total["on_time_rate"].numerator,
        "on_time_rate": _cell(total["on_time_rate"]),
        "previous": _cell(brief.previous_total.indicators["on_time_rate"]),
    }


def ranking_sentence(rows: list[Ranked], flagged: list[Ranked]) -> str:
    ranked = [r for r in rows if r.rank is not None]
    if not ranked:
        return _("No data to rank this month.")
    first = "、".join(r.name for r in ranked if r.rank == 1)
    sentence = _("%(count)s ranked; first: %(first)s.") % {"count": len(ranked), "first": first}
    if flagged:
        sentence += _(" In the last three two months running: %(names)s.") % {
            "names": "、".join(r.name for r in flagged)
        }
    return sentence


def warning_sentence(brief: Brief) -> str:
    raised = sum(brief.warnings.values())
    found = sum(count for _kind, _label, count in brief.irregularities)
    return _(
        "%(warnings)s warnings were raised this month (last month %(previous)s) and "
        "%(irregularities)s irregularities detected."
    ) % {
        "warnings": raised,
        "previous": sum(brief.previous_warnings.values()),
        "irregularities": found,
    }
