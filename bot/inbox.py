"""Recording what arrives, once per (channel, external id) before it is acknowledged; and
claiming it: a chat's oldest pending event, by a transaction that holds the chat."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, literal, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Inbound
from bot.db import Database, table_of, upsert_statements
from bot.models.messages import InboundMessage


async def record_inbound(db: Database, inbound: Inbound) -> int | None:
    """Stores the inbound and returns its id, or None if it was already recorded."""
    return (await record_many(db, [inbound]))[0]


_RECORD = upsert_statements(
    lambda insert: (
        insert(table_of(InboundMessage))
        .on_conflict_do_nothing(index_elements=["channel", "external_id"])
        .returning(InboundMessage.id, InboundMessage.channel, InboundMessage.external_id)
    )
)


async def record_many(db: Database, batch: Sequence[Inbound]) -> list[int | None]:
    """Stores several inbounds in one transaction; None for each one already recorded."""
    rows = [
        {
            "channel": inbound.channel,
            "external_id": inbound.external_id,
            "chat_id": inbound.chat_id,
            "payload": inbound.to_json(),
            "status": "pending",
            "received_at": inbound.received_at,
        }
        for inbound in batch
    ]
    async with db.single_statement() as connection:  # one atomic statement: no transaction
        found = await connection.execute(_RECORD(connection), rows)
        ids = {(row.channel, row.external_id): row.id for row in found}
    result: list[int | None] = []
    for inbound in batch:  # a key given twice in one batch is new only the first time
        result.append(ids.pop((inbound.channel, inbound.external_id), None))
    return result


async def pending_count(db: Database) -> int:
    """Events recorded and not handled yet, every replica's (for /metrics)."""
    waiting = select(func.count()).where(InboundMessage.status == "pending")
    async with db.sessions() as session:
        return int(await session.scalar(waiting) or 0)


class InboxWriter:
    """Records inbounds as they arrive, several to a transaction when they arrive together."""

    def __init__(self, db: Database, max_batch: int = 256) -> None:
        self.db = db
        self.max_batch = max_batch
        self._waiting: list[tuple[Inbound, asyncio.Future[int | None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def record(self, inbound: Inbound) -> int | None:
        """The new row's id once committed, or None for a repeat."""
        future: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._waiting.append((inbound, future))
        if self._writer is None:
            self._writer = asyncio.get_running_loop().create_task(self._write())
        return await future

    async def _write(self) -> None:
        try:
            while self._waiting:
                batch = self._waiting[: self.max_batch]
                del self._waiting[: self.max_batch]
                try:
                    ids = await record_many(self.db, [inbound for inbound, _ in batch])
                except Exception as error:
                    for _, future in batch:
                        future.set_exception(error)
                else:
                    for (_, future), inbound_id in zip(batch, ids, strict=True):
                        future.set_result(inbound_id)
        finally:
            self._writer = None


_INBOX = table_of(InboundMessage)
ChatKey = tuple[str, str]  # (channel, chat id)
# table (not ORM) statements built once: these run for every batch of events
_CHATS = tuple_(_INBOX.c.channel, _INBOX.c.chat_id).in_(bindparam("chats", expanding=True))
_OLDEST = (
    select(func.min(_INBOX.c.id))
    .where(_INBOX.c.status == "pending", _CHATS)
    .group_by(_INBOX.c.channel, _INBOX.c.chat_id)
)
_NEXT = select(_INBOX.c.id, _INBOX.c.channel, _INBOX.c.chat_id, _INBOX.c.payload).where(
    _INBOX.c.id.in_(_OLDEST)
)
# PostgreSQL: each chat's oldest pending event also takes the chat's advisory lock, for the rest
# of the transaction, if no other transaction holds it (a function of the columns returned: it
# runs once per row returned, so once per chat with a pending event)
_CHAT_KEY = func.hashtextextended(_INBOX.c.channel + literal("\x1f") + _INBOX.c.chat_id, 0)
_NEXT_HELD = _NEXT.add_columns(func.pg_try_advisory_xact_lock(_CHAT_KEY).label("held"))
# what a person typed (an answer, a complaint) is not kept beside their chat id once handled:
# the row stays only to recognise a redelivery
_CLAIM = (
    update(_INBOX)
    .where(_INBOX.c.id.in_(bindparam("claimed", expanding=True)), _INBOX.c.status == "pending")
    .values(status="handled", handled_at=bindparam("now"), payload={})
    .returning(_INBOX.c.id)
)
_FAIL = (
    update(_INBOX)
    .where(_INBOX.c.id == bindparam("failed"), _INBOX.c.status == "pending")
    .values(status="failed", error=bindparam("error"), handled_at=bindparam("now"))
)
_FIRST = func.min(_INBOX.c.id)
_WAITING = (
    select(_INBOX.c.channel, _INBOX.c.chat_id, _FIRST.label("first"))
    .where(_INBOX.c.status == "pending")
    .group_by(_INBOX.c.channel, _INBOX.c.chat_id)
    .having(bindparam("after") < _FIRST)
    .order_by(_FIRST)
    .limit(bindparam("page"))
)


@dataclass(frozen=True)
class Next:
    """The chats a transaction may handle now, each with its oldest pending event, and those
    another transaction holds (their events wait for it)."""

    held: dict[ChatKey, tuple[int, Inbound]]
    contested: set[ChatKey]


async def next_inbound(session: AsyncSession, keys: Collection[ChatKey]) -> Next:
    """The oldest pending inbound of each of the chats that has one, and, on PostgreSQL, the
    chat held by this transaction until it ends; SQLite has one process, which holds them all."""
    if not keys:
        return Next({}, set())
    locking = session.get_bind().dialect.name == "postgresql"
    rows = await session.execute(_NEXT_HELD if locking else _NEXT, {"chats": list(keys)})
    held: dict[ChatKey, tuple[int, Inbound]] = {}
    contested: set[ChatKey] = set()
    for row in rows:
        key = (row.channel, row.chat_id)
        if locking and not row.held:
            contested.add(key)
        else:
            held[key] = (row.id, Inbound.from_json(row.payload))
    return Next(held, contested)


async def claim_inbound(session: AsyncSession, ids: Sequence[int], now: datetime) -> set[int]:
    """Marks pending inbounds as handled in this transaction; returns those not done already."""
    if not ids:
        return set()
    return set((await session.execute(_CLAIM, {"claimed": list(ids), "now": now})).scalars())


async def mark_failed(session: AsyncSession, inbound_id: int, error: str, now: datetime) -> bool:
    """Records that handling an inbound failed for good; False if it is not pending any more."""
    result: Any = await session.execute(
        _FAIL, {"failed": inbound_id, "error": error[:2000], "now": now}
    )
    return bool(result.rowcount)


async def pending_chats(db: Database, page: int = 1000) -> AsyncIterator[list[ChatKey]]:
    """Every chat with a pending inbound, a page at a time, by its oldest pending one."""
    after = 0
    while True:
        async with db.sessions() as session:
            rows = (await session.execute(_WAITING, {"after": after, "page": page})).all()
        if not rows:
            return
        yield [(row.channel, row.chat_id) for row in rows]
        after = rows[-1].first
