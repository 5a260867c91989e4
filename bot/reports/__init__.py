"""Rendering only: charts (PNG), tables (XLSX, CSV) and documents (DOCX) from plain data.

The figures and the words come from `handlers.reports`; nothing here computes or decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.reports.csv_dialects import CSV_DIALECTS, EXCEL_VN, CsvDialect
from bot.reports.formats import FORMATS, TABLE_FORMATS

if TYPE_CHECKING:  # the command line imports this package for its formats, not the model
    from bot.reports.model import BarChart, Document, Sheet

__all__ = ["CSV_DIALECTS", "EXCEL_VN", "FORMATS", "TABLE_FORMATS", "CsvDialect", "render"]


def render(
    path: Path,
    *,
    sheets: Sequence[Sheet] = (),
    chart: BarChart | None = None,
    document: Document | None = None,
    dialect: CsvDialect = EXCEL_VN,
) -> Path:
    """Writes what the file's extension asks for (a CSV in `dialect`); ValueError names a
    format it cannot write."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"{path}: unknown format {suffix or '(none)'}; use {', '.join(FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    # each renderer loads its library (matplotlib, python-docx, openpyxl) when it is used:
    # the command line and the bot start without them
    if suffix == ".png" and chart is not None:
        from bot.reports.charts import render_chart

        return render_chart(chart, path)
    if suffix == ".docx" and document is not None:
        from bot.reports.document import write_docx

        return write_docx(document, path)
    if suffix == ".xlsx" and sheets:
        from bot.reports.tables import write_xlsx

        return write_xlsx(sheets, path)
    if suffix == ".csv" and sheets:
        from bot.reports.tables import write_csv

        return write_csv(sheets, path, dialect)
    raise ValueError(f"{path}: this report has no {suffix} form")
