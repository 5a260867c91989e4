"""A thin aiohttp client for the Zalo Bot Platform API (`{base}{token}/{method}`, JSON POST).

Zalo's Bot API is Telegram-shaped but not Telegram: `getUpdates` hands out one update per call
and acknowledges it server-side, 408 means "no update", and there are no keyboards or edits. No
third-party SDK fits (see the Zalo notes), so this is the whole client: one pooled session, one
`_call` that reads the `{ok, result, error_code, description}` envelope, typed errors, and a few
retries for rate limits and gateway failures. The token is in every URL, so it is protected by
the kit's redactor (bot/channels/kit/redaction.py) from the moment a client is built.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Final, Self

import aiohttp

from bot.channels.kit.redaction import protect, redact

log = logging.getLogger(__name__)

DEFAULT_BASE_URL: Final = "https://bot-api.zaloplatforms.com/bot"
POLL_GRACE: Final = 10.0  # getUpdates may hold the request this long past its own timeout
PHOTO_TIMEOUT_FACTOR: Final = 2.0

Sleep = Callable[[float], Awaitable[None]]


# --- errors --------------------------------------------------------------------------------------


class ZaloApiError(Exception):
    """The Bot API refused a call; `code` mirrors HTTP (400, 401, 404, 408, 429, 5xx; 0: none)."""

    def __init__(self, code: int, description: str, method: str = "") -> None:
        super().__init__(f"zalo {method or 'API'} failed ({code}): {description}")
        self.code = code
        self.description = description
        self.method = method


class ZaloUnauthorized(ZaloApiError):
    """401: the token is wrong or was reset in Zalo Bot Manager; a person has to fix it."""


class ZaloRateLimited(ZaloApiError):
    """429: too many calls; `retry_after` is Zalo's hint in seconds, when it gave one."""

    def __init__(
        self, code: int, description: str, method: str = "", retry_after: float | None = None
    ) -> None:
        super().__init__(code, description, method)
        self.retry_after = retry_after


class ZaloUnavailable(ZaloApiError):
    """A 5xx, a gateway's non-JSON page, or no connection at all: worth trying again."""


class ZaloTimeout(ZaloUnavailable):
    """No answer in time; not retried here, since a send may have gone through anyway."""


def _error(
    code: int, description: str, method: str, retry_after: float | None = None
) -> ZaloApiError:
    if code == 401:
        return ZaloUnauthorized(code, description, method)
    if code == 429:
        return ZaloRateLimited(code, description, method, retry_after)
    if code >= 500:
        return ZaloUnavailable(code, description, method)
    return ZaloApiError(code, description, method)


