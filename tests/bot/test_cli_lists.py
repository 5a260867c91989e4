"""`hailong school list` and `hailong class list` on a real SQLite file, and what a code or class
name that is not there says: the ones there are, so a typo is seen at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.models.people import Membership, Person
from bot.models.schools import Classroom
from tests.bot.test_cli import env, run

__all__ = ["env"]

NOW = datetime(2026, 12, 7, 8, tzinfo=UTC)


def join(env: Path, class_name: str, role: str, people: int) -> None:
    """`people` new people take `role` in the class: the rows a join by code writes."""

    async def write() -> None:
        db = Database(f"sqlite+aiosqlite:///{env / 'cli.db'}")
        async with db.transaction() as session:
            classroom = await session.scalar(select(Classroom).where(Classroom.name == class_name))
            assert classroom is not None
            for _ in range(people):
                person = Person(created_at=NOW)
                session.add(person)
                await session.flush()
                for _twice in range(2):  # a second role row of one person: counted once
                    session.add(
                        Membership(
                            person_id=person.id,
                            school_id=classroom.school_id,
                            class_id=classroom.id if _twice == 0 else None,
                            role=role,
                            created_at=NOW,
                        )
                    )
        await db.dispose()

    asyncio.run(write())


def test_the_listings_show_what_is_set_up_with_counts_and_codes(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "school", "list") == (
        0, "no school yet: hailong school create --code CODE --name NAME\n", "",
    )  # fmt: skip
    assert run(capsys, "authority", "create", "Ủy ban nhân dân phường Sài Gòn", "commune")[0] == 0
    for school, name, authority in (("MN-SEN", "Trường MN Sen", "1"), ("MN-CUC", "MN Cúc", None)):
        extra = ["--authority", authority] if authority else []
        assert run(capsys, "school", "create", "--code", school, "--name", name, *extra)[0] == 0
    code, out, _ = run(capsys, "class", "list", "--school", "MN-SEN")
    assert code == 0 and out == (
        "MN-SEN has no class yet: hailong class create --school MN-SEN --name NAME, "
        "or hailong roster import FILE\n"
    )
    codes = {}
    for name, grade in (("Lá 10", "la"), ("Lá 2", "la"), ("Mầm 1", "mam"), ("Năng khiếu", None)):
        extra = ["--grade", grade] if grade else []
        _, out, _ = run(capsys, "class", "create", "--school", "MN-SEN", "--name", name, *extra)
        codes[name] = out.rsplit(" ", 1)[-1].strip()
    join(env, "Lá 2", "parent", 6)
    join(env, "Mầm 1", "parent", 1)
    join(env, "Lá 2", "teacher", 1)

    code, out, _ = run(capsys, "school", "list")
    assert code == 0 and out.splitlines() == [
        "MN-CUC\tMN Cúc\t0 classes\t0 parents\tno managing authority (hailong school move)",
        "MN-SEN\tTrường MN Sen\t4 classes\t7 parents\tỦy ban nhân dân phường Sài Gòn",
    ]
    code, out, _ = run(capsys, "class", "list", "--school", "MN-SEN")
    assert code == 0 and out.splitlines() == [  # by age group, then "Lá 2" before "Lá 10"
        f"Mầm 1\tmam\tcode {codes['Mầm 1']}\t1 parent\t0 teachers",
        f"Lá 2\tla\tcode {codes['Lá 2']}\t6 parents\t1 teacher",
        f"Lá 10\tla\tcode {codes['Lá 10']}\t0 parents\t0 teachers",
        f"Năng khiếu\t–\tcode {codes['Năng khiếu']}\t0 parents\t0 teachers",
    ]


def test_a_code_or_class_not_there_names_those_that_are(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "class", "list", "--school", "MN-SEN")
    assert code == 2 and err == (
        "hailong: no school with code 'MN-SEN': there is none yet "
        "(hailong school create makes one)\n"
    )
    for number in range(12, 0, -1):
        assert run(capsys, "school", "create", "--code", f"MN-{number:02}", "--name", "X")[0] == 0
    code, _, err = run(capsys, "invite", "parent", "--school", "mn-01", "--class", "Lá 1")
    assert code == 2 and err == (
        "hailong: no school with code 'mn-01'; the school codes: MN-01, MN-02, MN-03, MN-04, "
        "MN-05, MN-06, MN-07, MN-08, MN-09, MN-10 and 2 more (hailong school list)\n"
    )
    code, _, err = run(capsys, "invite", "parent", "--school", "MN-01", "--class", "Lá 1")
    assert code == 2 and err == (
        "hailong: no class 'Lá 1' in MN-01: it has none yet "
        "(hailong class create or hailong roster import makes them)\n"
    )
    for name in ("Lá 10", "Lá 2"):
        assert run(capsys, "class", "create", "--school", "MN-01", "--name", name)[0] == 0
    code, _, err = run(capsys, "invite", "parent", "--school", "MN-01", "--class", "La 2")
    assert code == 2 and err == (
        "hailong: no class 'La 2' in MN-01; its classes: Lá 2, Lá 10 "
        "(hailong class list --school MN-01)\n"
    )
