"""The long-poll loop every platform channel runs when no webhook is set.

Fetch a batch, hand each update to the same parse-and-record path as a webhook, and confirm an
update (advance the offset) only once it is recorded. While the inbox cannot record an update
the loop holds it and tries again with backoff, taking nothing more from the platform: Telegram
would deliver it again, but Zalo acknowledged it when it handed it out. A failed fetch is
logged as the adapter classifies it (`Pause`) and waited out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.channels.base import Inbound, Receiver
from bot.channels.kit.backoff import Backoff
from bot.channels.kit.intake import Translate, record, take
from bot.channels.kit.redaction import describe

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
    ) -> None:
        self.channel = channel
        self._fetch = fetch
        self._translate = translate
        self._classify = classify
        self._delays = (retry_delay, max_retry_delay)
        self._task: asyncio.Task[None] | None = None

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
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self, receive: Receiver) -> None:
        offset: int | None = None
        failed = self._backoff()
        while True:
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

    def _wait_after(self, exc: Exception, failed: Backoff) -> float:
        pause = self._classify(exc)
        log.log(pause.level, "%s getUpdates %s: %s", self.channel, pause.reason, describe(exc))
        return min(failed.next() if pause.seconds is None else pause.seconds, failed.cap)

    async def _hold_until_recorded(
        self, receive: Receiver, inbound: Inbound, polled: Polled
    ) -> None:
        failed = self._backoff()
        try:
            while not await record(self.channel, receive, inbound):
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
