"""Recording what arrives, once per (channel, external id) before it is acknowledged; and
claiming it: a chat's oldest pending event, by a transaction that holds the chat."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Inbound
from bot.db import Database, table_of, upsert_statements
from bot.models import InboundMessage


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
# a chat's lock lasts as long as the transaction that took it; taken only if free
_LOCK = text(
    "SELECT k FROM unnest(CAST(:keys AS BIGINT[])) AS k WHERE pg_try_advisory_xact_lock(k)"
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


def chat_lock_key(key: ChatKey) -> int:
    """The 64-bit advisory lock key of one chat's events (a collision only serialises two chats)."""
    channel, chat_id = key
    digest = hashlib.blake2b(f"{channel}\x1f{chat_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


async def lock_chats(session: AsyncSession, keys: Sequence[ChatKey]) -> set[ChatKey]:
    """The chats whose events this transaction may handle: on PostgreSQL those no other
    transaction holds (their lock is kept until commit); SQLite has one process, so all."""
    if session.get_bind().dialect.name != "postgresql":
        return set(keys)
    by_lock = {chat_lock_key(key): key for key in keys}
    held = await session.scalars(_LOCK, {"keys": list(by_lock)})
    taken = set(held)
    return {key for key in keys if chat_lock_key(key) in taken}


async def next_inbound(
    session: AsyncSession, keys: Collection[ChatKey]
) -> dict[ChatKey, tuple[int, Inbound]]:
    """The oldest pending inbound of each of the chats that has one."""
    if not keys:
        return {}
    rows = await session.execute(_NEXT, {"chats": list(keys)})
    return {(row.channel, row.chat_id): (row.id, Inbound.from_json(row.payload)) for row in rows}


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
