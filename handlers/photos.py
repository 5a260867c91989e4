"""A photo goes to the open flow that takes photos (its `photos` flag); elsewhere it is declined."""

from __future__ import annotations

from collections.abc import Sequence

from bot.context import Context
from bot.routing import During, Handler
from handlers import texts
from handlers.help import not_text


def photos_to(flows: Sequence[During]) -> Handler:
    """The handler of what is not text: a photo goes to the open flow if it takes photos."""
    taking = {during.flow.name: during.typed for during in flows if during.flow.photos}

    async def route(ctx: Context) -> None:
        """Hands a photo to the open flow that takes one, or says only text is read here."""
        handler = taking.get(ctx.dialog.flow)
        if handler is not None and ctx.inbound.kind == "photo" and ctx.inbound.media:
            await handler(ctx)
        elif handler is not None and ctx.inbound.kind == "photo":  # it could not be kept
            ctx.reply(texts.PHOTO_NOT_FETCHED)
        else:
            await not_text(ctx)

    return route
