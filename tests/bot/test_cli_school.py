"""`hailong school set`: the controller's contact the notice on parents' data names."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db import Database
from bot.models.schools import School
from handlers import notice
from tests.bot.test_cli import env, run

__all__ = ["env"]


async def read_school(url: str) -> School:
    db = Database(url)
    async with db.sessions() as session:
        school = await session.scalar(select(School))
    await db.dispose()
    assert isinstance(school, School)
    return school


def test_a_schools_contact_is_set_checked_cleared_and_named_in_the_notice(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "db", "upgrade")
    run(capsys, "school", "create", "--code", "MN-SEN", "--name", "Trường MN Sen")
    code, out, _ = run(
        capsys, "school", "set", "--school", "MN-SEN", "--name", "Trường Mầm non Sen Hồng",
        "--phone", "028  3822 1234", "--email", "mn.senhong@example.edu.vn",
        "--address", "12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh",
    )  # fmt: skip
    assert code == 0
    assert out.splitlines() == [
        "school MN-SEN: Trường Mầm non Sen Hồng",
        "phone: 028 3822 1234; email: mn.senhong@example.edu.vn; "
        "address: 12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh",
    ]
    school = asyncio.run(read_school(f"sqlite+aiosqlite:///{env / 'cli.db'}"))
    assert notice.controllers([school]) == (
        "Trường Mầm non Sen Hồng (ĐT 028 3822 1234, email mn.senhong@example.edu.vn, "
        "địa chỉ 12 Lê Lợi, phường Bến Thành, TP. Hồ Chí Minh)"
    )

    code, _, err = run(capsys, "school", "set", "--school", "MN-SEN", "--email", "not-an-address")
    assert code == 2 and "--email" in err
    code, _, err = run(capsys, "school", "set", "--school", "MN-XYZ", "--phone", "0281234567")
    assert code == 2 and "MN-XYZ" in err
    code, out, _ = run(
        capsys, "school", "set", "--school", "MN-SEN", "--email", "", "--address", ""
    )
    assert code == 0 and out.splitlines()[1] == "phone: 028 3822 1234; email: -; address: -"
    school = asyncio.run(read_school(f"sqlite+aiosqlite:///{env / 'cli.db'}"))
    assert notice.controllers([school]) == "Trường Mầm non Sen Hồng (ĐT 028 3822 1234)"
