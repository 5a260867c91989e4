"""A roster file as schools make it: plain CSV, Excel's CSV in Vietnamese (';', UTF-8 with the
byte order mark), Excel's "Unicode Text" (UTF-16, tabs), a workbook; headings in English or in
Vietnamese, under a title; grades by key or by name; and any bytes at all."""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.rosters import RosterError, read_roster
from bot.school_terms import GRADES
from surveys.text import tidy

# Excel's ways of saving a sheet as text: (suffix, delimiter, bytes before the text, encoding)
EXCEL_FORMS = {
    "CSV (plain)": (".csv", ",", b"", "utf-8"),
    "CSV UTF-8, Excel set to Vietnamese": (".csv", ";", codecs.BOM_UTF8, "utf-8"),
    "Unicode Text": (".txt", "\t", codecs.BOM_UTF16_LE, "utf-16-le"),
}
# a name typed as people type them: letters with Vietnamese marks (composed or not), digits,
# spaces anywhere, and the delimiters and quotes a CSV must quote
NAMES = st.text(
    alphabet=st.sampled_from([*"Lá Mầm Chồi Nhà trẻ đĐ 0123456789", '"', ",", ";", "\t", "\u0301"]),
    min_size=1,
    max_size=20,
).filter(lambda name: tidy(name) != "")
# a grade as its key or as schools write its name, and the key it is
GRADE_SPELLINGS = {"": "", **{g: g for g in GRADES}, "Nhà trẻ": "nha_tre", "MẦM": "mam",
                   "chồi": "choi", "Lá": "la"}  # fmt: skip
ROWS = st.lists(
    st.tuples(NAMES, NAMES, st.sampled_from(sorted(GRADE_SPELLINGS))), min_size=1, max_size=8
)
HEADINGS = st.sampled_from([("School", "Class", "Grade"), ("Trường", "Tên lớp", "Khối")])
TITLES = st.sampled_from([[], [["DANH SÁCH LỚP NĂM HỌC 2026–2027"], []]])
TMP = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


def written(
    folder: Path,
    form: str,
    rows: list[tuple[str, str, str]],
    *,
    nfd: bool,
    headings: tuple[str, ...] = ("School", "Class", "Grade"),
    title: list[list[str]] | None = None,
) -> Path:
    suffix, delimiter, mark, encoding = EXCEL_FORMS[form]
    text = io.StringIO(newline="")
    table = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    table.writerows([*(title or []), list(headings), *rows])
    typed = unicodedata.normalize("NFD" if nfd else "NFC", text.getvalue())
    path = folder / f"roster{suffix}"
    path.write_bytes(mark + typed.encode(encoding))
    return path


@pytest.mark.parametrize("form", EXCEL_FORMS)
@TMP
@given(rows=ROWS, nfd=st.booleans(), headings=HEADINGS, title=TITLES)
def test_every_form_excel_saves_reads_as_the_same_rows(
    tmp_path: Path,
    form: str,
    rows: list[tuple[str, str, str]],
    nfd: bool,
    headings: tuple[str, ...],
    title: list[list[str]],
) -> None:
    path = written(tmp_path, form, rows, nfd=nfd, headings=headings, title=title)
    read = [(line, row["school"], row["class"], row["grade"]) for line, row in read_roster(path)]
    first = len(title) + 2  # the line of the first class, below the title and the headings
    assert read == [
        (line, tidy(school), tidy(name), GRADE_SPELLINGS[grade])
        for line, (school, name, grade) in enumerate(rows, start=first)
    ]


def test_a_workbook_as_a_school_keeps_it_reads_as_its_classes(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for cells in (
        ("DANH SÁCH LỚP NĂM HỌC 2026–2027", None, None),
        (None, None, None),
        ("Mã trường", "Tên lớp", "Khối lớp"),
        ("MN-SEN", "Nhà trẻ 1", "Nhà trẻ"),
        ("MN-SEN", "Lá  2", "Lá"),
    ):
        sheet.append(cells)
    book.save(tmp_path / "lop.xlsx")
    assert list(read_roster(tmp_path / "lop.xlsx")) == [
        (4, {"school": "MN-SEN", "class": "Nhà trẻ 1", "grade": "nha_tre", "authority": ""}),
        (5, {"school": "MN-SEN", "class": "Lá 2", "grade": "la", "authority": ""}),
    ]


@TMP
@given(raw=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".txt", ".xlsx", ".ods"]))
def test_any_bytes_are_rows_or_one_roster_error_naming_file_and_line(
    tmp_path: Path, raw: bytes, suffix: str
) -> None:
    path = tmp_path / f"any{suffix}"
    path.write_bytes(raw)
    try:
        rows = list(read_roster(path))
    except RosterError as error:
        where, line, reason = str(error).split(":", 2)
        assert where == str(path) and int(line) >= 1 and reason.strip()
        assert "\n" not in reason
    else:
        assert all(row["school"] and row["class"] for _, row in rows)


def test_a_file_in_a_windows_code_page_says_how_to_save_it_and_on_which_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "lop.csv"
    path.write_bytes("school,class\nA,Mam 1\nA,Lá 2\n".encode("cp1258"))  # á: 0xE1
    with pytest.raises(RosterError) as refused:
        list(read_roster(path))
    assert str(refused.value) == (
        f"{path}:3: the file is not UTF-8 text; in Excel save it as “CSV UTF-8 (Comma "
        "delimited)”, or import the .xlsx itself"
    )
