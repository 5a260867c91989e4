"""Rendering only: charts (PNG), tables (XLSX, CSV) and documents (DOCX) from plain data.

The figures and the words come from `handlers.reports`; nothing here computes or decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.reports.charts import render_chart
from bot.reports.document import write_docx
from bot.reports.model import BarChart, Document, Sheet
from bot.reports.tables import CSV_DIALECTS, EXCEL_VN, CsvDialect, write_csv, write_xlsx

__all__ = ["CSV_DIALECTS", "EXCEL_VN", "FORMATS", "TABLE_FORMATS", "CsvDialect", "render"]

FORMATS = (".xlsx", ".csv", ".png", ".docx")
TABLE_FORMATS = (".xlsx", ".csv")


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
    if suffix == ".png" and chart is not None:
        return render_chart(chart, path)
    if suffix == ".docx" and document is not None:
        return write_docx(document, path)
    if suffix == ".xlsx" and sheets:
        return write_xlsx(sheets, path)
    if suffix == ".csv" and sheets:
        return write_csv(sheets, path, dialect)
    raise ValueError(f"{path}: this report has no {suffix} form")
