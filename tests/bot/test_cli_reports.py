"""`hailong report weekly|quarterly|authority` (and the old `district`) as an operator runs them,
on a real SQLite file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from PIL import Image

from bot.db import Database
from bot.migrate import upgrade
from tests.bot.test_cli import env, run
from tests.handlers.reports.dataset import PROVINCE, WARD, seed

__all__ = ["env"]


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
    assert overall[1:5] == ("Chỉ số chung (trung bình các nội dung)", 80.0, 70.0, 10.0)
    book.close()

    code, out, _ = run(
        capsys, "report", "quarterly", "--school", "MN-ANBINH", "--from", "2026-10-01",
        "--to", "2026-12-31", "--out", "quy4.docx",
    )  # fmt: skip
    assert code == 0
    text = "\n".join(p.text for p in docx.Document(str(seeded_env / "quy4.docx")).paragraphs)
    assert "quý IV năm 2026" in text
    assert "Số CMHS tham gia khảo sát 12/32 CMHS. Kết quả: 81,82 % CMHS" in text

    code, out, err = run(
        capsys, "report", "authority", "--school", "MN-ANBINH", "--from", "2026-11-16",
        "--to", "2026-11-22", "--out", "phuong.png",
    )  # fmt: skip
    assert code == 0 and err == "" and "authority report" in out
    with Image.open(seeded_env / "phuong.png") as image:  # the school's ward: its two schools
        assert image.format == "PNG" and image.width >= 800 and image.height >= 300
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
    assert "Trường Mầm non An Bình,MN-ANBINH" in table
    assert "Trung bình các trường" in table and "MN-KHAC" not in table
    code, _, err = run(capsys, "report", "district", "--school", "MN-KHAC", "--out", "khac.xlsx")
    assert code == 0 and "deprecated" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["weekly", "--school", "MN-ANBINH", "--out", "x.pdf"], "use a file ending in .xlsx"),
        (["authority", "--school", "MN-ANBINH", "--out", "x.docx"], "no .docx form"),
        (["weekly", "--school", "MN-ANBINH", "--to", "2026-11-22", "--out", "x.xlsx"],
         "--to needs --from"),
        (["weekly", "--school", "MN-ANBINH", "--from", "22/11/2026", "--out", "x.xlsx"],
         "--from: '22/11/2026' is not a date"),
        (["weekly", "--school", "MN-ANBINH", "--from", "2026-11-22", "--to", "2026-11-01",
          "--out", "x.xlsx"], "--to (2026-11-01) is before --from (2026-11-22)"),
        (["quarterly", "--school", "MN-NONE", "--out", "x.docx"], "no school with code 'MN-NONE'"),
        (["authority", "--authority", "Quận Không Có", "--out", "x.xlsx"],
         "no authority 'Quận Không Có'"),
        (["district", "--district", "Phòng GD&ĐT Quận Không Có", "--out", "x.xlsx"],
         "no authority 'Phòng GD&ĐT Quận Không Có'"),
        (["authority", "--authority", PROVINCE, "--school", "MN-NONE", "--out", "x.xlsx"],
         "no school with code 'MN-NONE'"),
    ],
)  # fmt: skip
def test_errors_name_what_is_wrong(
    seeded_env: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, "report", *args)
    assert code == 1 and message in err
    assert not any(seeded_env.glob("x.*"))


def test_a_school_is_created_with_the_default_or_its_own_target(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAILONG_SATISFACTION_TARGET", "85")
    assert run(capsys, "school", "create", "--code", "A", "--name", "A")[0] == 0
    assert run(capsys, "school", "create", "--code", "B", "--name", "B", "--target", "95")[0] == 0
    code, _, err = run(capsys, "school", "create", "--code", "C", "--name", "C", "--target", "0")
    assert code == 1 and "--target" in err

    async def targets() -> list[int]:
        from sqlalchemy import select

        from bot.models import School

        db = Database(f"sqlite+aiosqlite:///{env / 'cli.db'}")
        async with db.sessions() as session:
            found = list(await session.scalars(select(School.target_percent).order_by(School.id)))
        await db.dispose()
        return found

    assert asyncio.run(targets()) == [85, 95]
