"""The quarterly draft's heading, as Nghị định 30/2020/NĐ-CP, Phụ lục I lays it out, read back
from the DOCX file with python-docx; and the plain data it is built from."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from bot.models.schools import School
from bot.reports.metrics import NO_BREAK, text_width
from handlers.reports.addressee import (
    abbreviation_of,
    addressee_of,
    held_together,
    managing_body_of,
    place_of,
)
from tests.bot.test_cli import env, run

__all__ = ["env"]
LONG_SCHOOL = "Trường Mầm non Tư thục Song ngữ Quốc tế Hoa Hướng Dương"


def school(name: str, abbreviation: str = "", place: str = "") -> School:
    return School(
        code="X", name=name, doc_abbreviation=abbreviation, doc_place=place,
        target_percent=90, created_at=datetime(2026, 12, 1, tzinfo=UTC),
    )  # fmt: skip


def draft(env: Path, capsys: pytest.CaptureFixture[str], name: str, managing: str) -> WordDocument:
    """A school created and set up from the shell, and its quarterly draft as Word reads it."""
    created = ("--code", "MN-HS", "--name", name, "--district", managing)
    assert run(capsys, "school", "create", *created)[0] == 0
    code, out, _ = run(capsys, "school", "set", "--school", "MN-HS", "--doc-abbreviation", "mnhs")
    assert code == 0 and "documents: Số: …/BC-MNHS;" in out
    assert run(capsys, "report", "quarterly", "--school", "MN-HS", "--out", "q.docx")[0] == 0
    return docx.Document(str(env / "q.docx"))


def plain(text: str) -> str:
    return text.replace(NO_BREAK, " ")


def is_rule(paragraph: Paragraph) -> bool:
    """A drawn line: a paragraph holding nothing but a solid bottom border."""
    properties = paragraph._p.pPr
    borders = properties.find(qn("w:pBdr")) if properties is not None else None
    bottom = borders.find(qn("w:bottom")) if borders is not None else None
    return paragraph.text == "" and bottom is not None and bottom.get(qn("w:val")) == "single"


def room_of(cell: _Cell) -> float:
    """The width a cell gives its text, in points: its width less the padding its table sets."""
    width = cell.width
    table = cell._tc.getparent().getparent()  # w:tc → w:tr → w:tbl
    margins = table.tblPr.find(qn("w:tblCellMar"))
    assert width is not None and margins is not None
    padding = [int(margins.find(qn(f"w:{side}")).get(qn("w:w"))) / 20 for side in ("left", "right")]
    return float(width.pt) - sum(padding)


def assert_set_in_lines(paragraph: Paragraph, cell: _Cell, name: str, bold: bool) -> list[str]:
    """The name in upper case, broken only between words, every line inside the column."""
    lines = paragraph.text.split("\n")
    assert plain(" ".join(lines)) == name.upper()
    for line in lines:
        assert text_width(line, 12, bold=bold) <= room_of(cell)
    return [plain(line) for line in lines]


def test_the_draft_to_a_ward_has_the_two_column_heading_of_decree_30(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = draft(env, capsys, "Trường Mầm non Hoa Sen", "UBND phường Sài Gòn")
    heading = document.tables[0]
    assert (len(heading.rows), len(heading.columns)) == (2, 2)
    names, nation = heading.rows[0].cells
    number, dated = heading.rows[1].cells

    # left, ô 2: the managing body (in full, upright) above the school (bold), a short rule
    managing, issuer, rule = names.paragraphs
    assert assert_set_in_lines(managing, names, "Ủy ban nhân dân phường Sài Gòn", False) == [
        "ỦY BAN NHÂN DÂN",
        "PHƯỜNG SÀI GÒN",
    ]
    assert not any(run.bold for run in managing.runs)
    assert assert_set_in_lines(issuer, names, "Trường Mầm non Hoa Sen", True) == [
        "TRƯỜNG MẦM NON HOA SEN"
    ]
    assert all(run.bold for run in issuer.runs)
    assert is_rule(rule)
    rule_length = room_of(names) - 2 * rule.paragraph_format.left_indent.pt
    name_length = text_width("TRƯỜNG MẦM NON HOA SEN", 12, bold=True)
    assert name_length / 3 <= rule_length <= name_length / 2  # 1/3 to 1/2 of its line

    # right, ô 1: Quốc hiệu and Tiêu ngữ, bold, the rule as long as the motto
    state, motto, line = nation.paragraphs
    assert (state.text, motto.text) == (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    )
    assert [(r.bold, r.font.size.pt) for r in (*state.runs, *motto.runs)] == [
        (True, 12.0),
        (True, 13.0),
    ]
    assert is_rule(line)
    drawn = room_of(nation) - 2 * line.paragraph_format.left_indent.pt
    assert drawn == pytest.approx(text_width(motto.text, 13, bold=True), abs=0.5)

    # ô 3 and ô 4 on one row: the number with the school's abbreviation, the place in italics
    assert number.text == "Số: …/BC-MNHS"
    assert plain(dated.text) == "Sài Gòn, ngày … tháng … năm …"
    assert all(run.italic for run in dated.paragraphs[0].runs)

    body = [plain(p.text) for p in document.paragraphs]
    assert body[:2] == ["BÁO CÁO", body[1]] and "tại Trường Mầm non Hoa Sen" in body[1]
    assert is_rule(document.paragraphs[2])  # under the subject (mục II.5)
    assert body[3] == "Kính gửi: Ủy ban nhân dân phường Sài Gòn."
    every = [*document.paragraphs, *(p for t in document.tables for p in paragraphs_of(t))]
    assert [p for p in every if not p.text.strip() and not is_rule(p)] == []


def paragraphs_of(table: Table) -> list[Paragraph]:
    return [p for row in table.rows for cell in row.cells for p in cell.paragraphs]


def test_long_names_break_between_their_parts_and_keep_the_proper_name_whole(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = draft(env, capsys, LONG_SCHOOL, "Ủy ban nhân dân đặc khu Phú Quốc")
    names = document.tables[0].rows[0].cells[0]
    managing, issuer, _ = names.paragraphs
    assert assert_set_in_lines(managing, names, "Ủy ban nhân dân đặc khu Phú Quốc", False) == [
        "ỦY BAN NHÂN DÂN",
        "ĐẶC KHU PHÚ QUỐC",
    ]
    assert assert_set_in_lines(issuer, names, LONG_SCHOOL, True) == [
        "TRƯỜNG MẦM NON TƯ THỤC",
        "SONG NGỮ QUỐC TẾ",
        "HOA HƯỚNG DƯƠNG",
    ]
    # the heading's date and number stay on one line each
    assert "\n" not in document.tables[0].rows[1].cells[1].text


def test_pages_are_numbered_from_the_second_on(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Phụ lục I, mục I.7: centred in the top margin, not shown on the first page."""
    section = draft(env, capsys, "Trường Mầm non Hoa Sen", "UBND phường Sài Gòn").sections[0]
    assert section.different_first_page_header_footer
    (field,) = section.header._element.iter(qn("w:fldSimple"))
    assert field.get(qn("w:instr")) == "PAGE"
    assert section.first_page_header.paragraphs[0].text == ""


