"""A loopback fake of the Telegram Bot API, spoken to over real HTTP.

    async with FakeTelegram() as fake:
        channel = TelegramChannel(fake.token, api_url=fake.api_url)
        fake.queue_update(fake.text_update(chat_id=42, text="/start"))
        await fake.wait_for("sendMessage")

It serves `/bot{token}/{method}` for the methods the bot uses, answers like Telegram (Message
JSON, error descriptions, 401 for a wrong token, 409 for getUpdates while a webhook is set or
while another getUpdates is waiting, as when two processes poll one bot),
records every call, and can be told to fail the next calls of a method. It also plays Telegram
delivering a webhook (`post_update`) and its file server (`files`: getFile, then a GET of
`/file/bot{token}/{file_path}`, counted in `file_downloads`). The request path is kept light:
benchmarks use it too.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes.flood import FloodControl
from tests.fakes.loopback import LoopbackBotApi

TOKEN = "123456789:AAHfakeTelegramToken_for-tests-0123456"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_DELIVERING = frozenset({"sendMessage", "sendPhoto", "sendDocument"})  # what flood control counts

# Parameters decoded like the Bot API does from form fields; everything else stays a string.
_INT_PARAMS = frozenset(
    {"message_id", "offset", "limit", "timeout", "max_connections", "cache_time", "user_id"}
)
_JSON_PARAMS = frozenset(
    {"reply_markup", "allowed_updates", "entities", "caption_entities", "reply_parameters",
     "link_preview_options", "show_alert", "drop_pending_updates", "disable_notification",
     "commands", "scope"}
)  # fmt: skip


@dataclass(frozen=True)
class Upload:
    """A file sent as multipart data."""

    filename: str | None
    content_type: str
    data: bytes


@dataclass
class _Failure:
    status: int
    description: str
    retry_after: int | None
    left: int


class FakeTelegram(LoopbackBotApi[_Failure]):
    """The Bot API on 127.0.0.1 (port chosen by the OS) for one bot token."""

    secret_header = SECRET_HEADER

    def __init__(
        self,
        token: str = TOKEN,
        *,
        bot_id: int | None = None,
        username: str = "hailong_test_bot",
        first_name: str = "Hài Lòng",
        max_poll_wait: float = 1.0,
        record: bool = True,
        flood: FloodControl | None = None,
        slow: float = 0.0,
    ) -> None:
        super().__init__(token, max_poll_wait=max_poll_wait)
        self.flood = flood  # Telegram's limits and per-chat delivery counts (tests/fakes/flood.py)
        self.slow = slow  # seconds before a message is taken and answered (a slow platform)
        self.bot_user: dict[str, Any] = {
            "id": bot_id or int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": first_name,
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.record = record
        self.messages: dict[tuple[str, int], dict[str, Any]] = {}
        self.webhook_secret: str | None = None
        # Telegram's last failed webhook delivery, as getWebhookInfo reports it (2 minutes ago)
        self.last_delivery_error: str | None = None
        self.allowed_updates: list[str] = []
        self.confirmed_offset = 0
        self.polling = 0  # getUpdates requests being answered now
        self.most_polling = 0
        self.conflicts = 0  # getUpdates refused because another one was waiting
        # the command menus set: (scope, language code or "") → command names
        self.menus: dict[tuple[str, str], list[str]] = {}
        self._next_update_id = 10_000
        self._next_message_id = 100
        self.files: dict[str, bytes] = {}  # file id → bytes, for getFile and the file server
        self.file_downloads = 0
        self._methods: dict[str, Callable[[dict[str, Any]], Awaitable[web.Response]]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "getFile": self._get_file,
            "answerCallbackQuery": self._answer_callback_query,
            "setMyCommands": self._set_my_commands,
        }

    # --- what tests look at ---

    def reset(self) -> None:
        """Forgets recorded calls (not messages, updates or scripted failures)."""
        self.calls.clear()
        self.counts.clear()

    def menu_shown(self, chat_id: int, language_code: str) -> list[str]:
        """The command menu a private chat's app in this language shows, resolved as Telegram
        documents it: the chat's scope, then the default, each for the language before none."""
        for scope in (f"chat:{chat_id}", "default"):
            for language in (language_code, ""):
                if (scope, language) in self.menus:
                    return self.menus[scope, language]
        return []

    # --- scripting ---

    def fail_next(
        self,
        method: str,
        count: int = 1,
        *,
        status: int = 400,
        description: str = "Bad Request: chat not found",
        retry_after: int | None = None,
    ) -> None:
        """The next `count` calls of `method` get this error instead of an answer."""
        self._script(method, _Failure(status, description, retry_after, count))

    def rate_limit_next(self, method: str, retry_after: int, count: int = 1) -> None:
        """429 with parameters.retry_after, as Telegram's flood control answers."""
        description = f"Too Many Requests: retry after {retry_after}"
        self.fail_next(method, count, status=429, description=description, retry_after=retry_after)

    def block_next(self, method: str, count: int = 1) -> None:
        """403 as when the person has blocked the bot."""
        self.fail_next(
            method, count, status=403, description="Forbidden: bot was blocked by the user"
        )

    def queue_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Makes `update` available to getUpdates (an update_id is added when missing)."""
        if "update_id" not in update:
            update = {"update_id": self.new_update_id(), **update}
        self._queue(update)
        return update

    def new_update_id(self) -> int:
        self._next_update_id += 1
        return self._next_update_id

    def text_update(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        first_name: str = "Lan",
        last_name: str | None = "Nguyễn",
        chat_type: str | None = None,
        update_id: int | None = None,
    ) -> dict[str, Any]:
        """An update with a text message from a person (not queued)."""
        user_id = user_id or abs(chat_id)
        sender: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            sender["last_name"] = last_name
        message = {
            "message_id": self._new_message_id(),
            "from": sender,
            "chat": _chat(chat_id, chat_type, sender),
            "date": int(time.time()),
            "text": text,
        }
        return {"update_id": update_id or self.new_update_id(), "message": message}

    def callback_update(
        self,
        chat_id: int,
        data: str,
        message_id: int,
        *,
        user_id: int | None = None,
        first_name: str = "Lan",
        update_id: int | None = None,
    ) -> dict[str, Any]:
        """An update for a tap on an inline button of message `message_id` (not queued)."""
        sender = {"id": user_id or abs(chat_id), "is_bot": False, "first_name": first_name}
        carrier = self.messages.get((str(chat_id), message_id)) or {
            "message_id": message_id,
            "from": self.bot_user,
            "chat": _chat(chat_id, None, sender),
            "date": int(time.time()) - 60,
            "text": "…",
        }
        query = {
            "id": f"cbq-{self.new_update_id()}",
            "from": sender,
            "message": carrier,
            "chat_instance": f"ci-{chat_id}",
            "data": data,
        }
        return {"update_id": update_id or self.new_update_id(), "callback_query": query}

    # --- the API ---

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        failure = self._record(method, params, keep=self.record)
        if failure is not None:
            return _error(failure.status, failure.description, failure.retry_after)
        handler = self._methods.get(method)
        if handler is None:
            return _error(404, "Not Found")
        if self.slow and method in _DELIVERING:
            await asyncio.sleep(self.slow)
        if self.flood is None or method not in _DELIVERING:
            return await handler(params)
        refused = self.flood.verdict(str(params.get("chat_id")))
        if refused is not None:
            return _error(*refused)
        response = await handler(params)
        await self.flood.answer_later()
        return response

    async def _get_me(self, params: dict[str, Any]) -> web.Response:
        return _ok(self.bot_user)

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        if self.webhook_url:
            return _error(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        if self.polling:  # Telegram ends one of two concurrent long polls with a 409
            self.conflicts += 1
            return _error(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        self.polling += 1
        self.most_polling = max(self.most_polling, self.polling)
        try:
            return await self._poll(params)
        finally:
            self.polling -= 1

    async def _poll(self, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        if offset:
            self.confirmed_offset = max(self.confirmed_offset, offset)
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
        await self._await_update(float(params.get("timeout") or 0))
        limit = int(params.get("limit") or 100)
        return _ok([u for u in self._updates if u["update_id"] >= offset][:limit])

    async def _set_webhook(self, params: dict[str, Any]) -> web.Response:
        self.webhook_url = str(params.get("url", ""))
        self.webhook_secret = params.get("secret_token")
        self.allowed_updates = list(params.get("allowed_updates") or [])
        return _ok(True, "Webhook was set")

    async def _set_my_commands(self, params: dict[str, Any]) -> web.Response:
        # as Telegram: 1–100 commands, names 1–32 of a-z0-9_, descriptions 1–256 characters
        commands = params.get("commands")
        if isinstance(commands, str):
            commands = json.loads(commands)
        if not isinstance(commands, list) or not 0 < len(commands) <= 100:
            return _error(400, "Bad Request: commands must be a non-empty list")
        for command in commands:
            name, text = command.get("command", ""), command.get("description", "")
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name) or not 1 <= len(text) <= 256:
                return _error(400, f"Bad Request: BOT_COMMAND_INVALID ({name!r})")
        scope = params.get("scope") or {"type": "default"}
        where = "default" if scope.get("type") == "default" else f"chat:{scope.get('chat_id')}"
        language = str(params.get("language_code") or "")
        self.menus[where, language] = [str(command["command"]) for command in commands]
        return _ok(True)

    async def _delete_webhook(self, params: dict[str, Any]) -> web.Response:
        self.webhook_url, self.webhook_secret = "", None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return _ok(True, "Webhook was deleted")

    async def _get_webhook_info(self, params: dict[str, Any]) -> web.Response:
        info: dict[str, Any] = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.allowed_updates:
            info["allowed_updates"] = self.allowed_updates
        if self.last_delivery_error:
            info["last_error_message"] = self.last_delivery_error
            info["last_error_date"] = int(time.time()) - 120
        return _ok(info)

    async def _send_message(self, params: dict[str, Any]) -> web.Response:
        text = str(params.get("text", ""))
        if not text.strip():
            return _error(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > 4096:
            return _error(400, "Bad Request: message is too long")
        return _ok(self._store(params, {"text": text}))

    async def _send_photo(self, params: dict[str, Any]) -> web.Response:
        photo = params.get("photo")
        if photo is None:
            return _error(400, "Bad Request: there is no photo in the request")
        size = len(photo.data) if isinstance(photo, Upload) else 0
        sizes = [
            {"file_id": f"photo-{self._next_message_id}-{w}", "file_unique_id": f"u{w}",
             "width": w, "height": w, "file_size": size}
            for w in (90, 320)
        ]  # fmt: skip
        return self._store_captioned(params, {"photo": sizes})

    async def _send_document(self, params: dict[str, Any]) -> web.Response:
        document = params.get("document")
        if document is None:
            return _error(400, "Bad Request: there is no document in the request")
        name = document.filename if isinstance(document, Upload) else str(document)
        size = len(document.data) if isinstance(document, Upload) else 0
        document_info = {"file_id": f"doc-{self._next_message_id}", "file_unique_id": "d",
                         "file_name": name, "file_size": size}  # fmt: skip
        return self._store_captioned(params, {"document": document_info})

    def _store_captioned(self, params: dict[str, Any], content: dict[str, Any]) -> web.Response:
        """A photo or a file with its caption, which Telegram caps at 1,024 characters."""
        caption = params.get("caption")
        if caption:
            if len(str(caption)) > 1024:
                return _error(400, "Bad Request: message caption is too long")
            content["caption"] = caption
        return _ok(self._store(params, content))

    async def _edit_message_text(self, params: dict[str, Any]) -> web.Response:
        key = (str(params.get("chat_id")), int(params.get("message_id") or 0))
        message = self.messages.get(key)
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        if "text" not in message:
            return _error(400, "Bad Request: there is no text in the message to edit")
        markup = params.get("reply_markup")
        if message["text"] == params.get("text") and message.get("reply_markup") == markup:
            return _error(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup "
                "of the message",
            )
        message["text"] = params.get("text")
        return _edited(message, markup)

    def _more_routes(self, app: web.Application) -> None:
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)

    async def _get_file(self, params: dict[str, Any]) -> web.Response:
        file_id = str(params.get("file_id") or "")
        if file_id not in self.files:
            return _error(400, "Bad Request: invalid file_id")
        data = self.files[file_id]
        path = f"photos/file_{list(self.files).index(file_id)}.jpg"
        info = {"file_id": file_id, "file_unique_id": "u" + file_id[-8:],
                "file_size": len(data), "file_path": path}  # fmt: skip
        return _ok(info)

    async def _download(self, request: web.Request) -> web.Response:
        self.file_downloads += 1
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        names = {f"photos/file_{n}.jpg": data for n, data in enumerate(self.files.values())}
        data = names.get(request.match_info["path"])
        return web.Response(status=404) if data is None else web.Response(body=data)

    async def _edit_message_caption(self, params: dict[str, Any]) -> web.Response:
        """A photo's or a file's new caption and buttons (Telegram: "there is no caption in the
        message to edit" for a text message)."""
        key = (str(params.get("chat_id")), int(params.get("message_id") or 0))
        message = self.messages.get(key)
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        if "photo" not in message and "document" not in message:
            return _error(400, "Bad Request: there is no caption in the message to edit")
        caption, markup = params.get("caption"), params.get("reply_markup")
        if len(str(caption or "")) > 1024:
            return _error(400, "Bad Request: message caption is too long")
        if message.get("caption") == caption and message.get("reply_markup") == markup:
            return _error(400, "Bad Request: message is not modified")
        if caption:
            message["caption"] = caption
        else:
            message.pop("caption", None)
        return _edited(message, markup)

    async def _answer_callback_query(self, params: dict[str, Any]) -> web.Response:
        if not params.get("callback_query_id"):
            return _error(400, "Bad Request: query is too old and response timeout expired")
        return _ok(True)

    def _new_message_id(self) -> int:
        self._next_message_id += 1
        return self._next_message_id

    def _store(self, params: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if chat_id is None:
            raise web.HTTPBadRequest()
        message: dict[str, Any] = {
            "message_id": self._new_message_id(),
            "from": self.bot_user,
            "chat": _chat(_chat_id(chat_id), None, None),
            "date": int(time.time()),
            **content,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[(str(chat_id), message["message_id"])] = message
        return message


def _chat_id(raw: object) -> int | str:
    text = str(raw)
    return int(text) if text.lstrip("-").isdigit() else text


def _chat(
    chat_id: int | str, chat_type: str | None, person: dict[str, Any] | None
) -> dict[str, Any]:
    if isinstance(chat_id, str):
        return {"id": -1001000000001, "type": "channel", "title": chat_id, "username": chat_id}
    if chat_type is None:
        if chat_id > 0:
            chat_type = "private"
        else:
            chat_type = "supergroup" if str(chat_id).startswith("-100") else "group"
    if chat_type == "private":
        name = (person or {}).get("first_name", "Phụ huynh")
        return {"id": chat_id, "type": "private", "first_name": name}
    return {"id": chat_id, "type": chat_type, "title": "Lớp Mầm 1"}


async def _params(request: web.Request) -> dict[str, Any]:
    if request.method == "GET" and not request.can_read_body:
        fields: dict[str, Any] = dict(request.query)
    elif request.content_type == "application/json":
        body = await request.json()
        fields = body if isinstance(body, dict) else {}
    else:
        fields = {}
        for name, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                fields[name] = Upload(value.filename, value.content_type, value.file.read())
            else:
                fields[name] = value
    for name, value in fields.items():
        if not isinstance(value, str):
            continue
        if name in _INT_PARAMS and value.lstrip("-").isdigit():
            fields[name] = int(value)
        elif name in _JSON_PARAMS:
            with contextlib.suppress(ValueError):
                fields[name] = json.loads(value)
    return fields


def _ok(result: object, description: str | None = None) -> web.Response:
    payload: dict[str, Any] = {"ok": True, "result": result}
    if description:
        payload["description"] = description
    return web.Response(body=json.dumps(payload).encode(), content_type="application/json")


def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    payload: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        payload["parameters"] = {"retry_after": retry_after}
    return web.Response(
        status=status, body=json.dumps(payload).encode(), content_type="application/json"
    )


def _edited(message: dict[str, Any], markup: object) -> web.Response:
    """The edited message as Telegram answers it: its new buttons (none: removed) and edit date."""
    message["edit_date"] = int(time.time())
    if markup:
        message["reply_markup"] = markup
    else:
        message.pop("reply_markup", None)
    return _ok(message)
