"""Every operator mistake of issue 15, made with the real `hailong` command in a subprocess: exit
status 2, one line on stderr saying what, where and what to do, never a traceback."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fakes.loopback import free_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


@dataclass(frozen=True)
class Place:
    """A folder with a SQLite database holding school A, its class Lá 1 and post 1."""

    folder: Path

    def env(self, **extra: str) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith("HAILONG_")}
        # WARNING: alembic's INFO lines at each command are issue 15 item 4's (logs), not ours
        base |= {
            "HAILONG_DATABASE_URL": f"sqlite+aiosqlite:///{self.folder / 'cli.db'}",
            "HAILONG_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        return base | extra

    def hailong(self, *args: str, **extra: str) -> Ran:
        done = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=self.folder,
            env=self.env(**extra),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        return Ran(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> Place:
    made = Place(tmp_path_factory.mktemp("mistakes"))
    for args in (
        ("school", "create", "--code", "A", "--name", "Trường A"),
        ("class", "create", "--school", "A", "--name", "Lá 1", "--grade", "la"),
        ("news", "add", "--school", "A", "--title", "Tin", "--text", "Nội dung"),
        ("authority", "create", "Ủy ban nhân dân phường Sài Gòn", "commune"),
    ):
        assert made.hailong(*args).code == 0
    (made.folder / "roster.csv").write_text("school,class,grade\nA,Chồi 1,choi\n", encoding="utf-8")
    (made.folder / "bad_grade.csv").write_text(
        "school,class,grade\nA,Mầm 1,mam\nA,Mầm 2,sai\n", encoding="utf-8"
    )
    (made.folder / "cp1258.csv").write_bytes("school,class\nA,Lá 2\n".encode("cp1258"))
    (made.folder / "renamed.xlsx").write_text("school,class\nA,Lá 2\n", encoding="utf-8")
    (made.folder / "lop.ods").write_bytes(b"PK\x03\x04")
    (made.folder / "long_name.csv").write_text(
        "school,class\nA,Lá 9\nA,Lá " + "x" * 98 + "\n", encoding="utf-8"
    )
    (made.folder / "heading_only.csv").write_text("Trường;Lớp;Khối\n", encoding="utf-8")
    (made.folder / "unknown_columns.csv").write_text("Tên,Lớp\nA,Lá 2\n", encoding="utf-8")
    return made


def assert_one_line(ran: Ran, *said: str) -> None:
    """Exit status 2, exactly one line on stderr holding each of `said`, no traceback."""
    assert ran.code == 2, ran.err
    assert ran.err.count("\n") == 1 and ran.err.endswith("\n"), ran.err
    assert "Traceback" not in ran.err
    for part in said:
        assert part in ran.err


MISTAKES = {
    "school create: an existing code with another name": (
        ["school", "create", "--code", "A", "--name", "Trường B"],
        {},
        ["school A exists already, named 'Trường A'", "hailong school set --school A --name"],
    ),
    "class create: an existing class with another grade": (
        ["class", "create", "--school", "A", "--name", "Lá 1", "--grade", "mam"],
        {},
        ["class 'Lá 1' of A exists already, with grade la, not mam", "another name"],
    ),
    "news add: an existing title with other content": (
        ["news", "add", "--school", "A", "--title", "Tin", "--text", "Nội dung khác"],
        {},
        ["A has a post titled 'Tin' already (post 1), with other content", "another --title"],
    ),
    "authority create: an existing name with another kind": (
        ["authority", "create", "Ủy ban nhân dân phường Sài Gòn", "province"],
        {},
        ["exists already (id 1), as commune, not province", "hailong authority list"],
    ),
    "roster import: no such file": (
        ["roster", "import", "missing.csv"],
        {},
        ["hailong roster import: argument file: missing.csv (in ", "): no such file"],
    ),
    "survey validate: no such file": (
        ["survey", "validate", "missing.yaml"],
        {},
        ["hailong survey validate: argument files: missing.yaml (in ", "no such file"],
    ),
    "survey validate: a device, not a file": (
        ["survey", "validate", "/dev/null"],
        {},
        ["hailong survey validate: argument files: /dev/null: is not a regular file"],
    ),
    "news add --text-file: no such file": (
        ["news", "add", "--school", "A", "--title", "T", "--text-file", "missing.txt"],
        {},
        ["argument --text-file: missing.txt (in ", "no such file"],
    ),
    "an unknown log level": (
        ["survey", "list"],
        {"HAILONG_LOG_LEVEL": "LOUD"},
        ["HAILONG_LOG_LEVEL", "DEBUG, INFO, WARNING, ERROR or CRITICAL, not 'LOUD'"],
    ),
    "roster import: grade sai": (
        ["roster", "import", "bad_grade.csv"],
        {},
        ["bad_grade.csv:3: grade 'sai' is not one of nha_tre, mam, choi, la"],
    ),
    "news add: an empty title": (
        ["news", "add", "--school", "A", "--title", " ", "--text", "x"],
        {},
        ["--title is empty"],
    ),
    "news add: a link that is not a web address": (
        ["news", "add", "--school", "A", "--title", "T", "--text", "x", "--link", "not-a-url"],
        {},
        ["--link 'not-a-url' is not a web address", "https://"],
    ),
    "news publish: a time in the past": (
        ["news", "publish", "1", "--at", "2020-01-01 08:00"],
        {},
        ["--at 2020-01-01 08:00 is in the past", "leave --at out to send now"],
    ),
    "news publish: a time that is not one": (
        ["news", "publish", "1", "--at", "tomorrow"],
        {},
        ["'tomorrow' is not a day and time", '"01/12/2026 08:00"'],
    ),
    "report district: --district and --school": (
        ["report", "district", "--district", "X", "--school", "A", "--out", "x.xlsx"],
        {},
        ["argument --school: not allowed with argument --district"],
    ),
    "survey launch: an unknown survey": (
        ["survey", "launch", "--school", "A", "--survey", "nope"],
        {},
        ["--survey nope: no such survey; one of: preschool_parents, pulse"],
    ),
    "survey launch: closes before it opens": (
        ["survey", "launch", "--school", "A", "--survey", "pulse", "--opens", "20/12/2099",
         "--closes", "2099-12-10"],
        {},
        ["--closes 2099-12-10 is not after --opens 2099-12-20", "close after it opens"],
    ),
    "survey launch: an empty --title": (
        ["survey", "launch", "--school", "A", "--survey", "pulse", "--title", "  "],
        {},
        ["hailong survey launch: argument --title: it is empty; give it in full"],
    ),
    "survey launch: opens in the past": (
        ["survey", "launch", "--school", "A", "--survey", "pulse", "--opens", "01/01/2020"],
        {},
        ["--opens 2020-01-01 is in the past", "leave --opens out"],
    ),
    "report: --to before --from": (
        ["report", "weekly", "--school", "A", "--from", "01/12/2026", "--to", "2026-11-01",
         "--out", "x.xlsx"],
        {},
        ["--to 2026-11-01 is before --from 2026-12-01", "swap them"],
    ),
    "tickets kpi: a day that is not one": (
        ["tickets", "kpi", "--school", "A", "--from", "31/02/2026"],
        {},
        ["'31/02/2026' is not a day; write it 2026-12-01 or 01/12/2026"],
    ),
    "a survey folder that is not there": (
        ["survey", "list"],
        {"HAILONG_SURVEY_DIRS": "/no/such/folder"},
        ["/no/such/folder: survey folder not found (HAILONG_SURVEY_DIRS)"],
    ),
    "no school of that code": (
        ["class", "create", "--school", "B", "--name", "Lá 1"],
        {},
        ["no school with code 'B'; the school codes: A (hailong school list)"],
    ),
    "no class of that name": (
        ["invite", "parent", "--school", "A", "--class", "La 1"],
        {},
        ["no class 'La 1' in A; its classes: ", "Lá 1", "(hailong class list --school A)"],
    ),
    "invite teacher: no --class": (
        ["invite", "teacher", "--school", "A"],
        {},
        ["a teacher invite needs --class; hailong class list --school A shows the classes"],
    ),
    "invite principal: a --class": (
        ["invite", "principal", "--school", "A", "--class", "Lá 1"],
        {},
        ["a principal invite is for the school, not a class; leave --class out"],
    ),
    "school create: an empty code": (
        ["school", "create", "--code", "", "--name", "Trường C"],
        {},
        ["hailong school create: argument --code: it is empty; give it in full"],
    ),
    "class create: a name of spaces": (
        ["class", "create", "--school", "A", "--name", "  ", "--grade", "la"],
        {},
        ["hailong class create: argument --name: it is empty"],
    ),
    "roster import: a file in a Windows code page": (
        ["roster", "import", "cp1258.csv"],
        {},
        ["cp1258.csv:2: the file is not UTF-8 text", "CSV UTF-8 (Comma delimited)"],
    ),
    "roster import: a file renamed .xlsx that is no workbook": (
        ["roster", "import", "renamed.xlsx"],
        {},
        ["renamed.xlsx:1: not an Excel workbook that can be read; save it again as .xlsx or .csv"],
    ),
    "roster import: a spreadsheet of another program": (
        ["roster", "import", "lop.ods"],
        {},
        ["lop.ods:1: import a .csv or .xlsx file"],
    ),
    "roster import: a heading row and no class": (
        ["roster", "import", "heading_only.csv"],
        {},
        ["heading_only.csv: no class under its heading row; add a row for each class"],
    ),
    "roster import: columns named otherwise": (
        ["roster", "import", "unknown_columns.csv"],
        {},
        ["no row names the columns school and class (or Trường and Lớp)", "(found 'Tên', 'Lớp')"],
    ),
    "report: --from after today": (
        ["report", "weekly", "--school", "A", "--out", "w.xlsx", "--from", "01/01/2099"],
        {},
        ["--from 2099-01-01 is after today (", "a report counts what has happened"],
    ),
    # longer than its column: PostgreSQL refused it with a DBAPIError (exit 1), SQLite kept it
    "class create: a name longer than a class name may be": (
        ["class", "create", "--school", "A", "--name", "Lá " + "x" * 98],
        {},
        ["a class name is 101 characters long; at most 100 fit"],
    ),
    "school create: a code longer than a code may be": (
        ["school", "create", "--code", "MN-" + "X" * 30, "--name", "Trường D"],
        {},
        ["a school code is 33 characters long; at most 32 fit"],
    ),
    "school set: an address longer than an address may be": (
        ["school", "set", "--school", "A", "--address", "số " * 101],
        {},
        ["--address is 302 characters long; at most 300 fit"],
    ),
    "news add: a title longer than a title may be": (
        ["news", "add", "--school", "A", "--title", "T" * 201, "--text", "x"],
        {},
        ["--title is 201 characters long; at most 200 fit"],
    ),
    "survey launch: a title longer than a title may be": (
        ["survey", "launch", "--school", "A", "--survey", "pulse", "--title", "T" * 201],
        {},
        ["--title is 201 characters long; at most 200 fit"],
    ),
    "roster import: a class name longer than a class name may be": (
        ["roster", "import", "long_name.csv"],
        {},
        ["long_name.csv:3: a class name is 101 characters long; at most 100 fit"],
    ),
    "news add: an image that is no file and no web address": (
        ["news", "add", "--school", "A", "--title", "Ảnh", "--text", "x", "--image", "anh.png"],
        {},
        ["--image anh.png: no such file, and no web address", "(https://…) or a file"],
    ),
    "a database URL whose port is no number": (
        ["school", "create", "--code", "C", "--name", "Trường C"],
        {"HAILONG_DATABASE_URL": "postgresql+asyncpg://hl:VERY-SECRET@127.0.0.1:54x/hailong"},
        ["HAILONG_DATABASE_URL cannot be read; write it postgresql+asyncpg://", "written %40"],
    ),
    "a database URL with an @ in the password": (
        ["school", "create", "--code", "C", "--name", "Trường C"],
        {"HAILONG_DATABASE_URL": "postgresql+asyncpg://hl:VERY@SECRET@127.0.0.1/hailong"},
        ["HAILONG_DATABASE_URL cannot be read"],
    ),
    "a setting that must be JSON and is not": (
        ["school", "create", "--code", "C", "--name", "Trường C"],
        {"HAILONG_ZALO_BOTS": '[{"school": "A", "token": SECRET}]'},
        ["invalid settings: HAILONG_ZALO_BOTS: not valid JSON; it is written like [{"],
    ),
    "a port no server can listen on": (
        ["school", "create", "--code", "C", "--name", "Trường C"],
        {"HAILONG_HTTP_PORT": "99999"},
        ["invalid settings: HAILONG_HTTP_PORT: Input should be less than or equal to 65535"],
    ),
    "demo --database-url of another driver": (
        ["demo", "--database-url", "mysql://hl:VERY-SECRET@127.0.0.1/hailong"],
        {},
        ["--database-url: a database URL must be postgresql+asyncpg://", "(not mysql://)"],
    ),
    "demo --port out of range": (
        ["demo", "--port", "99999"],
        {},
        ["hailong demo: argument --port: '99999' is not a port; give a number from 1 to 65535"],
    ),
    "a database URL of another driver": (
        ["school", "create", "--code", "C", "--name", "Trường C"],
        {"HAILONG_DATABASE_URL": "mysql://hl:VERY-SECRET@127.0.0.1/hailong"},
        ["invalid settings: HAILONG_DATABASE_URL: a database URL must be", "(not mysql://)"],
    ),
}  # fmt: skip


@pytest.mark.parametrize(("args", "env", "said"), MISTAKES.values(), ids=MISTAKES.keys())
def test_a_mistake_is_one_line_and_status_2(
    place: Place, args: list[str], env: dict[str, str], said: list[str]
) -> None:
    ran = place.hailong(*args, **env)
    assert_one_line(ran, *said)
    assert "SECRET" not in ran.err + ran.out


def test_an_unreachable_postgresql_is_named_by_host_and_port_without_the_password(
    place: Place,
) -> None:
    port = free_port()
    url = f"postgresql+asyncpg://hailong:s3cret-pw@127.0.0.1:{port}/hailong"
    ran = place.hailong("school", "create", "--code", "A", "--name", "A", HAILONG_DATABASE_URL=url)
    assert_one_line(ran, f"cannot reach the database at 127.0.0.1:{port}/hailong", "HAILONG_")
    assert "s3cret-pw" not in ran.err


def test_an_unreadable_line_of_env_is_named_by_file_and_line(tmp_path: Path) -> None:
    """python-dotenv skips such a line, and the setting in it, with a warning naming neither:
    here the database would silently have been the default SQLite file."""
    place = Place(tmp_path)
    (tmp_path / ".env").write_text(
        "HAILONG_LOG_LEVEL=WARNING\nHAILONG_DATABASE_URL postgresql+asyncpg://h@db/h\n=x\n",
        encoding="utf-8",
    )
    ran = place.hailong("school", "create", "--code", "C", "--name", "Trường C")
    assert_one_line(
        ran,
        "invalid settings: .env:2: not a NAME=value line; correct or remove it; "
        ".env:3: not a NAME=value line; correct or remove it",
    )
    assert "python-dotenv" not in ran.err
    assert not (tmp_path / "cli.db").exists()


def test_a_database_a_newer_release_migrated_is_named_with_the_way_back(tmp_path: Path) -> None:
    """After `git checkout` of an older release without restoring the backup (README, Upgrade):
    alembic's "Can't locate revision" was an unexpected CommandError, exit 1."""
    place = Place(tmp_path)
    assert place.hailong("db", "upgrade").code == 0
    with closing(sqlite3.connect(tmp_path / "cli.db")) as db, db:
        db.execute("UPDATE alembic_version SET version_num = '0099'")
    for command in (("db", "upgrade"), ("school", "create", "--code", "C", "--name", "C")):
        assert_one_line(
            place.hailong(*command),
            "hailong: the database is at migration 0099, which this code does not know: a newer "
            "release migrated it; run that release (or restore the backup taken before)",
        )


