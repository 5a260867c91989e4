"""Delivery reports and "Đã xem": what became of a broadcast, told to its sender once it is done."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, Select, case, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Outbound
from bot.context import Context
from bot.db import table_of, upsert_statements
from bot.delivery.broadcasts import WAITING, Failure, tally
from bot.interactions import Button, choice
from bot.models.broadcasts import Broadcast, BroadcastSeen
from bot.models.messages import OutboxMessage
from bot.models.people import Membership
from bot.models.schools import Classroom
from bot.numbers import vi_number
from bot.routing import JobContext
from handlers import texts
from handlers.audience import school_class_ids
from handlers.posters import poster_of
from surveys.text import names, typed_keys

SHOWN_SENT = 8
SHOWN_FAILURES = 5
# a button label Telegram shows whole on a phone, with the date before it
SENT_TITLE_LIMIT = 32
# a broadcast's message that reached the chat: confirmed, or sent without an answer in time
REACHED = ("sent", "unconfirmed")
_SEEN = table_of(BroadcastSeen)
_RECORD_SEEN = upsert_statements(
    lambda insert: (
        insert(_SEEN)
        .on_conflict_do_nothing(index_elements=["broadcast_id", "channel", "user_id"])
        .returning(_SEEN.c.broadcast_id)
    )
)


class SentList(Button, verb="sent"):
    """ "Thông báo đã gửi": the recent broadcasts the one tapping may see the reports of."""


class BroadcastReport(Button, verb="bcast"):
    """Where one broadcast stands; only its school's principal or its sender may read it."""

    broadcast: int


class Seen(Button, verb="seen"):
    """ "Đã xem" under an announcement; counts only from a chat it was sent to."""

    broadcast: int


async def show_sent(ctx: Context, tap: SentList) -> None:
    """Lists the recent broadcasts of the school (principal) or of this teacher, to pick one."""
    poster = await poster_of(ctx)
    if poster is None:
        ctx.reply(texts.STAFF_ONLY)
        return
    query = select(Broadcast).where(
        Broadcast.school_id == poster.school.id, Broadcast.kind != "reminder"
    )
    if not poster.principal:
        query = query.where(Broadcast.sender_id == poster.person_id)
    found = list(await ctx.session.scalars(query.order_by(Broadcast.id.desc()).limit(SHOWN_SENT)))
    if not found:
        ctx.reply(texts.SENT_NONE)
        return
    zone = ZoneInfo(ctx.services.settings.timezone)
    choices = [
        choice(
            BroadcastReport(b.id),
            texts.SENT_LINE.format(
                date=b.send_at.astimezone(zone).strftime("%d/%m/%Y"),
                title=short_title(b.title, SENT_TITLE_LIMIT),
            ),
        )
        for b in found
    ]
    ctx.reply(texts.SENT_HEADER, choices)


async def show_report(ctx: Context, tap: BroadcastReport) -> None:
    """Shows where one broadcast stands: delivered, failed, waiting, seen per class."""
    poster = await poster_of(ctx)
    broadcast = await ctx.session.get(Broadcast, tap.broadcast) if poster else None
    if poster is None or broadcast is None or broadcast.school_id != poster.school.id:
        ctx.reply(texts.STAFF_ONLY)
        return
    if not poster.principal and broadcast.sender_id != poster.person_id:
        ctx.reply(texts.STAFF_ONLY)
        return
    state = texts.BROADCAST_STATES.get(broadcast.status, broadcast.status)
    ctx.reply(f"{await report_text(ctx.session, broadcast)} ({state})")


async def report_text(session: AsyncSession, broadcast: Broadcast) -> str:
    """ "Kết quả gửi “…”: đã gửi 185/190; 3 tin không gửi được: …; 2 tin chưa xác nhận.",
    with seen counts if asked; only what the platform confirmed counts as sent."""
    counts = await tally(session, broadcast.id, failures=SHOWN_FAILURES)
    text = texts.REPORT.format(
        title=broadcast.title, delivered=vi_number(counts.delivered), total=vi_number(counts.total)
    )
    if failed := counts.missed:
        listed = ", ".join(_failure_name(f) for f in counts.failures)
        if failed > len(counts.failures):
            listed += texts.REPORT_MORE.format(count=vi_number(failed - len(counts.failures)))
        text += texts.REPORT_FAILED.format(count=vi_number(failed), names=listed)
    if counts.unconfirmed:
        text += texts.REPORT_UNCONFIRMED.format(count=vi_number(counts.unconfirmed))
    if counts.waiting:
        text += texts.REPORT_WAITING.format(count=vi_number(counts.waiting))
    text += "."
    if counts.unconfirmed:
        text += texts.REPORT_UNCONFIRMED_NOTE
    if broadcast.seen_button:
        text += texts.REPORT_SEEN.format(lines=await _seen_lines(session, broadcast))
    return text


