"""The `hailong` command as an operator uses it, on a real SQLite file."""

from __future__ import annotations

import asyncio
import codecs
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from bot.cli import main
from bot.clock import FixedClock
from tests.fakes.loopback import free_port


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HAILONG_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("HAILONG_TELEGRAM_BOT_USERNAME", "hailong_school_bot")
    monkeypatch.setenv("HAILONG_LOG_LEVEL", "WARNING")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_an_operator_sets_up_a_school_invites_and_launches_a_wave(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, "db", "upgrade")[0] == 0
    code, out, _ = run(capsys, "school", "create", "--code", "MN-SEN", "--name", "Trường MN Sen")
    assert code == 0 and "MN-SEN" in out
    code, out, _ = run(capsys, "class", "create", "--school", "MN-SEN", "--name", "Lá 1")
    class_code = out.rsplit(" ", 1)[-1].strip()
    assert code == 0 and len(class_code) == 8

    code, out, _ = run(
        capsys, "invite", "parent", "--school", "MN-SEN", "--class", "Lá 1", "--qr", "qr/la1.png"
    )
    assert code == 0
    assert f"https://t.me/hailong_school_bot?start={class_code}" in out
    assert "Zalo: no bot for MN-SEN" in out
    monkeypatch.setenv("HAILONG_ZALO_BOTS", '[{"school": "MN-SEN", "token": "77:sen-bot-token"}]')
    code, out, _ = run(capsys, "invite", "parent", "--school", "MN-SEN", "--class", "Lá 1")
    assert f"Zalo: send {class_code} as a message to the school's own Zalo bot (zalo-mn-sen)" in out
    assert "sen-bot-token" not in out
    with Image.open(env / "qr" / "la1.png") as image:
        assert image.format == "PNG" and image.size[0] > 100

    code, out, _ = run(capsys, "invite", "teacher", "--school", "MN-SEN", "--class", "Lá 1")
    assert code == 0 and "single use, expires" in out

    code, out, _ = run(capsys, "survey", "launch", "--school", "MN-SEN", "--survey", "pulse")
    assert code == 0 and out.startswith("wave 1: Khảo sát nhanh trong tuần")
    code, out, _ = run(capsys, "survey", "results", "1")
    assert code == 0 and "0/0 phụ huynh trả lời" in out and "khi đợt khảo sát kết thúc" in out

    code, _, err = run(capsys, "class", "create", "--school", "MN-NONE", "--name", "Lá 2")
    assert code == 2 and "no school with code 'MN-NONE'" in err