def test_the_demo_on_a_busy_port_says_so_before_any_banner(place: Place) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        ran = place.hailong(
            "demo", "--port", str(port), "--database-url", "sqlite+aiosqlite:///demo.db"
        )
    assert_one_line(ran, f"cannot listen on 127.0.0.1:{port}", f"--port {port + 1}")
    assert ran.out == ""


def test_setup_commands_run_again_change_nothing_and_say_so(place: Place) -> None:
    again = place.hailong("school", "create", "--code", "A", "--name", "Trường A")
    assert (again.code, again.err) == (0, "")
    assert again.out == "school A exists already: Trường A (nothing changed)\n"
    first = place.hailong("class", "create", "--school", "A", "--name", "Lá 1", "--grade", "la")
    second = place.hailong("class", "create", "--school", "A", "--name", "Lá 1")
    assert first.code == second.code == 0 and first.out.endswith("(exists already)\n")
    assert first.out == second.out  # the same parent code

    post = place.hailong("news", "add", "--school", "A", "--title", "Tin", "--text", "Nội dung")
    assert (post.code, post.err) == (0, "")
    assert post.out == "post 1 exists already: Tin (nothing changed)\n"
    ward = place.hailong("authority", "create", "Ủy ban nhân dân  phường Sài Gòn", "commune")
    assert (ward.code, ward.err) == (0, "")
    assert ward.out == (
        "authority 1 exists already: Ủy ban nhân dân phường Sài Gòn (commune) (nothing changed)\n"
    )
    listed = place.hailong("news", "list", "--school", "A").out
    assert listed.count("Tin") == 1, listed

    imported = place.hailong("roster", "import", "roster.csv")
    assert imported.code == 0 and imported.out.endswith("\n1 class created, 0 unchanged\n")
    again = place.hailong("roster", "import", "roster.csv")
    assert (again.code, again.err) == (0, "")
    assert again.out == "0 new, 1 unchanged: roster.csv is imported already\n"


