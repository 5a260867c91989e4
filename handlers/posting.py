"""Posting to parents: a broadcast is written, released now or at its time, repeated if asked.

Releasing writes one outbox row per recipient in the same transaction (bot/delivery/broadcasts);
the sender finds them, and the school's quiet hours, copied onto the broadcast, hold them back
at night. A scheduled broadcast is released by the `release_broadcasts` job once its time has
come: the audience is the one of that moment, and a repeating one schedules its next occurrence
in the same transaction, so a restart or a second replica never releases one twice.

A survey invitation or reminder (a broadcast with a wave) is released when the school's quiet
hours are over, to the wave's invited parents who have not answered by then: a parent who
answers during the night gets no reminder in the morning. The sender knows nothing of surveys.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.broadcasts import Recipient, cancel_waiting, release
from bot.delivery.quiet import QuietHours
from bot.interactions import choice
from bot.models.broadcasts import Broadcast, NewsPost
from bot.models.schools import Classroom, School
from bot.models.waves import CompletionReceipt, Wave, WaveInvite
from bot.numbers import vi_number
from bot.routing import JobContext
from bot.settings import Settings
from handlers import texts
from handlers.audience import (
    Audience,
    audience_of,
    latest_accounts,
    quiet_hours_of,
    school_class_ids,
)
from handlers.deliveries import Seen
from handlers.people import consenting


@dataclass(frozen=True)
class Draft:
    """What to post, to whom (no classes: the whole school), and by whom."""

    school: School
    kind: str  # announcement, news, invitation, reminder
    title: str
    body: dict[str, Any]  # an Outbound without its chat: text, image
    class_ids: list[int] = field(default_factory=list)
    seen_button: bool = False
    sender_id: int | None = None
    post_id: int | None = None
    wave_id: int | None = None  # an invitation or a reminder: to the wave's parents (see above)
    reminder_round: int | None = None


async def post(
    session: AsyncSession,
    draft: Draft,
    settings: Settings,
    now: datetime,
    *,
    send_at: datetime | None = None,
    repeat_days: int = 0,
    recipients: Sequence[Recipient] | None = None,
) -> Broadcast:
    """Writes the broadcast; releases it at once (to `recipients` if given, else to the audience
    of its classes) unless it is scheduled for later."""
    broadcast = Broadcast(
        school_id=draft.school.id,
        kind=draft.kind,
        title=draft.title[:200],
        body=draft.body,
        class_ids=list(draft.class_ids),
        seen_button=draft.seen_button,
        quiet_hours=quiet_hours_of(draft.school, settings),
        status="scheduled",
        send_at=send_at or now,
        repeat_days=repeat_days,
        sender_id=draft.sender_id,
        post_id=draft.post_id,
        wave_id=draft.wave_id,
        reminder_round=draft.reminder_round,
        recipients=0,
        created_at=now,
    )
    await _add(session, broadcast)
    if broadcast.send_at > now:
        return broadcast
    if recipients is None:
        await release_now(session, broadcast, settings, now)
    else:
        await release(session, broadcast, recipients, now)
    return broadcast


async def post_to_wave(
    session: AsyncSession, draft: Draft, settings: Settings, now: datetime
) -> Broadcast:
    """Posts a wave's invitation or reminder: now, or when the school's quiet hours end."""
    assert draft.wave_id is not None
    quiet = quiet_until(draft.school, settings, now)
    return await post(session, draft, settings, now, send_at=quiet[1] if quiet else None)


async def wave_recipients(
    session: AsyncSession, broadcast: Broadcast, now: datetime
) -> list[Recipient]:
    """The private chats of the wave's parents invited by the time the broadcast was written who
    have not answered, still consent to surveys, and the wave is still open; none otherwise."""
    wave = await session.get(Wave, broadcast.wave_id)
    if wave is None or wave.closes_at <= now:
        return []
    answered = select(CompletionReceipt.person_id).where(CompletionReceipt.wave_id == wave.id)
    invited = list(
        await session.scalars(
            select(WaveInvite.person_id).where(
                WaveInvite.wave_id == wave.id,
                WaveInvite.invited_at <= broadcast.created_at,
                WaveInvite.person_id.not_in(answered),
            )
        )
    )
    allowed = await consenting(session, invited, "surveys") if invited else set()
    accounts = await latest_accounts(session, sorted(allowed))
    return [
        Recipient(channel, chat_id, person_id=person)
        for person, (channel, chat_id) in accounts.items()
    ]


async def _add(session: AsyncSession, broadcast: Broadcast) -> None:
    session.add(broadcast)
    await session.flush()
    if broadcast.seen_button:  # the button names this broadcast
        seen = choice(Seen(broadcast.id), texts.SEEN)
        broadcast.body = {**broadcast.body, "choices": [seen.__dict__.copy()]}


async def audience_for(
    session: AsyncSession, school: School, class_ids: Sequence[int], settings: Settings
) -> Audience:
    """Who a post to these classes (none: the whole school) reaches now."""
    scope = list(class_ids) or await school_class_ids(session, school.id)
    return await audience_of(session, school, scope, settings)


async def release_now(
    session: AsyncSession, broadcast: Broadcast, settings: Settings, now: datetime
) -> int:
    """Writes the rows of a broadcast's current audience; schedules the next one if it repeats."""
    if broadcast.wave_id is not None:
        return await release(
            session, broadcast, await wave_recipients(session, broadcast, now), now
        )
    school = await session.get(School, broadcast.school_id)
    assert school is not None
    audience = await audience_for(session, school, broadcast.class_ids, settings)
    count = await release(session, broadcast, audience.recipients, now)
    if broadcast.repeat_days > 0:
        step = timedelta(days=broadcast.repeat_days)
        send_at = broadcast.send_at + step
        while send_at <= now:  # after a long stop, the next one is in the future, not a burst
            send_at += step
        await _add(session, _next_of(broadcast, send_at, now))
    return count


