"""The web chat's history in the database: what its page shows, kept across reloads and restarts.

Only the web channel has no app of its own to keep a conversation on the person's side, so the
server keeps it for it (table `web_chat_messages`); the retention job removes a bubble unchanged for
`retention_days`, as it does with the other messages (handlers/clean_up.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from bot.channels.web import Kept
from bot.db import Database
from bot.models.messages import WebChatMessage


class DatabaseHistory:
    """A web chat's bubbles, one row each, read and written in their own short transactions."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self, chat_id: str, limit: int) -> Sequence[Kept]:
        """The chat's last `limit` bubbles of each view, oldest first."""
        kept: list[Kept] = []
        async with self._db.sessions() as session:
            for view in ("buttons", "zalo"):
                rows = await session.scalars(
                    select(WebChatMessage)
                    .where(WebChatMessage.chat_id == chat_id, WebChatMessage.view == view)
                    .order_by(WebChatMessage.position.desc())
                    .limit(limit)
                )
                kept += [
                    Kept(row.view, row.message_id, row.position, row.shown)
                    for row in reversed(rows.all())
                ]
        return sorted(kept, key=lambda k: k.position)

    async def save(self, chat_id: str, kept: Sequence[Kept], now: datetime) -> None:
        """Adds these bubbles or replaces the rows they had (an edit, a move)."""
        async with self._db.transaction() as session:
            rows = await session.scalars(
                select(WebChatMessage).where(
                    WebChatMessage.chat_id == chat_id,
                    WebChatMessage.message_id.in_({k.message_id for k in kept}),
                )
            )
            found = {(row.view, row.message_id): row for row in rows}
            for bubble in kept:
                row = found.get((bubble.view, bubble.message_id))
                if row is None:
                    session.add(
                        WebChatMessage(
                            chat_id=chat_id,
                            view=bubble.view,
                            message_id=bubble.message_id,
                            position=bubble.position,
                            shown=bubble.shown,
                            updated_at=now,
                        )
                    )
                else:
                    row.position, row.shown, row.updated_at = bubble.position, bubble.shown, now
