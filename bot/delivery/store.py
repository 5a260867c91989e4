"""The sender's statements on the outbox table, built once (they run many times a second)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, bindparam, case, delete, null, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import BindParameter

from bot.db import table_of, upsert_statements
from bot.delivery.queues import REPLY, Pending
from bot.delivery.quiet import QuietHours
from bot.models.broadcasts import Broadcast, UnreachableChat
from bot.models.messages import OutboxMessage

ChatKey = tuple[str, str]
GONE = "unreachable: "  # how the error of a message starts when its chat itself is unreachable

_OUT = table_of(OutboxMessage)
_COLUMNS = (
    _OUT.c.id,
    _OUT.c.channel,
    _OUT.c.chat_id,
    _OUT.c.body,
    _OUT.c.attempts,
    _OUT.c.not_before,
    _OUT.c.lane,
    _OUT.c.broadcast_id,
    _OUT.c.person_id,
    _OUT.c.to_group,
    _OUT.c.created_at,
    _OUT.c.error,
)
_CHANNELS: BindParameter[list[str]] = bindparam("channels", expanding=True)
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_LOAD_REPLIES = (
    select(*_COLUMNS)
    .where(_OUT.c.status == "pending", _OUT.c.lane == REPLY, _OUT.c.channel.in_(_CHANNELS))
    .order_by(_OUT.c.id)
    .limit(bindparam("limit"))
)
_LOAD_LANE = (
    select(*_COLUMNS)
    .where(
        _OUT.c.status == "pending",
        _OUT.c.lane == bindparam("lane"),
        _OUT.c.id > bindparam("after"),
        _OUT.c.channel.in_(_CHANNELS),
    )
    .order_by(_OUT.c.id)
    .limit(bindparam("limit"))
)
_CLAIM = (
    update(_OUT)
    .where(_OUT.c.id.in_(_IDS), _OUT.c.status == "pending")
    .values(status="sending", attempts=_OUT.c.attempts + 1)
    .returning(_OUT.c.id)
)
_OUTCOME = bindparam("status", type_=String)
# an outcome never overwrites one already recorded (a claim taken over by another sender); once
# settled, a reply's text (a parent's answers in a review, say) is not kept beside the chat id
_RECORD = (
    update(_OUT)
    .where(
        _OUT.c.id == bindparam("o_id"),
        or_(*(_OUT.c.status == s for s in ("pending", "sending", "unconfirmed"))),
    )
    .values(
        status=_OUTCOME,
        attempts=bindparam("attempts"),
        body=case((_OUTCOME == "pending", _OUT.c.body), else_=null()),
        sent_at=bindparam("sent_at"),
        external_id=bindparam("external_id"),
        not_before=bindparam("not_before"),
        error=bindparam("error"),
    )
)
_STOPPED = "the sender stopped between the claim and the outcome"
# a reply is sent again (a parent would rather see it twice than never); a broadcast's message
# is not, and its report says it is unconfirmed
_RECOVER = (
    update(_OUT)
    .where(_OUT.c.status == "sending", _OUT.c.channel == bindparam("r_channel"))
    .values(
        status=case((_OUT.c.lane == REPLY, "pending"), else_="unconfirmed"),
        error=_STOPPED,
    )
    .returning(_OUT.c.lane)
)
_UNREACHABLE = table_of(UnreachableChat)
_MARK_UNREACHABLE = upsert_statements(
    lambda insert: insert(_UNREACHABLE).on_conflict_do_nothing(
        index_elements=["channel", "chat_id"]
    )
)
_CLEAR_UNREACHABLE = delete(_UNREACHABLE).where(
    _UNREACHABLE.c.channel == bindparam("u_channel"),
    _UNREACHABLE.c.chat_id == bindparam("u_chat_id"),
)


def gone_error(reason: str) -> str:
    """The error recorded for a message its chat could not take: blocked, removed, deleted."""
    return GONE + reason


@dataclass(frozen=True)
class Template:
    """What every recipient of a broadcast gets, and when it may not go."""

    body: dict[str, Any]
    quiet: QuietHours | None


@dataclass(frozen=True)
class Recovered:
    """Rows a dead sender had claimed: replies to send again, broadcast messages unconfirmed."""

    resent: int
    unconfirmed: int


def _pending(row: Any) -> Pending:
    return Pending(*row)


async def load_replies(session: AsyncSession, channels: Sequence[str], limit: int) -> list[Pending]:
    """Pending replies, oldest first."""
    found = await session.execute(_LOAD_REPLIES, {"channels": list(channels), "limit": limit})
    return [_pending(row) for row in found]


async def load_lane(
    session: AsyncSession, channels: Sequence[str], lane: int, after: int, limit: int
) -> list[Pending]:
    """Pending rows of a broadcast lane with ids above `after`, oldest first."""
    params = {"channels": list(channels), "lane": lane, "after": after, "limit": limit}
    return [_pending(row) for row in await session.execute(_LOAD_LANE, params)]


async def load_templates(session: AsyncSession, ids: Collection[int]) -> dict[int, Template]:
    found = await session.execute(
        select(Broadcast.id, Broadcast.body, Broadcast.quiet_hours).where(
            Broadcast.id.in_(list(ids))
        )
    )
    return {row.id: Template(row.body, QuietHours.parse(row.quiet_hours)) for row in found}


async def claim(session: AsyncSession, ids: Sequence[int]) -> set[int]:
    """Marks rows as being sent (attempt counted); returns those that were still pending."""
    if not ids:
        return set()
    return set((await session.execute(_CLAIM, {"ids": list(ids)})).scalars())


async def record(session: AsyncSession, outcomes: Sequence[dict[str, Any]]) -> None:
    """Writes outcomes: keys o_id, status, attempts, sent_at, external_id, not_before, error."""
    if outcomes:
        await session.execute(_RECORD, list(outcomes))


async def recover(session: AsyncSession, channel: str) -> Recovered:
    """Rows a dead sender claimed and left: replies pending again, the rest unconfirmed."""
    lanes = list((await session.execute(_RECOVER, {"r_channel": channel})).scalars())
    resent = lanes.count(REPLY)
    return Recovered(resent, len(lanes) - resent)


async def unreachable(session: AsyncSession, channels: Iterable[str]) -> dict[ChatKey, str]:
    found = await session.execute(
        select(UnreachableChat.channel, UnreachableChat.chat_id, UnreachableChat.reason).where(
            UnreachableChat.channel.in_(list(channels))
        )
    )
    return {(row.channel, row.chat_id): row.reason for row in found}


async def mark_unreachable(
    session: AsyncSession, chats: Sequence[tuple[ChatKey, str]], now: datetime
) -> None:
    if chats:
        rows = [
            {"channel": c, "chat_id": chat, "reason": reason[:500], "since": now}
            for (c, chat), reason in chats
        ]
        await session.execute(_MARK_UNREACHABLE(session), rows)


async def clear_unreachable(session: AsyncSession, chats: Sequence[ChatKey]) -> None:
    """The chats took a message again (the person unblocked the bot)."""
    if chats:
        rows = [{"u_channel": channel, "u_chat_id": chat_id} for channel, chat_id in chats]
        await session.execute(_CLEAR_UNREACHABLE, rows)
