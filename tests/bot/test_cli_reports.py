"""`hailong report weekly|quarterly|authority` (and the old `district`) as an operator runs them,
on a real SQLite file."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from PIL import Image

from bot.db import Database
from bot.migrate import upgrade
from bot.reports.metrics import NO_BREAK
from tests.bot.test_cli import env, run
from tests.handlers.reports.dataset import PROVINCE, WARD, seed

__all__ = ["env"]
NUMBER = re.compile(r"[-+]?\d+([.,]\d+)?\s*%?")  # a figure written as text


async def seed_file(url: str) -> None:
    await upgrade(url)
    db = Database(url)
    async with db.transaction() as session:
        await seed(session)
    await db.dispose()


@pytest.fixture
def seeded_env(env: Path) -> Path:
    asyncio.run(seed_file(f"sqlite+aiosqlite:///{env / 'cli.db'}"))
    return env


def test_a_weekly_xlsx_a_quarterly_docx_and_the_authority_chart(
    seeded_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "report", "weekly", "--school", "MN-ANBINH", "--from", "2026-11-18",
        "--out", "out/tuan.xlsx",
    )  # fmt: skip
    assert code == 0 and out.startswith("out/tuan.xlsx: weekly report, 2026-11-16 – 2026-11-22")
    book = load_workbook(seeded_env / "out" / "tuan.xlsx", read_only=True)
    overall = [row for row in book["Chỉ số hài lòng"].iter_rows(values_only=True)][-1]
    assert overall[1:5] == ("Chỉ số chung (trung bình các nội dung)", 0.8, 0.7, 10.0)
    book.close()

    code, out, _ = run(
        capsys, "report", "quarterly", "--school", "MN-ANBINH", "--from", "2026-10-01",
        "--to", "2026-12-31", "--out", "quy4.docx",
    )  # fmt: skip
    assert code == 0
    paragraphs = docx.Document(str(seeded_env / "quy4.docx")).paragraphs
    text = "\n".join(p.text for p in paragraphs).replace(NO_BREAK, " ")
    assert "quý IV năm 2026" in text
    assert "Số CMHS tham gia khảo sát 12/32 CMHS. Kết quả: 81,8 % CMHS" in text

    code, out, err = run(
        capsys, "report", "authority", "--school", "MN-ANBINH", "--from", "2026-11-16",
        "--to", "2026-11-22", "--out", "phuong.png",
    )  # fmt: skip
    assert code == 0 and err == "" and "authority report" in out
    with Image.open(seeded_env / "phuong.png") as image:  # the school's ward: its two schools
        assert image.format == "PNG" and image.width == 720 and image.height >= 300  # for a phone
    code, _, _ = run(
        capsys, "report", "authority", "--authority", WARD, "--from", "2026-11-16",
        "--out", "phuong.xlsx",
    )  # fmt: skip
    book = load_workbook(seeded_env / "phuong.xlsx", read_only=True)
    codes = [row[2] for row in book["Các trường"].iter_rows(min_row=2, values_only=True)]
    book.close()
    assert code == 0 and codes == ["MN-ANBINH", "MN-BINHAN", None]  # and the average

    # no --authority: the only one at the top, the province, with every school beneath
    code, _, _ = run(capsys, "report", "authority", "--from", "2026-11-16", "--out", "tinh.xlsx")
    book = load_workbook(seeded_env / "tinh.xlsx", read_only=True)
    codes = [row[2] for row in book["Các trường"].iter_rows(min_row=2, values_only=True)]
    assert code == 0 and codes == ["MN-KHAC", "MN-ANBINH", "MN-BINHAN", None]
    assert book.sheetnames[:3] == ["Các trường", "Các đơn vị", "Phân bố theo mục tiêu"]
    book.close()


def test_the_old_district_report_still_works_with_one_line_of_warning(
    seeded_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "report", "district", "--district", WARD, "--from", "2026-11-16",
        "--out", "quan.csv",
    )  # fmt: skip
    assert code == 0 and out.startswith("quan.csv: district report")
    assert err.splitlines() == [
        "hailong: report district [--district …] is deprecated; use report authority "
        "[--authority …]"
    ]
    table = (seeded_env / "quan.csv").read_text(encoding="utf-8-sig")
    assert "Trường Mầm non An Bình;MN-ANBINH" in table
    assert "Trung bình các trường" in table and "MN-KHAC" not in table
    code, _, err = run(capsys, "report", "district", "--school", "MN-KHAC", "--out", "khac.xlsx")
    assert code == 0 and "deprecated" in err


def test_a_csv_opens_in_vietnamese_excel_or_as_plain_rfc_4180(
    seeded_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """excel-vn (default): BOM, ";" and decimal commas, days dd/mm/yyyy; rfc4180: "," and points."""
    week = ("--school", "MN-ANBINH", "--from", "2026-11-16", "--to", "2026-11-22")
    assert run(capsys, "report", "weekly", *week, "--out", "vn.csv")[0] == 0
    raw = (seeded_env / "vn.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    summary = {row[0]: row[1] for row in rows if len(row) == 2}
    assert summary["Từ ngày"] == "16/11/2026" and summary["Đến ngày"] == "22/11/2026"
    indices = next(row for row in rows if row[1:2] == ["Chỉ số chung (trung bình các nội dung)"])
    assert indices[2:5] == ["80,00", "70,00", "10,00"]
    assert float(indices[2].replace(",", ".")) == 80.0  # what Excel set to Vietnamese reads
    turnout = next(row for row in rows if row[1:2] == ["Cả trường"])
    assert turnout[2:] == ["6", "16", "37,50"]

    assert (
        run(capsys, "report", "weekly", *week, "--csv-dialect", "rfc4180", "--out", "p.csv")[0] == 0
    )
    raw = (seeded_env / "p.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    turnout = next(row for row in rows if row[1:2] == ["Cả trường"])
    assert turnout[2:] == ["6", "16", "37.50"]
    with pytest.raises(SystemExit) as stopped:
        run(capsys, "report", "weekly", *week, "--csv-dialect", "tsv", "--out", "t.csv")
    assert stopped.value.code == 2 and "invalid choice: 'tsv'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("kind", "where"),
    [("weekly", "--school"), ("quarterly", "--school"), ("district", "--school")],
)
def test_every_report_asked_as_xlsx_is_a_real_workbook(
    seeded_env: Path, capsys: pytest.CaptureFixture[str], kind: str, where: str
) -> None:
    """Numbers are numbers with their format: a percentage 0.00%, a day dd/mm/yyyy."""
    code, _, _ = run(
        capsys, "report", kind, where, "MN-ANBINH", "--from", "2026-11-16", "--out", "r.xlsx"
    )
    assert code == 0 and zipfile.is_zipfile(seeded_env / "r.xlsx")
    book = load_workbook(seeded_env / "r.xlsx")
    cells = [cell for page in book for row in page.iter_rows(min_row=2) for cell in row]
    percents = [c for c in cells if c.number_format == "0.00%"]
    assert percents and all(
        isinstance(c.value, int | float) and 0 <= c.value <= 1 for c in percents
    )
    assert not [c for c in cells if isinstance(c.value, str) and NUMBER.fullmatch(c.value)]
    for page in book:  # printed or made a PDF, one page wide
        setup = page.sheet_properties.pageSetUpPr
        assert setup is not None and setup.fitToPage and page.page_setup.fitToWidth == 1
    if kind != "district":
        summary = {row[0].value: row[1] for row in book["Tổng hợp"].iter_rows()}
        assert summary["Từ ngày"].number_format == "dd/mm/yyyy"
        assert summary["Mục tiêu hài lòng (%)"].value == 0.9


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["weekly", "--school", "MN-ANBINH", "--out", "x.pdf"], 2,
         "--out x.pdf: use a file ending in .xlsx, .csv, .png or .docx"),
        (["weekly", "--school", "MN-ANBINH", "--out", "x"], 2, "use a file ending in .xlsx"),
        (["authority", "--school", "MN-ANBINH", "--out", "x.docx"], 2,
         "an authority report has no .docx form; use .xlsx, .csv or .png"),
        (["weekly", "--school", "MN-ANBINH", "--to", "2026-11-22", "--out", "x.xlsx"], 2,
         "--to needs --from"),
        (["weekly", "--school", "MN-ANBINH", "--from", "22.11.2026", "--out", "x.xlsx"], 2,
         "argument --from: '22.11.2026' is not a day; write it 2026-12-01 or 01/12/2026"),
        (["weekly", "--school", "MN-ANBINH", "--from", "2026-11-22", "--to", "01/11/2026",
          "--out", "x.xlsx"], 2, "--to 2026-11-01 is before --from 2026-11-22"),
        (["quarterly", "--school", "MN-NONE", "--out", "x.docx"], 2,
         "no school with code 'MN-NONE'"),
        (["authority", "--authority", "Quận Không Có", "--out", "x.xlsx"], 2,
         "no authority 'Quận Không Có'"),
        (["district", "--district", "Phòng GD&ĐT Quận Không Có", "--out", "x.xlsx"], 2,
         "no authority 'Phòng GD&ĐT Quận Không Có'"),
        (["authority", "--authority", PROVINCE, "--school", "MN-ANBINH", "--out", "x.xlsx"], 2,
         "argument --school: not allowed with argument --authority"),
    ],
)  # fmt: skip
def test_errors_name_what_is_wrong(
    seeded_env: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    status: int,
    message: str,
) -> None:
    """A file the command cannot write is refused like a wrong option: one line, status 2."""
    try:
        code, _, err = run(capsys, "report", *args)
    except SystemExit as stopped:  # argparse's refusal, before anything runs
        code, err = int(str(stopped.code)), capsys.readouterr().err
    said = [line for line in err.splitlines() if "is deprecated; use" not in line]
    assert code == status and message in err and len(said) == 1
    assert not any(seeded_env.glob("x*"))


def test_a_school_is_created_with_the_default_or_its_own_target(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAILONG_SATISFACTION_TARGET", "85")
    assert run(capsys, "school", "create", "--code", "A", "--name", "A")[0] == 0
    assert run(capsys, "school", "create", "--code", "B", "--name", "B", "--target", "95")[0] == 0
    code, _, err = run(capsys, "school", "create", "--code", "C", "--name", "C", "--target", "0")
    assert code == 2 and "--target" in err

    async def targets() -> list[int]:
        from sqlalchemy import select

        from bot.models.schools import School

        db = Database(f"sqlite+aiosqlite:///{env / 'cli.db'}")
        async with db.sessions() as session:
            found = list(await session.scalars(select(School.target_percent).order_by(School.id)))
        await db.dispose()
        return found

    assert asyncio.run(targets()) == [85, 95]
