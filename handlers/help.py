"""Help, cancelling, and polite answers to what the bot cannot use."""

from __future__ import annotations

from collections.abc import Sequence

from bot.context import Context
from bot.routing import During, Handler
from handlers import texts
from handlers.authorities.scope import officer_scope
from handlers.people import places_of


async def show_help(ctx: Context) -> None:
    """Lists what a parent (and staff) can do."""
    staff = ctx.person is not None and bool(
        await places_of(ctx.session, ctx.person.id, "teacher", "principal")
        or await officer_scope(ctx.session, ctx.person.id)
    )
    ctx.reply(texts.HELP + (texts.HELP_STAFF if staff else ""))


def cancel_in(flows: Sequence[During]) -> Handler:
    """/huy: leaves the open flow, saying what its declaration says becomes of it."""
    said = {during.flow.name: during.flow.cancelled for during in flows}

    async def cancel(ctx: Context) -> None:
        """Leaves the current step (a draft is dropped; saved survey answers stay)."""
        if ctx.dialog.flow or ctx.dialog.choices:
            cancelled = said.get(ctx.dialog.flow, texts.CANCELLED)
            ctx.end_flow()
            ctx.reply(cancelled)
        else:
            ctx.reply(texts.NOTHING_TO_CANCEL)

    return cancel


async def not_text(ctx: Context) -> None:
    """Answers a photo, sticker or voice message that was not asked for."""
    ctx.reply(texts.NOT_TEXT)


async def in_group(ctx: Context) -> None:
    """Asks people to write to the bot privately; other group chatter is ignored."""
    if ctx.inbound.text.startswith("/"):
        ctx.reply(texts.IN_GROUP)