def test_a_survey_launched_again_is_the_same_wave_and_an_overlapping_one_is_refused(
    place: Place,
) -> None:
    """Its parents would be invited to the same questionnaire twice."""
    launch = ("survey", "launch", "--school", "A", "--survey", "pulse", "--class", "Lá 1")
    first = place.hailong(*launch, "--opens", "2099-01-05", "--closes", "10/01/2099")
    assert first.code == 0 and first.out.startswith("wave ")
    wave = first.out.split(":")[0].removeprefix("wave ")
    again = place.hailong(*launch, "--opens", "05/01/2099", "--closes", "2099-01-10")
    assert (again.code, again.err) == (0, "")
    assert again.out == (
        f"wave {wave} exists already: Khảo sát nhanh trong tuần, 05/01/2099 – 10/01/2099 "
        "(nothing changed)\n"
    )
    overlapping = place.hailong(*launch, "--opens", "2099-01-09", "--closes", "2099-01-20")
    assert_one_line(
        overlapping,
        f"pulse is open already for Lá 1 in wave {wave}, 05/01/2099 – 10/01/2099",
        "give other classes with --class, or --opens after that wave closes",
    )
    after = place.hailong(*launch, "--opens", "2099-01-10", "--closes", "2099-01-20")
    assert after.code == 0 and after.out.startswith(f"wave {int(wave) + 1}: ")


