"""Daily: what only the running of the bot needed goes once `HAILONG_RETENTION_DAYS` old.

The events received and handled, the replies settled, the web chat's bubbles left unchanged and
the report files written for the chat (`HAILONG_REPORTS_DIR`) would otherwise grow forever. Only
what is finished is deleted, whatever its age: an event still pending, a reply pending or being
sent (claimed), a broadcast's message (its delivery record, `handlers/retention.py`) stay. One
INFO line tells the sizes before and after: rows per table, files and bytes.
"""

from __future__ import annotations

import asyncio
import logging
import stat
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models.messages import InboundMessage, OutboxMessage, WebChatMessage
from bot.routing import JobContext

log = logging.getLogger(__name__)

HANDLED = ("handled", "failed")  # received events done with (a pending one is never deleted)
# replies done with; "unconfirmed" is only ever a broadcast's message, kept with its broadcast
SETTLED = ("sent", "failed", "skipped", "dead")
# a report file may still be waiting in the outbox: kept past the outbox's time limit, and a day
SENDING_GRACE = timedelta(days=1)


@dataclass(frozen=True)
class Rows:
    """How many rows the message tables hold."""

    inbound: int
    outbound: int
    web_chat: int

    def __str__(self) -> str:
        return f"inbound {self.inbound}, outbox {self.outbound}, web chat {self.web_chat}"


@dataclass(frozen=True)
class Files:
    """How many files a folder holds (all the way down), and their bytes."""

    count: int
    size: int

    def __str__(self) -> str:
        return f"{self.count:d} files, {self.size:d} bytes"  # the operator's log: plain digits


async def clean_up(job: JobContext) -> None:
    """Deletes the finished messages and the report files older than the retention period."""
    settings, now = job.services.settings, job.services.clock.now()
    before = now - timedelta(days=settings.retention_days)
    async with job.transaction() as work:
        rows_then = await count_rows(work.session)
        await delete_messages(work.session, before)
        rows_now = await count_rows(work.session)
    sending = now - timedelta(hours=settings.outbox_give_up_hours) - SENDING_GRACE
    files_then, files_now = await asyncio.to_thread(
        remove_old_files, settings.reports_dir, min(before, sending)
    )
    log.info(
        "clean-up (older than %d days): rows %s -> %s; reports %s -> %s",
        settings.retention_days, rows_then, rows_now, files_then, files_now,
    )  # fmt: skip


async def count_rows(session: AsyncSession) -> Rows:
    """The rows of the three message tables, in one statement."""
    counted = [
        select(func.count()).select_from(model).scalar_subquery()
        for model in (InboundMessage, OutboxMessage, WebChatMessage)
    ]
    inbound, outbound, web_chat = (await session.execute(select(*counted))).one()
    return Rows(int(inbound), int(outbound), int(web_chat))


async def delete_messages(session: AsyncSession, before: datetime) -> None:
    """Events handled, replies settled and web chat bubbles unchanged since before `before`."""
    await session.execute(
        delete(InboundMessage).where(
            InboundMessage.status.in_(HANDLED),
            func.coalesce(InboundMessage.handled_at, InboundMessage.received_at) < before,
        )
    )
    await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.broadcast_id.is_(None),
            OutboxMessage.status.in_(SETTLED),
            OutboxMessage.created_at < before,
        )
    )
    await session.execute(delete(WebChatMessage).where(WebChatMessage.updated_at < before))


def remove_old_files(folder: Path, before: datetime) -> tuple[Files, Files]:
    """Deletes the files under `folder` last written before `before`; its size then and now."""
    cutoff = before.timestamp()
    then = Files(0, 0)
    now = Files(0, 0)
    for path in folder.rglob("*") if folder.is_dir() else ():
        try:
            found = path.stat()
        except FileNotFoundError:  # removed meanwhile (a report discarded, a copy sent)
            continue
        if not stat.S_ISREG(found.st_mode):
            continue
        then = Files(then.count + 1, then.size + found.st_size)
        if found.st_mtime < cutoff:
            path.unlink(missing_ok=True)
        else:
            now = Files(now.count + 1, now.size + found.st_size)
    return then, now
