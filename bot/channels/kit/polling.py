"""The long-poll loop every platform channel runs when no webhook is set.

Fetch a batch, hand each update to the same parse-and-record path as a webhook, and confirm an
update (advance the offset) only once it is recorded. While the inbox cannot record an update
the loop holds it and tries again with backoff, taking nothing more from the platform: Telegram
would deliver it again, but Zalo acknowledged it when it handed it out. A failed fetch is
logged as the adapter classifies it (`Pause`) and waited out.

Among replicas, exactly one polls a channel: the loop fetches only while it holds the channel's
poll lease (`poll_under`; bot/delivery/lease.py), checked every `check_seconds`. The others stand
by quietly, trying the lease every `standby_seconds`, and the first to find it free — its holder
stopped, died or lost its database connection — polls next; updates the last poller took but had
not confirmed come again and are recognised by the inbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from bot.channels.base import Inbound, Receiver
from bot.channels.kit.backoff import Backoff
from bot.channels.kit.intake import Translate, inbox_spell, record, take
from bot.channels.kit.redaction import describe
from bot.tasks import cancelled

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Polled:
    """One update a poll handed out: its decoded body, and the offset that confirms it (None:
    the platform took it as delivered when it handed it out)."""

    body: object
    confirm: int | None = None


@dataclass(frozen=True)
class Pause:
    """How to take a failed fetch: the log `level` and `reason`, and the wait — None for the
    backoff's next delay, `math.inf` for the longest (a person must fix something)."""

    level: int = logging.WARNING
    reason: str = "failed, retrying"
    seconds: float | None = None


class PollLease(Protocol):
    """Which channels this process may poll (bot.delivery.lease.Lease has this shape)."""

    async def acquire(self, channel: str) -> bool: ...

    async def healthy(self) -> bool: ...

    async def release(self) -> None: ...


@runtime_checkable
class LeasedPolling(Protocol):
    """A channel that may long-poll, and polls under a lease when given one."""

    def poll_under(self, lease: PollLease) -> None: ...


LONG: float = math.inf
Fetch = Callable[[int | None], Awaitable[Sequence[Polled]]]
Classify = Callable[[Exception], Pause]


class Poller:
    """One channel's long-poll task: `start(receive)`, then `stop()` ends it cleanly."""

    def __init__(
        self,
        channel: str,
        fetch: Fetch,
        translate: Translate,
        *,
        classify: Classify = lambda exc: Pause(),
        retry_delay: float = 1.0,
        max_retry_delay: float = 30.0,
        standby_seconds: float = 2.0,
        check_seconds: float = 5.0,
    ) -> None:
        self.channel = channel
        self._fetch = fetch
        self._translate = translate
        self._inbox_spell = inbox_spell(channel)
        self._classify = classify
        self._delays = (retry_delay, max_retry_delay)
        self._task: asyncio.Task[None] | None = None
        self._lease: PollLease | None = None
        self._standby_seconds = standby_seconds
        self._check_seconds = check_seconds
        self._checked = -math.inf  # when the lease held was last checked (loop time)
        self.leading = False  # this process holds the poll lease (always, without one)
        self._standing_by = False

    def poll_under(self, lease: PollLease) -> None:
        """Polls only while holding `lease` for this channel (several replicas: one polls)."""
        if self.running:
            raise RuntimeError(f"{self.channel}: the poll lease is given before starting")
        self._lease = lease

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self, receive: Receiver) -> None:
        if self._task is not None:
            raise RuntimeError(f"{self.channel} is already polling")
        self._task = asyncio.create_task(self._run(receive), name=f"{self.channel}-poll")

    async def stop(self) -> None:
        """Ends the loop; an update being recorded is delivered again later (or lost, on Zalo)."""
        task, self._task = self._task, None
        await cancelled(task)
        self.leading = False
        if self._lease is not None:  # held or asked for: its connection closes either way
            with contextlib.suppress(Exception):
                await self._lease.release()

    async def _run(self, receive: Receiver) -> None:
        offset: int | None = None
        failed = self._backoff()
        while True:
            if not await self._lead():
                offset = None  # the next poller may have confirmed more meanwhile
                await asyncio.sleep(self._standby_seconds)
                continue
            try:
                batch = await self._fetch(offset)
            except Exception as exc:
                await asyncio.sleep(self._wait_after(exc, failed))
                continue
            failed.reset()
            for polled in batch:
                inbound = take(self.channel, self._translate, polled.body)
                if inbound is not None:
                    await self._hold_until_recorded(receive, inbound, polled)
                if polled.confirm is not None:
                    offset = polled.confirm

    async def _lead(self) -> bool:
        """True while this process may poll: it holds the lease (checked now and then)."""
        if self._lease is None:
            self.leading = True
            return True
        now = asyncio.get_running_loop().time()
        if self.leading:
            if now - self._checked < self._check_seconds:
                return True
            self._checked = now
            if await self._lease.healthy():
                return True
            self.leading = False
            log.warning("%s: lost the poll lease; standing by", self.channel)
        try:
            self.leading = await self._lease.acquire(self.channel)
        except Exception as exc:
            reason = type(exc).__name__
            log.warning("%s: the poll lease could not be asked for (%s)", self.channel, reason)
            return False
        if self.leading:  # said at start by the banner; worth a line when taking over
            level = logging.INFO if self._standing_by else logging.DEBUG
            self._checked, self._standing_by = now, False
            log.log(level, "%s: this replica polls", self.channel)
        elif not self._standing_by:
            self._standing_by = True
            log.info("%s: another replica polls; standing by", self.channel)
        return self.leading

    def _wait_after(self, exc: Exception, failed: Backoff) -> float:
        pause = self._classify(exc)
        log.log(pause.level, "%s getUpdates %s: %s", self.channel, pause.reason, describe(exc))
        return min(failed.next() if pause.seconds is None else pause.seconds, failed.cap)

    async def _hold_until_recorded(
        self, receive: Receiver, inbound: Inbound, polled: Polled
    ) -> None:
        failed = self._backoff()
        try:
            while not await record(self._inbox_spell, receive, inbound):
                await asyncio.sleep(failed.next())
        except asyncio.CancelledError:
            if polled.confirm is None:
                log.error(
                    "%s update %s lost: stopped before it was recorded",
                    self.channel, inbound.external_id,
                )  # fmt: skip
            raise

    def _backoff(self) -> Backoff:
        base, cap = self._delays
        return Backoff(base, cap)
