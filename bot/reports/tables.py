"""Tables as XLSX (one sheet each, openpyxl) or CSV (one after the other, UTF-8 for Excel)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.reports.model import Cell, Sheet

SHEET_TITLE_LIMIT = 31  # Excel's
_INVALID_IN_TITLE = str.maketrans({c: " " for c in "[]:*?/\\"})
_WIDEST = 60


def write_xlsx(sheets: Sequence[Sheet], path: Path) -> Path:
    """One worksheet per table, header in bold, floats with two decimals, columns fitted."""
    book = Workbook()
    for number, sheet in enumerate(sheets):
        page = book.create_sheet(_title(sheet.title)) if number else book.worksheets[0]
        page.title = _title(sheet.title)
        for row in sheet.rows:
            page.append(list(row))
        for cell in page[1] if sheet.rows else ():
            cell.font = Font(bold=True)
        for column in page.iter_cols(min_row=2):
            for cell in column:
                if isinstance(cell.value, float):
                    cell.number_format = "0.00"
        _fit_columns(page, sheet.rows)
        page.freeze_panes = "A2"
    book.save(path)
    return path


def write_csv(sheets: Sequence[Sheet], path: Path) -> Path:
    """The tables one after the other, each under its title, a blank line between them."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:  # opens in Excel
        writer = csv.writer(handle)
        for number, sheet in enumerate(sheets):
            if number:
                writer.writerow([])
            writer.writerow([sheet.title])
            writer.writerows([_csv_cell(cell) for cell in row] for row in sheet.rows)
    return path


def _title(title: str) -> str:
    return title.translate(_INVALID_IN_TITLE)[:SHEET_TITLE_LIMIT]


def _fit_columns(page: Worksheet, rows: Sequence[Sequence[Cell]]) -> None:
    widths: dict[int, int] = {}
    for row in rows:
        for index, cell in enumerate(row, start=1):
            widths[index] = max(widths.get(index, 0), len(_csv_cell(cell)))
    for index, width in widths.items():
        letter = get_column_letter(index)
        page.column_dimensions[letter].width = min(width + 2, _WIDEST)
        if width > _WIDEST:
            for (written,) in page.iter_rows(min_col=index, max_col=index):
                written.alignment = Alignment(wrap_text=True, vertical="top")


def _csv_cell(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return f"{cell:.2f}"
    return str(cell)
