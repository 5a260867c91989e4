"""`hailong tickets kpi|export` on a fixed day, and `hailong school set --remote-area`.

A period reaching past today is counted as of today: run on Saturday 5/12/2026 with `--to
2026-12-31`, a ticket due on 10/12 is neither due nor overdue yet.
"""

from __future__ import annotations

import asyncio
import csv
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.clock import FixedClock
from bot.db import Database
from bot.models.tickets import Ticket
from bot.settings import Settings
from handlers.setup import school_by_code
from handlers.tickets.store import Draft, Terms, apply_status, create_ticket
from tests.bot.test_cli import env

__all__ = ["env"]
SATURDAY_5_DECEMBER = FixedClock(datetime(2026, 12, 5, 3, 0, tzinfo=UTC))
NEW_YEAR = FixedClock(datetime(2027, 1, 1, 3, 0, tzinfo=UTC))
PERIOD = ("--school", "MN-SEN", "--from", "2026-11-01", "--to", "2026-12-31")


def hailong(
    capsys: pytest.CaptureFixture[str], clock: FixedClock, *args: str
) -> tuple[int, str, str]:
    code = main(list(args), clock=clock)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def local(day: int, month: int) -> datetime:
    """09:00 in Hà Nội."""
    return datetime(2026, month, day, 2, 0, tzinfo=UTC)


def draft(school_id: int, kind: str) -> Draft:
    handled_by = "principal" if kind == "to_cao" else "staff"
    return Draft(
        school_id, kind, "hoc_phi", False, handled_by, "zalo", "Nội dung.", name="A", contact="09"
    )


async def file_tickets(url: str, code: str, received: list[tuple[str, datetime]]) -> None:
    terms = Terms.of(Settings(database_url=url, _env_file=None))
    db = Database(url)
    async with db.transaction() as session:
        school = await school_by_code(session, code)
        for kind, at in received:
            await create_ticket(session, draft(school.id, kind), terms, at)
    await db.dispose()


def test_tickets_kpi_to_31_december_run_on_5_december_counts_as_of_today(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        hailong(
            capsys,
            SATURDAY_5_DECEMBER,
            "school",
            "create",
            "--code",
            "MN-SEN",
            "--name",
            "Trường MN Sen",
        )[0]
        == 0
    )
    received = [
        ("khieu_nai", local(23, 11)),  # due Thursday 3/12: overdue by now
        ("khieu_nai", local(30, 11)),  # due Thursday 10/12: not yet
        ("to_cao", local(1, 12)),  # 7 working days: Thursday 10/12, not yet
    ]
    asyncio.run(file_tickets(f"sqlite+aiosqlite:///{env / 'cli.db'}", "MN-SEN", received))

    code, out, _ = hailong(capsys, SATURDAY_5_DECEMBER, "tickets", "kpi", *PERIOD)
    assert code == 0
    assert out.splitlines()[0] == (
        "Phản ánh, kiến nghị từ 01/11/2026 đến 31/12/2026 — số liệu tính đến hôm nay, 05/12/2026:"
    )
    assert "• Giải quyết đúng hạn: 0/1 phiếu đến hạn (0 %)" in out
    assert "• Còn mở: 3 phiếu (≤ 7 ngày: 2; 8–14: 1; 15–30: 0; trên 30: 0), quá hạn: 1" in out

    # the same period once it is over: everything due in it has come due
    code, out, _ = hailong(capsys, NEW_YEAR, "tickets", "kpi", *PERIOD)
    assert out.splitlines()[0] == "Phản ánh, kiến nghị từ 01/11/2026 đến 31/12/2026:"
    assert "• Giải quyết đúng hạn: 0/3 phiếu đến hạn (0 %)" in out
    assert "quá hạn: 3" in out

    # the register: late only what is past its due date today
    code, out, _ = hailong(
        capsys, SATURDAY_5_DECEMBER, "tickets", "export", *PERIOD, "--out", "so.csv"
    )
    assert code == 0
    assert out.strip() == (
        "3 tickets of MN-SEN, 2026-11-01 – 2026-12-31 (due dates counted as of today, "
        "2026-12-05): so.csv"
    )
    with (env / "so.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))  # excel-vn, the default
    assert [(row["Số phiếu"], row["Hạn"], row["Đúng hạn"]) for row in rows] == [
        ("PA-2026-0001", "03/12/2026", "quá hạn"),
        ("PA-2026-0002", "10/12/2026", ""),
        ("PA-2026-0003", "10/12/2026", ""),
    ]

    code, _, err = hailong(
        capsys, SATURDAY_5_DECEMBER, "tickets", "kpi", "--school", "MN-SEN", "--from", "2026-12-07"
    )
    assert code == 2 and "--from 2026-12-07 is after today (2026-12-05)" in err


def test_school_set_remote_area_art28_gives_complaints_45_days_and_can_be_undone(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = FixedClock(local(23, 11))
    assert (
        hailong(capsys, clock, "school", "create", "--code", "MN-XA", "--name", "Trường MN Xa")[0]
        == 0
    )
    code, out, _ = hailong(
        capsys, clock, "school", "set", "--school", "MN-XA", "--remote-area", "yes"
    )
    assert code == 0 and out.strip() == "school MN-XA: a remote area"

    url = f"sqlite+aiosqlite:///{env / 'cli.db'}"
    asyncio.run(file_tickets(url, "MN-XA", [("khieu_nai", local(23, 11))]))
    asyncio.run(accept_all(url))

    code, out, _ = hailong(
        capsys, clock, "school", "set", "--school", "MN-XA", "--remote-area", "no"
    )
    assert code == 0
    assert out.splitlines() == [
        "school MN-XA: not a remote area",
        "PA-2026-0001: resolution now due 2026-12-23",  # 30 days instead of 45 (7/1/2027)
    ]
    code, _, err = hailong(capsys, clock, "school", "set", "--school", "MN-XA")
    assert code == 2 and "nothing to set" in err


async def accept_all(url: str) -> None:
    terms = Terms.of(Settings(database_url=url, _env_file=None))
    db = Database(url)
    async with db.transaction() as session:
        for ticket in await session.scalars(select(Ticket)):
            assert ticket.remote_area
            apply_status(ticket, "accepted", terms, local(23, 11))
            assert ticket.resolve_due == date(2027, 1, 7)
    await db.dispose()
