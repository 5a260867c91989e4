"""A photo goes to the flow that asked for one: an announcement being written, else feedback."""

from __future__ import annotations

from bot.context import Context
from handlers import announcements
from handlers.tickets import intake


async def route(ctx: Context) -> None:
    """Attaches a photo to the announcement being written, or hands it to the feedback flow."""
    writing = ctx.dialog.flow == announcements.FLOW and ctx.dialog.data.get("step") == "text"
    if writing and ctx.inbound.kind == "photo" and ctx.inbound.media:
        await announcements.photo(ctx)
    else:
        await intake.photo(ctx)
