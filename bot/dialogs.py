"""Where a chat stands in a conversation: read at the start of an event, written at its end.

This is read and written for every single message, so it goes through Core statements built once,
for all the chats of a dispatch batch at a time, rather than through the ORM's unit of work.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import table_of
from bot.models.messages import Dialog

ChatKey = tuple[str, str]

_TABLE = table_of(Dialog)
_LOAD = select(
    _TABLE.c.channel,
    _TABLE.c.chat_id,
    _TABLE.c.flow,
    _TABLE.c.data,
    _TABLE.c.choices,
    _TABLE.c.updated_at,
).where(tuple_(_TABLE.c.channel, _TABLE.c.chat_id).in_(bindparam("keys", expanding=True)))
_INSERT = insert(_TABLE)
_UPDATE = (
    update(_TABLE)
    .where(
        (_TABLE.c.channel == bindparam("k_channel")) & (_TABLE.c.chat_id == bindparam("k_chat_id"))
    )
    .values(
        flow=bindparam("flow"),
        data=bindparam("data"),
        choices=bindparam("choices"),
        updated_at=bindparam("updated_at"),
    )
)


@dataclass
class DialogState:
    """The open flow of one chat, its data, and the choices it was last shown."""

    channel: str
    chat_id: str
    flow: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    choices: list[dict[str, str]] = field(default_factory=list)
    stored: bool = False
    # when the chat's previous event was handled: what was sent since is newer than `choices`
    updated_at: datetime | None = None


async def load_dialogs(
    session: AsyncSession, keys: Iterable[ChatKey]
) -> dict[ChatKey, DialogState]:
    """The stored state of each chat, or a fresh one, in one query."""
    wanted = list(keys)
    states = {key: DialogState(*key) for key in wanted}
    for row in await session.execute(_LOAD, {"keys": wanted}):
        states[(row.channel, row.chat_id)] = DialogState(
            row.channel, row.chat_id, row.flow, row.data, row.choices, True, row.updated_at
        )
    return states


async def save_dialogs(session: AsyncSession, states: Sequence[DialogState], now: datetime) -> None:
    """Writes the states back in the event's transaction: one statement for updates, one for new."""
    updates = [
        {**_values(s, now), "k_channel": s.channel, "k_chat_id": s.chat_id}
        for s in states
        if s.stored
    ]
    inserts = [
        {**_values(s, now), "channel": s.channel, "chat_id": s.chat_id}
        for s in states
        if not s.stored
    ]
    if updates:
        await session.execute(_UPDATE, updates)
    if inserts:
        await session.execute(_INSERT, inserts)
    for state in states:
        state.stored = True


def _values(state: DialogState, now: datetime) -> dict[str, Any]:
    return {"flow": state.flow, "data": state.data, "choices": state.choices, "updated_at": now}
