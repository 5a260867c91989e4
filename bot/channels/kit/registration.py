"""A channel's registration with its platform at start — setWebhook, or deleteWebhook before
long polling — through an outage of the platform.

One try while the app starts. A refusal a person must fix (a wrong token, a webhook address the
platform will not take) stops the start as `ChannelRefused`: one line for the operator, and
nothing left open. An outage (no connection, a timeout, a 5xx, a 429) does not stop the rest of
the bot — the web chat, the other channels, the jobs — from serving: it is logged once as a
WARNING and tried again in the background with backoff until it goes through; then the channel
starts polling, or its webhook is in place. Telegram keeps the updates sent meanwhile for a day,
and a webhook already registered keeps delivering them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.channels.kit.backoff import Backoff
from bot.channels.kit.redaction import describe
from bot.tasks import cancelled

log = logging.getLogger(__name__)


class ChannelRefused(ValueError):
    """The platform refused to register the bot: a token or address that a person must fix."""


class Registration:
    """Registers a channel with its platform now, or in the background once it answers."""

    def __init__(
        self,
        channel: str,
        register: Callable[[], Awaitable[None]],
        *,
        refusals: tuple[type[Exception], ...],
        passing: Callable[[Exception], bool],
        then: Callable[[], None],
        retry_delay: float = 1.0,
        max_retry_delay: float = 30.0,
    ) -> None:
        self.channel = channel
        self._register = register
        self._refusals = refusals  # the platform's own errors; anything else is a bug, raised
        self._passing = passing  # which of them an outage is, worth trying again
        self._then = then  # what follows the registration: polling starts
        self._delays = (retry_delay, max_retry_delay)
        self._task: asyncio.Task[None] | None = None

    @property
    def pending(self) -> bool:
        """The platform has not taken the registration yet: it is being tried again."""
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        """Registers; ChannelRefused if the platform refuses, a retry in the background if it
        cannot be reached."""
        try:
            await self._register()
        except self._refusals as exc:
            if not self._passing(exc):
                raise ChannelRefused(
                    f"{self.channel}: the platform refused the bot ({describe(exc)}); check its "
                    "token and webhook address: hailong doctor says which"
                ) from None
            log.warning(
                "%s: the platform did not answer the registration (%s); the rest serves, and "
                "it is tried again in the background",
                self.channel, describe(exc),
            )  # fmt: skip
            self._task = asyncio.create_task(self._again(), name=f"{self.channel}-registration")
            return
        self._then()

    async def stop(self) -> None:
        """Gives up trying (a stop while the platform is still away)."""
        task, self._task = self._task, None
        await cancelled(task)

    async def _again(self) -> None:
        base, cap = self._delays
        failed = Backoff(base, cap)
        failed.next()  # the first try, at start, failed already
        while True:
            await asyncio.sleep(failed.next())
            try:
                await self._register()
            except self._refusals as exc:
                level = logging.WARNING if self._passing(exc) else logging.ERROR
                log.log(level, "%s: registration failed again: %s", self.channel, describe(exc))
                continue
            log.info(
                "%s: registered with the platform after %d tries", self.channel, failed.failures
            )
            self._then()
            return
