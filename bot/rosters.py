"""Reading a class roster (school, class, grade, and optionally the school's managing
authority) from the CSV or XLSX file a school keeps."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from bot.school_terms import GRADES

COLUMNS = ("school", "class", "grade", "authority")
REQUIRED = ("school", "class")


class RosterError(ValueError):
    """A roster file that cannot be read, with the file and line at fault."""

    def __init__(self, path: Path, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")


def read_roster(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Each filled row with its line number; the first row names the columns (any order)."""
    rows = _xlsx_rows(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_rows(path)
    header = next(rows, None)
    if header is None:
        raise RosterError(path, 1, "the file is empty")
    names = [name.strip().lower() for name in header]
    for column in REQUIRED:
        if column not in names:
            raise RosterError(
                path, 1, f"missing column {column!r} (columns: school,class,grade,authority)"
            )
    for line, values in enumerate(rows, start=2):
        row = {name: value.strip() for name, value in zip(names, values, strict=False)}
        if not any(row.values()):
            continue
        for column in REQUIRED:
            if not row.get(column):
                raise RosterError(path, line, f"empty {column!r}")
        found = {column: row.get(column, "") for column in COLUMNS}
        found["grade"] = found["grade"].lower()
        if found["grade"] not in ("", *GRADES):
            raise RosterError(
                path,
                line,
                f"grade {row['grade']!r} is not one of {', '.join(GRADES)}; "
                "fix the line, or leave the grade empty",
            )
        yield line, found


def _csv_rows(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.reader(handle)


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # only for a workbook: a CSV is read without it

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for cells in sheet.iter_rows(values_only=True):
            yield ["" if cell is None else str(cell) for cell in cells]
    finally:
        workbook.close()
