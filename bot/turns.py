"""Which chats this replica has events to handle, and when each may be tried next.

A chat is wanted up to an inbound id (the last one this replica recorded of it) or entirely
(`ALL`: a sweep, a chat another replica let go of). It is ready, in a batch being tried, backing
off after a failure that passes by itself (`RETRY_BASE` doubling to `RETRY_CAP`, jittered), or
contested — another replica holds it — until that one announces it free, or `CONTESTED_SECONDS`
pass. A chat is in one of those places at a time, so this replica never runs two of its events at
once; the database keeps replicas apart (bot/dispatch.py).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from bot.channels.kit.backoff import delay_after

log = logging.getLogger(__name__)

ChatKey = tuple[str, str]  # (channel, chat id)
ALL = sys.maxsize  # wanted "until none of the chat's events is pending" (a sweep, a freed chat)
RETRY_BASE, RETRY_CAP = 0.05, 5.0  # seconds: the backoff after a failure that passes by itself
CONTESTED_SECONDS = 2.0  # a chat another replica holds is tried again at least this often


@dataclass
class Attempt:
    """What one try did for each of its chats."""

    handled: dict[ChatKey, int] = field(default_factory=dict)  # the event done or failed for good
    idle: set[ChatKey] = field(default_factory=set)  # held here, nothing pending
    contested: set[ChatKey] = field(default_factory=set)  # another replica holds it
    retry: set[ChatKey] = field(default_factory=set)  # failed for a passing reason
    reason: str = ""  # of the retry, for the log

    def add(self, other: Attempt) -> None:
        self.handled.update(other.handled)
        self.idle |= other.idle
        self.contested |= other.contested
        self.retry |= other.retry
        self.reason = self.reason or other.reason


Try = Callable[[list[ChatKey]], Awaitable[Attempt]]


class Turns:
    """The wanted chats, tried `max_batch` at a time in up to `max_batches` tries at once."""

    def __init__(self, attempt: Try, *, max_batch: int = 32, max_batches: int = 4) -> None:
        self._attempt = attempt
        self.max_batch = max_batch
        # fewer transactions at once than pooled connections, so the inbox and outbox get theirs
        self.max_batches = max_batches
        self._wanted: dict[ChatKey, int] = {}  # chat → the last event of it to see handled
        self._ready: deque[ChatKey] = deque()
        self._queued: set[ChatKey] = set()  # in _ready
        self._running: set[ChatKey] = set()
        self._later: dict[ChatKey, asyncio.TimerHandle] = {}  # backing off after a failure
        self._contested: dict[ChatKey, asyncio.TimerHandle] = {}  # held by another replica
        self._freed: set[ChatKey] = set()  # announced free while being tried here
        self._failures: dict[ChatKey, int] = {}
        self._batches: set[asyncio.Task[None]] = set()
        self._pump_scheduled = False
        self._stopping = False
        self._settled = asyncio.Event()

    def want(self, key: ChatKey, upto: int = ALL) -> None:
        """Has the chat's pending events handled, up to the inbound `upto` (all by default)."""
        if self._stopping:  # recorded: the next start (or another replica) handles it
            return
        self._wanted[key] = max(self._wanted.get(key, 0), upto)
        busy = (self._queued, self._running, self._later, self._contested)
        if not any(key in place for place in busy):
            self._enqueue(key)

    def free(self, keys: Iterable[ChatKey]) -> None:
        """Another replica has let go of these chats: try those it held up here now."""
        for key in keys:
            waiting = self._contested.pop(key, None)
            if waiting is not None:
                waiting.cancel()
                self._enqueue(key)
            elif key in self._running:
                self._freed.add(key)

    async def idle(self) -> None:
        """Waits until every wanted chat has been handled (tests, shutdown)."""
        while self._wanted:
            self._settled.clear()
            await self._settled.wait()

    @property
    def running(self) -> int:
        """Batches being handled now (each one transaction)."""
        return len(self._batches)

    async def stop(self) -> None:
        """Finishes the batches being handled and starts no more; every other wanted chat's
        events stay pending in the database for the next start (or another replica)."""
        self._stopping = True
        for key, waiting in [*self._later.items(), *self._contested.items()]:
            waiting.cancel()
            self._drop(key)
        self._later.clear()
        self._contested.clear()
        for key in self._ready:
            self._drop(key)
        self._ready.clear()
        self._queued.clear()
        await self.idle()

    def _enqueue(self, key: ChatKey) -> None:
        if self._stopping:
            self._drop(key)
            return
        self._queued.add(key)
        self._ready.append(key)
        if not self._pump_scheduled:  # after the other arrivals of this loop turn have queued
            self._pump_scheduled = True
            asyncio.get_running_loop().call_soon(self._pump)

    def _pump(self) -> None:
        self._pump_scheduled = False
        while self._ready and len(self._batches) < self.max_batches:
            size = min(self.max_batch, len(self._ready))
            keys = [self._ready.popleft() for _ in range(size)]
            self._queued.difference_update(keys)
            self._running.update(keys)
            task = asyncio.get_running_loop().create_task(self._run(keys))
            self._batches.add(task)
            task.add_done_callback(self._batches.discard)

    async def _run(self, keys: list[ChatKey]) -> None:
        tried = Attempt(retry=set(keys), reason="cancelled")
        try:
            tried = await self._attempt(keys)
        finally:
            self._running.difference_update(keys)
            self._settle(tried)
            self._freed.difference_update(keys)
            # leave the count of running batches before refilling it: when all of them end in
            # one loop turn, each must see the room the others made, or the waiting chats stall
            self._batches.discard(asyncio.current_task())
            self._pump()

    def _settle(self, tried: Attempt) -> None:
        for key, inbound_id in tried.handled.items():
            self._failures.pop(key, None)
            if self._wanted.get(key, 0) > inbound_id:
                self._enqueue(key)
            else:
                self._drop(key)
        for key in tried.idle:
            self._drop(key)
        for key in tried.contested:
            self._contest(key)
        if tried.retry:
            self._back_off(tried.retry, tried.reason)

    def _contest(self, key: ChatKey) -> None:
        if self._stopping:
            self._drop(key)
        elif key in self._freed:  # let go of while this replica was finding it held
            self._enqueue(key)
        else:
            loop = asyncio.get_running_loop()
            self._contested[key] = loop.call_later(CONTESTED_SECONDS, self._uncontest, key)

    def _uncontest(self, key: ChatKey) -> None:
        if self._contested.pop(key, None) is not None:
            self._enqueue(key)

    def _back_off(self, keys: set[ChatKey], reason: str) -> None:
        if self._stopping:
            for key in keys:
                self._drop(key)
            return
        failures = 0
        for key in keys:
            failures = max(failures, self._failures.get(key, 0) + 1)
            self._failures[key] = failures
        delay = delay_after(failures, RETRY_BASE, RETRY_CAP, jitter=0.5)
        level = logging.WARNING if failures == 1 else logging.INFO
        log.log(level, "%d chat(s) wait %.2f s: a passing failure (%s)", len(keys), delay, reason)
        waiting = asyncio.get_running_loop().call_later(delay, self._retry, keys)
        for key in keys:
            self._later[key] = waiting

    def _retry(self, keys: set[ChatKey]) -> None:
        for key in keys:
            if self._later.pop(key, None) is not None:
                self._enqueue(key)

    def _drop(self, key: ChatKey) -> None:
        self._wanted.pop(key, None)
        self._failures.pop(key, None)
        if not self._wanted:
            self._settled.set()
