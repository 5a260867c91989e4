"""What the loopback fakes of the Telegram and Zalo Bot APIs share.

A server on 127.0.0.1 at `/bot{token}/{method}` (port chosen by the OS), every call recorded and
countable, a way to wait until a method has been called, failures scripted per method, queued
updates for long polling, and a client that plays the platform delivering a webhook. Each fake
adds its methods and answers the way its platform does. For the bot's side: `serve` puts any
aiohttp app (a channel's webhook routes, a server that answers late) on 127.0.0.1, and
`free_port` names a port where nothing answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, Self, TypeVar

import aiohttp
from aiohttp import web


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    """`app` on 127.0.0.1 (port chosen by the OS): its runner, to clean up, and its base URL."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on (a connection to it is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass(frozen=True)
class Call:
    """One Bot API request as the fake received it."""

    method: str
    params: dict[str, Any]


class Failure(Protocol):
    left: int


F = TypeVar("F", bound=Failure)


@dataclass
class _Waiter:
    method: str
    count: int
    future: asyncio.Future[None] = field(repr=False)


class LoopbackBotApi(Generic[F]):
    """The recording, waiting and scripting half of a fake Bot API; subclasses answer."""

    secret_header = ""

    def __init__(self, token: str, *, max_poll_wait: float) -> None:
        self.token = token
        self.max_poll_wait = max_poll_wait
        self.calls: list[Call] = []
        self.counts: Counter[str] = Counter()
        self.webhook_url = ""
        self._updates: deque[dict[str, Any]] = deque()
        self._update_arrived = asyncio.Event()
        self._failures: dict[str, deque[F]] = {}
        self._waiters: list[_Waiter] = []
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self.port = 0

    # --- lifecycle ---

    @property
    def api_url(self) -> str:
        """The base URL to give the bot (the token and method are appended)."""
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._more_routes(app)
        self._runner, _ = await serve(app)
        self.port = self._runner.addresses[0][1]
        self._client = aiohttp.ClientSession()

    async def close(self) -> None:
        self._update_arrived.set()  # ends pending long polls now rather than at their timeout
        for waiter in self._waiters:
            waiter.future.cancel()
        self._waiters.clear()
        if self._client is not None:
            await self._client.close()
            self._client = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _handle(self, request: web.Request) -> web.Response:
        raise NotImplementedError

    def _more_routes(self, app: web.Application) -> None:
        """Routes beside the Bot API's (a platform's file server); none by default."""

    # --- what tests look at ---

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def last(self, method: str) -> Call:
        calls = self.calls_of(method)
        if not calls:
            raise AssertionError(f"{method} was never called; calls: {self.method_names()}")
        return calls[-1]

    def method_names(self) -> list[str]:
        return [c.method for c in self.calls]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Waits until `method` has been called `count` times in all; returns those calls."""
        if self.counts[method] < count:
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            waiter = _Waiter(method, count, future)
            self._waiters.append(waiter)
            try:
                await asyncio.wait_for(future, timeout)
            except TimeoutError:
                raise AssertionError(
                    f"{method} called {self.counts[method]} times, expected {count}; "
                    f"calls: {self.method_names()}"
                ) from None
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
        return self.calls_of(method)

    # --- scripting ---

    def _script(self, method: str, failure: F) -> None:
        """The next `failure.left` calls of `method` fail this way instead of being answered."""
        self._failures.setdefault(method, deque()).append(failure)

    def heal(self, method: str) -> None:
        """Forgets the failures still scripted for `method` (the end of an outage)."""
        self._failures.pop(method, None)

    def _queue(self, update: dict[str, Any]) -> None:
        self._updates.append(update)
        self._update_arrived.set()

    async def post_update(
        self,
        webhook_url: str,
        update: dict[str, Any] | bytes | str,
        secret: str | None = None,
        *,
        content_type: str = "application/json",
    ) -> int:
        """Plays the platform delivering a webhook; returns the HTTP status the bot answered."""
        if self._client is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        body = update if isinstance(update, bytes | str) else json.dumps(update)
        headers = {"Content-Type": content_type}
        if secret is not None:
            headers[self.secret_header] = secret
        async with self._client.post(webhook_url, data=body, headers=headers) as response:
            await response.read()
            return response.status

    # --- serving ---

    def _record(self, method: str, params: dict[str, Any], *, keep: bool = True) -> F | None:
        """Counts (and keeps) a call, wakes whoever waits for it; the failure scripted for it."""
        if keep:
            self.calls.append(Call(method, params))
        self.counts[method] += 1
        if self._waiters:
            for waiter in self._waiters:
                done = waiter.future.done()
                if not done and waiter.method == method and self.counts[method] >= waiter.count:
                    waiter.future.set_result(None)
        queue = self._failures.get(method) if self._failures else None
        if not queue:
            return None
        failure = queue[0]
        failure.left -= 1
        if failure.left <= 0:
            queue.popleft()
            if not queue:
                del self._failures[method]
        return failure

    async def _await_update(self, timeout: float) -> None:
        """Holds a long poll up to `timeout` seconds (capped) while no update is queued."""
        if not self._updates and timeout > 0:
            self._update_arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._update_arrived.wait(), min(timeout, self.max_poll_wait)
                )
