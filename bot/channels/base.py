"""The neutral types every channel translates to and from."""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:  # handlers import these types; they must not pull in a web framework
    from aiohttp import web

# "joined"/"left": the bot was added to or removed from a group (`text` is the group's title)
InboundKind = Literal[
    "text", "choice", "photo", "sticker", "voice", "unsupported", "joined", "left"
]


@dataclass(frozen=True)
class Inbound:
    """One thing a person did in a chat."""

    channel: str
    external_id: str
    chat_id: str
    user_id: str
    received_at: datetime
    kind: InboundKind = "text"
    text: str = ""
    choice: str | None = None
    callback_id: str | None = None
    message_id: str | None = None
    user_name: str = ""
    in_group: bool = False
    # a photo the person sent: the platform's file id (Telegram), or the app's stored copy (Zalo:
    # its URLs expire, so it is downloaded on receipt; None when that failed)
    media: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)  # flat fields: cheaper than asdict's deep copy
        data["received_at"] = self.received_at.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Inbound:
        return cls(**{**data, "received_at": datetime.fromisoformat(data["received_at"])})


@dataclass(frozen=True)
class Choice:
    """A quick reply: a button on Telegram and the web, a numbered line on Zalo."""

    payload: str
    label: str
    key: str = ""
    # a flow's button, to be tied to the flow's instance when shown (see bot/interactions.py)
    bound: bool = False
    # a way out of the question (skip, cancel, help), not an answer: the web page never moves the
    # keyboard focus to it, but to the first answer or, with none, to the text box
    aside: bool = False


@dataclass(frozen=True)
class Outbound:
    """A message to one chat, in neutral form."""

    chat_id: str
    text: str
    choices: tuple[Choice, ...] = ()
    edit_of: str | None = None
    callback_id: str | None = None
    notice: str = ""
    # a URL, a file path, or a file id the platform gave us (a Telegram photo)
    image: str | None = None
    # what a platform that cannot show the picture (Zalo without a public URL) sends instead
    image_text: str | None = None
    # the app's stored copy of `image` when that is another platform's file id (a Telegram photo),
    # for a platform that shows pictures only by link (Zalo); it may not be there (yet)
    image_copy: str | None = None
    # a file to attach (a report): its path here, and the name the recipient sees
    document: str | None = None
    document_name: str | None = None
    # what a platform that cannot carry files (Zalo) sends in the file's place
    document_text: str | None = None
    kind: Literal["message", "ack"] = "message"
    # the question this message asks takes a photo now (the text of a ticket, of an announcement):
    # a page that offers its own photo button (the web chat) shows it only then, as it moves the
    # focus by `Choice.aside`; Telegram and Zalo let a person attach at any time and ignore it
    takes_photo: bool = False
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)  # cheaper than asdict's deep copy: this runs for every reply
        data["choices"] = [choice.__dict__.copy() for choice in self.choices]
        data["meta"] = dict(self.meta)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outbound:
        choices = tuple(Choice(**c) for c in data.get("choices", ()))
        return cls(**{**data, "choices": choices})


@dataclass(frozen=True)
class Command:
    """A slash command as a platform's command menu lists it."""

    name: str
    description: str


# Outbound.meta key: the chat's command menu is now this list of [name, description] (a role was
# granted); a platform with a command menu sets it for that chat, the others ignore it
COMMANDS_META = "commands"


@runtime_checkable
class CommandMenus(Protocol):
    """A channel with a platform command menu (Telegram's setMyCommands); a chat's own menu
    follows its messages (`COMMANDS_META`)."""

    def use_menu(self, commands: Sequence[Command]) -> None:
        """Everyone's menu, set with the channel's registration at start: through an outage of
        the platform too, once it answers."""


@runtime_checkable
class CountsRateLimits(Protocol):
    """A channel that counts the 429 answers (Too Many Requests) of its platform."""

    @property
    def rate_limited(self) -> int:
        """429 answers received since the channel was made, whatever the call."""


class RetryLater(Exception):
    """The platform asked us to wait (HTTP 429 retry_after) or failed for now.

    `flood` marks a 429 (the platform's flood control), as opposed to a network failure.
    """

    def __init__(self, seconds: float, reason: str = "", *, flood: bool = False) -> None:
        super().__init__(reason or f"retry after {seconds}s")
        self.seconds = seconds
        self.flood = flood


class Unconfirmed(Exception):
    """The request went out but no answer came (a read timeout): it may have been delivered.

    The sender does not send it again (see bot/delivery: the one ambiguous case).
    """


class Undeliverable(Exception):
    """The platform will never take this message (blocked, chat gone, bad request)."""


class ChatGone(Undeliverable):
    """The chat itself is unreachable for good: the bot was blocked or removed, the chat deleted.

    Broadcasts skip such a chat until it takes a message again. A platform whose "not found"
    may be passing (Zalo's 404) says how many tries, `confirm_wait` seconds apart at least,
    make it certain: the sender tries again until then and calls the chat gone only after.
    """

    def __init__(self, reason: str = "", *, confirm_tries: int = 1, confirm_wait: float = 0.0):
        super().__init__(reason)
        self.confirm_tries = confirm_tries
        self.confirm_wait = confirm_wait


Receiver = Callable[[Inbound], Awaitable[bool]]


class Channel(Protocol):
    """What the app needs of a chat platform."""

    name: str
    can_edit: bool

    def routes(self) -> list[web.RouteDef]:
        """HTTP routes this channel serves on the app's server (webhooks, pages)."""
        ...

    async def start(self, receive: Receiver) -> None:
        """Begins receiving; every inbound goes through `receive` before it is acknowledged."""
        ...

    async def stop(self) -> None: ...

    async def send(self, message: Outbound) -> str | None:
        """Delivers one message; returns the platform's message id."""
        ...


def platform_of(channel: str) -> str:
    """The platform behind a channel's name: `zalo-mn-hoasen` (a school's own bot) is `zalo`."""
    return channel.partition("-")[0]


def normalize_text(text: str, limit: int = 4000) -> str:
    """NFC, no control characters, capped: what every inbound text goes through."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return text.strip()[:limit]
