"""A photo goes to the open flow that takes photos (its `photos` flag); elsewhere it is declined.

A photo the flow takes is copied into the app's store after the event's commit (`KeepPhoto`,
queued work): a Zalo photo's CDN URL expires, so the flow is handed the copy's path at once and
the download follows; a Telegram photo keeps its lasting file id and is copied only when a
link-only platform can show the copy (`HAILONG_PUBLIC_URL`). A copy that cannot be had is told to
the sender at once; staff who open the ticket's photos see a note in its place.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bot.channels.base import Outbound
from bot.context import Context
from bot.photos import PhotoRefused, safe_url
from bot.routing import During, Handler, JobContext
from bot.unit_of_work import Message
from handlers import texts
from handlers.help import not_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KeepPhoto:
    """A photo to copy into the store: its channel's reference and the path chosen for it."""

    channel: str
    chat_id: str
    media: str
    slot: str
    stands_in: bool  # the copy replaces the reference: the sender is told if it fails


def photos_to(flows: Sequence[During]) -> Handler:
    """The handler of what is not text: a photo goes to the open flow if it takes photos."""
    taking = {during.flow.name: during.typed for during in flows if during.flow.photos}

    async def route(ctx: Context) -> None:
        """Hands a photo to the open flow that takes one, or says only text is read here."""
        handler = taking.get(ctx.dialog.flow)
        if handler is not None and ctx.inbound.kind == "photo" and ctx.inbound.media:
            keep_copy(ctx, ctx.inbound.media)
            await handler(ctx)
        elif handler is not None and ctx.inbound.kind == "photo":  # it came without a reference
            ctx.reply(texts.PHOTO_NOT_FETCHED)
        else:
            await not_text(ctx)

    return route


def keep_copy(ctx: Context, media: str) -> None:
    """Queues the copy of a photo this chat sent, if its channel's photos are copied; when the
    copy stands in for an expiring reference, the flow gets the copy's path."""
    photos, channel = ctx.services.photos, ctx.inbound.channel
    if not photos.copies(channel):
        return
    slot = str(photos.slot_for(channel, media))
    stands_in = photos.stands_in(channel)
    ctx.work.later(KeepPhoto(channel, ctx.inbound.chat_id, media, slot, stands_in))
    if stands_in:
        ctx.inbound = replace(ctx.inbound, media=slot)


def copy_of(ctx: Context, media: str | None) -> str | None:
    """The path of the app's copy of a lasting photo reference (a Telegram file id), if one
    is made; None when the reference is itself the app's copy or nothing is copied."""
    photos, channel = ctx.services.photos, ctx.inbound.channel
    if not media or photos.stands_in(channel) or not photos.copies(channel):
        return None
    return str(photos.slot_for(channel, media))


async def keep_photo(item: KeepPhoto, job: JobContext) -> Sequence[Message]:
    """Downloads the photo into its slot; when it cannot be had, asks the sender to send it again
    (logged without the URL's query, where a CDN puts its signature)."""
    try:
        await job.services.photos.keep(item.channel, item.media, Path(item.slot))
    except PhotoRefused as error:
        source = safe_url(item.media) if "://" in item.media else "a file id"
        log.warning("%s: photo not stored (%s) from %s", item.channel, error, source)
        if item.stands_in:
            return [Message(item.channel, Outbound(item.chat_id, texts.PHOTO_NOT_FETCHED))]
    return []


def photo_not_kept(item: KeepPhoto) -> Sequence[Message]:
    """What the sender is told when the copying failed for good (an unexpected error)."""
    if not item.stands_in:
        return []
    return [Message(item.channel, Outbound(item.chat_id, texts.PHOTO_NOT_FETCHED))]
