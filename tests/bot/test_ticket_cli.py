"""`hailong tickets export|kpi` and `hailong calendar show` as an operator runs them."""

from __future__ import annotations

import asyncio
import csv
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.db import Database
from bot.settings import Settings
from handlers.setup import school_by_code
from handlers.tickets.store import Draft, Terms, create_ticket
from tests.bot.test_cli import env, run

__all__ = ["env"]
RECEIVED = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


async def file_tickets(url: str) -> None:
    """A named complaint and a sealed denunciation, as /phananh would file them."""
    terms = Terms.of(Settings(database_url=url, _env_file=None))
    db = Database(url)
    async with db.transaction() as session:
        school = await school_by_code(session, "MN-SEN")
        for draft in (
            Draft(
                school.id,
                "khieu_nai",
                "hoc_phi",
                False,
                "staff",
                "zalo",
                "Thu sai tiền ăn.",
                name="Nguyễn Thị Hoa",
                contact="0903 123 456",
            ),
            Draft(
                school.id,
                "to_cao",
                "giao_vien",
                False,
                "principal",
                "telegram",
                "Cô X nhận tiền xếp chỗ.",
                name="Trần Thị Bình",
                contact="0912 345 678",
            ),
        ):
            await create_ticket(session, draft, terms, RECEIVED)
    await db.dispose()


def test_the_register_export_names_no_sender_and_the_figures_print(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, "school", "create", "--code", "MN-SEN", "--name", "Trường MN Sen")[0] == 0
    asyncio.run(file_tickets(f"sqlite+aiosqlite:///{env / 'cli.db'}"))

    args = ("--school", "MN-SEN", "--from", "2026-11-01", "--to", "2026-12-31")
    code, out, _ = run(capsys, "tickets", "export", *args, "--out", "out/so.csv")
    assert code == 0 and "2 tickets of MN-SEN" in out
    with (env / "out" / "so.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0][0] == "Số phiếu" and [r[0] for r in rows[1:]] == ["PA-2026-0001", "PA-2026-0002"]
    exported = (env / "out" / "so.csv").read_text(encoding="utf-8-sig")
    for secret in ("Nguyễn Thị Hoa", "0903", "Trần Thị Bình", "0912", "Cô X nhận tiền"):
        assert secret not in exported
    assert "Thu sai tiền ăn." in exported and "quá hạn" in exported  # nobody decided by 3/12

    assert rows[1][1] == "23/11/2026"  # the day received, as read in Vietnam

    code, out, _ = run(capsys, "tickets", "kpi", *args)
    assert code == 0
    assert "• Tiếp nhận: 2 phiếu; cấp số phiếu ngay: 100 %" in out
    assert "• Giải quyết đúng hạn: 0/2 phiếu đến hạn (0 %)" in out
    assert "Trần Thị Bình" not in out
    code, _, err = run(
        capsys, "tickets", "kpi", "--school", "MN-SEN", "--from", "2026-12-31", "--to", "2026-01-01"
    )
    assert code == 2 and "--to 2026-01-01 is before --from 2026-12-31" in err


def test_the_calendar_shows_a_year_and_a_broken_override_file_is_named(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(capsys, "calendar", "show", "2026")
    assert code == 0
    assert "2026-02-16 Mon  off      Tết Nguyên đán Bính Ngọ" in out
    assert "2026-08-22 Sat  worked   Thứ Bảy làm bù" in out
    school_file = env / "truong.yaml"
    school_file.write_text("2026:\n  days_off:\n    2026-12-31: Nghỉ cuối năm\n", encoding="utf-8")
    monkeypatch.setenv("HAILONG_WORKDAYS_FILE", str(school_file))
    code, out, _ = run(capsys, "calendar", "show", "2026")
    assert "2026-12-31 Thu  off      Nghỉ cuối năm" in out
    assert "Tết" in out  # the base calendar still counts
    school_file.write_text("2026:\n  days_off:\n    31/12/2026: sai\n", encoding="utf-8")
    code, _, err = run(capsys, "calendar", "show", "2026")
    assert code == 2 and f"{school_file}:3: '31/12/2026' is not a date" in err
    code, _, err = run(capsys, "run")
    assert code == 2 and "is not a date" in err


def test_the_register_as_xlsx_is_a_workbook_of_dates_and_numbers(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--out so.xlsx` writes a real workbook (it wrote CSV under that name before issue 13)."""
    assert run(capsys, "school", "create", "--code", "MN-SEN", "--name", "Trường MN Sen")[0] == 0
    asyncio.run(file_tickets(f"sqlite+aiosqlite:///{env / 'cli.db'}"))
    args = ("--school", "MN-SEN", "--from", "2026-11-01", "--to", "2026-12-31")

    assert run(capsys, "tickets", "export", *args, "--out", "so.xlsx")[0] == 0
    assert zipfile.is_zipfile(env / "so.xlsx")
    book = load_workbook(env / "so.xlsx")
    page = book["Sổ theo dõi phản ánh"]
    assert page["A1"].value == "Số phiếu" and page["A2"].value == "PA-2026-0001"
    received = page["B2"]
    assert received.value == datetime(2026, 11, 23) and received.number_format == "dd/mm/yyyy"
    assert "Trần Thị Bình" not in str(list(page.values))

    code, out, err = run(capsys, "tickets", "export", *args, "--out", "so.txt")
    assert (code, out) == (2, "")
    assert err == "hailong: --out so.txt: use a file ending in .xlsx or .csv\n"
    code, _, err = run(capsys, "tickets", "export", *args, "--out", "so.docx")
    assert code == 2 and "the register has no .docx form; use .xlsx or .csv" in err
    assert not (env / "so.txt").exists() and not (env / "so.docx").exists()
