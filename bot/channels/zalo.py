"""Zalo Bot Platform: translate updates to Inbound, render Outbound as plain Zalo messages.

Zalo's bots are Telegram-like but poorer: no buttons, no edits, 2000-character messages. Choices
become a numbered list the person answers by typing a number (dispatch matches it back); an
edit becomes a new message. Several schools may each run their own bot in one deployment, so
the channel's name and webhook path are per instance. Receiving is the channel kit's
(bot/channels/kit): a webhook update is acknowledged (HTTP 200) only after it was recorded; a
polled one Zalo acknowledged when it handed it out, so the poll loop holds it until it is.

Pictures (bot/media.py): a photo a person sends comes as a Zalo CDN URL that expires. The
Inbound carries the URL as it came, and the app copies it after the event's commit (queued work,
`download_photo`, only from the allowed CDN hosts), so receiving never waits on the CDN. A
picture sent out must be a public URL: the app's own files go as signed, expiring /media links
when HAILONG_PUBLIC_URL is set, otherwise the message says where the picture can be seen.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Final
from urllib.parse import urlsplit

from aiohttp import web

from bot.channels.base import (
    ChatGone,
    Choice,
    Inbound,
    InboundKind,
    Outbound,
    Receiver,
    RetryLater,
    Unconfirmed,
    Undeliverable,
    normalize_text,
)
from bot.channels.kit.intake import ID_LIMIT, Malformed, is_int64, take
from bot.channels.kit.polling import LONG, Pause, Polled, Poller, PollLease
from bot.channels.kit.redaction import describe, protect
from bot.channels.kit.registration import Registration
from bot.channels.kit.webhook import Webhook, webhook_route
from bot.channels.splitting import split_text, units
from bot.channels.zalo_client import (
    DEFAULT_BASE_URL,
    ZaloApiError,
    ZaloBotClient,
    ZaloRateLimited,
    ZaloTimeout,
    ZaloUnauthorized,
    ZaloUnavailable,
)
from bot.media import MediaLinks, PhotoFetcher
from bot.photos import PhotoRefused, PhotoStore

log = logging.getLogger(__name__)

SECRET_HEADER: Final = "X-Bot-Api-Secret-Token"
TEXT_LIMIT: Final = 2000
SECRET_LENGTH: Final = range(8, 257)
REPLY_HINT: Final = "Trả lời {options}"
HINT_OR: Final = " hoặc "
# 403: the person blocked or left the bot; 404: no such chat ([verify] on a live bot). A 404 may
# be Zalo's passing hiccup: the chat is called gone only after NOT_FOUND_TRIES over some minutes.
CHAT_GONE: Final = frozenset({403, 404})
NOT_FOUND_TRIES: Final = 3
NOT_FOUND_WAIT: Final = 60.0
# the Zalo Bot API sends no files (domain/zalo-api.md): say so, and where the file can be had
DOCUMENT_NOTE: Final = (
    "📎 Zalo chưa cho gửi tệp nên tệp {name} không kèm theo đây. "
    "Mở /baocao trên Telegram hoặc trên trang web của trợ lý để tải tệp."
)


# a picture Zalo cannot be shown (no public URL to link it from): where it can be seen
IMAGE_NOTE: Final = "🖼 Ảnh không gửi được qua Zalo: xem trên Telegram hoặc trang web của trường."


def document_note(message: Outbound) -> str:
    """What stands in for a file Zalo cannot carry: the sender's own words for it, or a note."""
    if message.document_text:
        return message.document_text
    name = message.document_name or (message.document or "").rsplit("/", 1)[-1]
    return DOCUMENT_NOTE.format(name=name)


EVENT_KINDS: Final[dict[str, InboundKind]] = {
    "message.text.received": "text",
    "message.image.received": "photo",
    "message.sticker.received": "sticker",
    "message.voice.received": "voice",
    "message.unsupported.received": "unsupported",
}


# --- update → Inbound ----------------------------------------------------------------------------


