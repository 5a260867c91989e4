"""A loopback fake of the Zalo Bot Platform API, spoken to over real HTTP.

    async with FakeZalo() as fake:
        client = ZaloBotClient(fake.token, fake.api_url)
        fake.queue_update(fake.text_update("u1", "Xin chào"))
        await fake.wait_for("sendMessage")

It serves `POST /bot{token}/{method}` with Zalo's envelope (`{ok, result}` or `{ok: false,
error_code, description}`), records every call and every message sent, hands out queued
updates one per getUpdates (408 after a short wait when there is none), refuses getUpdates
with 400 while a webhook is set, and can be told to fail the next calls of a method: an
envelope error, a 429 with retry_after (in the body or a Retry-After header), or a gateway's
HTML 502. It also plays Zalo delivering a webhook (`post_update`), Zalo's photo CDN
(`cdn_photo`: bytes under an expiring, signed-looking URL, optionally 404 first), and, with
`fetch_photos`, Zalo fetching a sendPhoto's URL before it answers (as the real one does).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes.loopback import LoopbackBotApi

TOKEN = "1459232241454765289:zaloFakeSecret-for_tests-0123456789abcdef"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
TEXT_LIMIT = 2000
GATEWAY_PAGE = (
    "<html><head><title>502 Bad Gateway</title></head>"
    "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
)


@dataclass(frozen=True)
class Sent:
    """A message the bot sent (sendMessage or sendPhoto)."""

    message_id: str
    chat_id: str
    text: str = ""
    photo: str = ""
    caption: str = ""


@dataclass
class _Failure:
    status: int
    description: str
    retry_after: int | None
    in_header: bool
    html: bool
    left: int


class FakeZalo(LoopbackBotApi[_Failure]):
    """The Zalo Bot API on 127.0.0.1 (port chosen by the OS) for one bot token.

    `error_status` is the HTTP status of error envelopes: None answers with the error code
    itself (429, 400, …); 200 plays an edge that puts every error in the body only.
    """

    secret_header = SECRET_HEADER

    def __init__(
        self,
        token: str = TOKEN,
        *,
        account_name: str = "bot.HaiLongTest",
        max_poll_wait: float = 0.05,
        error_status: int | None = None,
    ) -> None:
        super().__init__(token, max_poll_wait=max_poll_wait)
        # seconds the next call of a method is held before it is answered (it still counts)
        self.stall_next: dict[str, float] = {}
        # seconds every call of a method is held, while set (a stretch of answers too late)
        self.stall: dict[str, float] = {}
        self.bot_account: dict[str, Any] = {
            "id": token.split(":", 1)[0],
            "account_name": account_name,
            "account_type": "BASIC",
            "can_join_groups": False,
        }
        self.error_status = error_status
        self.sent: list[Sent] = []
        self.actions: list[tuple[str, str]] = []
        self.webhook_secret = ""
        # sendPhoto fetches its URL first and refuses what does not answer 200 (the real API)
        self.fetch_photos = False
        self.fetched: dict[str, tuple[int, str, bytes]] = {}
        self._cdn: dict[str, tuple[bytes, str]] = {}
        self.cdn_requests = 0  # GETs the CDN answered or held, whatever the photo
        # while set, the CDN holds every answer until it is opened (a slow CDN)
        self.cdn_gate: asyncio.Event | None = None
        self._cdn_misses: dict[str, int] = {}
        self._next_message_id = 0x82599FA32F56D00E8900
        self._methods: dict[str, Callable[[dict[str, Any]], Awaitable[web.Response]]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._send_chat_action,
        }

    # --- scripting ---

    def fail_next(
        self,
        method: str,
        count: int = 1,
        *,
        status: int = 400,
        description: str = "Bad Request",
        retry_after: int | None = None,
        in_header: bool = False,
        html: bool = False,
    ) -> None:
        """The next `count` calls of `method` get this error instead of an answer."""
        self._script(method, _Failure(status, description, retry_after, in_header, html, count))

    def rate_limit_next(
        self, method: str, retry_after: int | None = 1, count: int = 1, *, in_header: bool = False
    ) -> None:
        """429 with retry_after in the body (or a Retry-After header; None: no hint)."""
        self.fail_next(
            method,
            count,
            status=429,
            description="Too Many Requests",
            retry_after=retry_after,
            in_header=in_header,
        )

    def gateway_error_next(self, method: str, count: int = 1) -> None:
        """An HTML 502 page from the edge, not the Bot API's envelope."""
        self.fail_next(method, count, status=502, description=GATEWAY_PAGE, html=True)

    def queue_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Makes `update` (`{event_name, message}`) the answer of a coming getUpdates."""
        self._queue(update)
        return update

    def text_update(
        self,
        chat_id: str,
        text: str,
        *,
        user_id: str | None = None,
        display_name: str = "Chị Lan",
        chat_type: str = "PRIVATE",
        event_name: str = "message.text.received",
    ) -> dict[str, Any]:
        """A flat update with a text message from a person (not queued)."""
        message: dict[str, Any] = {
            "message_id": self._new_message_id(),
            "date": int(time.time() * 1000),
            "message_type": "CHAT_MESSAGE",
            "from": {"id": user_id or chat_id, "display_name": display_name, "is_bot": False},
            "chat": {"id": chat_id, "chat_type": chat_type},
            "text": text,
        }
        return {"event_name": event_name, "message": message}

    def cdn_photo(
        self, data: bytes, *, content_type: str = "image/jpeg", not_found_first: int = 0
    ) -> str:
        """A Zalo CDN URL serving `data` (after `not_found_first` 404s); its query is a secret."""
        name = secrets.token_hex(8)
        self._cdn[name] = (data, content_type)
        self._cdn_misses[name] = not_found_first
        return f"http://127.0.0.1:{self.port}/cdn/{name}.jpg?sig=cdnSecret{name}&exp=1766619597"

    def _more_routes(self, app: web.Application) -> None:
        app.router.add_get("/cdn/{name}.jpg", self._cdn_get)

    async def _cdn_get(self, request: web.Request) -> web.Response:
        self.cdn_requests += 1
        if self.cdn_gate is not None:
            await self.cdn_gate.wait()
        name = request.match_info["name"]
        if name not in self._cdn:
            return web.Response(status=404)
        if self._cdn_misses[name] > 0:
            self._cdn_misses[name] -= 1
            return web.Response(status=404)
        data, content_type = self._cdn[name]
        return web.Response(body=data, content_type=content_type)

    # --- the API ---

    async def _handle(self, request: web.Request) -> web.Response:
        if request.method != "POST":
            return self._error(405, "Method Not Allowed")
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        if params is None:
            return self._error(400, "Bad Request: body is not JSON")
        failure = self._record(method, params)
        if failure is not None:
            return self._failure(failure)
        if self.stall_next.get(method, 0.0) > 0:  # takes the message, answers too late
            await asyncio.sleep(self.stall_next.pop(method))
        elif self.stall.get(method, 0.0) > 0:
            await asyncio.sleep(self.stall[method])
        handler = self._methods.get(method)
        if handler is None:
            return self._error(404, "Not Found")
        return await handler(params)

    def _failure(self, failure: _Failure) -> web.Response:
        headers: dict[str, str] = {}
        if failure.retry_after is not None and failure.in_header:
            headers["Retry-After"] = str(failure.retry_after)
        if failure.html:
            return web.Response(
                status=failure.status, text=failure.description, content_type="text/html"
            )
        body_hint = None if failure.in_header else failure.retry_after
        return self._error(failure.status, failure.description, body_hint, headers)

    async def _get_me(self, params: dict[str, Any]) -> web.Response:
        return _ok(self.bot_account)

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        if self.webhook_url:
            return self._error(400, "Webhook is set. Please delete webhook before using getUpdates")
        timeout = params.get("timeout", "30")
        if not isinstance(timeout, str) or not timeout.isdecimal():
            return self._error(400, "Bad Request: timeout must be a string of seconds")
        await self._await_update(float(timeout))
        if not self._updates:
            return self._error(408, "Request timeout")
        return _ok(self._updates.popleft())

    async def _set_webhook(self, params: dict[str, Any]) -> web.Response:
        url, secret = params.get("url"), params.get("secret_token")
        if not isinstance(url, str) or not url.startswith("https://"):
            return self._error(400, "Bad Request: url must be a public https URL")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            return self._error(400, "Bad Request: secret_token must be 8-256 characters")
        self.webhook_url, self.webhook_secret = url, secret
        return _ok({"url": url, "updated_at": _now_ms()})

    async def _delete_webhook(self, params: dict[str, Any]) -> web.Response:
        self.webhook_url, self.webhook_secret = "", ""
        return _ok({"url": "", "updated_at": _now_ms()})

    async def _get_webhook_info(self, params: dict[str, Any]) -> web.Response:
        if not self.webhook_url:
            return self._error(404, "Webhook not found")
        return _ok({"url": self.webhook_url, "updated_at": _now_ms()})

    async def _send_message(self, params: dict[str, Any]) -> web.Response:
        chat_id, text = params.get("chat_id"), params.get("text")
        if not isinstance(chat_id, str) or not chat_id:
            return self._error(400, "Bad Request: chat_id is required")
        if not isinstance(text, str) or not 1 <= _units(text) <= TEXT_LIMIT:
            return self._error(400, "Bad Request: text must be 1-2000 characters")
        return self._store(Sent(self._new_message_id(), chat_id, text=text))

    async def _send_photo(self, params: dict[str, Any]) -> web.Response:
        chat_id, photo = params.get("chat_id"), params.get("photo")
        caption = params.get("caption", "")
        if not isinstance(chat_id, str) or not chat_id:
            return self._error(400, "Bad Request: chat_id is required")
        if not isinstance(photo, str) or not photo.startswith(("http://", "https://")):
            return self._error(400, "Bad Request: photo must be a public URL")
        if not isinstance(caption, str) or _units(caption) > TEXT_LIMIT:
            return self._error(400, "Bad Request: caption must be at most 2000 characters")
        if self.fetch_photos and not await self._fetch(photo):
            return self._error(400, "Bad Request: the photo could not be fetched")
        return self._store(Sent(self._new_message_id(), chat_id, photo=photo, caption=caption))

    async def _fetch(self, url: str) -> bool:
        """GETs a photo's URL as Zalo does before sending it; True when it answered 200."""
        assert self._client is not None
        async with self._client.get(url) as response:
            body = await response.read()
            self.fetched[url] = (response.status, response.content_type, body)
            return response.status == 200

    async def _send_chat_action(self, params: dict[str, Any]) -> web.Response:
        chat_id, action = params.get("chat_id"), params.get("action")
        if not isinstance(chat_id, str) or action != "typing":
            return self._error(400, "Bad Request: unsupported action")
        self.actions.append((chat_id, action))
        return web.json_response({"ok": True})

    def _new_message_id(self) -> str:
        self._next_message_id += 1
        return f"{self._next_message_id:020x}"

    def _store(self, sent: Sent) -> web.Response:
        self.sent.append(sent)
        # Some real success answers carry error_code 0; clients must go by `ok`.
        return _ok({"message_id": sent.message_id, "date": _now_ms()}, error_code=0)

    def _error(
        self,
        code: int,
        description: str,
        retry_after: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> web.Response:
        payload: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if retry_after is not None:
            payload["retry_after"] = retry_after
        status = self.error_status or code
        return web.json_response(payload, status=status, headers=headers)


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _now_ms() -> int:
    return int(time.time() * 1000)


async def _params(request: web.Request) -> dict[str, Any] | None:
    """The JSON body (an empty body counts as `{}`), or None when it is not a JSON object."""
    raw = await request.read()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _ok(result: object, **extra: object) -> web.Response:
    return web.json_response({"ok": True, "result": result, **extra})
