"""Tables as XLSX (one sheet each, openpyxl) or CSV (one after the other), ready for Excel.

XLSX cells hold numbers and days, never their text: a percentage is its fraction with the
format 0.00%, a decimal 0.00, a day a date shown dd/mm/yyyy.

A CSV is written in one of two dialects. `excel-vn` (the default) is what Excel set to Vietnamese
reads on a double click: UTF-8 with a byte order mark (else Excel takes it for the ANSI code
page), ";" between fields (the list separator where "," is the decimal mark) and decimal commas,
so 64,00 is the number 64. `rfc4180` is the plain CSV of RFC 4180 for programs: UTF-8 without a
mark, "," between fields, decimal points. Both end lines with CRLF, quote a field only when it
needs it, and write days as dd/mm/yyyy.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as XlsxCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from bot.reports.csv_dialects import EXCEL_VN, RFC4180, CsvDialect
from bot.reports.model import Cell, Percent, Sheet

__all__ = ["EXCEL_VN", "RFC4180", "CsvDialect", "csv_text", "write_csv", "write_xlsx"]

SHEET_TITLE_LIMIT = 31  # Excel's
_INVALID_IN_TITLE = str.maketrans({c: " " for c in "[]:*?/\\"})
_WIDEST = 60
PERCENT_FORMAT = "0.00%"
DECIMAL_FORMAT = "0.00"
DAY_FORMAT = "dd/mm/yyyy"


def write_xlsx(sheets: Sequence[Sheet], path: Path) -> Path:
    """One worksheet per table, header in bold, every figure a number with its format."""
    book = Workbook()
    for number, sheet in enumerate(sheets):
        page = book.create_sheet(_title(sheet.title)) if number else book.worksheets[0]
        page.title = _title(sheet.title)
        for row in sheet.rows:
            page.append([_xlsx_value(cell) for cell in row])
        for cell in page[1] if sheet.rows else ():
            cell.font = Font(bold=True)
        for row, written in zip(sheet.rows, page.iter_rows(), strict=False):
            for given, cell in zip(row, written, strict=False):
                _format(cell, given)
        _fit_columns(page, sheet.rows)
        page.freeze_panes = "A2"
        _print_one_page_wide(page)
    book.save(path)
    return path


def write_csv(sheets: Sequence[Sheet], path: Path, dialect: CsvDialect = EXCEL_VN) -> Path:
    """One table as it is, header first; several one after the other, each under its title, a
    blank line between them."""
    with path.open("w", encoding=dialect.encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=dialect.delimiter, lineterminator="\r\n")
        for number, sheet in enumerate(sheets):
            if number:
                writer.writerow([])
            if len(sheets) > 1:
                writer.writerow([sheet.title])
            writer.writerows([csv_text(cell, dialect) for cell in row] for row in sheet.rows)
    return path


def csv_text(cell: Cell, dialect: CsvDialect = EXCEL_VN) -> str:
    """A cell as a CSV field: two decimals with the dialect's mark, a day as dd/mm/yyyy."""
    if cell is None:
        return ""
    if isinstance(cell, Percent | float):
        value = cell.value if isinstance(cell, Percent) else cell
        return f"{value:.2f}".replace(".", dialect.decimal)
    if isinstance(cell, date):
        return cell.strftime("%d/%m/%Y")
    return str(cell)


def _xlsx_value(cell: Cell) -> str | int | float | date | None:
    """What the cell holds: a percentage as its fraction (81.82 → 0.8182)."""
    if isinstance(cell, Percent):
        return round(cell.value / 100, 6)
    return cell


def _format(written: XlsxCell, given: Cell) -> None:
    if isinstance(given, Percent):
        written.number_format = PERCENT_FORMAT
    elif isinstance(given, float):
        written.number_format = DECIMAL_FORMAT
    elif isinstance(given, date):
        written.number_format = DAY_FORMAT


def _print_one_page_wide(page: Worksheet) -> None:
    """Printed (or made a PDF), a sheet is one page wide, as many pages long as it takes."""
    page.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    page.page_setup.fitToWidth = 1
    page.page_setup.fitToHeight = 0


def _title(title: str) -> str:
    return title.translate(_INVALID_IN_TITLE)[:SHEET_TITLE_LIMIT]


def _fit_columns(page: Worksheet, rows: Sequence[Sequence[Cell]]) -> None:
    widths: dict[int, int] = {}
    for row in rows:
        for index, cell in enumerate(row, start=1):
            shown = csv_text(cell) + ("%" if isinstance(cell, Percent) else "")
            widths[index] = max(widths.get(index, 0), len(shown))
    for index, width in widths.items():
        letter = get_column_letter(index)
        page.column_dimensions[letter].width = min(width + 2, _WIDEST)
        if width > _WIDEST:
            for (written,) in page.iter_rows(min_col=index, max_col=index):
                written.alignment = Alignment(wrap_text=True, vertical="top")
