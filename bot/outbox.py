"""Sends committed messages: in order per chat, within the platform's limits, with retries."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import select, update

from bot.channels.base import Channel, Outbound, RetryLater, Undeliverable
from bot.clock import Clock
from bot.db import Database
from bot.models import OutboxMessage
from bot.ratelimit import RateLimiter

log = logging.getLogger(__name__)

ChatKey = tuple[str, str]


class Outbox:
    """One sender for the outbox table; `wake()` after a commit that queued messages."""

    def __init__(
        self,
        db: Database,
        channels: Mapping[str, Channel],
        limiters: Mapping[str, RateLimiter],
        clock: Clock,
        *,
        max_attempts: int = 8,
        concurrency: int = 64,
        batch: int = 500,
    ) -> None:
        self.db = db
        self.channels = channels
        self.limiters = limiters
        self.clock = clock
        self.max_attempts = max_attempts
        self.batch = batch
        self._slots = asyncio.Semaphore(concurrency)
        self._wakeup = asyncio.Event()
        self._busy: set[ChatKey] = set()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._stopping = False
        self.sent = 0

    def wake(self) -> None:
        self._wakeup.set()

    async def run(self) -> None:
        """Sends until stopped, sleeping until a wake-up or the next due message."""
        while not self._stopping:
            self._wakeup.clear()
            pause = await self.pump()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=pause)

    async def stop(self) -> None:
        self._stopping = True
        self._wakeup.set()
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def drain(self) -> None:
        """Sends everything that is due now, waiting for each send to finish (tests)."""
        while True:
            await self.pump()
            if not self._in_flight:
                return
            await asyncio.gather(*list(self._in_flight), return_exceptions=True)

    async def pump(self) -> float:
        """Starts sends for the oldest pending message of each idle chat; returns the pause."""
        now = self.clock.now()
        tick = asyncio.get_running_loop().time()
        async with self.db.sessions() as session:
            rows = (
                await session.scalars(
                    select(OutboxMessage)
                    .where(
                        OutboxMessage.status == "pending",
                        OutboxMessage.channel.in_(list(self.channels)),
                    )
                    .order_by(OutboxMessage.id)
                    .limit(self.batch)
                )
            ).all()
        pause = 1.0
        seen: set[ChatKey] = set()
        for row in rows:
            key = (row.channel, row.chat_id)
            if key in seen or key in self._busy:
                seen.add(key)
                continue
            seen.add(key)
            if row.not_before > now:
                pause = min(pause, (row.not_before - now).total_seconds())
                continue
            group = bool(row.body.get("meta", {}).get("group"))
            limiter = self.limiters.get(row.channel)
            if limiter is not None:
                wait = limiter.wait(row.chat_id, group, tick)
                if wait > 0:
                    pause = min(pause, wait)
                    continue
                limiter.take(row.chat_id, group, tick)
            self._busy.add(key)
            await self._slots.acquire()
            task = asyncio.get_running_loop().create_task(
                self._send(row.id, key, row.body, row.attempts)
            )
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
        return max(pause, 0.001)

    async def _send(
        self, row_id: int, key: ChatKey, body: dict[str, object], attempts: int
    ) -> None:
        try:
            message = Outbound.from_json(dict(body))
            external_id = await self.channels[key[0]].send(message)
            await self._mark(row_id, status="sent", external_id=external_id, attempts=attempts + 1)
            self.sent += 1
        except RetryLater as error:
            await self._retry(row_id, attempts + 1, error.seconds, str(error))
        except Undeliverable as error:
            log.warning("outbox %s undeliverable: %s", row_id, error)
            await self._mark(row_id, status="failed", error=str(error), attempts=attempts + 1)
        except Exception as error:
            log.exception("outbox %s failed", row_id)
            await self._retry(row_id, attempts + 1, min(300.0, 2.0**attempts), repr(error))
        finally:
            self._busy.discard(key)
            self._slots.release()
            self._wakeup.set()

    async def _retry(self, row_id: int, attempts: int, seconds: float, error: str) -> None:
        if attempts >= self.max_attempts:
            await self._mark(row_id, status="dead", error=error, attempts=attempts)
            return
        not_before = self.clock.now() + timedelta(seconds=seconds)
        await self._mark(
            row_id, status="pending", error=error, attempts=attempts, not_before=not_before
        )

    async def _mark(self, row_id: int, **values: object) -> None:
        if values.get("status") == "sent":
            values["sent_at"] = self.clock.now()
        async with self.db.transaction() as session:
            await session.execute(
                update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values)
            )
