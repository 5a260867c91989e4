"""An in-process channel for transcript tests: what a person says goes in, what we send is kept."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime

from aiohttp import web

from bot.channels.base import Choice, Inbound, Outbound, Receiver


@dataclass
class Shown:
    """A message as the person sees it now (edits replace the text and buttons)."""

    message_id: str
    text: str
    choices: tuple[Choice, ...]
    edits: int = 0
    history: list[str] = field(default_factory=list)
    image: str | None = None
    document: str | None = None  # the file's path; `document_name` is what the person sees
    document_name: str | None = None
    takes_photo: bool = False  # what it asks may be answered with a photo (Outbound.takes_photo)


class MemoryChannel:
    """A chat platform that lives in memory; `can_edit=False` behaves like Zalo."""

    def __init__(self, name: str = "memory", *, can_edit: bool = True) -> None:
        self.name = name
        self.can_edit = can_edit
        self.chats: dict[str, list[Shown]] = {}
        self.acks: list[tuple[str, str]] = []
        self.sent: list[Outbound] = []
        self._receive: Receiver | None = None
        self._ids = itertools.count(1)
        self._external = itertools.count(1)

    def routes(self) -> list[web.RouteDef]:
        return []

    async def start(self, receive: Receiver) -> None:
        self._receive = receive

    async def stop(self) -> None:
        self._receive = None

    async def deliver(self, inbound: Inbound) -> bool:
        assert self._receive is not None, "channel not started"
        return await self._receive(inbound)

    def next_external_id(self) -> str:
        return f"{self.name}-{next(self._external)}"

    async def send(self, message: Outbound) -> str | None:
        self.sent.append(message)
        if message.callback_id:
            self.acks.append((message.callback_id, message.notice))
        if message.kind == "ack":
            return None
        shown = self.chats.setdefault(message.chat_id, [])
        if message.edit_of and self.can_edit:
            for item in shown:
                if item.message_id == message.edit_of:
                    item.history.append(item.text)
                    item.text, item.choices = message.text, message.choices
                    item.takes_photo = message.takes_photo
                    item.edits += 1
                    return item.message_id
        item = Shown(
            str(next(self._ids)),
            message.text,
            message.choices,
            image=message.image,
            document=message.document,
            document_name=message.document_name,
            takes_photo=message.takes_photo,
        )
        shown.append(item)
        return item.message_id


def inbound_from(
    channel: MemoryChannel,
    chat_id: str,
    at: datetime,
    *,
    text: str = "",
    choice: str | None = None,
    message_id: str | None = None,
    kind: str = "text",
    in_group: bool = False,
) -> Inbound:
    """An inbound as the memory channel would receive it from a person."""
    external_id = channel.next_external_id()
    return Inbound(
        channel=channel.name,
        external_id=external_id,
        chat_id=chat_id,
        user_id=chat_id,
        received_at=at,
        kind="choice" if choice is not None else kind,  # type: ignore[arg-type]
        text=text,
        choice=choice,
        callback_id=f"cb-{external_id}" if choice is not None else None,
        message_id=message_id,
        in_group=in_group,
    )
