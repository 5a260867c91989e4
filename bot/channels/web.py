"""The web playground: a chat page served by the app itself, and the small JSON API it uses.

Anyone can try every role without a platform token: the page picks a persona (a chat the demo
seeded, or a fresh "new parent"), posts what the person types or taps, and long-polls for what we
send. The chat log is what the page shows, like a phone's screen; given a `ChatHistory` (the app
gives the database's, bot/web_history.py) every change is kept there too, so a reload or a restart
shows the whole conversation. The conversation state itself is in the database, as for every
channel.

Each chat is kept in two views: with buttons (as on Telegram), and as a Zalo bot would send it —
no buttons but a numbered list to answer by typing, pieces of at most 2000 characters, and a new
message wherever the other view edits one. The page shows either, so a school can see both.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import logging
import re
import secrets
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal, Protocol, TypeGuard
from urllib.parse import quote

from aiohttp import web

from bot.channels import zalo
from bot.channels.base import Choice, Inbound, Outbound, Receiver, normalize_text
from bot.channels.kit.intake import Malformed, checked, inbox_spell, record
from bot.clock import Clock, SystemClock
from bot.media import MediaLinks, PhotoFetcher
from bot.photos import PhotoRefused, PhotoStore

log = logging.getLogger(__name__)

CHAT_ID: Final = re.compile(r"web-[a-z0-9-]{1,40}")
TEXT_LIMIT: Final = 4000
PAYLOAD_LIMIT: Final = 256
# a photo the page sends: it scales one down to 1600 px first, so this is plenty and stays under
# the app's request limit (bot/app.py)
PHOTO_LIMIT: Final = 1_000_000
INLINE: Final = {".png", ".jpg", ".webp"}
KEPT_PER_CHAT: Final = 300
NO_STORE: Final = {"Cache-Control": "no-store"}
PAGE_SECURITY: Final = {
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "connect-src 'self'; img-src 'self' data: blob:; base-uri 'none'; form-action 'none'"
    ),
}

Sender = Literal["bot", "me"]
VIEWS: Final = ("buttons", "zalo")


@dataclass(frozen=True)
class Persona:
    """Someone to be on the playground: a chat id and how the picker shows it."""

    chat_id: str
    label: str
    group: str


@dataclass(frozen=True)
class WebFile:
    """A file we sent (a report, a chart), as the page links or shows it."""

    url: str
    name: str
    image: bool


@dataclass
class WebMessage:
    """One bubble as the page shows it now; an edit replaces its text and buttons."""

    message_id: str
    sender: Sender
    text: str
    choices: tuple[Choice, ...] = ()
    edits: int = 0
    file: WebFile | None = None
    position: int = 0  # its place in the log, kept with it in the history
    takes_photo: bool = False  # the page offers its photo button while this is our newest

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.message_id,
            "from": self.sender,
            "text": self.text,
            "choices": [
                {"payload": c.payload, "label": c.label, "key": c.key, "aside": c.aside}
                for c in self.choices
            ],
            "edits": self.edits,
            "file": asdict(self.file) if self.file else None,
            "photo": self.takes_photo,
        }

    @classmethod
    def from_json(cls, shown: dict[str, Any], position: int) -> WebMessage:
        """A bubble as the history kept it (its file link is made servable again by the channel)."""
        file = shown.get("file")
        return cls(
            message_id=shown["id"],
            sender="me" if shown["from"] == "me" else "bot",
            text=shown["text"],
            choices=tuple(
                Choice(c["payload"], c["label"], c.get("key", ""), aside=c.get("aside", False))
                for c in shown["choices"]
            ),
            edits=shown.get("edits", 0),
            file=WebFile(file["url"], file["name"], file["image"]) if file else None,
            position=position,
            takes_photo=shown.get("photo", False),
        )


@dataclass(frozen=True)
class Kept:
    """One bubble as the history keeps it: its view, place and JSON (with the file's path)."""

    view: str
    message_id: str
    position: int
    shown: dict[str, Any]


class ChatHistory(Protocol):
    """Where a web chat's bubbles outlive the process (bot/web_history.py)."""

    async def load(self, chat_id: str, limit: int) -> Sequence[Kept]:
        """The chat's last `limit` bubbles of each view, in order."""
        ...

    async def save(self, chat_id: str, kept: Sequence[Kept], now: datetime) -> None:
        """Adds or replaces these bubbles."""
        ...


@dataclass
class WebChat:
    """The log of one chat in both views, a version that grows with every change, and a way to
    wait for one."""

    chat_id: str = ""
    messages: list[WebMessage] = field(default_factory=list)
    zalo: list[WebMessage] = field(default_factory=list)
    version: int = 0
    notice: str = ""
    notice_version: int = 0
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    positions: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    # bubbles changed since the history last kept them
    unsaved: dict[tuple[str, str], WebMessage] = field(default_factory=dict)

    def find(self, message_id: str, sender: Sender = "bot") -> WebMessage | None:
        for message in self.messages:
            if message.message_id == message_id and message.sender == sender:
                return message
        return None

    def to_json(self, view: str = "buttons") -> dict[str, Any]:
        shown = self.zalo if view == "zalo" else self.messages
        # Zalo has no toasts: the notice of a tap belongs to the view with buttons
        notice = {"id": self.notice_version, "text": self.notice} if self.notice else None
        return {
            "version": self.version,
            "view": view,
            "messages": [message.to_json() for message in shown],
            "notice": notice if view != "zalo" else None,
        }


class InvalidPost(ValueError):
    """What the page posted cannot be used (400); the text is the short JSON error."""


class StaleChoice(LookupError):
    """A tap on a button that message does not show (any more): 409, the page says so."""


class WebChannel:
    """The playground channel: serves the page, takes what it posts, shows what we send."""

    name = "web"
    can_edit = True

    def __init__(
        self,
        personas: Sequence[Persona] = (),
        *,
        title: str = "Hài Lòng",
        poll_seconds: float = 20.0,
        clock: Clock | None = None,
        history: ChatHistory | None = None,
    ) -> None:
        self.title = title
        self.poll_seconds = poll_seconds
        self.chats: dict[str, WebChat] = {}
        self._personas: tuple[Persona, ...] = tuple(personas)
        self._clock = clock or SystemClock()
        self._receive: Receiver | None = None
        self._inbox_spell = inbox_spell(self.name)
        self._stopped = False
        self._open_polls = 0
        # a prefix per process, so an edit queued before a restart cannot hit a new message
        self._prefix = secrets.token_hex(3)
        self._ids = itertools.count(1)
        self._page = _load_page(title)
        # files we sent, by an unguessable token: only these are served, never a path asked for
        self._files: dict[str, tuple[Path, str]] = {}
        self._history = history
        self._loading = asyncio.Lock()
        self._photos: PhotoStore | None = None

    def use_media(self, links: MediaLinks, photos: PhotoStore, fetcher: PhotoFetcher) -> None:
        """Keeps attached photos where the app keeps every photo received (the page shows its
        own files, so it needs no links)."""
        self.store_photos_in(photos)

    def store_photos_in(self, photos: PhotoStore) -> None:
        """Where a photo the person attaches is kept; without one the page offers no attaching."""
        self._photos = photos

    def keep_history_in(self, history: ChatHistory) -> None:
        """Keeps every chat's bubbles there too (the app gives its database's)."""
        self._history = history

    # --- the Channel protocol ---

    def routes(self) -> list[web.RouteDef]:
        return [
            web.get("/", self._serve_page),
            web.get("/api/personas", self._serve_personas),
            web.post("/api/say", self._take_say),
            web.post("/api/photo", self._take_photo),
            web.get("/api/messages", self._serve_messages),
            web.get("/api/files/{token}", self._serve_file),
        ]

    async def start(self, receive: Receiver) -> None:
        self._receive = receive
        self._stopped = False

    async def stop(self) -> None:
        """Stops taking posts and wakes every waiting page, so shutdown is quick."""
        self._receive = None
        self._stopped = True
        for chat in self.chats.values():
            async with chat.changed:
                chat.changed.notify_all()

    async def send(self, message: Outbound) -> str | None:
        if message.meta.get("forget"):  # the person's data was deleted: so is this copy of it
            self.chats[message.chat_id] = self._restored(message.chat_id, ())
        chat = await self._chat(message.chat_id)
        if message.notice:
            chat.notice, chat.notice_version = message.notice, chat.notice_version + 1
        if message.kind == "ack":
            if message.notice:
                await self._changed(chat)
            return None
        shown = chat.find(message.edit_of) if message.edit_of else None
        if shown is not None:
            shown.text, shown.choices = message.text, message.choices
            shown.takes_photo = message.takes_photo
            shown.edits += 1
            # On Telegram nothing follows the message being edited; here the echo of the tap
            # does, so the edited message moves below it to stay where the person is looking.
            chat.messages.remove(shown)
            self._place(chat, "buttons", shown)
        else:
            shown = self._append(chat, "bot", message.text, message.choices)
            shown.takes_photo = message.takes_photo
        shown.file = self._attach(message)
        chat.unsaved["buttons", shown.message_id] = shown
        zalo_text = message.text
        if message.document and shown.file:  # as the Zalo channel says it: no files there
            zalo_text += "\n\n" + zalo.document_note(message)
        pieces = zalo.render_pieces(zalo_text, message.choices)
        for number, piece in enumerate(pieces, start=1):
            asks = message.takes_photo and number == len(pieces)  # the question ends the last
            self._place(chat, "zalo", WebMessage(self._new_id(), "bot", piece, takes_photo=asks))
        await self._changed(chat)
        return shown.message_id

    def _attach(self, message: Outbound) -> WebFile | None:
        """The message's file on disk (a document, or an image given as a path), made servable."""
        local = message.document or (message.image if _is_local(message.image) else None)
        if not local or not Path(local).is_file():
            return None
        token = secrets.token_urlsafe(16)
        name = (message.document_name if message.document else None) or Path(local).name
        self._files[token] = (Path(local), name)
        return WebFile(f"/api/files/{token}", name, image=not message.document)

    # --- personas ---

    @property
    def personas(self) -> tuple[Persona, ...]:
        return self._personas

    def set_personas(self, personas: Sequence[Persona]) -> None:
        """Replaces who the picker offers (the demo seeds them after the channel is built)."""
        self._personas = tuple(personas)

    def is_allowed(self, chat_id: object) -> TypeGuard[str]:
        """A persona's chat, or a fresh playground chat id such as `web-new-k3x9`."""
        if not isinstance(chat_id, str):
            return False
        return any(p.chat_id == chat_id for p in self._personas) or bool(CHAT_ID.fullmatch(chat_id))

    @property
    def open_polls(self) -> int:
        """How many pages are waiting for news right now."""
        return self._open_polls

    # --- HTTP ---

    async def _serve_page(self, request: web.Request) -> web.Response:
        photos = "1" if self._photos is not None else ""
        return web.Response(
            text=self._page.replace("{{photos}}", photos),
            content_type="text/html",
            charset="utf-8",
            headers=PAGE_SECURITY,
        )

    async def _serve_personas(self, request: web.Request) -> web.Response:
        return web.json_response([asdict(p) for p in self._personas], headers=NO_STORE)

    async def _take_say(self, request: web.Request) -> web.Response:
        """Hands what the person typed or tapped to the app, and echoes it on their side."""
        try:
            chat_id, inbound_fields, echo = await self._parse_say(request)
        except InvalidPost as error:
            return _error(400, str(error))
        except StaleChoice as error:
            return _error(409, str(error))
        return await self._hand_on(chat_id, inbound_fields, echo)

    async def _hand_on(
        self, chat_id: str, inbound_fields: dict[str, Any], echo: str, file: WebFile | None = None
    ) -> web.Response:
        """Records what the person did as an Inbound, and shows it on their side first."""
        receive = self._receive
        if receive is None:
            return _error(503, "not started")
        try:  # the same checks as a platform's webhook: what the inbox cannot store
            inbound = checked(
                Inbound(
                    channel=self.name,
                    external_id=uuid.uuid4().hex,
                    chat_id=chat_id,
                    user_id=chat_id,
                    received_at=self._clock.now(),
                    callback_id=None,
                    **inbound_fields,
                )
            )
        except Malformed as error:
            return _error(400, str(error))
        chat = await self._chat(chat_id)
        # shown first, so the person's words always come before our answer
        mine = self._append(chat, "me", echo)
        mine.file = file
        await self._changed(chat)
        if not await record(self._inbox_spell, receive, inbound):
            for view in (chat.messages, chat.zalo):
                if mine in view:
                    view.remove(mine)
            # kept with the rest, the echo is marked as not sent, so a restart shows no ghost
            mine.text, mine.file = "", None
            await self._changed(chat)
            return _error(503, "not recorded, try again")
        return web.json_response({"ok": True}, headers=NO_STORE)

    async def _take_photo(self, request: web.Request) -> web.Response:
        """Keeps an attached photo and hands it to the app as a photo, as a platform's would be."""
        chat_id = request.query.get("chat_id")
        if not self.is_allowed(chat_id):
            return _error(400, "unknown chat_id")
        if self._photos is None:
            return _error(404, "photos are not taken here")
        if request.content_length is not None and request.content_length > PHOTO_LIMIT:
            return _error(413, f"photo larger than {PHOTO_LIMIT} bytes")
        body = await request.content.read(PHOTO_LIMIT + 1)
        if len(body) > PHOTO_LIMIT:
            return _error(413, f"photo larger than {PHOTO_LIMIT} bytes")
        try:
            path = await asyncio.to_thread(self._photos.keep, body)
        except PhotoRefused:
            return _error(415, "expected a JPEG, PNG or WebP image")
        token = secrets.token_urlsafe(16)
        self._files[token] = (path, path.name)
        return await self._hand_on(
            chat_id,
            {"kind": "photo", "media": str(path), "text": ""},
            echo="",
            file=WebFile(f"/api/files/{token}", path.name, image=True),
        )

    async def _parse_say(self, request: web.Request) -> tuple[str, dict[str, Any], str]:
        """The chat id, the Inbound's kind-specific fields and the echo of a valid post."""
        if request.content_type != "application/json":
            raise InvalidPost("expected application/json")
        try:
            body = await request.json()
        except ValueError:
            raise InvalidPost("invalid JSON") from None
        if not isinstance(body, dict):
            raise InvalidPost("expected a JSON object")
        chat_id = body.get("chat_id")
        if not self.is_allowed(chat_id):
            raise InvalidPost("unknown chat_id")
        if "choice" in body:
            payload, message_id = body.get("choice"), body.get("message_id")
            if not isinstance(payload, str) or not 0 < len(payload) <= PAYLOAD_LIMIT:
                raise InvalidPost("choice must be a short string")
            if not isinstance(message_id, str) or not message_id:
                raise InvalidPost("message_id must be a string")
            label = await self._offered_label(chat_id, message_id, payload)
            fields = {"kind": "choice", "choice": payload, "message_id": message_id, "text": ""}
            return chat_id, fields, label
        text = body.get("text")
        if not isinstance(text, str):
            raise InvalidPost("text must be a string")
        if len(text) > TEXT_LIMIT:
            raise InvalidPost(f"text longer than {TEXT_LIMIT} characters")
        text = normalize_text(text, TEXT_LIMIT)
        if not text:
            raise InvalidPost("text is empty")
        return chat_id, {"kind": "text", "text": text}, text

    async def _offered_label(self, chat_id: str, message_id: str, payload: str) -> str:
        """The label of a button we really showed on that message (the page cannot invent one)."""
        shown = (await self._chat(chat_id)).find(message_id)
        for choice in shown.choices if shown else ():
            if choice.payload == payload:
                return choice.label
        raise StaleChoice("this button is no longer shown")

    async def _serve_messages(self, request: web.Request) -> web.Response:
        """Long poll: answers once the chat has changed since `since`, or after a while."""
        chat_id = request.query.get("chat_id")
        if not self.is_allowed(chat_id):
            return _error(400, "unknown chat_id")
        view = request.query.get("view", VIEWS[0])
        if view not in VIEWS:
            return _error(400, "view must be buttons or zalo")
        try:
            since = int(request.query.get("since", "-1"))
        except ValueError:
            return _error(400, "since must be an integer")
        if self._stopped:
            return _error(503, "stopped")
        chat = await self._chat(chat_id)
        if chat.version == since:
            await self._wait_for_change(chat, since)
        return web.json_response(chat.to_json(view), headers=NO_STORE)

    async def _serve_file(self, request: web.Request) -> web.StreamResponse:
        """A file we sent in a chat, by its token: an image shown inline, a document downloaded."""
        found = self._files.get(request.match_info["token"])
        if found is None or not found[0].is_file():
            return _error(404, "no such file")
        path, name = found
        disposition = "inline" if path.suffix.lower() in INLINE else "attachment"
        headers = {
            **NO_STORE,
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}",
            "X-Content-Type-Options": "nosniff",
        }
        return web.FileResponse(path, headers=headers)

    async def _wait_for_change(self, chat: WebChat, since: int) -> None:
        # "!=" rather than ">": a page that saw a newer version before a restart catches up too
        self._open_polls += 1
        try:
            async with chat.changed:
                async with asyncio.timeout(self.poll_seconds):
                    await chat.changed.wait_for(lambda: chat.version != since or self._stopped)
        except TimeoutError:
            pass
        finally:
            self._open_polls -= 1

    # --- the log ---

    async def _chat(self, chat_id: str) -> WebChat:
        """The chat's log, read from the history the first time this process needs it."""
        chat = self.chats.get(chat_id)
        if chat is not None:
            return chat
        async with self._loading:
            chat = self.chats.get(chat_id)
            if chat is None:
                kept = await self._load(chat_id)
                chat = self.chats[chat_id] = self._restored(chat_id, kept)
        return chat

    async def _load(self, chat_id: str) -> Sequence[Kept]:
        if self._history is None:
            return ()
        try:
            return await self._history.load(chat_id, KEPT_PER_CHAT)
        except Exception:  # the chat still works, from now on, without its past
            log.warning("web chat history could not be read", exc_info=True)
            return ()

    def _restored(self, chat_id: str, kept: Sequence[Kept]) -> WebChat:
        """A chat's log rebuilt from what the history kept; its files servable again."""
        chat = WebChat(chat_id=chat_id)
        by_id: dict[str, WebMessage] = {}
        for row in kept:
            if row.view not in VIEWS or (not row.shown.get("text") and not row.shown.get("file")):
                continue  # an echo that was never recorded
            # what the person said is one bubble in both views
            message = by_id.get(row.message_id) or WebMessage.from_json(row.shown, row.position)
            by_id[row.message_id] = message
            (chat.zalo if row.view == "zalo" else chat.messages).append(message)
            path = row.shown.get("path")
            if message.file and path:
                self._files[message.file.url.rsplit("/", 1)[-1]] = (Path(path), message.file.name)
        last = max((row.position for row in kept), default=0)
        chat.positions = itertools.count(last + 1)
        return chat

    def _append(
        self, chat: WebChat, sender: Sender, text: str, choices: tuple[Choice, ...] = ()
    ) -> WebMessage:
        """Adds a message to the view with buttons (what the person says, to both views)."""
        message = WebMessage(self._new_id(), sender, text, choices)
        self._place(chat, "buttons", message)
        if sender == "me":
            self._place(chat, "zalo", message)
        return message

    def _new_id(self) -> str:
        return f"{self._prefix}-{next(self._ids)}"

    @staticmethod
    def _place(chat: WebChat, view_name: str, message: WebMessage) -> None:
        """Puts a message at the end of a view, to be kept in the history."""
        view = chat.zalo if view_name == "zalo" else chat.messages
        message.position = next(chat.positions)
        view.append(message)
        del view[:-KEPT_PER_CHAT]
        chat.unsaved[view_name, message.message_id] = message

    async def _changed(self, chat: WebChat) -> None:
        await self._save(chat)
        chat.version += 1
        async with chat.changed:
            chat.changed.notify_all()

    async def _save(self, chat: WebChat) -> None:
        """Keeps the bubbles that changed; a failure is logged and the page goes on."""
        unsaved, chat.unsaved = chat.unsaved, {}
        if self._history is None or not unsaved:
            return
        kept = [
            Kept(view, message_id, message.position, self._kept_json(message))
            for (view, message_id), message in unsaved.items()
        ]
        try:
            await self._history.save(chat.chat_id, kept, self._clock.now())
        except Exception:
            log.warning("web chat history could not be kept", exc_info=True)

    def _kept_json(self, message: WebMessage) -> dict[str, Any]:
        shown = message.to_json()
        if message.file:  # the token is this process's; the path lets the next one serve it
            found = self._files.get(message.file.url.rsplit("/", 1)[-1])
            shown["path"] = str(found[0]) if found else None
        return shown


def _is_local(image: str | None) -> bool:
    return bool(image) and not re.match(r"https?://", image or "")


def _load_page(title: str) -> str:
    page = resources.files("bot.channels").joinpath("web_static/index.html").read_text("utf-8")
    return page.replace("{{title}}", html.escape(title))


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=status, headers=NO_STORE)