@pytest.mark.parametrize(
    ("district", "managing", "place"),
    [
        ("UBND phường Sài Gòn", "Ủy ban nhân dân phường Sài Gòn", "Sài Gòn"),
        ("Phòng GD&ĐT Quận 1", "Phòng Giáo dục và Đào tạo Quận 1", "Quận 1"),
        ("Ủy ban nhân dân xã Tả Van", "Ủy ban nhân dân xã Tả Van", "Tả Van"),
        ("Hệ thống Mầm non Tuổi Hồng", "Hệ thống Mầm non Tuổi Hồng", ""),
        ("", "", ""),
    ],
)
def test_the_managing_body_is_the_authority_written_in_full(
    district: str, managing: str, place: str
) -> None:
    found = addressee_of(school("Trường Mầm non Tuổi Thơ"), district)
    assert (found.managing_body, found.recipient, found.place) == (managing, managing, place)
    assert managing_body_of(district) == managing
    assert place_of(managing) == place


def test_what_the_school_sets_wins_over_what_is_derived() -> None:
    derived = addressee_of(school("Trường Mầm non Tuổi Thơ"), "UBND phường Bến Thành")
    assert (derived.abbreviation, derived.place) == ("MNTT", "Bến Thành")
    own = addressee_of(school("Trường Mầm non Tuổi Thơ", "TT", "Q1"), "UBND phường Bến Thành")
    assert (own.abbreviation, own.place) == ("TT", "Q1")


@pytest.mark.parametrize(
    ("name", "abbreviation"),
    [
        ("Trường Mầm non Tuổi Thơ", "MNTT"),  # as the seed report numbers its plan: 141/KH-MNTT
        ("Trường Mầm non Ánh Dương", "MNAD"),
        ("Trường Mẫu giáo Đồng Xoài", "MGĐX"),
        ("Trường Mầm non 19-5", "MN195"),
    ],
)
def test_the_default_abbreviation_is_the_initials_after_truong(
    name: str, abbreviation: str
) -> None:
    assert abbreviation_of(name) == abbreviation


def test_a_name_is_held_together_in_its_parts() -> None:
    def parts(name: str) -> list[str]:
        return [part.replace(NO_BREAK, "·") for part in held_together(name).split(" ")]

    assert parts("Trường Mầm non An Bình") == ["Trường", "Mầm·non", "An·Bình"]
    assert parts("Ủy ban nhân dân phường Sài Gòn") == ["Ủy·ban·nhân·dân", "phường·Sài·Gòn"]
    assert parts("Trường Mầm non Sở Dầu") == ["Trường", "Mầm·non", "Sở·Dầu"]
    assert parts(LONG_SCHOOL) == [
        "Trường", "Mầm·non", "Tư·thục", "Song·ngữ", "Quốc·tế", "Hoa·Hướng·Dương",
    ]  # fmt: skip
    assert parts("Sở Giáo dục và Đào tạo Thành phố Huế") == [
        "Sở·Giáo·dục·và·Đào·tạo", "Thành·phố·Huế",
    ]  # fmt: skip


def test_a_set_abbreviation_is_letters_and_digits(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "school", "create", "--code", "MN-HS", "--name", "Trường MN Hoa Sen")[0] == 0
    code, _, err = run(capsys, "school", "set", "--school", "MN-HS", "--doc-abbreviation", "MN-HS")
    assert code == 2 and "--doc-abbreviation: 'MN-HS' is not an abbreviation" in err
    code, out, _ = run(capsys, "school", "set", "--school", "MN-HS", "--doc-place", "Sài Gòn")
    assert code == 0
    assert out.splitlines()[-1] == "documents: Số: …/BC-MNHS; Sài Gòn, ngày … tháng … năm …"
    code, out, _ = run(capsys, "school", "set", "--school", "MN-HS", "--doc-abbreviation", "XY")
    assert code == 0 and "Số: …/BC-XY;" in out
    code, out, _ = run(capsys, "school", "set", "--school", "MN-HS", "--doc-abbreviation", "")
    assert code == 0 and "Số: …/BC-MNHS;" in out  # back to the initials
