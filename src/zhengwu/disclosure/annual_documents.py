"""Tables 三 and 四 laid out as the format prints them, and the files made of them: the .xlsx of
both tables and the .docx 年度报告 (the six sections, the prose ones as written on the page).

One layout (``Grid``: cells with their row and column spans) feeds the page, the workbook and the
document, so the three always show the same table."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from zhengwu.disclosure import annual
from zhengwu.disclosure import annual_labels as labels


@dataclass(frozen=True)
class Cell:
    row: int
    column: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    number: bool = False
    key: str = ""  # "row:column" of a figure, for tests and the page's data attributes


@dataclass
class Grid:
    key: str
    title: str
    columns: int
    rows: list[list[Cell]] = field(default_factory=list)

    def add(self, cell: Cell) -> None:
        while len(self.rows) <= cell.row:
            self.rows.append([])
        self.rows[cell.row].append(cell)

    def cells(self):
        for row in self.rows:
            yield from row


def _figures(grid: Grid, r: int, first_column: int, row_key: str, values: dict, keys) -> None:
    for offset, column in enumerate(keys):
        grid.add(
            Cell(
                r,
                first_column + offset,
                str(values[column]),
                number=True,
                key=f"{row_key}:{column}",
            )
        )


def table_three_grid(table: annual.TableThree) -> Grid:
    """Table 三: three label columns, then the seven applicant columns."""
    grid = Grid("table_three", str(labels.TABLE_THREE_TITLE), 10)
    grid.add(Cell(0, 0, str(labels.BALANCE_NOTE), rowspan=3, colspan=3, header=True))
    grid.add(Cell(0, 3, str(labels.APPLICANTS_HEADING), colspan=7, header=True))
    grid.add(Cell(1, 3, labels.column_label("person"), rowspan=2, header=True))
    grid.add(Cell(1, 4, str(labels.ORGANIZATIONS_HEADING), colspan=5, header=True))
    grid.add(Cell(1, 9, labels.column_label("total"), rowspan=2, header=True))
    for offset, column in enumerate(annual.ORGANIZATION_TYPES):
        grid.add(Cell(2, 4 + offset, labels.column_label(column), header=True))

    r = 3

    def whole_row(key: str) -> None:
        nonlocal r
        grid.add(Cell(r, 0, labels.row_label(key), colspan=3, header=True))
        _figures(grid, r, 3, key, table.rows[key], annual.COLUMNS)
        r += 1

    whole_row("received")
    whole_row("carried_over")
    result_rows = len(annual.RESULT_ROWS) + 1
    grid.add(Cell(r, 0, str(labels.RESULTS_HEADING), rowspan=result_rows, header=True))
    for result in annual.RESULTS:
        reasons = annual.REASONS[result]
        if not reasons:
            grid.add(Cell(r, 1, labels.row_label(result), colspan=2, header=True))
            _figures(grid, r, 3, result, table.rows[result], annual.COLUMNS)
            r += 1
            continue
        grid.add(Cell(r, 1, str(labels.GROUP_LABELS[result]), rowspan=len(reasons), header=True))
        for number in range(1, len(reasons) + 1):
            key = annual.result_row(result, number)
            grid.add(Cell(r, 2, labels.row_label(key), header=True))
            _figures(grid, r, 3, key, table.rows[key], annual.COLUMNS)
            r += 1
    grid.add(Cell(r, 1, labels.row_label("results_total"), colspan=2, header=True))
    _figures(grid, r, 3, "results_total", table.rows["results_total"], annual.COLUMNS)
    r += 1
    whole_row("carried_forward")
    return grid


def table_four_grid(table: annual.TableFour) -> Grid:
    """Table 四: 行政复议 (five columns), 行政诉讼 (直接起诉 and 复议后起诉, five each)."""
    grid = Grid("table_four", str(labels.TABLE_FOUR_TITLE), 15)
    column_labels = [str(labels.TABLE_FOUR_COLUMN_LABELS[c]) for c in annual.TABLE_FOUR_COLUMNS]
    grid.add(Cell(0, 0, str(labels.PROCEEDING_LABELS["reconsideration"]), colspan=5, header=True))
    grid.add(Cell(0, 5, str(labels.LITIGATION_HEADING), colspan=10, header=True))
    for offset, text in enumerate(column_labels):
        grid.add(Cell(1, offset, text, rowspan=2, header=True))
    for block, kind in enumerate(annual.PROCEEDING_KINDS[1:]):
        first = 5 + 5 * block
        grid.add(Cell(1, first, str(labels.PROCEEDING_LABELS[kind]), colspan=5, header=True))
        for offset, text in enumerate(column_labels):
            grid.add(Cell(2, first + offset, text, header=True))
    for block, kind in enumerate(annual.PROCEEDING_KINDS):
        _figures(grid, 3, 5 * block, kind, table.rows[kind], annual.TABLE_FOUR_COLUMNS)
    return grid


def report_title(*, agency: str, year: int) -> str:
    return _("%(agency)s %(year)s annual report on government information disclosure") % {
        "agency": agency,
        "year": year,
    }


def sheet_title(text: str) -> str:
    return "".join(ch for ch in text if ch not in "[]:*?/\\")[:31]


def workbook(grids: list[Grid], *, title: str) -> bytes:
    """One sheet per table, its cells merged as in the format, the title above."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    book = Workbook()
    book.remove(book.active)
    for grid in grids:
        sheet = book.create_sheet(sheet_title(grid.title.split("、", 1)[-1]))
        sheet.cell(1, 1, title).font = Font(bold=True, size=13)
        sheet.cell(2, 1, grid.title).font = Font(bold=True)
        top = 3  # the grid starts on the third line
        for cell in grid.cells():
            row, column = top + cell.row, 1 + cell.column
            target = sheet.cell(row, column, int(cell.text) if cell.number else cell.text)
            target.alignment = Alignment(
                horizontal="center" if cell.header and cell.column > 0 else "left",
                vertical="center",
                wrap_text=True,
            )
            if cell.number:
                target.alignment = Alignment(horizontal="right", vertical="center")
            if cell.header:
                target.font = Font(bold=cell.row < 3 and grid.key == "table_four")
            if cell.rowspan > 1 or cell.colspan > 1:
                sheet.merge_cells(
                    start_row=row,
                    start_column=column,
                    end_row=row + cell.rowspan - 1,
                    end_column=column + cell.colspan - 1,
                )
            for r in range(row, row + cell.rowspan):
                for c in range(column, column + cell.colspan):
                    sheet.cell(r, c).border = border
        if grid.key == "table_three":
            for index, width in enumerate((10, 14, 40, 9, 9, 9, 9, 9, 9, 9), start=1):
                sheet.column_dimensions[get_column_letter(index)].width = width
        else:
            for index in range(1, grid.columns + 1):
                sheet.column_dimensions[get_column_letter(index)].width = 11
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def report_docx(
    *, title: str, grids: dict[str, Grid], prose: dict[str, str], balance_sentence: str
) -> bytes:
    """The 年度报告: its title, then the six sections of the format in order; the prose
    sections hold what was written on the page (each line a paragraph), the two tables theirs."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2.2)
    normal = document.styles["Normal"]
    normal.font.name = "FangSong"
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "FangSong")

    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(title)
    run.bold, run.font.size = True, Pt(18)

    def heading(text: str) -> None:
        run = document.add_paragraph().add_run(text)
        run.bold, run.font.size = True, Pt(14)

    def grid_table(grid: Grid, font_size: float) -> None:
        out = document.add_table(rows=len(grid.rows), cols=grid.columns)
        out.style = "Table Grid"
        for cell in grid.cells():
            target = out.cell(cell.row, cell.column)
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(
                    out.cell(cell.row + cell.rowspan - 1, cell.column + cell.colspan - 1)
                )
            target.text = cell.text
            for p in target.paragraphs:
                if cell.number or (cell.header and cell.row < 3):
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                for r in p.runs:
                    r.font.size = Pt(font_size)

    for key, label in labels.SECTION_LABELS.items():
        heading(str(label))
        if key in labels.PROSE_SECTIONS:
            lines = [line.strip() for line in (prose.get(key) or "").splitlines() if line.strip()]
            for line in lines or [_("(Not written yet.)")]:
                document.add_paragraph(line).paragraph_format.first_line_indent = Pt(24)
        elif key == "requests":
            grid_table(grids["table_three"], 8)
            document.add_paragraph(balance_sentence)
        else:
            grid_table(grids["table_four"], 7.5)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def balance_sentence(table: annual.TableThree) -> str:
    b = table.balance["total"]
    rows = table.rows
    values = {
        "received": rows["received"]["total"],
        "carried_over": rows["carried_over"]["total"],
        "completed": rows["results_total"]["total"],
        "carried_forward": rows["carried_forward"]["total"],
        "incoming": b.incoming,
        "outgoing": b.outgoing,
    }
    if b.balanced and table.balanced:
        return (
            _(
                "Check: %(received)s received + %(carried_over)s carried over = %(incoming)s = "
                "%(completed)s handled + %(carried_forward)s carried forward; every column "
                "balances."
            )
            % values
        )
    return (
        _(
            "Check failed: %(received)s received + %(carried_over)s carried over = %(incoming)s, "
            "but %(completed)s handled + %(carried_forward)s carried forward = %(outgoing)s."
        )
        % values
    )
