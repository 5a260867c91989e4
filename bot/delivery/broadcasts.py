"""Writing a broadcast's recipients as outbox rows, and tallying their outcomes for the report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import table_of
from bot.delivery.queues import ANNOUNCEMENT, BULK
from bot.delivery.store import GONE, gone_error
from bot.models.broadcasts import Broadcast, ClassGroup, UnreachableChat
from bot.models.messages import OutboxMessage
from bot.models.people import Person

_OUT = table_of(OutboxMessage)
_INSERT = insert(_OUT)
_CHUNK = 5000  # rows per INSERT: a 10,000-recipient broadcast is two statements
WAITING = ("pending", "sending")
# only what the platform confirmed counts as sent: an `unconfirmed` message (no answer in time,
# or the sender died while it was in flight) is reported as such, never as sent
DELIVERED = ("sent",)
MISSED = ("failed", "dead", "skipped")


@dataclass(frozen=True)
class Recipient:
    """One chat a broadcast goes to: a parent's private chat or a class group."""

    channel: str
    chat_id: str
    person_id: int | None = None
    class_id: int | None = None
    to_group: bool = False


def lane_of(kind: str) -> int:
    """Announcements go before news and reminders; replies (lane 0) before both."""
    return ANNOUNCEMENT if kind == "announcement" else BULK


async def unreachable_among(
    session: AsyncSession, recipients: Sequence[Recipient]
) -> dict[tuple[str, str], str]:
    """The recipients' chats known to be unreachable (blocked the bot, chat gone)."""
    if not recipients:
        return {}
    wanted = {(r.channel, r.chat_id) for r in recipients}
    found = await session.execute(
        select(UnreachableChat.channel, UnreachableChat.chat_id, UnreachableChat.reason).where(
            UnreachableChat.channel.in_({channel for channel, _ in wanted}),
            UnreachableChat.chat_id.in_({chat for _, chat in wanted}),
        )
    )
    return {(c, chat): reason for c, chat, reason in found if (c, chat) in wanted}


async def release(
    session: AsyncSession, broadcast: Broadcast, recipients: Sequence[Recipient], now: datetime
) -> int:
    """Writes one pending row per recipient (skipped for chats known unreachable); returns them.

    The sender finds the rows by its sweep; nothing is sent before this transaction commits.
    """
    found = await unreachable_among(session, recipients)
    gone = {chat: gone_error(reason) for chat, reason in found.items()}
    lane = lane_of(broadcast.kind)
    rows = [
        {
            "channel": r.channel,
            "chat_id": r.chat_id,
            "body": None,
            "status": "skipped" if (r.channel, r.chat_id) in gone else "pending",
            "error": gone.get((r.channel, r.chat_id)),
            "attempts": 0,
            "not_before": now,
            "created_at": now,
            "lane": lane,
            "broadcast_id": broadcast.id,
            "person_id": r.person_id,
            "class_id": r.class_id,
            "to_group": r.to_group,
        }
        for r in recipients
    ]
    for start in range(0, len(rows), _CHUNK):
        await session.execute(_INSERT, rows[start : start + _CHUNK])
    broadcast.status, broadcast.released_at, broadcast.recipients = "sending", now, len(rows)
    return len(rows)


async def cancel_waiting(session: AsyncSession, broadcast_id: int) -> int:
    """Skips the rows not sent yet (a cancelled broadcast); those in flight still finish."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.broadcast_id == broadcast_id, OutboxMessage.status == "pending")
        .values(status="skipped", error="cancelled")
    )
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass
class Failure:
    """A recipient that did not get the message, and why."""

    name: str  # the parent's or the group's ("" when none was given or the parent was erased)
    to_group: bool
    chat_id: str
    status: str
    error: str

    @property
    def given_up(self) -> bool:
        """Not sent before its broadcast expired (the platform was failing all along)."""
        return self.status == "dead"

    @property
    def gone(self) -> bool:
        """The chat itself was unreachable: the bot blocked or removed, the chat deleted."""
        return self.error.startswith(GONE)


@dataclass
class Tally:
    """Where a broadcast's rows stand."""

    counts: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def delivered(self) -> int:
        return sum(self.counts.get(s, 0) for s in DELIVERED)

    @property
    def missed(self) -> int:
        return sum(self.counts.get(s, 0) for s in MISSED)

    @property
    def unconfirmed(self) -> int:
        return self.counts.get("unconfirmed", 0)

    @property
    def waiting(self) -> int:
        return sum(self.counts.get(s, 0) for s in WAITING)


async def tally(session: AsyncSession, broadcast_id: int, failures: int = 20) -> Tally:
    """Counts per status, and the first recipients that did not get it, with their names."""
    found = await session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.broadcast_id == broadcast_id)
        .group_by(OutboxMessage.status)
    )
    result = Tally({status: int(count) for status, count in found})
    missed = await session.execute(
        select(
            OutboxMessage.to_group,
            OutboxMessage.chat_id,
            OutboxMessage.status,
            OutboxMessage.error,
            Person.display_name,
            ClassGroup.title,
        )
        .outerjoin(Person, Person.id == OutboxMessage.person_id)
        .outerjoin(
            ClassGroup,
            and_(
                ClassGroup.channel == OutboxMessage.channel,
                ClassGroup.chat_id == OutboxMessage.chat_id,
            ),
        )
        .where(OutboxMessage.broadcast_id == broadcast_id, OutboxMessage.status.in_(MISSED))
        .order_by(OutboxMessage.id)
        .limit(failures)
    )
    result.failures = [
        Failure(
            (row.title if row.to_group else row.display_name) or "",
            row.to_group,
            row.chat_id,
            row.status,
            row.error or "",
        )
        for row in missed
    ]
    return result
