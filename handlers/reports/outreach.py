"""What the school told parents in a period: reform news, announcements, and how many got them.

A post counts for the week it was released in, as `/tin` counts it (`posting.news_in_week`); the
school plans' target is at least one reform-news post in every Monday-to-Sunday week.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.broadcasts import DELIVERED
from bot.models.broadcasts import Broadcast
from bot.models.messages import OutboxMessage
from handlers.reports.periods import Period

KINDS = ("news", "announcement")


@dataclass(frozen=True)
class Outreach:
    """One school's posts to parents in a period.

    `delivered` / `recipients`: the messages of those posts the platform confirmed (an
    unconfirmed one is not counted) over all their recipients, as they stand when the report is
    made.
    `weeks_met` / `weeks`: the weeks of the period with at least one news post released.
    """

    news: int
    announcements: int
    delivered: int
    recipients: int
    weeks: int
    weeks_met: int

    @property
    def target_met(self) -> bool:
        return self.weeks_met == self.weeks


async def outreach_of(
    session: AsyncSession, school_ids: Sequence[int], period: Period, zone: ZoneInfo
) -> dict[int, Outreach]:
    """The figures of each school (schools that posted nothing get zeros)."""
    first, after = period.bounds(zone)
    released = (
        Broadcast.school_id.in_(school_ids),
        Broadcast.kind.in_(KINDS),
        Broadcast.released_at >= first,
        Broadcast.released_at < after,
    )
    posts = await session.execute(
        select(Broadcast.school_id, Broadcast.kind, Broadcast.released_at).where(*released)
    )
    released_at: dict[tuple[int, str], list[datetime]] = {}
    for school_id, kind, at in posts:
        if at is not None:  # always: the filter keeps released ones only (the type allows None)
            released_at.setdefault((school_id, kind), []).append(at)
    rows = await session.execute(
        select(Broadcast.school_id, OutboxMessage.status, func.count())
        .join(OutboxMessage, OutboxMessage.broadcast_id == Broadcast.id)
        .where(*released)
        .group_by(Broadcast.school_id, OutboxMessage.status)
    )
    delivered: dict[int, int] = {}
    recipients: dict[int, int] = {}
    for school_id, status, n in rows:
        recipients[school_id] = recipients.get(school_id, 0) + n
        if status in DELIVERED:
            delivered[school_id] = delivered.get(school_id, 0) + n
    weeks = list(period.weeks())
    found = {}
    for school_id in school_ids:
        news_days = [at.astimezone(zone).date() for at in released_at.get((school_id, "news"), [])]
        found[school_id] = Outreach(
            news=len(news_days),
            announcements=len(released_at.get((school_id, "announcement"), [])),
            delivered=delivered.get(school_id, 0),
            recipients=recipients.get(school_id, 0),
            weeks=len(weeks),
            weeks_met=sum(any(w.start <= day <= w.end for day in news_days) for w in weeks),
        )
    return found
