"""Zalo Bot Platform: translate updates to Inbound, render Outbound as plain Zalo messages.

Zalo's bots are Telegram-like but poorer: no buttons, no edits, 2000-character messages. Choices
become a numbered list the person answers by typing a number (dispatch matches it back); an
edit becomes a new message. Several schools may each run their own bot in one deployment, so
the channel's name and webhook path are per instance. A webhook update is acknowledged (HTTP
200) only after `receive` recorded it; a polled one is acknowledged by Zalo when handed out, so
the poll loop keeps trying a failing `receive` (and takes no more updates) until it succeeds.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
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
from bot.channels.redaction import mask_token
from bot.channels.splitting import split_text, units
from bot.channels.zalo_client import (
    DEFAULT_BASE_URL,
    ZaloApiError,
    ZaloBotClient,
    ZaloRateLimited,
    ZaloTimeout,
    ZaloUnauthorized,
    ZaloUnavailable,
    guard_logs,
)

log = logging.getLogger(__name__)

SECRET_HEADER: Final = "X-Bot-Api-Secret-Token"
TEXT_LIMIT: Final = 2000
SECRET_LENGTH: Final = range(8, 257)
REPLY_HINT: Final = "Trả lời {options}"
HINT_OR: Final = " hoặc "
ID_LIMIT: Final = 64  # chat, user and external ids are stored in 64-character columns
# 403: the person blocked or left the bot; 404: no such chat ([verify] on a live bot)
CHAT_GONE: Final = frozenset({403, 404})
# the Zalo Bot API sends no files (domain/zalo-api.md): say so, and where the file can be had
DOCUMENT_NOTE: Final = (
    "📎 Zalo chưa cho gửi tệp nên tệp {name} không kèm theo đây. "
    "Mở /baocao trên Telegram hoặc trên trang web của trợ lý để tải tệp."
)

EVENT_KINDS: Final[dict[str, InboundKind]] = {
    "message.text.received": "text",
    "message.image.received": "photo",
    "message.sticker.received": "sticker",
    "message.voice.received": "voice",
    "message.unsupported.received": "unsupported",
}


class Malformed(ValueError):
    """An update body that is not what Zalo documents."""


# --- update → Inbound ----------------------------------------------------------------------------


def to_inbound(payload: object, channel_name: str = "zalo") -> Inbound | None:
    """The neutral form of one update (wrapped or flat), or None for what the bot ignores."""
    try:
        return _translate(_unwrap(payload), channel_name)
    except Malformed as exc:
        log.warning("%s: skipping malformed update: %s", channel_name, exc)
        return None


def _unwrap(payload: object) -> dict[str, Any]:
    """`{event_name, message}` from a webhook body (either form) or a getUpdates result."""
    if isinstance(payload, dict) and "result" in payload and "event_name" not in payload:
        if payload.get("ok") is not True:
            raise Malformed("envelope without ok: true")
        payload = payload["result"]
    if not isinstance(payload, dict):
        raise Malformed(f"expected an object, got {type(payload).__name__}")
    return payload


def _translate(update: dict[str, Any], channel_name: str) -> Inbound | None:
    event = update.get("event_name")
    if not isinstance(event, str):
        raise Malformed("no event_name")
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
    chat_type = _string(chat, "chat_type")
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
        text=normalize_text(_string(message, "caption" if photo else "text")),
        message_id=message_id,
        user_name=normalize_text(_name_of(sender), 200),
        in_group=chat_type.upper() == "GROUP",
        media=media or None,
    )


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
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value) == "":
        raise Malformed(f"{key} is missing or not an id")
    if len(str(value)) > ID_LIMIT:  # longer than the id columns: it could never be recorded
        raise Malformed(f"{key} is longer than {ID_LIMIT} characters")
    return str(value)


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


class ZaloChannel:
    """One Zalo bot (shared, or a school's own): long polling or a webhook in, API calls out."""

    can_edit = False

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
        guard_logs(token, __name__)
        self.name = name
        self._token = token
        self._client = client or ZaloBotClient(token, api_url)
        self._webhook_url = webhook_url
        self._webhook_secret = webhook_secret or ""
        self._webhook_path = webhook_path or _path_of(webhook_url) or f"/zalo/bot/{name}"
        self._poll_timeout = poll_timeout
        self._retry_delay = retry_delay
        self._max_retry_delay = max_retry_delay
        self._receive: Receiver | None = None
        self._poller: asyncio.Task[None] | None = None

    @property
    def client(self) -> ZaloBotClient:
        return self._client

    @property
    def webhook_path(self) -> str:
        return self._webhook_path

    # --- receiving -------------------------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        if not self._webhook_url:
            return []
        return [web.post(self._webhook_path, self._on_webhook)]

    async def start(self, receive: Receiver) -> None:
        """Registers the webhook, or clears it and starts long polling."""
        if self._receive is not None:
            raise RuntimeError(f"{self.name} channel already started")
        await self._client.start()
        try:
            if self._webhook_url:
                await self._client.set_webhook(self._webhook_url, self._webhook_secret)
                log.info("%s webhook set to %s", self.name, self._webhook_url)
            else:
                await self._client.delete_webhook()
        except ZaloApiError as exc:
            raise RuntimeError(f"{self.name} start failed: {self._safe(exc)}") from None
        self._receive = receive
        if not self._webhook_url:
            self._poller = asyncio.create_task(self._poll(receive), name=f"{self.name}-poll")
            log.info("%s long polling started", self.name)

    async def stop(self) -> None:
        """Stops polling and closes the HTTP session; safe to call twice."""
        poller, self._poller = self._poller, None
        if poller is not None:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller
        self._receive = None
        await self._client.close()

    async def _on_webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._webhook_secret.encode()):
            log.warning("%s webhook: missing or wrong secret from %s", self.name, request.remote)
            return web.Response(status=401)
        receive = self._receive
        if receive is None:  # not started yet: Zalo will deliver again
            return web.Response(status=503)
        if request.content_type != "application/json":
            log.warning("%s webhook: refusing a %s body", self.name, request.content_type)
            return web.Response(status=415)
        try:
            body = json.loads(await request.read())
        except ValueError:
            log.warning("%s webhook: body is not JSON", self.name)
            return web.Response(status=400)
        inbound = to_inbound(body, self.name)
        if inbound is None:
            return web.Response(status=200)
        try:
            await receive(inbound)
        except Exception as exc:
            log.error(
                "%s update %s not recorded: %s", self.name, inbound.external_id, self._safe(exc)
            )
            return web.Response(status=500)
        return web.Response(status=200)

    async def _poll(self, receive: Receiver) -> None:
        failures = 0
        while True:
            try:
                update = await self._client.get_updates(self._poll_timeout)
            except Exception as exc:
                failures += 1
                await asyncio.sleep(self._poll_failed(exc, failures))
                continue
            failures = 0
            inbound = to_inbound(update, self.name) if update is not None else None
            if inbound is not None:
                await self._deliver(receive, inbound)

    def _poll_failed(self, exc: Exception, failures: int) -> float:
        """Logs a failed getUpdates; returns how long to wait before the next one."""
        if isinstance(exc, ZaloUnauthorized):
            log.error("%s getUpdates: token rejected, reset it: %s", self.name, self._safe(exc))
            return self._max_retry_delay
        if isinstance(exc, ZaloApiError) and exc.code == 400:
            log.error(
                "%s getUpdates refused: a webhook is set for this bot (another deployment?); "
                "polling needs it deleted: %s",
                self.name, self._safe(exc),
            )  # fmt: skip
            return self._max_retry_delay
        if isinstance(exc, ZaloRateLimited) and exc.retry_after is not None:
            return min(exc.retry_after, self._max_retry_delay)
        log.warning("%s getUpdates failed, retrying: %s", self.name, self._safe(exc))
        return min(self._retry_delay * 2.0 ** (failures - 1), self._max_retry_delay)

    async def _deliver(self, receive: Receiver, inbound: Inbound) -> None:
        """Hands `inbound` to `receive` until it is recorded: Zalo will not send it again.

        Polling waits meanwhile, so nothing more is taken from Zalo than can be kept.
        """
        failures = 0
        while True:
            try:
                await receive(inbound)
                return
            except asyncio.CancelledError:
                log.error(
                    "%s update %s lost: stopped before it was recorded",
                    self.name,
                    inbound.external_id,
                )
                raise
            except Exception as exc:
                failures += 1
                log.error(
                    "%s update %s not recorded (attempt %d), retrying: %s",
                    self.name, inbound.external_id, failures, self._safe(exc),
                )  # fmt: skip
            await asyncio.sleep(min(self._retry_delay * 2 ** (failures - 1), self._max_retry_delay))

    # --- sending ---------------------------------------------------------------------------------

    async def send(self, message: Outbound) -> str | None:
        """Delivers one message (an edit is sent anew); returns the last Zalo message id."""
        try:
            if message.kind == "ack":
                notice = render_pieces(message.notice, ())  # no callback toast on Zalo: a message
                return await self._send_texts(message.chat_id, notice) if notice else None
            return await self._render(message)
        except ZaloRateLimited as exc:
            raise RetryLater(exc.retry_after or 5.0, self._safe(exc), flood=True) from None
        except ZaloUnauthorized as exc:
            log.error("%s token rejected, reset it in Zalo Bot Manager: %s", self.name, exc)
            raise RetryLater(60.0, f"{self.name} token rejected: {self._safe(exc)}") from None
        except ZaloTimeout as exc:  # the request went out: it may have been delivered
            raise Unconfirmed(self._safe(exc)) from None
        except ZaloUnavailable as exc:
            raise RetryLater(2.0, self._safe(exc)) from None
        except ZaloApiError as exc:
            if exc.code in CHAT_GONE:
                raise ChatGone(self._safe(exc)) from None
            raise Undeliverable(self._safe(exc)) from None  # 400: a bad chat id or text

    async def _render(self, message: Outbound) -> str:
        text = message.text
        if message.document:
            name = message.document_name or message.document.rsplit("/", 1)[-1]
            text = f"{text}\n\n{DOCUMENT_NOTE.format(name=name)}".strip()
        pieces = render_pieces(text, message.choices)
        image = message.image
        if image and not image.startswith(("https://", "http://")):
            # Zalo takes photos only by public URL; the words still matter without the chart.
            log.warning("%s cannot send image %s (not a URL): text only", self.name, image)
            image = None
        if image:
            caption, *rest = pieces or [""]
            sent = await self._client.send_photo(message.chat_id, image, caption)
            return await self._send_texts(message.chat_id, rest) if rest else _message_id(sent)
        if not pieces:
            raise Undeliverable("empty message")
        return await self._send_texts(message.chat_id, pieces)

    async def _send_texts(self, chat_id: str, pieces: Sequence[str]) -> str:
        message_id = ""
        for piece in pieces:
            message_id = _message_id(await self._client.send_message(chat_id, piece))
        return message_id

    def _safe(self, exc: BaseException) -> str:
        return mask_token(f"{type(exc).__name__}: {exc}", self._token)


def _message_id(result: dict[str, Any]) -> str:
    return str(result.get("message_id") or "")


def _path_of(url: str | None) -> str:
    path = urlsplit(url).path if url else ""
    return "" if path in ("", "/") else path