def test_a_wave_opening_later_without_closes_stays_open_14_days_from_its_opening(
    place: Place,
) -> None:
    """It closed 14 days from today, so one opening after that was refused with the engine's
    'closes_at must be after opens_at'."""
    ran = place.hailong(
        "survey",
        "launch",
        "--school",
        "A",
        "--survey",
        "preschool_parents",
        "--opens",
        "01/03/2099",
    )
    assert (ran.code, ran.err) == (0, "")
    assert ran.out.splitlines()[0].endswith(", 01/03/2099 – 15/03/2099")


def test_a_wave_for_a_school_without_classes_says_to_add_them(tmp_path: Path) -> None:
    """It said 'the classes must belong to the school'."""
    empty = Place(tmp_path)
    assert empty.hailong("school", "create", "--code", "B", "--name", "Trường B").code == 0
    ran = empty.hailong("survey", "launch", "--school", "B", "--survey", "pulse")
    assert (ran.code, ran.out) == (2, "")
    assert ran.err == (
        "hailong: school B has no class yet: there is no parent to invite; add its classes first"
        " (hailong class create --school B …, or hailong roster import FILE)\n"
    )


def test_survey_validate_lists_every_error_with_its_line(place: Place) -> None:
    (place.folder / "bad.yaml").write_text(
        "key: bad\nversion: x\ntitle: T\nintro: I\nintro: J\nquestions:\n"
        "  - key: q1\n    type: stars\n    text: Câu hỏi\n"
        "  - key: Q 2\n    type: scale\n    text: Hỏi\n",
        encoding="utf-8",
    )
    ran = place.hailong("survey", "validate", "bad.yaml")
    assert ran.code == 2 and "Traceback" not in ran.err and ran.out == ""
    assert [line.split(":")[:2] for line in ran.err.splitlines()] == [
        ["bad.yaml", "2"],  # version: not a number
        ["bad.yaml", "5"],  # intro given twice
        ["bad.yaml", "8"],  # an unknown question type
        ["bad.yaml", "10"],  # a key that is not a slug
    ]
    assert "bad.yaml:5: duplicate key 'intro' (first on line 4)" in ran.err