def _next_of(broadcast: Broadcast, send_at: datetime, now: datetime) -> Broadcast:
    return Broadcast(
        school_id=broadcast.school_id,
        kind=broadcast.kind,
        title=broadcast.title,
        body={k: v for k, v in broadcast.body.items() if k != "choices"},
        class_ids=broadcast.class_ids,
        seen_button=broadcast.seen_button,
        quiet_hours=broadcast.quiet_hours,
        status="scheduled",
        send_at=send_at,
        repeat_days=broadcast.repeat_days,
        sender_id=broadcast.sender_id,
        post_id=broadcast.post_id,
        recipients=0,
        created_at=now,
    )


async def release_broadcasts(job: JobContext) -> None:
    """Releases the scheduled broadcasts whose time has come."""
    now = job.services.clock.now()
    async with job.transaction() as work:
        session = work.session
        # taken in one statement: a broadcast another process released meanwhile is not returned
        due = await session.scalars(
            update(Broadcast)
            .where(Broadcast.status == "scheduled", Broadcast.send_at <= now)
            .values(status="sending")
            .returning(Broadcast)
        )
        for broadcast in due.all():
            await release_now(session, broadcast, job.services.settings, now)


async def cancel(session: AsyncSession, broadcast: Broadcast) -> int:
    """Stops a broadcast: a scheduled one never goes; rows not yet sent are skipped."""
    broadcast.status = "cancelled"
    return await cancel_waiting(session, broadcast.id)


def audience_summary(scope: str, audience: Audience) -> str:
    """The preview's "Gửi tới: … (25 tin)." line, and how many parents have not consented."""
    text = texts.AUDIENCE_LINE.format(
        scope=scope,
        parents=vi_number(audience.parents),
        groups=vi_number(audience.groups),
        total=vi_number(len(audience.recipients)),
    )
    if audience.without_consent:
        text += texts.AUDIENCE_NO_CONSENT.format(count=vi_number(audience.without_consent))
    return text


def announcement_body(
    text: str, image: str | None, scope: str, image_copy: str | None = None
) -> dict[str, Any]:
    """The announcement's message; a Telegram photo's copy goes along for Zalo (photos.py)."""
    body = {"text": texts.ANNOUNCE_HEADER.format(scope=scope, text=text), "image": image}
    if image and image_copy:
        body["image_copy"] = image_copy
    return with_image_text(body)


def with_image_text(body: dict[str, Any]) -> dict[str, Any]:
    """The body, saying where its photo is seen when a platform cannot show it (Zalo)."""
    return {**body, "image_text": texts.PHOTO_ELSEWHERE} if body.get("image") else body


def news_body(post: NewsPost) -> dict[str, Any]:
    text = texts.NEWS_BODY.format(title=post.title, text=post.text)
    if post.link:
        text += texts.NEWS_LINK.format(link=post.link)
    return with_image_text({"text": text, "image": post.image})


async def scope_name(session: AsyncSession, school: School, class_ids: Sequence[int]) -> str:
    """ "lớp Lá 1, Chồi 1", or the school's name for the whole school."""
    if not class_ids:
        return school.name
    names = await session.scalars(
        select(Classroom.name).where(Classroom.id.in_(list(class_ids))).order_by(Classroom.name)
    )
    return texts.SCOPE_CLASSES.format(names=", ".join(names))


def quiet_until(school: School, settings: Settings, now: datetime) -> tuple[str, datetime] | None:
    """The school's quiet hours and when they end, if it is quiet now."""
    quiet = QuietHours.parse(quiet_hours_of(school, settings))
    until = quiet.until(now, ZoneInfo(settings.timezone)) if quiet else None
    return (str(quiet), until) if quiet and until else None


async def news_in_week(session: AsyncSession, school_id: int, now: datetime, zone: str) -> int:
    """News posts released to the school this week (Monday to Sunday, local time)."""
    local = now.astimezone(ZoneInfo(zone))
    monday = (local - timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    count = await session.scalar(
        select(func.count())
        .select_from(Broadcast)
        .where(
            Broadcast.school_id == school_id,
            Broadcast.kind == "news",
            Broadcast.released_at >= monday,
            Broadcast.released_at < monday + timedelta(days=7),
        )
    )
    return int(count or 0)
