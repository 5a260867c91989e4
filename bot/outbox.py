"""Sends committed messages: in order per chat, within the platform's limits, with retries.

Rows reach the sender two ways: handed over right after the transaction that wrote them commits
(`enqueue`), and found by a periodic sweep of the table (after a restart, for jobs, for retries
that outlived the process). Sent marks are written in small batches; a crash between a send and its
mark means that message may go out once more after the restart (at-least-once), never that it is
lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update

from bot.channels.base import Channel, Outbound, RetryLater, Undeliverable
from bot.clock import Clock
from bot.db import Database, table_of
from bot.models import OutboxMessage
from bot.ratelimit import RateLimiter

log = logging.getLogger(__name__)

ChatKey = tuple[str, str]

_TABLE = table_of(OutboxMessage)
# a Core statement built once, run with a batch of marks at a time
_MARK_SENT = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("mark_id"))
    .values(
        status="sent",
        attempts=bindparam("attempts"),
        external_id=bindparam("external_id"),
        sent_at=bindparam("sent_at"),
    )
)


@dataclass
class Pending:
    """A message waiting in memory for its chat's turn."""

    id: int
    channel: str
    chat_id: str
    body: dict[str, Any]
    attempts: int
    not_before: datetime

    @property
    def group(self) -> bool:
        return bool(self.body.get("meta", {}).get("group"))


