"""The daily clean-up (issue 15): finished messages and report files older than
HAILONG_RETENTION_DAYS go, on the real database and real files; nothing still to be handled or
sent goes, whatever its age; one INFO line tells the sizes before and after."""

from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App, create_app
from bot.clock import FixedClock
from bot.models.broadcasts import Broadcast
from bot.models.messages import InboundMessage, OutboxMessage, WebChatMessage
from bot.models.schools import School
from bot.settings import Settings
from handlers.clean_up import clean_up
from handlers.surface import JOBS

DAY = timedelta(days=1)


async def seed_messages(app: App, old: datetime, recent: datetime) -> None:
    """Of each status, one row older than the period and (for the finished ones) one inside."""
    async with app.db.transaction() as session:
        school = School(code="MN-CLEAN", name="Mầm non Sạch", created_at=old)
        session.add(school)
        await session.flush()
        broadcast = Broadcast(
            school_id=school.id, kind="announcement", title="Họp", body={"text": "Họp"},
            class_ids=[], status="done", send_at=old, created_at=old, finished_at=old,
        )  # fmt: skip
        session.add(broadcast)
        await session.flush()
        for n, (status, at) in enumerate(
            [("handled", old), ("failed", old), ("pending", old), ("handled", recent)]
        ):
            session.add(
                InboundMessage(
                    channel="memory", external_id=f"in-{n}", chat_id="1", payload={},
                    status=status, received_at=at,
                    handled_at=None if status == "pending" else at,
                )
            )  # fmt: skip
        for n, (status, at, of_broadcast) in enumerate(
            [
                ("sent", old, False), ("dead", old, False), ("failed", old, False),
                ("skipped", old, False), ("pending", old, False), ("sending", old, False),
                ("unconfirmed", old, True), ("sent", old, True), ("sent", recent, False),
            ]
        ):  # fmt: skip
            session.add(
                OutboxMessage(
                    channel="memory", chat_id=str(n), body=None, status=status,
                    broadcast_id=broadcast.id if of_broadcast else None,
                    not_before=at, created_at=at,
                )
            )  # fmt: skip
        for n, at in enumerate([old, recent]):
            session.add(
                WebChatMessage(
                    chat_id="web-1", view="buttons", message_id=f"m-{n}", position=n,
                    shown={"text": "Xin chào"}, updated_at=at,
                )
            )  # fmt: skip


def write(path: Path, size: int, written: datetime) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    os.utime(path, (written.timestamp(), written.timestamp()))


async def test_finished_messages_and_old_report_files_go_and_the_sizes_are_logged_once(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    now = app.services.clock.now()
    days = app.settings.retention_days
    assert days == 30  # HAILONG_RETENTION_DAYS' default
    old, recent = now - (days + 1) * DAY, now - (days - 1) * DAY
    await seed_messages(app, old, recent)
    reports = app.settings.reports_dir
    write(reports / "bao-cao-tuan-1a2b.xlsx", 5000, old)
    write(reports / "dulieu" / "copy-old.zip", 700, old)
    write(reports / "bao-cao-quy-3c4d.docx", 1200, recent)
    write(reports / "bieu-do-5e6f.png", 300, now)

    with caplog.at_level(logging.INFO, logger="handlers.clean_up"):
        await clean_up(app.job_context)

    async with app.db.sessions() as session:
        inbound = sorted(await session.scalars(select(InboundMessage.external_id)))
        outbound = sorted(
            (row.status, row.broadcast_id is not None, row.created_at == recent)
            for row in await session.scalars(select(OutboxMessage))
        )
        bubbles = list(await session.scalars(select(WebChatMessage.message_id)))
    assert inbound == ["in-2", "in-3"]  # the pending one, however old, and the recent one
    assert outbound == [
        ("pending", False, False),
        ("sending", False, False),  # claimed by a sender: its outcome is still to come
        ("sent", False, True),
        ("sent", True, False),  # a broadcast's delivery record (handlers/retention.py)
        ("unconfirmed", True, False),
    ]
    assert bubbles == ["m-1"]
    left = sorted(str(p.relative_to(reports)) for p in reports.rglob("*") if p.is_file())
    assert left == ["bao-cao-quy-3c4d.docx", "bieu-do-5e6f.png"]

    lines = [r for r in caplog.records if r.name == "handlers.clean_up"]
    assert [r.levelno for r in lines] == [logging.INFO]
    assert lines[0].getMessage() == (
        "clean-up (older than 30 days): "
        "rows inbound 4, outbox 9, web chat 2 -> inbound 2, outbox 5, web chat 1; "
        "reports 4 files, 7200 bytes -> 2 files, 1500 bytes"
    )

    await clean_up(app.job_context)  # again: nothing more to delete
    async with app.db.sessions() as session:
        assert len(list(await session.scalars(select(OutboxMessage.id)))) == 5


async def test_a_report_file_still_waiting_to_be_sent_stays_past_a_short_period(
    settings: Settings, clock: FixedClock
) -> None:
    """With HAILONG_RETENTION_DAYS=1 and replies tried for 48 hours, a file of yesterday may
    still be in the outbox: it stays until the outbox has given it up, and a day more."""
    short = settings.model_copy(update={"retention_days": 1, "outbox_give_up_hours": 48.0})
    app = create_app(short, channels=[], clock=clock, jobs=[])
    now = clock.now()
    reports = short.reports_dir
    write(reports / "waiting.xlsx", 10, now - 3 * DAY + timedelta(minutes=1))
    write(reports / "given-up.xlsx", 10, now - 3 * DAY - timedelta(minutes=1))
    try:
        await clean_up(app.job_context)
    finally:
        await app.db.dispose()
    assert [p.name for p in reports.iterdir()] == ["waiting.xlsx"]


def test_the_clean_up_runs_daily_at_night() -> None:
    (job,) = [job for job in JOBS if job.function is clean_up]
    assert (job.name, job.cron) == ("clean_up", {"hour": "3", "minute": "15"})
