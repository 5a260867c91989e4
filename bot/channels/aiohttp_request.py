"""A python-telegram-bot HTTP backend on one pooled aiohttp session.

On the 2-core machines this bot runs on, an echo bot on PTB's default httpx backend managed about
270 updates/s with seconds of latency under load, one on aiohttp about 2,700/s; so every Bot API
call goes through here. One `aiohttp.ClientSession` (one connection pool) lives from
`initialize()` to `shutdown()`; nothing is created per request.
"""

from __future__ import annotations

import json
from datetime import timedelta

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.channels.kit.redaction import redact

_JSON_HEADERS = {"Content-Type": "application/json"}


class FloodWait(RetryAfter):
    """`RetryAfter` built without PTB 22's int-vs-timedelta deprecation warning.

    PTB's own `RetryAfter.__init__` reads its deprecated `retry_after` property, which warns on
    every 429; this backend raises this subclass instead. Read `seconds`, not `retry_after`.
    """

    def __init__(self, seconds: float) -> None:
        TelegramError.__init__(self, f"Flood control exceeded. Retry in {seconds:g} seconds")
        self._retry_after = timedelta(seconds=seconds)

    @property
    def seconds(self) -> float:
        return self._retry_after.total_seconds()


def _flood_wait(payload: bytes) -> FloodWait | None:
    try:
        retry_after = json.loads(payload)["parameters"]["retry_after"]
    except (ValueError, KeyError, TypeError):
        return None
    return FloodWait(float(retry_after)) if isinstance(retry_after, int | float) else None


class AiohttpRequest(BaseRequest):
    """`telegram.request.BaseRequest` on one shared `aiohttp.ClientSession`.

    Timeouts (seconds, None = no limit) keep PTB's meaning: `connect_timeout` to open a socket,
    `read_timeout` between bytes of the answer, `pool_timeout` to wait for a free pooled
    connection; aiohttp has no write timeout, so `write_timeout` bounds the whole exchange of a
    non-upload call and `media_timeout` that of an upload.
    """

    __slots__ = (
        "_connect_timeout",
        "_default_timeout",
        "_keepalive",
        "_media_timeout",
        "_pool_size",
        "_pool_timeout",
        "_read_timeout",
        "_session",
        "_timeouts",
        "_write_timeout",
        "rate_limited",
    )

    def __init__(
        self,
        *,
        pool_size: int = 64,
        connect_timeout: float | None = 5.0,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_timeout: float | None = 60.0,
        keepalive_timeout: float = 30.0,
    ) -> None:
        if pool_size < 1:
            raise ValueError("pool_size must be at least 1")
        self._pool_size = pool_size
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._pool_timeout = pool_timeout
        self._media_timeout = media_timeout
        self._keepalive = keepalive_timeout
        self._session: aiohttp.ClientSession | None = None
        self.rate_limited = 0  # 429 answers (Too Many Requests), for /metrics
        self._timeouts: dict[tuple[float | None, ...], aiohttp.ClientTimeout] = {}
        self._default_timeout = self._timeout(
            connect_timeout, read_timeout, write_timeout, pool_timeout, upload=False
        )

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    @property
    def pool_size(self) -> int:
        return self._pool_size

    @property
    def is_open(self) -> bool:
        return self._session is not None and not self._session.closed

    async def initialize(self) -> None:
        """Opens the session (and its connection pool); a no-op when already open."""
        self._open()

    async def shutdown(self) -> None:
        """Closes the session and every pooled connection; safe to call twice."""
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self._pool_size,
                keepalive_timeout=self._keepalive,
                ttl_dns_cache=300,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=self._default_timeout,
                headers={"User-Agent": self.USER_AGENT},
                auto_decompress=True,
            )
        return self._session

    def _timeout(
        self,
        connect: float | None,
        read: float | None,
        write: float | None,
        pool: float | None,
        *,
        upload: bool,
    ) -> aiohttp.ClientTimeout:
        key = (connect, read, write, pool, float(upload))
        cached = self._timeouts.get(key)
        if cached is not None:
            return cached
        # aiohttp's `connect` covers waiting for a pooled connection plus opening a new one.
        acquire = None if pool is None or connect is None else pool + connect
        if upload:
            total = self._media_timeout
        elif write is None or read is None:
            total = None
        else:
            total = (connect or 0.0) + (pool or 0.0) + read + write
        timeout = aiohttp.ClientTimeout(
            total=total, connect=acquire, sock_connect=connect, sock_read=read
        )
        if len(self._timeouts) < 64:  # getUpdates varies read_timeout; the set stays small
            self._timeouts[key] = timeout
        return timeout

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session if self._session is not None else self._open()
        upload = request_data is not None and request_data.contains_files
        if upload or not all(
            isinstance(t, DefaultValue)
            for t in (read_timeout, write_timeout, connect_timeout, pool_timeout)
        ):
            timeout = self._timeout(
                _pick(connect_timeout, self._connect_timeout),
                _pick(read_timeout, self._read_timeout),
                _pick(write_timeout, self._write_timeout),
                _pick(pool_timeout, self._pool_timeout),
                upload=upload,
            )
        else:
            timeout = self._default_timeout

        data: aiohttp.FormData | bytes | None = None
        headers: dict[str, str] | None = None
        if request_data is not None:
            if upload:
                data = _multipart(request_data)
            else:
                # the Bot API takes a JSON body; cheaper to build than form fields of JSON values
                data = request_data.json_payload
                headers = _JSON_HEADERS

        try:
            async with session.request(
                method, url, data=data, headers=headers, timeout=timeout
            ) as response:
                status, payload = response.status, await response.read()
        except aiohttp.ConnectionTimeoutError:
            # nothing was sent: safe to retry (a TimedOut below may have reached the Bot API)
            raise NetworkError(f"Timed out connecting to the Bot API ({method})") from None
        except TimeoutError:
            # aiohttp names the URL (and so the token) in some timeout messages: never chain them.
            raise TimedOut(f"Timed out talking to the Bot API ({method})") from None
        except aiohttp.ClientError as exc:
            # the Bot API puts the token in the URL path; aiohttp names URLs in some errors
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {redact(str(exc))}") from None
        if status == 429:
            self.rate_limited += 1
            if (flood := _flood_wait(payload)) is not None:
                raise flood
        return status, payload


def _pick(value: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value


def _multipart(request_data: RequestData) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