class Outbox:
    """The one sender of this process for the channels it was given."""

    def __init__(
        self,
        db: Database,
        channels: Mapping[str, Channel],
        limiters: Mapping[str, RateLimiter],
        clock: Clock,
        *,
        max_attempts: int = 8,
        concurrency: int = 128,
        sweep_seconds: float = 5.0,
    ) -> None:
        self.db = db
        self.channels = channels
        self.limiters = limiters
        self.clock = clock
        self.max_attempts = max_attempts
        self.concurrency = concurrency
        self.sweep_seconds = sweep_seconds
        self.sent = 0
        self._queues: dict[ChatKey, deque[Pending]] = {}
        self._known: set[int] = set()
        self._busy: set[ChatKey] = set()
        self._ready: deque[ChatKey] = deque()
        self._timers: list[tuple[float, int, ChatKey]] = []
        self._timer_seq = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._marks: list[dict[str, Any]] = []
        self._wakeup = asyncio.Event()
        self._sweep_wanted = True
        self._stopping = False
        # a sweep must not see a row between its send and the commit of its mark
        self._bookkeeping = asyncio.Lock()

    @property
    def depth(self) -> int:
        return len(self._known)

    def enqueue(self, rows: Iterable[Pending]) -> None:
        """Takes messages whose transaction has just committed."""
        for row in rows:
            self._add(row)
        self._wakeup.set()

    def wake(self) -> None:
        """Asks for a sweep of the table soon (rows written without being handed over)."""
        self._sweep_wanted = True
        self._wakeup.set()

    async def run(self) -> None:
        """Sends until stopped."""
        next_sweep = 0.0
        loop = asyncio.get_running_loop()
        while not self._stopping:
            self._wakeup.clear()
            if self._sweep_wanted or loop.time() >= next_sweep:
                self._sweep_wanted = False
                next_sweep = loop.time() + self.sweep_seconds
                await self._guarded(self.sweep())
            pause = min(self.pump(), max(0.0, next_sweep - loop.time()))
            if self._marks:
                await self._guarded(self.flush_marks())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=max(pause, 0.001))

    async def stop(self) -> None:
        self._stopping = True
        self._wakeup.set()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.flush_marks()

    async def drain(self) -> None:
        """Sends everything due now and records the outcomes (tests, demo seeding)."""
        await self.sweep()
        self._ready.extend(key for key, queue in self._queues.items() if queue)
        while True:
            self.pump()
            if not self._tasks:
                break
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        await self.flush_marks()

    async def sweep(self) -> None:
        """Picks up pending rows this process does not hold yet, oldest first."""
        async with self._bookkeeping, self.db.sessions() as session:
            rows = await session.execute(
                select(
                    OutboxMessage.id,
                    OutboxMessage.channel,
                    OutboxMessage.chat_id,
                    OutboxMessage.body,
                    OutboxMessage.attempts,
                    OutboxMessage.not_before,
                )
                .where(
                    OutboxMessage.status == "pending",
                    OutboxMessage.channel.in_(list(self.channels)),
                )
                .order_by(OutboxMessage.id)
                .limit(5000)
            )
            for row in rows:
                if row.id not in self._known:
                    self._add(Pending(*row))

    def pump(self) -> float:
        """Starts every send allowed now; returns seconds until the next one may be."""
        loop_now = asyncio.get_running_loop().time()
        while self._timers and self._timers[0][0] <= loop_now:
            self._ready.append(heapq.heappop(self._timers)[2])
        now = self.clock.now()
        while self._ready and len(self._tasks) < self.concurrency:
            key = self._ready.popleft()
            queue = self._queues.get(key)
            if not queue or key in self._busy:
                continue
            head = queue[0]
            if head.not_before > now:
                self._later(key, (head.not_before - now).total_seconds(), loop_now)
                continue
            limiter = self.limiters.get(head.channel)
            if limiter is not None:
                wait = limiter.wait(head.chat_id, head.group, loop_now)
                if wait > 0:
                    self._later(key, wait, loop_now)
                    continue
                limiter.take(head.chat_id, head.group, loop_now)
            queue.popleft()
            self._busy.add(key)
            task = asyncio.get_running_loop().create_task(self._send(key, head))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        if self._ready:
            return 0.0
        return self._timers[0][0] - loop_now if self._timers else 1.0

    async def flush_marks(self) -> None:
        """Writes the sent marks gathered so far in one transaction."""
        async with self._bookkeeping:
            marks, self._marks = self._marks, []
            if not marks:
                return
            async with self.db.transaction() as session:
                await session.execute(_MARK_SENT, marks)
            self._known.difference_update(mark["mark_id"] for mark in marks)

    def _add(self, item: Pending) -> None:
        if item.id in self._known:
            return
        self._known.add(item.id)
        key = (item.channel, item.chat_id)
        queue = self._queues.setdefault(key, deque())
        if queue and queue[-1].id > item.id:  # a swept row older than ones already held
            queue.append(item)
            ordered = sorted(queue, key=lambda p: p.id)
            queue.clear()
            queue.extend(ordered)
        else:
            queue.append(item)
        self._ready.append(key)

    def _later(self, key: ChatKey, seconds: float, loop_now: float) -> None:
        self._timer_seq += 1
        heapq.heappush(self._timers, (loop_now + seconds, self._timer_seq, key))

    async def _send(self, key: ChatKey, item: Pending) -> None:
        attempts = item.attempts + 1
        try:
            external_id = await self.channels[item.channel].send(Outbound.from_json(item.body))
        except RetryLater as error:
            await self._retry(key, item, attempts, error.seconds, str(error))
        except Undeliverable as error:
            log.warning("outbox %s undeliverable: %s", item.id, error)
            await self._finish(item, status="failed", error=str(error), attempts=attempts)
        except Exception as error:
            log.exception("outbox %s failed", item.id)
            await self._retry(key, item, attempts, min(300.0, 2.0**attempts), repr(error))
        else:
            self.sent += 1
            self._marks.append(
                {
                    "mark_id": item.id,
                    "attempts": attempts,
                    "external_id": external_id,
                    "sent_at": self.clock.now(),
                }
            )
        finally:
            self._busy.discard(key)
            if self._queues.get(key):
                self._ready.append(key)
            elif key in self._queues and key not in self._busy:
                del self._queues[key]
            self._wakeup.set()

    async def _retry(
        self, key: ChatKey, item: Pending, attempts: int, seconds: float, error: str
    ) -> None:
        if attempts >= self.max_attempts:
            await self._finish(item, status="dead", error=error, attempts=attempts)
            return
        item.attempts = attempts
        item.not_before = self.clock.now() + timedelta(seconds=seconds)
        self._queues.setdefault(key, deque()).appendleft(item)
        await self._write(item.id, attempts=attempts, not_before=item.not_before, error=error)

    async def _finish(self, item: Pending, **values: Any) -> None:
        async with self._bookkeeping:
            await self._write(item.id, **values)
            self._known.discard(item.id)

    async def _write(self, row_id: int, **values: Any) -> None:
        async with self.db.transaction() as session:
            await session.execute(
                update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values)
            )

    async def _guarded(self, work: Any) -> None:
        try:
            await work
        except Exception:  # the database may be down: keep going, the rows stay pending
            log.exception("outbox bookkeeping failed")
            await asyncio.sleep(1.0)
