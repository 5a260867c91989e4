"""The two ways a CSV is written (see tables.py): what the command line offers, without openpyxl."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV is written: its name on the command line, separators and encoding."""

    name: str
    delimiter: str
    decimal: str
    encoding: str  # "utf-8-sig" writes the byte order mark


EXCEL_VN = CsvDialect("excel-vn", ";", ",", "utf-8-sig")
RFC4180 = CsvDialect("rfc4180", ",", ".", "utf-8")
CSV_DIALECTS = {dialect.name: dialect for dialect in (EXCEL_VN, RFC4180)}
