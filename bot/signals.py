"""Replicas telling each other what changed, with PostgreSQL's LISTEN/NOTIFY.

Two channels: `hailong_inbox` carries the chats a replica has just let go of (another replica
that found one of them held tries it now), `hailong_outbox` the bot channels for which a replica
without the sender's lease has queued replies (the replica holding it reads them at once rather
than at its next sweep). A notification is a hint, never the record: the rows are in the tables,
and every reader also sweeps them now and then, so a notification missed while the listening
connection was down costs time, not data; on reconnecting, `on_reconnect` callbacks look at once.

The listener holds one connection of its own. What is published is sent from it as well, after
the commit that made it true, several notifications to one statement. On SQLite there is one
process, which already knows everything it would be told: `Signals` is then silent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.channels.kit.backoff import Backoff
from bot.db import Database
from bot.tasks import cancelled
from bot.transient import describe_failure

log = logging.getLogger(__name__)

INBOX = "hailong_inbox"
OUTBOX = "hailong_outbox"
PAYLOAD_LIMIT = 7900  # bytes; PostgreSQL refuses a payload of 8000 or more
_PUBLISH = "SELECT pg_notify(c, p) FROM unnest($1::text[], $2::text[]) AS t(c, p)"

Listener = Callable[[str], None]


class Signals:
    """Notifications between the replicas sharing one PostgreSQL database."""

    def __init__(self, db: Database, *, check_seconds: float = 10.0) -> None:
        self.db = db
        self.shared = not db.is_sqlite  # nothing to tell another process on SQLite
        self.check_seconds = check_seconds
        self._listeners: dict[str, list[Listener]] = {}
        self._reconnected: list[Callable[[], None]] = []
        self._outgoing: dict[tuple[str, str], None] = {}  # ordered, without repeats
        self._wakeup = asyncio.Event()
        self._lost = asyncio.Event()
        self._connection: AsyncConnection | None = None
        self._driver: Any = None
        self._pid = 0
        self._task: asyncio.Task[None] | None = None
        self.received = 0

    @property
    def backend_pid(self) -> int:
        """The server process of the listening connection (as pg_stat_activity shows it)."""
        return self._pid

    def listen(self, channel: str, listener: Listener) -> None:
        """Calls `listener(payload)` for each notification on `channel` from another process."""
        self._listeners.setdefault(channel, []).append(listener)

    def on_reconnect(self, callback: Callable[[], None]) -> None:
        """Calls `callback` after the listening connection was lost and is back."""
        self._reconnected.append(callback)

    def publish(self, channel: str, payload: str) -> None:
        """Notifies every other replica soon; call it after the commit that made it true."""
        if not self.shared:
            return
        if len(payload.encode()) > PAYLOAD_LIMIT:
            raise ValueError(f"a {channel} notification is limited to {PAYLOAD_LIMIT} bytes")
        self._outgoing[(channel, payload)] = None
        self._wakeup.set()

    async def start(self) -> None:
        """Connects and listens (PostgreSQL); a failure here is the caller's to see."""
        if not self.shared or self._task is not None:
            return
        await self._connect()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="signals")

    async def stop(self) -> None:
        task, self._task = self._task, None
        await cancelled(task)
        await self._disconnect()

    async def _run(self) -> None:
        """Sends what is published; reconnects (with backoff) when the connection is lost."""
        failed = Backoff(0.5, 10.0)
        while True:
            try:
                if self._driver is None:
                    await self._connect()
                    failed.reset()
                    self._call(self._reconnected)
                await self._send_or_check()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                await self._disconnect()
                delay = failed.next()
                log.warning(
                    "signals: connection lost (%s), again in %.1f s", describe_failure(error), delay
                )
                await asyncio.sleep(delay)

    async def _send_or_check(self) -> None:
        """Waits for something to publish, or checks the connection every `check_seconds`."""
        if not self._outgoing:
            self._wakeup.clear()
            waits = [asyncio.ensure_future(e.wait()) for e in (self._wakeup, self._lost)]
            first = asyncio.FIRST_COMPLETED
            try:
                await asyncio.wait(waits, timeout=self.check_seconds, return_when=first)
            finally:
                for waiting in waits:
                    waiting.cancel()
        if self._lost.is_set():
            raise ConnectionError("the listening connection was closed")
        if not self._outgoing:
            await self._driver.fetchval("SELECT 1")
            return
        batch, self._outgoing = list(self._outgoing), {}
        try:
            await self._driver.execute(_PUBLISH, [c for c, _ in batch], [p for _, p in batch])
        except Exception:
            for item in batch:  # sent with the next try, after reconnecting
                self._outgoing.setdefault(item, None)
            raise

    async def _connect(self) -> None:
        connection = await self.db.engine.connect()
        try:
            raw = await connection.get_raw_connection()
            driver: Any = raw.driver_connection  # asyncpg's Connection (asyncpg has no types)
            self._lost.clear()
            driver.add_termination_listener(lambda _connection: self._lost.set())
            for channel in self._listeners:
                await driver.add_listener(channel, self._notified)
            self._pid = driver.get_server_pid()
        except BaseException:
            await connection.invalidate()
            await connection.close()
            raise
        self._connection, self._driver = connection, driver

    async def _disconnect(self) -> None:
        connection, self._connection, self._driver = self._connection, None, None
        if connection is not None:
            with contextlib.suppress(Exception):  # LISTEN must not go back to the pool with it
                await connection.invalidate()
                await connection.close()

    def _notified(self, _connection: object, pid: int, channel: str, payload: str) -> None:
        if pid == self._pid:  # our own: this process already knows
            return
        self.received += 1
        for listener in self._listeners.get(channel, ()):
            try:
                listener(payload)
            except Exception:
                log.exception("signals: a %s listener failed", channel)

    def _call(self, callbacks: list[Callable[[], None]]) -> None:
        for callback in callbacks:
            try:
                callback()
            except Exception:
                log.exception("signals: a reconnect callback failed")


def chats_payloads(keys: Sequence[tuple[str, str]]) -> list[str]:
    """The `hailong_inbox` payloads naming these chats, each under the size limit."""
    payloads: list[str] = []
    chunk: list[tuple[str, str]] = []
    size = 2  # the brackets
    for key in keys:
        item = len(json.dumps(key).encode()) + 2  # and a comma and a space
        if chunk and size + item > PAYLOAD_LIMIT:
            payloads.append(json.dumps(chunk))
            chunk, size = [], 2
        chunk.append(key)
        size += item
    if chunk:
        payloads.append(json.dumps(chunk))
    return payloads


def chats_of(payload: str) -> list[tuple[str, str]]:
    """The chats a `hailong_inbox` payload names (nothing, if it is not one of ours)."""
    try:
        found = json.loads(payload)
    except ValueError:
        return []
    if not isinstance(found, list):
        return []
    return [
        (pair[0], pair[1])
        for pair in found
        if isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
    ]
