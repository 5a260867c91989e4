"""Recording what arrives: once per (channel, external id), before it is acknowledged."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Inbound
from bot.db import Database
from bot.models import InboundMessage


async def record_inbound(db: Database, inbound: Inbound) -> int | None:
    """Stores the inbound and returns its id, or None if it was already recorded."""
    values = {
        "channel": inbound.channel,
        "external_id": inbound.external_id,
        "chat_id": inbound.chat_id,
        "payload": inbound.to_json(),
        "status": "pending",
        "received_at": inbound.received_at,
    }
    dialect = sqlite if db.is_sqlite else postgresql
    statement = (
        dialect.insert(InboundMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["channel", "external_id"])
        .returning(InboundMessage.id)
    )
    async with db.transaction() as session:
        return (await session.execute(statement)).scalar_one_or_none()


async def claim_inbound(session: AsyncSession, inbound_id: int) -> bool:
    """Marks a pending inbound as being handled in this transaction; False if already done."""
    result = await session.execute(
        update(InboundMessage)
        .where(InboundMessage.id == inbound_id, InboundMessage.status == "pending")
        .values(status="handled")
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


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