def to_inbound(payload: object, channel_name: str = "zalo") -> Inbound | None:
    """The neutral form of one update (wrapped or flat), or None for what the bot ignores;
    malformed ones are said at WARNING (by the kit's intake, as for every channel)."""
    return take(channel_name, partial(parse_update, channel_name=channel_name), payload)


def parse_update(payload: object, channel_name: str) -> Inbound | None:
    """The Inbound of one update, None for what the bot ignores; Malformed for garbage."""
    return _translate(_unwrap(payload), channel_name)


def _unwrap(payload: object) -> dict[str, Any]:
    """`{event_name, message}` from a webhook body (either form) or a getUpdates result."""
    if isinstance(payload, dict) and "result" in payload and "event_name" not in payload:
        if payload.get("ok") is not True:
            raise Malformed("envelope without ok: true")
        payload = payload["result"]
    if not isinstance(payload, dict):
        raise Malformed(f"expected an object, got {type(payload).__name__}")
    return payload


# an update without event_name (the docs' own getUpdates sample) is typed by its fields, in the
# official SDKs' order: the event name these stand for
FIELD_EVENTS: Final = (
    ("photo_url", "message.image.received"),
    ("photo", "message.image.received"),
    ("sticker", "message.sticker.received"),
    ("voice_url", "message.voice.received"),
    ("text", "message.text.received"),
)


def event_of(update: dict[str, Any]) -> str:
    """The update's event name, or the one its message's fields stand for (none: unsupported)."""
    event = update.get("event_name")
    if isinstance(event, str):
        return event
    if event is not None:
        raise Malformed("event_name is not a string")
    message = _object(update, "message")
    for field_name, name in FIELD_EVENTS:
        if isinstance(message.get(field_name), str) and message[field_name]:
            return name
    return "message.unsupported.received"


def _translate(update: dict[str, Any], channel_name: str) -> Inbound | None:
    event = event_of(update)
    kind = EVENT_KINDS.get(event)
    if kind is None:
        log.debug("%s: skipping event %r: not handled", channel_name, event)
        return None
    message = _object(update, "message")
    sender, chat = _object(message, "from"), _object(message, "chat")
    if sender.get("is_bot") is True:
        log.debug("%s: skipping %s: sent by a bot", channel_name, event)
        return None
    message_id = _id(message, "message_id")
    group = _string(chat, "chat_type").upper() == "GROUP"
    photo = kind == "photo"
    # sources disagree on the photo's field; a parent's photo is personal data: never logged
    media = (_string(message, "photo_url") or _string(message, "photo")) if photo else ""
    return Inbound(
        channel=channel_name,
        external_id=_external_id(event, message_id),
        chat_id=_id(chat, "id"),
        user_id=_id(sender, "id"),
        received_at=_moment(message),
        kind=kind,
        text=_unmentioned(normalize_text(_string(message, "caption" if photo else "text")), group),
        message_id=message_id,
        user_name=normalize_text(_name_of(sender), 200),
        in_group=group,
        media=media or None,
    )


def _unmentioned(text: str, in_group: bool) -> str:
    """A group command without the mention Zalo requires before it: "@Bot /lienket X" is
    "/lienket X". The bot's display name may hold spaces, so the command starts at the first
    " /"; other group text is left as it came."""
    if not in_group or not text.startswith("@"):
        return text
    at = text.find(" /")
    return text if at < 0 else text[at + 1 :].strip()


def _external_id(event: str, message_id: str) -> str:
    """`event:message_id`, the dedupe key; a message id too long for the column is hashed."""
    key = f"{event}:{message_id}"
    if len(key) <= ID_LIMIT:
        return key
    return f"{event}:{hashlib.sha256(message_id.encode()).hexdigest()[:32]}"


def _name_of(sender: dict[str, Any]) -> str:
    return _string(sender, "display_name") or _string(sender, "first_name")