@pytest.fixture
def survey_folders(place: Place) -> Iterator[tuple[Path, Path]]:
    one, two = place.folder / "surveys_one", place.folder / "surveys_two"
    for folder, key in ((one, "one"), (two, "two")):
        folder.mkdir(exist_ok=True)
        (folder / f"{key}.yaml").write_text(
            f"key: {key}\nversion: 1\ntitle: T\nintro: I\nquestions:\n"
            "  - key: q1\n    type: yesno\n    text: Có không?\n",
            encoding="utf-8",
        )
    yield one, two


@pytest.mark.parametrize("form", ["plain", "pathsep", "json"])
def test_survey_dirs_take_a_plain_path_a_path_list_or_json(
    place: Place, survey_folders: tuple[Path, Path], form: str
) -> None:
    one, two = survey_folders
    given = {
        "plain": str(one),
        "pathsep": f"{one}{os.pathsep}{two}",
        "json": f'["{one}", "{two}"]',
    }[form]
    ran = place.hailong("survey", "list", HAILONG_SURVEY_DIRS=given)
    assert ran.code == 0 and ran.err == ""
    assert "one\tv1\t1 question\tT\tnew waves" in ran.out.splitlines()
    assert ("two\tv1\t1 question\tT\tnew waves" in ran.out.splitlines()) == (form != "plain")


