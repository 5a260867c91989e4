"""A channel's health as the sender sees it: held after the platform fails, then probed.

When a send fails for the platform's sake (an HTTP 5xx, no connection, no answer in time) the
whole channel waits: 1 s after the first failure, then twice as long after each failed probe, at
most 30 s, less a random share so that a restarted fleet does not retry in step. Once the wait
is over one message goes out alone, as a probe; its success opens the channel again. So a
ten-minute outage costs two requests a minute, not one per waiting message, and the messages
leave within 30 s of the platform's return.

A 429 is the platform asking for time, not failing: its `retry_after` holds the chat it named,
and the whole channel once a second chat is told to wait while the first still waits (the token
itself is over its limit); then, too, one message goes alone first. It never counts as a failure.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.channels.kit.backoff import Backoff

HOLD_BASE = 1.0
HOLD_CAP = 30.0
JITTER = 0.2


@dataclass
class Outage:
    """One channel: whether it may send now, and whether it is probing after failures."""

    rand: Callable[[], float] = random.random
    held_until: datetime | None = None
    backoff: Backoff = field(init=False)
    _floods: dict[str, datetime] = field(default_factory=dict, init=False)
    _token_flooded: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self.backoff = Backoff(HOLD_BASE, HOLD_CAP, JITTER, self.rand)

    @property
    def probing(self) -> bool:
        """After a failure or a 429 for the token, one message at a time until one goes through."""
        return self.backoff.failures > 0 or self._token_flooded

    def wait(self, now: datetime) -> float:
        """Seconds until the channel may send again (0: now)."""
        if self.held_until is None or self.held_until <= now:
            return 0.0
        return (self.held_until - now).total_seconds()

    def failed(self, now: datetime) -> None:
        """A send failed for the platform's sake: hold the channel, longer each time in a row.

        Failures of sends that were in flight when the hold began do not lengthen it.
        """
        if self.wait(now) > 0:
            return
        self._hold(now + timedelta(seconds=self.backoff.next()))

    def succeeded(self) -> None:
        """The platform answered: the outage, if any, is over."""
        self.backoff.reset()
        self._token_flooded = False

    def flooded(self, now: datetime, chat_id: str, seconds: float) -> bool:
        """A 429 for this chat; True if it is news (no other 429's wait is running)."""
        until = now + timedelta(seconds=seconds)
        self._floods = {chat: at for chat, at in self._floods.items() if at > now}
        news = not self._floods
        if any(chat != chat_id for chat in self._floods):  # the token, not one chat
            self._hold(until)
            self._token_flooded = True
        self._floods[chat_id] = max(until, self._floods.get(chat_id, until))
        return news

    def _hold(self, until: datetime) -> None:
        if self.held_until is None or until > self.held_until:
            self.held_until = until