def _failure_name(failure: Failure) -> str:
    if failure.to_group:
        who = texts.FAILURE_GROUP.format(title=failure.name or failure.chat_id)
    else:
        who = failure.name or texts.FAILURE_ERASED
    if failure.gone:
        why = texts.FAILURE_BLOCKED
    else:
        why = texts.FAILURE_GAVE_UP if failure.given_up else texts.FAILURE_OTHER
    return f"{who} ({why})"


async def _seen_lines(session: AsyncSession, broadcast: Broadcast) -> str:
    """ "lớp Lá 1 12/25, …": who tapped "Đã xem", over the class's parents."""
    class_ids = broadcast.class_ids or await school_class_ids(session, broadcast.school_id)
    seen = await _pairs(
        session,
        select(BroadcastSeen.class_id, func.count())
        .where(BroadcastSeen.broadcast_id == broadcast.id)
        .group_by(BroadcastSeen.class_id),
    )
    parents = await _pairs(
        session,
        select(Membership.class_id, func.count())
        .where(Membership.class_id.in_(class_ids), Membership.role == "parent")
        .group_by(Membership.class_id),
    )
    names = await _pairs(
        session, select(Classroom.id, Classroom.name).where(Classroom.id.in_(class_ids))
    )
    return ", ".join(
        texts.REPORT_SEEN_LINE.format(
            class_name=names[c],
            seen=vi_number(seen.get(c, 0)),
            parents=vi_number(parents.get(c, 0)),
        )
        for c in class_ids
        if c in names
    )


async def _pairs(session: AsyncSession, query: Select[Any, Any]) -> dict[Any, Any]:
    return {key: value for key, value in await session.execute(query)}


async def report_finished(job: JobContext) -> None:
    """Marks broadcasts with nothing left to send as done, and tells each sender the outcome."""
    now = job.services.clock.now()
    waiting = (
        select(OutboxMessage.id)
        .where(OutboxMessage.broadcast_id == Broadcast.id, OutboxMessage.status.in_(WAITING))
        .correlate(Broadcast)
    )
    async with job.transaction() as work:
        session = work.session
        # marked in one statement: a broadcast another process marked meanwhile is not returned
        done = await session.scalars(
            update(Broadcast)
            .where(Broadcast.status == "sending", ~exists(waiting))
            .values(status="done", finished_at=now)
            .returning(Broadcast)
        )
        for broadcast in done.all():
            if broadcast.sender_id is not None:
                text = await report_text(session, broadcast)
                await work.send_to_person(broadcast.sender_id, Outbound("", text))


async def seen(ctx: Context, tap: Seen) -> None:
    """Records that someone has seen an announcement (once per account) and says so at once.

    It counts only in a chat the broadcast was sent to: a parent's private chat, or a class
    group it went to (any member of the group may tap there). Anywhere else nothing is written.
    In a private chat the announcement's button turns into "✓ Đã xem"; in a group it stays for
    the others. A second tap changes nothing and says it was already recorded.
    """
    broadcast = await ctx.session.get(Broadcast, tap.broadcast)
    sent = await _sent_here(ctx, tap.broadcast) if broadcast and broadcast.seen_button else None
    if broadcast is None or sent is None:
        _notice(ctx, texts.STALE_BUTTON)
        return
    if not await _record_seen(ctx, tap.broadcast, sent.class_id):
        _notice(ctx, texts.SEEN_ALREADY)
    elif _marks_in_place(ctx, broadcast):
        marked = choice(tap, texts.PICKED.format(label=texts.SEEN))
        body = broadcast.body
        # a photo's caption is edited in place of a text (bot/channels: editMessageCaption)
        ctx.replies.append(
            Outbound(
                ctx.inbound.chat_id,
                body["text"],
                (marked,),
                edit_of=ctx.inbound.message_id,
                notice=texts.SEEN_THANKS,
                image=body.get("image"),
                meta={"group": False},
            )
        )
    else:
        _notice(ctx, texts.SEEN_THANKS)