def test_a_day_is_taken_as_2026_12_01_or_01_12_2026(place: Place) -> None:
    ran = place.hailong(
        "survey", "launch", "--school", "A", "--survey", "pulse",
        "--opens", "01/12/2098", "--closes", "2098-12-14",
    )  # fmt: skip
    assert ran.code == 0 and "01/12/2098 – 14/12/2098" in ran.out
    assert "parents will be invited when it opens" in ran.out


def test_an_unexpected_failure_is_one_line_with_status_1_and_debug_shows_the_traceback(
    tmp_path: Path,
) -> None:
    """A database damaged by hand (a table dropped at the head migration): nothing an operator
    did with the command, so no advice but the way to see more."""
    place = Place(tmp_path)
    assert place.hailong("db", "upgrade").code == 0
    with closing(sqlite3.connect(tmp_path / "cli.db")) as db, db:
        db.execute("DROP TABLE memberships")
    ran = place.hailong("school", "list")
    assert ran.code == 1 and ran.err.count("\n") == 1 and "Traceback" not in ran.err
    assert ran.err.startswith("hailong: unexpected OperationalError: ")
    assert ran.err.endswith("; run with HAILONG_LOG_LEVEL=DEBUG for details\n")
    debug = place.hailong("school", "list", HAILONG_LOG_LEVEL="DEBUG")
    assert debug.code == 1 and "Traceback (most recent call last)" in debug.err