def _moment(message: dict[str, Any]) -> datetime:
    """`date` is epoch milliseconds."""
    millis = message.get("date")
    if isinstance(millis, bool) or not isinstance(millis, int | float):
        raise Malformed("date is not a number of milliseconds")
    try:
        seconds, rest = divmod(int(millis), 1000)  # integer maths: no float rounding of the ms
        return datetime.fromtimestamp(seconds, UTC) + timedelta(milliseconds=rest)
    except (OverflowError, OSError, ValueError):
        raise Malformed(f"date out of range: {millis}") from None


def _object(parent: dict[str, Any], key: str) -> dict[str, Any]:
    value = parent.get(key)
    if not isinstance(value, dict):
        raise Malformed(f"{key} is not an object")
    return value


def _id(parent: dict[str, Any], key: str) -> str:
    """Zalo ids are opaque strings; a number is taken as its digits."""
    value = parent.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        raise Malformed(f"{key} is missing or not an id")
    if isinstance(value, int) and not is_int64(value):
        raise Malformed(f"{key} is a number beyond 64 bits")
    return str(value)  # its length and characters are checked by the kit, as for every channel


def _string(parent: dict[str, Any], key: str) -> str:
    """An optional text field: "" when absent, Malformed when not a string."""
    value = parent.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Malformed(f"{key} is not a string")
    return value


# --- Outbound → text -----------------------------------------------------------------------------


def choice_lines(choices: Sequence[Choice]) -> str:
    """The numbered list that stands in for buttons, ending with a hint of what to type.

    A choice's `key` (when set) is what dispatch matches a typed reply against, so it is shown
    instead of the position; a key that is its own label ("Xong") is shown once, and when every
    choice is such a key (the question numbers of a review), the hint alone says it all.
    """
    tokens = [choice.key or str(n) for n, choice in enumerate(choices, start=1)]
    bare = [t.casefold() == c.label.casefold() for t, c in zip(tokens, choices, strict=True)]
    if all(bare):
        return _hint(tokens)
    lines = [
        choice.label if plain else f"{token}. {choice.label}"
        for token, choice, plain in zip(tokens, choices, bare, strict=True)
    ]
    return "\n".join([*lines, _hint(tokens)])


def _hint(tokens: Sequence[str]) -> str:
    """The last line: "Trả lời 1–5", "Trả lời 1, 3, 4", "Trả lời 1–5 hoặc 0" (with "Không rõ")."""
    numbers = [int(t) for t in tokens if t.isdecimal() and t != "0"]
    words = [t for t in tokens if not t.isdecimal() or t == "0"]
    options: list[str] = []
    if numbers and sorted(numbers) == list(range(min(numbers), max(numbers) + 1)):
        low, high = min(numbers), max(numbers)
        options.append(str(low) if low == high else f"{low}–{high}")
    elif numbers:
        options.append(", ".join(str(n) for n in numbers))
    return REPLY_HINT.format(options=HINT_OR.join([*options, *words]))


def render_pieces(text: str, choices: Sequence[Choice], limit: int = TEXT_LIMIT) -> list[str]:
    """The messages for `text` plus its numbered choices, which stay with the last piece."""
    text = unicodedata.normalize("NFC", text).strip()
    block = unicodedata.normalize("NFC", choice_lines(choices)) if choices else ""
    if not block:
        return [p for p in split_text(text, limit) if p]
    if not text:
        return split_text(block, limit)
    room = limit - units(block) - 2
    if room < limit // 4:  # a list this long gets messages of its own
        return [*split_text(text, limit), *split_text(block, limit)]
    pieces = split_text(text, limit)
    if units(pieces[-1]) > room:
        pieces[-1:] = split_text(pieces[-1], room)
    pieces[-1] = f"{pieces[-1]}\n\n{block}"
    return pieces


# --- the channel ---------------------------------------------------------------------------------


