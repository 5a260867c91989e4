"""Telegram: translate updates to Inbound, render Outbound through the Bot API.

python-telegram-bot is used only as the API client (`Bot`) and parser (`Update.de_json`); the
conversation state lives in our database, so none of `telegram.ext` is involved. Receiving —
the webhook on the app's aiohttp server, or the long-poll loop without a webhook URL — is the
channel kit's (bot/channels/kit): an update is acknowledged (HTTP 200 or a higher getUpdates
offset) only after it was recorded, and garbage is skipped without a traceback.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from aiohttp import web
from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    CallbackQuery,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
    User,
)
from telegram.constants import ChatType
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import BaseRequest
from telegram.warnings import PTBDeprecationWarning

from bot.channels import splitting
from bot.channels.aiohttp_request import AiohttpRequest, FloodWait
from bot.channels.base import (
    COMMANDS_META,
    ChatGone,
    Choice,
    Command,
    Inbound,
    InboundKind,
    Outbound,
    Receiver,
    RetryLater,
    Unconfirmed,
    Undeliverable,
    normalize_text,
)
from bot.channels.kit.intake import Malformed, numbers_checked
from bot.channels.kit.polling import LONG, Pause, Polled, Poller, PollLease
from bot.channels.kit.redaction import describe, protect
from bot.channels.kit.registration import Registration
from bot.channels.kit.webhook import Webhook, webhook_route
from bot.clock import Clock, SystemClock
from bot.photos import PhotoRefused, sniff

log = logging.getLogger(__name__)

SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"
SECRET_SHAPE: Final = re.compile(r"[A-Za-z0-9_-]{8,256}")  # what setWebhook's secret_token takes
ALLOWED_UPDATES: Final = ("message", "callback_query", "my_chat_member")
# Telegram's ids are integers of at most 52 bits (chats) or 32 (messages); a callback's is a string
NUMERIC_IDS: Final = ("external_id", "chat_id", "user_id", "message_id")
TEXT_LIMIT: Final = 4096
CAPTION_LIMIT: Final = 1024
# a bare token, not a URL or a path: a file id Telegram gave us (a parent's photo), sent as is
_FILE_ID: Final = re.compile(r"[\w-]{20,}")
CALLBACK_NOTICE_LIMIT: Final = 200
MENU_LANGUAGE: Final = "vi"  # the command menu's descriptions are Vietnamese
CALLBACK_DATA_LIMIT: Final = 64
SHORT_LABEL: Final = 4
BUTTONS_PER_ROW: Final = 8
_GROUPS: Final = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})
_PRESENT: Final = frozenset({"member", "administrator", "creator", "restricted"})


# --- Update → Inbound ----------------------------------------------------------------------------


def parse_update(data: object, bot: Bot | None, now: datetime) -> Inbound | None:
    """The Inbound of one decoded update (webhook body or getUpdates item); Malformed when it is
    not an update at all."""
    if not isinstance(data, dict) or type(data.get("update_id")) is not int:
        raise Malformed("not a Telegram update (no integer update_id)")
    inbound = to_inbound(Update.de_json(data, bot), now)
    return None if inbound is None else numbers_checked(inbound, NUMERIC_IDS)


def to_inbound(update: Update, now: datetime | None = None) -> Inbound | None:
    """The neutral form of one update, or None for what the bot ignores (logged at DEBUG).

    `now` stamps callback queries, which carry no date of their own.
    """
    if update.callback_query is not None:
        return _from_callback(update.update_id, update.callback_query, now or datetime.now(UTC))
    if update.message is not None:
        return _from_message(update.update_id, update.message)
    if update.my_chat_member is not None:
        return _from_membership(update.update_id, update.my_chat_member)
    log.debug("skipping update %s: type not handled", update.update_id)
    return None


def _from_membership(update_id: int, change: ChatMemberUpdated) -> Inbound | None:
    """The bot added to or removed from a group (a private chat's block shows at the next send)."""
    if change.chat.type not in _GROUPS:
        return None
    joined = change.new_chat_member.status in _PRESENT
    if joined == (change.old_chat_member.status in _PRESENT):
        return None  # a change of rights, not of membership
    return Inbound(
        channel="telegram",
        external_id=str(update_id),
        chat_id=str(change.chat.id),
        user_id=str(change.from_user.id),
        received_at=change.date.astimezone(UTC),
        kind="joined" if joined else "left",
        text=normalize_text(change.chat.title or "", 200),
        user_name=_full_name(change.from_user),
        in_group=True,
    )


def _from_message(update_id: int, message: Message) -> Inbound | None:
    sender = message.from_user
    if sender is None or sender.is_bot:
        log.debug("skipping update %s: not sent by a person", update_id)
        return None
    kind: InboundKind
    text = ""
    media = None
    if message.text is not None:
        kind, text = "text", message.text
    elif message.photo:
        kind, text = "photo", message.caption or ""
        media = message.photo[-1].file_id  # the largest size
    elif message.sticker is not None:
        kind, text = "sticker", message.sticker.emoji or ""
    elif message.voice is not None:
        kind = "voice"
    else:
        kind = "unsupported"
    return Inbound(
        channel="telegram",
        external_id=str(update_id),
        chat_id=str(message.chat.id),
        user_id=str(sender.id),
        received_at=message.date.astimezone(UTC),
        kind=kind,
        text=normalize_text(text),
        message_id=str(message.message_id),
        user_name=_full_name(sender),
        in_group=message.chat.type in _GROUPS,
        media=media,
    )


def _from_callback(update_id: int, query: CallbackQuery, now: datetime) -> Inbound | None:
    carrier = query.message
    if query.from_user.is_bot or carrier is None or query.data is None:
        log.debug("skipping update %s: callback without message or data", update_id)
        return None
    return Inbound(
        channel="telegram",
        external_id=str(update_id),
        chat_id=str(carrier.chat.id),
        user_id=str(query.from_user.id),
        received_at=now,
        kind="choice",
        choice=query.data,
        callback_id=query.id,
        message_id=str(carrier.message_id),
        user_name=_full_name(query.from_user),
        in_group=carrier.chat.type in _GROUPS,
    )


def _full_name(user: User) -> str:
    return normalize_text(" ".join(p for p in (user.first_name, user.last_name) if p), 200)


# --- Outbound → Bot API --------------------------------------------------------------------------


def keyboard(choices: Sequence[Choice]) -> InlineKeyboardMarkup:
    """Short labels (scales, yes/no) share rows of up to 8; longer ones get a row each."""
    for choice in choices:
        if not 1 <= len(choice.payload.encode()) <= CALLBACK_DATA_LIMIT:
            raise Undeliverable(f"callback data must be 1-64 bytes: {choice.payload!r}")
    buttons = [InlineKeyboardButton(c.label, callback_data=c.payload) for c in choices]
    width = BUTTONS_PER_ROW if all(len(c.label) <= SHORT_LABEL for c in choices) else 1
    return InlineKeyboardMarkup([buttons[i : i + width] for i in range(0, len(buttons), width)])


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Pieces of at most `limit` UTF-16 units (Telegram's count), cut at a line break or space."""
    return splitting.split_text(text, limit)


def _caption(text: str) -> tuple[str, str]:
    """The part of `text` a photo's or file's caption holds, and what must follow it."""
    if splitting.units(text) <= CAPTION_LIMIT:
        return text, ""
    caption = split_text(text, CAPTION_LIMIT)[0]
    return caption, text[len(caption) :].strip()


def _retry_seconds(exc: RetryAfter) -> float:
    if isinstance(exc, FloodWait):
        return exc.seconds
    with warnings.catch_warnings():  # int-vs-timedelta deprecation of PTB 22 (no await inside)
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _pause_for(exc: Exception) -> Pause:
    """How the poll loop takes a failed getUpdates."""
    if isinstance(exc, RetryAfter):
        return Pause(logging.INFO, "flood control", _retry_seconds(exc))
    if isinstance(exc, Conflict) and "other getUpdates" in exc.message:
        # a poller of another process (a replica taking over, or another deployment): not ours to
        # fix, and the poll lease keeps our own replicas to one poller
        return Pause(logging.WARNING, "conflict: another process polls this bot")
    if isinstance(exc, InvalidToken | Conflict):  # needs an operator, not a quick retry
        return Pause(logging.ERROR, "refused", LONG)
    return Pause()


def _outage(exc: Exception) -> bool:
    """A failure of the Bot API's to answer, not a refusal: no connection, a timeout, a 5xx, a
    flood wait (BadRequest is a NetworkError in PTB, and a refusal: the address, say)."""
    return isinstance(exc, RetryAfter) or (
        isinstance(exc, NetworkError) and not isinstance(exc, BadRequest)
    )


def _confirming(update: object) -> int | None:
    """The getUpdates offset that confirms `update`."""
    update_id = update.get("update_id") if isinstance(update, dict) else None
    return update_id + 1 if type(update_id) is int else None


class _Bot(Bot):
    """PTB's Bot, with getUpdates read as plain JSON: each update is then parsed on its own, so
    one that PTB cannot read is skipped alone (`Bot.get_updates` fails the whole batch, and logs
    it, personal text included, at CRITICAL)."""

    async def get_raw_updates(self, offset: int | None, timeout: int, read_timeout: float) -> Any:
        data = {"offset": offset, "timeout": timeout, "allowed_updates": list(ALLOWED_UPDATES)}
        return await self._post("getUpdates", data, read_timeout=read_timeout)


class TelegramChannel:
    """One Telegram bot token: webhook or long polling in, Bot API calls out."""

    name = "telegram"
    can_edit = True
    photos_expire = False  # a file id lasts: a copy is only made for link-only platforms

    def __init__(
        self,
        token: str,
        api_url: str = "https://api.telegram.org/bot",
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        *,
        request: BaseRequest | None = None,
        get_updates_request: BaseRequest | None = None,
        poll_timeout: int = 25,
        retry_delay: float = 1.0,
        max_retry_delay: float = 30.0,
        username: str | None = None,
        clock: Clock | None = None,
    ) -> None:
        if not token:
            raise ValueError("a Telegram bot token is required")
        if webhook_url and not (webhook_secret and SECRET_SHAPE.fullmatch(webhook_secret)):
            raise ValueError(
                "a Telegram webhook needs a secret of 8 to 256 characters of A-Z, a-z, 0-9, _ "
                "and - (without it anyone could post updates)"
            )
        protect(token, webhook_secret)  # before the Bot: PTB logs its URL when built
        self._request = request or AiohttpRequest()
        self._updates_request = get_updates_request or AiohttpRequest(pool_size=1)
        file_url = api_url[: -len("bot")] + "file/bot" if api_url.endswith("/bot") else api_url
        self._bot = _Bot(
            token,
            base_url=api_url,
            base_file_url=file_url,
            request=self._request,
            get_updates_request=self._updates_request,
        )
        self._webhook_url = webhook_url
        # a webhook always has a secret: Webhook refuses to be made without one
        path = urlsplit(webhook_url).path if webhook_url else ""
        self._webhook = (
            Webhook(self.name, path or "/", SECRET_HEADER, webhook_secret)
            if webhook_url and webhook_secret
            else None
        )
        self._poller = Poller(
            self.name,
            self._fetch,
            self._translate,
            classify=_pause_for,
            retry_delay=retry_delay,
            max_retry_delay=max_retry_delay,
        )
        self._registration = Registration(
            self.name,
            self._register,
            refusals=(TelegramError,),
            passing=_outage,
            then=self._registered,
            retry_delay=retry_delay,
            max_retry_delay=max_retry_delay,
        )
        self._poll_timeout = poll_timeout
        self._username = username
        self._menu: list[BotCommand] = []  # everyone's, set with the registration
        self._clock = clock or SystemClock()
        self._receive: Receiver | None = None
        self._ready = False

    @property
    def bot(self) -> Bot:
        return self._bot

    @property
    def rate_limited(self) -> int:
        """429 answers to the bot's calls and to its long polls (`CountsRateLimits`)."""
        requests = (self._request, self._updates_request)
        return sum(r.rate_limited for r in requests if isinstance(r, AiohttpRequest))

    # --- receiving -------------------------------------------------------------------------------

    def poll_under(self, lease: PollLease) -> None:
        """Long-polls only while holding `lease` (one replica polls a bot at a time)."""
        self._poller.poll_under(lease)

    @property
    def polling(self) -> bool:
        """This process long-polls the bot now (no webhook, and not standing by)."""
        return self._poller.running and self._poller.leading

    def routes(self) -> list[web.RouteDef]:
        if self._webhook is None:
            return []
        return [webhook_route(self._webhook, self._translate, lambda: self._receive)]

    async def start(self, receive: Receiver) -> None:
        """Registers the webhook, or clears it and starts long polling; through an outage of
        the Bot API, in the background (bot/channels/kit/registration.py)."""
        if self._receive is not None:
            raise RuntimeError("telegram channel already started")
        await self._open()
        self._receive = receive
        await self._registration.start()  # ChannelRefused: the app stops, and stop() undoes this

    async def _register(self) -> None:
        if self._webhook is not None and self._webhook_url:
            await self._bot.set_webhook(
                self._webhook_url,
                secret_token=self._webhook.secret,
                allowed_updates=ALLOWED_UPDATES,
            )
            log.debug("telegram webhook set to %s", self._webhook_url)
        else:
            await self._bot.delete_webhook()
        if self._menu:
            try:
                await self._set_menu(self._menu, BotCommandScopeDefault())
            except TelegramError as exc:
                if _outage(exc):
                    raise  # the registration is tried again, the menu with it
                log.warning("telegram setMyCommands failed: %s", describe(exc))

    def _registered(self) -> None:
        if self._webhook is None and self._receive is not None:
            self._poller.start(self._receive)
            log.debug("telegram long polling started")

    async def stop(self) -> None:
        """Stops polling (an update being received is redelivered later) and closes HTTP."""
        await self._registration.stop()
        await self._poller.stop()
        self._receive = None
        self._ready = False
        await self._request.shutdown()
        await self._updates_request.shutdown()

    async def download_photo(self, media: str, max_bytes: int) -> bytes:
        """The bytes of a photo by its file id (getFile, then the file server); PhotoRefused."""
        await self._open()
        try:
            found = await self._bot.get_file(media)
            if (found.file_size or 0) > max_bytes:
                raise PhotoRefused(f"{found.file_size} bytes, over the limit")
            data = bytes(await found.download_as_bytearray())
        except TelegramError as exc:
            raise PhotoRefused(describe(exc)) from None
        if len(data) > max_bytes:
            raise PhotoRefused("over the size limit")
        return data

    async def _open(self) -> None:
        if not self._ready:  # a flag, not a gather: this runs before every send
            await self._request.initialize()
            await self._updates_request.initialize()
            self._ready = True

    def _translate(self, data: object) -> Inbound | None:
        return parse_update(data, self._bot, self._clock.now())

    async def _fetch(self, offset: int | None) -> list[Polled]:
        read_timeout = (self._updates_request.read_timeout or 0.0) + self._poll_timeout
        updates = await self._bot.get_raw_updates(offset, self._poll_timeout, read_timeout)
        if not isinstance(updates, list):
            raise Malformed("getUpdates did not answer a list")
        return [Polled(update, _confirming(update)) for update in updates]

    # --- sending ---------------------------------------------------------------------------------

    async def username(self) -> str:
        """The bot's @username (without @), for t.me deep links; asked once."""
        if self._username is None:
            await self._open()
            try:
                me = await self._bot.get_me()
            except TelegramError as exc:
                raise RuntimeError(f"telegram getMe failed: {describe(exc)}") from None
            self._username = me.username or ""
        return self._username

    async def send(self, message: Outbound) -> str | None:
        await self._open()
        try:
            if message.kind == "ack":
                if message.callback_id:
                    await self._answer(message.callback_id, message.notice)
                return None
            if message.callback_id:
                try:
                    await self._answer(message.callback_id, message.notice)
                except TelegramError as exc:  # callbacks expire after a while; the reply matters
                    log.info("telegram callback answer failed: %s", describe(exc))
            sent = await self._render(message)
            await self._set_chat_menu(message)
            return sent
        except RetryAfter as exc:
            raise RetryLater(_retry_seconds(exc), "telegram flood control", flood=True) from None
        except ChatMigrated as exc:
            raise ChatGone(f"group moved to chat {exc.new_chat_id}") from None
        except Forbidden as exc:  # blocked by the person, removed from the group, deactivated
            raise ChatGone(describe(exc)) from None
        except BadRequest as exc:
            gone = "chat not found" in exc.message.lower()
            raise (ChatGone if gone else Undeliverable)(describe(exc)) from None
        except InvalidToken as exc:
            raise RetryLater(60.0, f"telegram token rejected: {describe(exc)}") from None
        except TimedOut as exc:  # the request was written; Telegram may have taken it
            raise Unconfirmed(describe(exc)) from None
        except (NetworkError, TelegramError) as exc:
            raise RetryLater(2.0, describe(exc)) from None

    def use_menu(self, commands: Sequence[Command]) -> None:
        """Everyone's menu in Vietnamese, set with the registration (`CommandMenus`)."""
        self._menu = [BotCommand(c.name, c.description) for c in commands]

    async def _set_chat_menu(self, message: Outbound) -> None:
        listed = message.meta.get(COMMANDS_META)
        if not listed:
            return
        commands = [BotCommand(str(name), str(text)) for name, text in listed]
        try:
            await self._set_menu(commands, BotCommandScopeChat(message.chat_id))
        except TelegramError as exc:  # the menu is a convenience: typed commands still work
            log.warning("telegram setMyCommands failed: %s", describe(exc))

    async def _set_menu(self, commands: list[BotCommand], scope: BotCommandScope) -> None:
        """Sets a menu in Vietnamese, and the same for apps in another language."""
        await self._bot.set_my_commands(commands, scope=scope, language_code=MENU_LANGUAGE)
        # Telegram looks for the app's language, then for no language, in the chat's scope
        # before the default one, so a chat menu in "vi" only would leave a staff member with
        # an English app the parents'
        await self._bot.set_my_commands(commands, scope=scope)

    async def _answer(self, callback_id: str, notice: str) -> None:
        await self._bot.answer_callback_query(
            callback_id, text=notice[:CALLBACK_NOTICE_LIMIT] or None
        )

    async def _render(self, message: Outbound) -> str:
        markup = keyboard(message.choices) if message.choices else None
        text = message.text.strip()
        if message.document:
            return await self._send_document(message, text, markup)
        if message.image and message.edit_of:
            return await self._edit_photo(message.chat_id, message.edit_of, text, markup)
        if message.image:
            return await self._send_photo(message.chat_id, message.image, text, markup)
        if not text:
            raise Undeliverable("empty message")
        pieces = split_text(text)
        last = len(pieces) - 1
        message_id = ""
        for i, piece in enumerate(pieces):
            piece_markup = markup if i == last else None
            if i == 0 and message.edit_of:
                message_id = await self._edit(message.chat_id, message.edit_of, piece, piece_markup)
            else:
                message_id = await self._send_text(message.chat_id, piece, piece_markup)
        return message_id

    async def _send_text(self, chat_id: str, text: str, markup: InlineKeyboardMarkup | None) -> str:
        sent = await self._bot.send_message(chat_id, text, reply_markup=markup)
        return str(sent.message_id)

    async def _edit(
        self, chat_id: str, message_id: str, text: str, markup: InlineKeyboardMarkup | None
    ) -> str:
        if not message_id.isdigit():
            return await self._send_text(chat_id, text, markup)
        try:
            await self._bot.edit_message_text(
                text, chat_id=chat_id, message_id=int(message_id), reply_markup=markup
            )
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return message_id
            if "chat not found" in exc.message.lower():
                raise
            log.info("telegram edit of %s failed (%s): sending anew", message_id, exc.message)
            return await self._send_text(chat_id, text, markup)
        return message_id

    async def _edit_photo(
        self, chat_id: str, message_id: str, text: str, markup: InlineKeyboardMarkup | None
    ) -> str:
        """A photo message's new caption and buttons (its picture stays); when its text did not
        fit the caption, the buttons were under the text that followed, which is edited."""
        caption, rest = _caption(text)
        if rest:
            return await self._edit(chat_id, message_id, split_text(rest)[-1], markup)
        if not message_id.isdigit():
            return message_id
        try:
            await self._bot.edit_message_caption(
                chat_id=chat_id, message_id=int(message_id), caption=caption, reply_markup=markup
            )
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                raise
            if "not modified" not in exc.message.lower():  # a photo is never sent twice
                log.info("telegram caption edit of %s failed (%s)", message_id, exc.message)
        return message_id

    async def _send_photo(
        self, chat_id: str, image: str, text: str, markup: InlineKeyboardMarkup | None
    ) -> str:
        photo: str | InputFile = image
        if not re.match(r"https?://", image) and not _FILE_ID.fullmatch(image):
            photo = _picture_file(image)
        caption, rest = _caption(text)
        sent = await self._bot.send_photo(
            chat_id, photo, caption=caption or None, reply_markup=None if rest else markup
        )
        return await self._send_rest(chat_id, str(sent.message_id), rest, markup)

    async def _send_document(
        self, message: Outbound, text: str, markup: InlineKeyboardMarkup | None
    ) -> str:
        """A file from disk (a report), named as the recipient should see it."""
        document = Path(message.document or "")
        if not document.is_file():
            raise Undeliverable(f"document file not found: {message.document}")
        caption, rest = _caption(text)
        sent = await self._bot.send_document(
            message.chat_id,
            document,
            filename=message.document_name or document.name,
            caption=caption or None,
            reply_markup=None if rest else markup,
        )
        return await self._send_rest(message.chat_id, str(sent.message_id), rest, markup)

    async def _send_rest(
        self, chat_id: str, message_id: str, rest: str, markup: InlineKeyboardMarkup | None
    ) -> str:
        """The text a caption could not hold, after the file; the buttons go with the last."""
        pieces = split_text(rest) if rest else []
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            message_id = await self._send_text(chat_id, piece, markup if last else None)
        return message_id


def _picture_file(image: str) -> InputFile:
    """A stored picture to upload, named by what its bytes are (a copy's name has no suffix)."""
    path = Path(image)
    try:
        data = path.read_bytes()
    except OSError:
        raise Undeliverable(f"image file not found: {image}") from None
    kind = sniff(data) or "image/jpeg"
    return InputFile(data, filename=f"{path.stem}.{kind.rsplit('/', 1)[1]}")