async def seen_typed(ctx: Context) -> bool:
    """Takes a typed "Đã xem" (or the number shown beside it) outside a flow, for a platform
    without buttons (Zalo): the newest announcement asking it that reached this private chat and
    this person has not marked is marked seen; when all are, it says so. The number counts only
    when the announcement is the newest list on screen: sent after the chat's previous event,
    or no choice this chat was shown has that number. Returns whether the text was taken."""
    text = ctx.inbound.text
    by_label = names(text, texts.SEEN)
    if ctx.inbound.in_group or not (by_label or any(k.isdecimal() for k in typed_keys(text))):
        return False
    found = await _newest_asking_seen(ctx)
    if found is None:
        return False
    broadcast, class_id, sent_at, already = found
    if not by_label and not (names(text, _seen_key(broadcast)) and _newest_list(ctx, sent_at)):
        return False
    title = short_title(broadcast.title)
    if already or not await _record_seen(ctx, broadcast.id, class_id):
        ctx.reply(texts.SEEN_TYPED_ALREADY.format(title=title))
    else:
        ctx.reply(texts.SEEN_TYPED_THANKS.format(title=title))
    return True


async def _newest_asking_seen(
    ctx: Context,
) -> tuple[Broadcast, int | None, datetime | None, bool] | None:
    """The newest broadcast with "Đã xem" that reached this chat, one not yet marked by this
    person first: with its class, when it was sent, and whether it was marked."""
    marked = exists().where(
        BroadcastSeen.broadcast_id == OutboxMessage.broadcast_id,
        BroadcastSeen.channel == ctx.inbound.channel,
        BroadcastSeen.user_id == ctx.inbound.user_id,
    )
    found = await ctx.session.execute(
        select(Broadcast, OutboxMessage.class_id, OutboxMessage.sent_at, marked)
        .join(Broadcast, Broadcast.id == OutboxMessage.broadcast_id)
        .where(
            OutboxMessage.channel == ctx.inbound.channel,
            OutboxMessage.chat_id == ctx.inbound.chat_id,
            OutboxMessage.status.in_(REACHED),
            Broadcast.seen_button.is_(True),
        )
        .order_by(case((marked, 1), else_=0), OutboxMessage.id.desc())
        .limit(1)
    )
    row = found.first()
    return None if row is None else (row[0], row[1], row[2], bool(row[3]))


def _seen_key(broadcast: Broadcast) -> str:
    """What a platform without buttons shows beside "Đã xem": its key, or its place in the list."""
    for index, shown in enumerate(broadcast.body.get("choices", ()), start=1):
        if shown.get("label") == texts.SEEN:
            return str(shown.get("key") or index)
    return "1"


def _newest_list(ctx: Context, sent_at: datetime | None) -> bool:
    """Whether a number typed now names the broadcast's list rather than the chat's own: no
    choice shown in the chat has it, or the broadcast came after the chat's previous event."""
    if ctx.button is None:
        return True
    before = ctx.dialog.updated_at
    return sent_at is not None and before is not None and sent_at > before


async def _record_seen(ctx: Context, broadcast_id: int, class_id: int | None) -> bool:
    """Records that this account has seen the broadcast; False when it already had."""
    recorded = await ctx.session.execute(
        _RECORD_SEEN(ctx.session),
        {
            "broadcast_id": broadcast_id,
            "channel": ctx.inbound.channel,
            "user_id": ctx.inbound.user_id,
            "person_id": ctx.person.id if ctx.person else None,
            "class_id": class_id,
            "seen_at": ctx.now,
        },
    )
    return recorded.first() is not None


def _marks_in_place(ctx: Context, broadcast: Broadcast) -> bool:
    """Whether the tapped announcement can be edited to show it was seen: a tapped (not typed)
    button in a private chat, under a text or a photo's caption."""
    return (
        bool(ctx.inbound.message_id)
        and not ctx.inbound.in_group
        and bool(broadcast.body.get("text"))
    )


def _notice(ctx: Context, notice: str) -> None:
    """A short answer to the tap (a toast on Telegram and the web, a message on Zalo)."""
    meta = {"group": ctx.inbound.in_group}
    ctx.replies.append(Outbound(ctx.inbound.chat_id, "", kind="ack", notice=notice, meta=meta))


async def _sent_here(ctx: Context, broadcast_id: int) -> Row[int | None] | None:
    """The broadcast's message to this very chat (private or group), with the class it was for."""
    found = await ctx.session.execute(
        select(OutboxMessage.class_id)
        .where(
            OutboxMessage.broadcast_id == broadcast_id,
            OutboxMessage.channel == ctx.inbound.channel,
            OutboxMessage.chat_id == ctx.inbound.chat_id,
        )
        .limit(1)
    )
    return found.first()


def short_title(text: str, limit: int = 60) -> str:
    """The first line, cut at a word before `limit` characters, for lists and reports."""
    line = text.strip().split("\n", 1)[0]
    if len(line) <= limit:
        return line
    return line[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
