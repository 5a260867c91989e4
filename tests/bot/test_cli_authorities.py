"""`hailong authority create|list|move`, schools under an authority, officer invites and rosters
with an authority column, as an operator runs them on a real SQLite file; the old `district`
spellings still work, each with one line of warning."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Executable, select

from bot.db import Database
from bot.models.people import StaffInvite
from bot.models.schools import Authority, Classroom, School
from tests.bot.test_cli import env, run

__all__ = ["env"]

SO = "Sở Giáo dục và Đào tạo Thành phố Hồ Chí Minh"
PHUONG = "Ủy ban nhân dân phường Sài Gòn"


def rows(env: Path, query: Executable) -> list[tuple[object, ...]]:
    async def read() -> list[tuple[object, ...]]:
        db = Database(f"sqlite+aiosqlite:///{env / 'cli.db'}")
        async with db.sessions() as session:
            found = [tuple(row) for row in await session.execute(query)]
        await db.dispose()
        return found

    return asyncio.run(read())


def test_an_operator_builds_the_tree_and_puts_schools_under_it(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "authority", "create", SO, "province")
    assert code == 0 and out == f"authority 1: {SO} (province)\n"
    code, out, _ = run(capsys, "authority", "create", PHUONG, "commune", "--parent", SO)
    assert code == 0 and out == f"authority 2: {PHUONG} (commune), under 1: {SO}\n"
    code, out, _ = run(  # named without diacritics: the only match
        capsys, "authority", "create", "Hệ thống Mầm non Tư thục Sao Mai", "other", "--parent",
        "so giao duc va dao tao thanh pho ho chi minh",
    )  # fmt: skip
    assert code == 0 and out.endswith(f"under 1: {SO}\n")
    code, out, _ = run(capsys, "authority", "create", PHUONG, "commune", "--parent", "1")
    assert code == 0 and out == (
        f"authority 2 exists already: {PHUONG} (commune), under 1: {SO} (nothing changed)\n"
    )
    code, _, err = run(capsys, "authority", "create", PHUONG, "other", "--parent", "1")
    assert code == 2 and f"authority {PHUONG!r} exists already (id 2), as commune" in err
    with pytest.raises(SystemExit, match="2"):  # argparse names the kinds it takes
        run(capsys, "authority", "create", "Phòng GD&ĐT Quận 1", "district")
    assert "invalid choice: 'district'" in capsys.readouterr().err

    code, out, _ = run(
        capsys, "school", "create", "--code", "MN-HOASEN", "--name", "Trường Mầm non Hoa Sen",
        "--authority", PHUONG,
    )  # fmt: skip
    assert (
        code == 0 and out == f"school MN-HOASEN: Trường Mầm non Hoa Sen, managed by 2: {PHUONG}\n"
    )
    code, _, err = run(
        capsys, "school", "create", "--code", "MN-X", "--name", "X", "--authority", "Không Có"
    )
    assert code == 2 and "no authority 'Không Có'" in err
    assert run(capsys, "school", "create", "--code", "MN-SAOMAI", "--name", "Sao Mai")[0] == 0
    code, out, _ = run(capsys, "authority", "list")
    assert out.splitlines() == [
        f"1\t{SO}\tprovince\t0 schools\t0 officers",
        "  3\tHệ thống Mầm non Tư thục Sao Mai\tother\t0 schools\t0 officers",
        f"  2\t{PHUONG}\tcommune\t1 school\t0 officers",
        "1 school has no managing authority (hailong school move)",
    ]
    code, out, _ = run(capsys, "school", "move", "--school", "MN-SAOMAI", "--authority", "3")
    assert code == 0 and out == "school MN-SAOMAI: managed by 3: Hệ thống Mầm non Tư thục Sao Mai\n"

    # the tree can be reshaped, never into a loop
    code, _, err = run(capsys, "authority", "move", SO, "--parent", PHUONG)
    assert code == 2 and "that would be a loop" in err
    code, out, _ = run(capsys, "authority", "move", "3", "--top")
    assert code == 0 and out == "authority 3: Hệ thống Mầm non Tư thục Sao Mai, at the top\n"
    found = rows(env, select(Authority.id, Authority.parent_id).order_by(Authority.id))
    assert found == [(1, None), (2, 1), (3, None)]


def test_an_officer_invite_and_the_old_district_spellings(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "authority", "create", PHUONG, "commune")
    code, out, err = run(capsys, "invite", "officer", "--authority", PHUONG, "--qr", "o.png")
    assert code == 0 and err == ""
    assert "single use, expires" in out and f"an officer of {PHUONG}" in out
    assert "https://t.me/hailong_school_bot?start=" in out and (env / "o.png").exists()
    code, _, err = run(capsys, "invite", "officer")
    assert code == 2 and "an officer invite needs --authority" in err

    # school create --district: one warning line; the text becomes an authority (kind guessed)
    code, out, err = run(
        capsys, "school", "create", "--code", "A", "--name", "A", "--district",
        "Phòng GD&ĐT Quận 1",
    )  # fmt: skip
    assert code == 0 and out == "school A: A, managed by 2: Phòng GD&ĐT Quận 1\n"
    assert (
        err
        == "hailong: --district is deprecated; use --authority (hailong authority create|list)\n"
    )
    run(
        capsys, "school", "create", "--code", "B", "--name", "B", "--district", "Phòng GD&ĐT Quận 1"
    )
    code, _, _ = run(
        capsys, "school", "create", "--code", "C", "--name", "C", "--district", "UBND xã Tân Phú"
    )
    kinds = rows(env, select(Authority.name, Authority.kind).order_by(Authority.id))
    assert kinds == [
        (PHUONG, "commune"), ("Phòng GD&ĐT Quận 1", "other"), ("UBND xã Tân Phú", "commune"),
    ]  # fmt: skip
    schools = rows(env, select(School.code, School.authority_id).order_by(School.id))
    assert schools == [("A", 2), ("B", 2), ("C", 3)]  # one authority per text

    # invite district --school: an officer of the school's authority, and one warning line
    code, out, err = run(capsys, "invite", "district", "--school", "A")
    assert code == 0 and "an officer of Phòng GD&ĐT Quận 1" in out
    assert err == "hailong: invite district is deprecated; use invite officer --authority …\n"
    run(capsys, "school", "create", "--code", "D", "--name", "D")
    code, _, err = run(capsys, "invite", "district", "--school", "D")
    assert code == 2 and "D has no managing authority" in err
    invites = rows(env, select(StaffInvite.role, StaffInvite.school_id, StaffInvite.authority_id))
    assert invites == [("officer", None, 1), ("officer", None, 2)]


def test_a_roster_with_an_authority_column(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "authority", "create", PHUONG, "commune")
    run(capsys, "authority", "create", "Ủy ban nhân dân phường Bến Thành", "commune")
    run(capsys, "school", "create", "--code", "MN-A", "--name", "A")
    run(capsys, "school", "create", "--code", "MN-B", "--name", "B", "--authority", "2")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (
        ("school", "class", "grade", "authority"),
        ("MN-A", "Lá 1", "la", PHUONG),
        ("MN-A", "Chồi 1", "choi", ""),
        ("MN-B", "Lá 1", "la", "Ủy ban nhân dân phường Bến Thành"),
    ):
        sheet.append(row)
    book.save(env / "roster.xlsx")
    code, out, _ = run(capsys, "roster", "import", "roster.xlsx")
    assert code == 0 and out.endswith(  # MN-B was under 2 already: only MN-A is said
        f"\nMN-A: managed by 1: {PHUONG}\n3 classes created, 0 unchanged\n"
    )
    schools = rows(env, select(School.code, School.authority_id).order_by(School.id))
    assert schools == [("MN-A", 1), ("MN-B", 2)]
    (env / "authority_only.csv").write_text(  # classes there already, a school put under one
        "school,class,authority\nMN-C,Lá 1,1\n", encoding="utf-8"
    )
    run(capsys, "school", "create", "--code", "MN-C", "--name", "C")
    run(capsys, "class", "create", "--school", "MN-C", "--name", "Lá 1")
    code, out, _ = run(capsys, "roster", "import", "authority_only.csv")
    assert (code, out) == (0, f"MN-C: managed by 1: {PHUONG}\n0 classes created, 1 unchanged\n")
    code, out, _ = run(capsys, "roster", "import", "authority_only.csv")
    assert (code, out) == (0, "0 new, 1 unchanged: authority_only.csv is imported already\n")

    # a roster never moves a school silently to another authority, and writes nothing then
    (env / "moved.csv").write_text(
        f"school,class,grade,authority\nMN-B,Mầm 1,mam,\nMN-A,Mầm 1,mam,{PHUONG}\n"
        "MN-B,Mầm 2,mam,Ủy ban nhân dân phường Sài Gòn\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "roster", "import", "moved.csv")
    assert code == 2 and err.startswith("hailong: moved.csv:4: MN-B is managed by authority 2")
    assert len(rows(env, select(Classroom.id))) == 4