def _seconds(value: object) -> float | None:
    """A retry hint as seconds: a number, or a string of one (an HTTP date is not used)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _retry_hint(data: dict[str, Any], header: str | None) -> float | None:
    parameters = data.get("parameters")
    nested = parameters.get("retry_after") if isinstance(parameters, dict) else None
    for value in (data.get("retry_after"), nested, header):
        seconds = _seconds(value)
        if seconds is not None:
            return seconds
    return None


# --- the client ----------------------------------------------------------------------------------


class ZaloBotClient:
    """One Zalo bot token: every Bot API method as a coroutine over one pooled session."""

    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float = 30.0,
        retry_delays: Sequence[float] = (0.5, 1.0, 2.0),
        max_retry_after: float = 10.0,
        sleep: Sleep = asyncio.sleep,
        pool_size: int = 32,
    ) -> None:
        if not token:
            raise ValueError("a Zalo bot token is required")
        protect(token)
        self._token = token
        self._base_url = base_url
        self._timeout = timeout
        self._retry_delays = tuple(retry_delays)
        self._max_retry_after = max_retry_after
        self._sleep = sleep
        self._pool_size = pool_size
        self._session: aiohttp.ClientSession | None = None
        self.rate_limited = 0  # 429 answers (Too Many Requests, in the status or the body)

    @property
    def is_open(self) -> bool:
        return self._session is not None and not self._session.closed

    async def start(self) -> None:
        """Opens the session and its connection pool; a no-op when already open."""
        self._open()

    async def close(self) -> None:
        """Closes the session and every pooled connection; safe to call twice."""
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- methods ---------------------------------------------------------------------------------

    async def get_me(self) -> dict[str, Any]:
        """The bot's own account: id, account_name, account_type, can_join_groups."""
        return _as_dict(await self._call("getMe", {}))

    async def get_updates(self, timeout: int = 30) -> dict[str, Any] | None:
        """One update `{event_name, message}`, or None when the long poll ended empty (408)."""
        try:
            result = await self._call(
                "getUpdates", {"timeout": str(timeout)}, timeout=timeout + POLL_GRACE
            )
        except ZaloApiError as exc:
            if exc.code == 408:
                return None
            raise
        return result if isinstance(result, dict) and result else None

    async def set_webhook(self, url: str, secret: str) -> dict[str, Any]:
        """Points updates at `url`; Zalo will send `secret` in X-Bot-Api-Secret-Token."""
        protect(secret)
        return _as_dict(await self._call("setWebhook", {"url": url, "secret_token": secret}))

    async def delete_webhook(self) -> dict[str, Any]:
        """Removes the webhook, which getUpdates needs."""
        return _as_dict(await self._call("deleteWebhook", {}))

    async def get_webhook_info(self) -> dict[str, Any] | None:
        """The webhook's url and updated_at, or None when none is set (Zalo answers 404)."""
        try:
            return _as_dict(await self._call("getWebhookInfo", {}))
        except ZaloApiError as exc:
            if exc.code == 404:
                return None
            raise

    async def send_message(self, chat_id: str, text: str) -> dict[str, Any]:
        """Sends text (1–2000 characters); the result holds message_id and date."""
        return _as_dict(await self._call("sendMessage", {"chat_id": chat_id, "text": text}))

    async def send_photo(self, chat_id: str, url: str, caption: str = "") -> dict[str, Any]:
        """Sends a photo Zalo fetches from a public URL, with an optional caption."""
        body = {"chat_id": chat_id, "photo": url}
        if caption:
            body["caption"] = caption
        # Zalo fetches the photo before it answers, so this call may take a while.
        timeout = self._timeout * PHOTO_TIMEOUT_FACTOR
        return _as_dict(await self._call("sendPhoto", body, timeout=timeout))

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        """Shows "typing…" for up to 5 seconds or until the bot's next message."""
        await self._call("sendChatAction", {"chat_id": chat_id, "action": action})

    # --- transport -------------------------------------------------------------------------------

    async def _call(self, method: str, body: dict[str, Any], timeout: float | None = None) -> Any:
        """`result` of one call, retried on 429 and transient failures with growing delays."""
        attempts = len(self._retry_delays) + 1
        for attempt in range(attempts):
            try:
                return await self._once(method, body, timeout or self._timeout)
            except ZaloTimeout:
                raise
            except (ZaloRateLimited, ZaloUnavailable) as exc:
                if isinstance(exc, ZaloRateLimited):
                    self.rate_limited += 1
                delay = self._delay(exc, attempt)
                if delay is None:
                    raise
                log.warning(
                    "zalo %s: %s; retry %d/%d in %.2fs",
                    method, exc.description, attempt + 1, attempts - 1, delay,
                )  # fmt: skip
                await self._sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _delay(self, exc: ZaloApiError, attempt: int) -> float | None:
        """Seconds to wait before the next attempt, or None to give up now."""
        if attempt >= len(self._retry_delays):
            return None
        hint = exc.retry_after if isinstance(exc, ZaloRateLimited) else None
        if hint is None:
            return self._retry_delays[attempt]
        # A long wait is the outbox's job (RetryLater), not a request held open here.
        return hint if hint <= self._max_retry_after else None

    async def _once(self, method: str, body: dict[str, Any], timeout: float) -> Any:
        session = self._open()
        url = f"{self._base_url}{self._token}/{method}"
        try:
            async with session.post(
                url, json=body, timeout=aiohttp.ClientTimeout(total=timeout, sock_connect=10.0)
            ) as response:
                status, raw = response.status, await response.read()
                retry_header = response.headers.get("Retry-After")
        except aiohttp.ConnectionTimeoutError:  # nothing was sent: safe to try again
            raise ZaloUnavailable(0, "no connection within 10s", method) from None
        except TimeoutError:
            # aiohttp may name the URL (and so the token) in its errors: never chain them.
            raise ZaloTimeout(0, f"no answer within {timeout:g}s", method) from None
        except aiohttp.ClientError as exc:
            detail = redact(f"{type(exc).__name__}: {exc}")
            raise ZaloUnavailable(0, detail, method) from None
        return self._result(method, status, raw, retry_header)

    def _result(self, method: str, status: int, raw: bytes, retry_header: str | None) -> Any:
        """The envelope's `result`; `ok` decides, whatever the HTTP status said."""
        try:
            data = json.loads(raw)
        except ValueError:
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("ok"), bool):
            raise self._not_the_api(method, status, retry_header)
        if data["ok"]:
            return data.get("result")
        code = data.get("error_code")
        if not isinstance(code, int) or isinstance(code, bool) or code <= 0:
            code = status if status >= 400 else 500
        description = redact(str(data.get("description") or "no description"))
        raise _error(code, description, method, _retry_hint(data, retry_header))

    def _not_the_api(self, method: str, status: int, retry_header: str | None) -> ZaloApiError:
        """An answer without the envelope: a proxy or gateway page (an HTML 502, say)."""
        description = f"HTTP {status} without a Bot API answer"
        if status == 429:
            return ZaloRateLimited(429, description, method, _seconds(retry_header))
        if 400 <= status < 500:
            return _error(status, description, method)
        return ZaloUnavailable(status, description, method)

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(connector=connector)
        return self._session


def _as_dict(result: Any) -> dict[str, Any]:
    return result if isinstance(result, dict) else {}