def _pause_for(exc: Exception) -> Pause:
    """How the poll loop takes a failed getUpdates."""
    if isinstance(exc, ZaloUnauthorized):
        return Pause(logging.ERROR, "refused: the token was rejected, reset it", LONG)
    if isinstance(exc, ZaloApiError) and exc.code == 400:
        reason = (
            "refused: a webhook is set for this bot (another deployment?); polling needs it deleted"
        )
        return Pause(logging.ERROR, reason, LONG)
    if isinstance(exc, ZaloRateLimited) and exc.retry_after is not None:
        return Pause(logging.WARNING, "rate limited", exc.retry_after)
    return Pause()


class ZaloChannel:
    """One Zalo bot (shared, or a school's own): long polling or a webhook in, API calls out."""

    can_edit = False
    photos_expire = True  # a photo's CDN URL stops working: the app's copy stands in for it

    def __init__(
        self,
        token: str,
        api_url: str = DEFAULT_BASE_URL,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        *,
        name: str = "zalo",
        webhook_path: str | None = None,
        client: ZaloBotClient | None = None,
        poll_timeout: int = 30,
        retry_delay: float = 1.0,
        max_retry_delay: float = 30.0,
    ) -> None:
        if not token:
            raise ValueError("a Zalo bot token is required")
        if webhook_url and len(webhook_secret or "") not in SECRET_LENGTH:
            raise ValueError("a Zalo webhook needs a secret of 8 to 256 characters")
        protect(token, webhook_secret)
        self.name = name
        self._client = client or ZaloBotClient(token, api_url)
        self._webhook_url = webhook_url
        self._path = webhook_path or _path_of(webhook_url) or f"/zalo/bot/{name}"
        # a webhook always has a secret: Webhook refuses to be made without one
        self._webhook = (
            Webhook(name, self._path, SECRET_HEADER, webhook_secret or "") if webhook_url else None
        )
        self._poller = Poller(
            name,
            self._fetch,
            partial(parse_update, channel_name=name),
            classify=_pause_for,
            retry_delay=retry_delay,
            max_retry_delay=max_retry_delay,
        )
        self._registration = Registration(
            name,
            self._register,
            refusals=(ZaloApiError,),
            passing=lambda exc: isinstance(exc, ZaloUnavailable | ZaloRateLimited),
            then=self._registered,
            retry_delay=retry_delay,
            max_retry_delay=max_retry_delay,
        )
        self._poll_timeout = poll_timeout
        self._receive: Receiver | None = None
        self._links: MediaLinks | None = None
        self._fetcher: PhotoFetcher | None = None

    @property
    def client(self) -> ZaloBotClient:
        return self._client

    @property
    def rate_limited(self) -> int:
        """429 answers to the bot's calls (`CountsRateLimits`)."""
        return self._client.rate_limited

    @property
    def webhook_path(self) -> str:
        return self._path

    def use_media(self, links: MediaLinks, photos: PhotoStore, fetcher: PhotoFetcher) -> None:
        """Shows pictures by the app's signed links; downloads the photos people send."""
        self._links, self._fetcher = links, fetcher

    async def download_photo(self, media: str, max_bytes: int) -> bytes:
        """The bytes of a photo a person sent (its CDN URL); PhotoRefused when it cannot be had."""
        if self._fetcher is None:
            raise PhotoRefused("no downloads configured")
        return await self._fetcher.fetch(media)

    # --- receiving -------------------------------------------------------------------------------

    def poll_under(self, lease: PollLease) -> None:
        """Long-polls only while holding `lease` (one replica polls a bot at a time)."""
        self._poller.poll_under(lease)

    def routes(self) -> list[web.RouteDef]:
        if self._webhook is None:
            return []
        translate = partial(parse_update, channel_name=self.name)
        return [webhook_route(self._webhook, translate, lambda: self._receive)]

    async def start(self, receive: Receiver) -> None:
        """Registers the webhook, or clears it and starts long polling; through an outage of
        the Bot API, in the background (bot/channels/kit/registration.py)."""
        if self._receive is not None:
            raise RuntimeError(f"{self.name} channel already started")
        await self._client.start()
        self._receive = receive
        await self._registration.start()  # ChannelRefused: the app stops, and stop() undoes this

    async def _register(self) -> None:
        if self._webhook_url and self._webhook is not None:
            await self._client.set_webhook(self._webhook_url, self._webhook.secret)
            log.debug("%s webhook set to %s", self.name, self._webhook_url)
        else:
            await self._client.delete_webhook()

    def _registered(self) -> None:
        if not self._webhook_url and self._receive is not None:
            self._poller.start(self._receive)
            log.debug("%s long polling started", self.name)

    async def stop(self) -> None:
        """Stops polling and closes the HTTP session; safe to call twice."""
        await self._registration.stop()
        await self._poller.stop()
        self._receive = None
        await self._client.close()

    async def _fetch(self, offset: int | None) -> list[Polled]:
        """The next update, if any: Zalo hands out one at a time and needs no offset."""
        update = await self._client.get_updates(self._poll_timeout)
        return [] if update is None else [Polled(update)]

    # --- sending ---------------------------------------------------------------------------------

    async def send(self, message: Outbound) -> str | None:
        """Delivers one message (an edit is sent anew); returns the last Zalo message id."""
        try:
            if message.kind == "ack":
                notice = render_pieces(message.notice, ())  # no callback toast on Zalo: a message
                return await self._send_texts(message.chat_id, notice) if notice else None
            return await self._render(message)
        except ZaloRateLimited as exc:
            raise RetryLater(exc.retry_after or 5.0, describe(exc), flood=True) from None
        except ZaloUnauthorized as exc:
            log.error(
                "%s token rejected, reset it in Zalo Bot Manager: %s", self.name, describe(exc)
            )
            raise RetryLater(60.0, f"{self.name} token rejected: {describe(exc)}") from None
        except ZaloTimeout as exc:  # the request went out: it may have been delivered
            raise Unconfirmed(describe(exc)) from None
        except ZaloUnavailable as exc:
            raise RetryLater(2.0, describe(exc)) from None
        except ZaloApiError as exc:
            if exc.code == 404:
                tries, wait = NOT_FOUND_TRIES, NOT_FOUND_WAIT
                raise ChatGone(describe(exc), confirm_tries=tries, confirm_wait=wait) from None
            if exc.code in CHAT_GONE:
                raise ChatGone(describe(exc)) from None
            raise Undeliverable(describe(exc)) from None  # 400: a bad chat id or text

    async def _render(self, message: Outbound) -> str:
        text = message.text
        if message.document:
            text = f"{text}\n\n{document_note(message)}".strip()
        image = message.image
        if image and not image.startswith(("https://", "http://")):
            # Zalo takes photos only by public URL: the app's own signed link, or a note
            image = self._link_to(image, message.image_copy)
            if image is None:
                log.info("%s: no public link for a picture: a note instead", self.name)
                text = f"{text}\n\n{message.image_text or IMAGE_NOTE}".strip()
        pieces = render_pieces(text, message.choices)
        if image:
            caption, *rest = pieces or [""]
            sent = await self._client.send_photo(message.chat_id, image, caption)
            return await self._send_texts(message.chat_id, rest) if rest else _message_id(sent)
        if not pieces:
            raise Undeliverable("empty message")
        return await self._send_texts(message.chat_id, pieces)

    def _link_to(self, image: str, copy: str | None) -> str | None:
        """A signed link to the app's own picture: the image itself, or its stored copy."""
        if self._links is None:
            return None
        return self._links.url_for(image) or (self._links.url_for(copy) if copy else None)

    async def _send_texts(self, chat_id: str, pieces: Sequence[str]) -> str:
        message_id = ""
        for piece in pieces:
            message_id = _message_id(await self._client.send_message(chat_id, piece))
        return message_id


def _message_id(result: dict[str, Any]) -> str:
    return str(result.get("message_id") or "")


def _path_of(url: str | None) -> str:
    path = urlsplit(url).path if url else ""
    return "" if path in ("", "/") else path
