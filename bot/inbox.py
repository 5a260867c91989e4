"""Recording what arrives: once per (channel, external id), before it is acknowledged."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, select, update
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
# a table (not ORM) statement built once: this runs for every batch of events
# what a person typed (an answer, a complaint) is not kept beside their chat id once handled:
# the row stays only to recognise a redelivery
_CLAIM = (
    update(_INBOX)
    .where(_INBOX.c.id.in_(bindparam("claimed", expanding=True)), _INBOX.c.status == "pending")
    .values(status="handled", handled_at=bindparam("now"), payload={})
    .returning(_INBOX.c.id)
)


async def claim_inbound(session: AsyncSession, ids: Sequence[int], now: datetime) -> set[int]:
    """Marks pending inbounds as handled in this transaction; returns those not done already."""
    return set((await session.execute(_CLAIM, {"claimed": list(ids), "now": now})).scalars())


async def pending_inbound(db: Database, limit: int = 1000) -> list[tuple[int, Inbound]]:
    """The inbound rows not yet handled, oldest first (for recovery after a restart)."""
    async with db.sessions() as session:
        rows = await session.execute(
            select(InboundMessage.id, InboundMessage.payload)
            .where(InboundMessage.status == "pending")
            .order_by(InboundMessage.id)
            .limit(limit)
        )
        return [(row.id, Inbound.from_json(row.payload)) for row in rows]
