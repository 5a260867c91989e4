"""Help, cancelling, and polite answers to what the bot cannot use."""

from __future__ import annotations

from bot.context import Context
from handlers import texts
from handlers.people import places_of


async def show_help(ctx: Context) -> None:
    """Lists what a parent (and staff) can do."""
    staff = ctx.person and await places_of(
        ctx.session, ctx.person.id, "teacher", "principal", "district"
    )
    ctx.reply(texts.HELP + (texts.HELP_STAFF if staff else ""))


async def cancel(ctx: Context) -> None:
    """Leaves the current step; saved answers stay for later."""
    if ctx.dialog.flow or ctx.dialog.choices:
        # a feedback draft or a staff note is dropped; survey answers are kept
        flow = ctx.dialog.flow
        cancelled = (
            texts.FEEDBACK_CANCELLED
            if flow.startswith("pakn")
            else texts.ANNOUNCE_CANCELLED
            if flow in ("tb", "tin")  # an announcement or a news post being written
            else texts.REPORT_CANCELLED
            if flow == "baocao"  # a report's date range being asked
            else texts.CANCELLED
        )
        ctx.end_flow()
        ctx.reply(cancelled)
    else:
        ctx.reply(texts.NOTHING_TO_CANCEL)


async def not_text(ctx: Context) -> None:
    """Answers a photo, sticker or voice message that was not asked for."""
    ctx.reply(texts.NOT_TEXT)


async def in_group(ctx: Context) -> None:
    """Asks people to write to the bot privately; other group chatter is ignored."""
    if ctx.inbound.text.startswith("/"):
        ctx.reply(texts.IN_GROUP)
