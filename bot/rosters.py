"""Reading a class roster (school, class, grade, and optionally the school's managing
authority) from the CSV or XLSX file a school keeps.

A CSV is read as Excel saves it as well as plain: UTF-8 with or without the byte order mark, or
UTF-16 ("Unicode Text"); fields between ',' (plain), ';' (Excel set to Vietnamese) or tabs. The
columns may be named in English or in Vietnamese (Trường, Lớp, Khối), under a title row or two;
a grade may be written as its key (la) or its name (Lá)."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from bot.school_terms import GRADES
from surveys.text import fold, tidy

COLUMNS = ("school", "class", "grade", "authority")
REQUIRED = ("school", "class")
# a column's heading as schools write it, folded (no case, no marks), and the column it names
HEADINGS = {
    "school": "school", "truong": "school", "ma truong": "school",
    "class": "class", "lop": "class", "ten lop": "class",
    "grade": "grade", "khoi": "grade", "khoi lop": "grade",
    "authority": "authority", "co quan quan ly": "authority", "don vi quan ly": "authority",
}  # fmt: skip
HEADER_ROWS = 10  # the row naming the columns is among the first ten (a title may come first)
WORKBOOKS = (".xlsx", ".xlsm")
TEXTS = (".csv", ".txt", ".tsv")
DELIMITERS = (",", ";", "\t")  # on a tie, the first
NOT_UTF8 = (
    "the file is not UTF-8 text; in Excel save it as “CSV UTF-8 (Comma delimited)”, "
    "or import the .xlsx itself"
)


class RosterError(ValueError):
    """A roster file that cannot be read, with the file and line at fault."""

    def __init__(self, path: Path, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")


def read_roster(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Each filled row with its line number, below the row that names the columns (any order)."""
    suffix = path.suffix.lower()
    if suffix not in (*WORKBOOKS, *TEXTS):
        raise RosterError(path, 1, "import a .csv or .xlsx file (Excel: “Save as” one of them)")
    rows = enumerate(_xlsx_rows(path) if suffix in WORKBOOKS else _csv_rows(path), start=1)
    names = _columns(path, rows)
    for line, values in rows:
        row = {name: tidy(value) for name, value in zip(names, values, strict=False) if name}
        if not any(row.values()):
            continue
        for column in REQUIRED:
            if not row.get(column):
                raise RosterError(path, line, f"empty {column!r}")
        found = {column: row.get(column, "") for column in COLUMNS}
        found["grade"] = fold(found["grade"]).replace(" ", "_")  # "Nhà trẻ" is nha_tre
        if found["grade"] not in ("", *GRADES):
            raise RosterError(
                path,
                line,
                f"grade {row['grade']!r} is not one of {', '.join(GRADES)} "
                "(Nhà trẻ, Mầm, Chồi, Lá); fix the line, or leave the grade empty",
            )
        yield line, found


def _columns(path: Path, rows: Iterator[tuple[int, list[str]]]) -> list[str]:
    """The column of each cell of the first row that names the school and the class ("": a
    column not read); RosterError when none of the first rows does."""
    first: list[str] | None = None
    for number, cells in rows:
        names = [_column_of(cell) for cell in cells]
        if all(column in names for column in REQUIRED):
            return names
        shown = [cell for cell in map(tidy, cells) if cell]
        if first is None and shown:
            first = shown
        if number == HEADER_ROWS:
            break
    if first is None:
        raise RosterError(path, 1, "the file is empty")
    raise RosterError(
        path,
        1,
        "no row names the columns school and class (or Trường and Lớp), with grade and "
        f"authority if wanted (found {', '.join(map(repr, first))})",
    )


def _column_of(heading: str) -> str:
    """The column a heading names ("": none this reads)."""
    return HEADINGS.get(fold(heading), "")


def _csv_rows(path: Path) -> Iterator[list[str]]:
    text = _text(path)
    heads = text.split("\n", HEADER_ROWS)[:HEADER_ROWS]
    delimiter = max(  # the one that splits a first row into the most known headings
        DELIMITERS,
        key=lambda d: max(sum(bool(_column_of(cell)) for cell in row.split(d)) for row in heads),
    )
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _text(path: Path) -> str:
    """The file's text: UTF-16 after its byte order mark, else UTF-8 (with the mark or not)."""
    raw = path.read_bytes()
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RosterError(path, raw[: error.start].count(b"\n") + 1, NOT_UTF8) from None


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # only for a workbook: a CSV is read without it

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError) as error:  # not a workbook: damaged, or renamed
        raise RosterError(
            path, 1, "not an Excel workbook that can be read; save it again as .xlsx or .csv"
        ) from error
    try:
        sheet = workbook.worksheets[0]
        for cells in sheet.iter_rows(values_only=True):
            yield ["" if cell is None else str(cell) for cell in cells]
    finally:
        workbook.close()