def test_survey_validate_names_file_line_and_reason(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = env / "bad.yaml"
    bad.write_text(
        "key: bad\nversion: 1\ntitle: T\nintro: I\nquestions:\n"
        "  - key: q1\n    type: stars\n    text: Câu hỏi\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "survey", "validate", str(bad))
    assert code == 2
    assert err.startswith(f"{bad}:7: questions[0].type")
    code, out, _ = run(capsys, "survey", "list")
    assert code == 0 and "preschool_parents" in out and "pulse" in out


def test_a_roster_is_imported_from_csv_or_xlsx(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import Workbook

    run(capsys, "db", "upgrade")
    run(capsys, "school", "create", "--code", "MN-SEN", "--name", "Trường MN Sen")
    (env / "classes.csv").write_text(
        "school,class,grade\nMN-SEN,Nhà trẻ 1,nha_tre\n\nMN-SEN,Mầm 1,mam\n", encoding="utf-8"
    )
    code, out, _ = run(capsys, "roster", "import", "classes.csv")
    assert code == 0 and "2 classes created" in out
    assert "MN-SEN\tNhà trẻ 1\t" in out and "MN-SEN\tMầm 1\t" in out

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (("Grade", "School", "Class"), ("choi", "MN-SEN", "Chồi 1"), (None, None, None)):
        sheet.append(row)
    book.save(env / "classes.xlsx")
    code, out, _ = run(capsys, "roster", "import", "classes.xlsx")
    assert code == 0 and "MN-SEN\tChồi 1\t" in out and "1 class created, 0 unchanged" in out

    # the same classes saved by Excel set to Vietnamese: ';', the byte order mark, typed with
    # decomposed marks and a doubled space: the same classes, not new ones
    typed = unicodedata.normalize("NFD", "School;Class\r\nMN-SEN;Chồi  1\r\nMN-SEN; Mầm 1\r\n")
    (env / "excel_vn.csv").write_bytes(codecs.BOM_UTF8 + typed.encode("utf-8"))
    code, out, _ = run(capsys, "roster", "import", "excel_vn.csv")
    assert (code, out) == (0, "0 new, 2 unchanged: excel_vn.csv is imported already\n")


def test_a_bad_roster_names_file_and_line_and_writes_nothing(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "db", "upgrade")
    run(capsys, "school", "create", "--code", "MN-SEN", "--name", "Trường MN Sen")
    (env / "no_class.csv").write_text("school,grade\nMN-SEN,la\n", encoding="utf-8")
    code, _, err = run(capsys, "roster", "import", "no_class.csv")
    assert code == 2 and "no_class.csv:1: no row names the columns school and class" in err

    (env / "unknown.csv").write_text("school,class\nMN-SEN,Lá 1\nMN-XXX,Lá 2\n", encoding="utf-8")
    code, out, err = run(capsys, "roster", "import", "unknown.csv")
    assert code == 2 and "unknown.csv:3: no school with code 'MN-XXX'" in err and out == ""
    (env / "fixed.csv").write_text("school,class\nMN-SEN,Lá 1\n", encoding="utf-8")
    code, out, _ = run(capsys, "roster", "import", "fixed.csv")  # Lá 1 was not half-created
    assert code == 0 and "MN-SEN\tLá 1\t" in out


def test_a_webhook_without_a_secret_stops_hailong_run_with_one_line(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12: it used to start with a warning, and an unauthenticated POST opened a wave."""
    monkeypatch.setenv("HAILONG_TELEGRAM_TOKEN", "123456:AAH-token-of-the-school-bot-0123")
    monkeypatch.setenv("HAILONG_TELEGRAM_WEBHOOK_URL", "https://hl.example.org/webhooks/telegram")
    code, out, err = run(capsys, "run")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("hailong: invalid settings: ")
    assert "HAILONG_TELEGRAM_WEBHOOK_SECRET must be 8 to 256 characters" in err
    assert "AAH-token" not in err
    assert not (env / "cli.db").exists()  # stopped before anything was touched

    monkeypatch.delenv("HAILONG_TELEGRAM_WEBHOOK_URL")
    monkeypatch.setenv(
        "HAILONG_ZALO_BOTS",
        '[{"school": "MN-SEN", "token": "77:sen-bot-token", "webhook_url": "https://h.org/z"}]',
    )
    code, _, err = run(capsys, "run")
    assert code == 2 and "its webhook_secret must be a secret of 8 to 256" in err
    assert "sen-bot-token" not in err


def test_the_demo_seeds_its_own_file_never_the_deployments_database(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`hailong demo` in a folder whose environment names the production database."""
    monkeypatch.setenv("HAILONG_HTTP_PORT", str(free_port()))
    monkeypatch.setenv("HAILONG_LOG_LEVEL", "INFO")
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).parents[2]))
    demo = subprocess.Popen(
        [sys.executable, "-u", "-m", "bot", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert demo.stderr is not None
        said = [demo.stderr.readline()]
        while said[-1] and "database" not in said[-1]:  # the banner's line of it
            said.append(demo.stderr.readline())
        said.append(demo.stderr.readline())
    finally:
        demo.terminate()
        demo.communicate(timeout=30)
    banner = "".join(said)
    assert "hailong demo\n  listening  http://127.0.0.1:" in banner, banner
    assert "  database   var/demo.db\n" in banner
    assert "the demo's own data (not HAILONG_DATABASE_URL;" in banner
    assert (env / "var" / "demo.db").exists()
    assert not (env / "cli.db").exists()  # HAILONG_DATABASE_URL: untouched
    assert not (env / "var" / "hailong.db").exists()  # the default: untouched


def test_the_demo_database_is_only_chosen_on_its_command_line() -> None:
    from bot.cli import DEMO_DATABASE_URL, build_parser

    args = build_parser().parse_args(["demo"])
    assert args.database_url is None and DEMO_DATABASE_URL == "sqlite+aiosqlite:///var/demo.db"
    args = build_parser().parse_args(["demo", "--database-url", "sqlite+aiosqlite:///x.db"])
    assert args.database_url == "sqlite+aiosqlite:///x.db"


def test_survey_list_shows_every_version_and_results_break_down_by_grade(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "survey", "list")
    lines = [line.split("\t") for line in out.splitlines()]
    assert [
        "preschool_parents",
        "v1",
        "17 questions",
        "Khảo sát sự hài lòng của cha mẹ trẻ",
    ] in lines
    assert ["preschool_parents", "v2", "25 questions", "Khảo sát sự hài lòng của cha mẹ trẻ",
            "new waves"] in lines  # fmt: skip

    run(capsys, "school", "create", "--code", "MN-SEN", "--name", "Trường MN Sen")
    for name, grade in (("Lá 1", "la"), ("Chồi 1", "choi")):
        run(capsys, "class", "create", "--school", "MN-SEN", "--name", name, "--grade", grade)
    code = main(
        ["survey", "launch", "--school", "MN-SEN", "--survey", "preschool_parents",
         "--opens", "2026-01-05", "--closes", "09/01/2026"],
        clock=FixedClock(datetime(2026, 1, 4, 3, 0, tzinfo=UTC)),
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("wave 1: ") and "05/01/2026 – 09/01/2026" in out
    asyncio.run(_answer_and_release(env, {"Lá 1": ("5", 6), "Chồi 1": ("1", 5)}))
    code, out, _ = run(capsys, "survey", "results", "1")
    assert code == 0
    assert out.endswith(
        "Theo khối lớp:\n"
        "• Mẫu giáo nhỡ (lớp Chồi): 5 phiếu; chỉ số chung 0 %; hài lòng nói chung 0 %\n"
        "• Mẫu giáo lớn (lớp Lá): 6 phiếu; chỉ số chung 100 %; hài lòng nói chung 100 %\n"
    )


async def _answer_and_release(env: Path, given: dict[str, tuple[str, int]]) -> None:
    """Parents of these classes give one level to every question of wave 1; it is released."""
    from sqlalchemy import select

    from bot.db import Database
    from bot.models.schools import Classroom
    from handlers.release import hold_answers, release_closed_wave
    from surveys.catalog import load_catalog

    catalog = load_catalog()
    survey = catalog.get("preschool_parents", 2)
    db = Database(f"sqlite+aiosqlite:///{env / 'cli.db'}")
    try:
        async with db.transaction() as session:
            rooms = {room.name: room.id for room in await session.scalars(select(Classroom))}
            for name, (level, count) in given.items():
                answers = {q.key: level for q in survey.questions if q.type == "scale"}
                for _ in range(count):
                    assert await hold_answers(session, 1, rooms[name], answers)
            await release_closed_wave(session, 1, 5, datetime.now(UTC), catalog=catalog)
    finally:
        await db.dispose()
