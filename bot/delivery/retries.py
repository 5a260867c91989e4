"""When a message that failed is tried again, and when it is given up.

A message is tried again after a failure with a growing wait (2 s, doubling, at most 5 minutes,
less a random share) until its time limit: `HAILONG_OUTBOX_GIVE_UP_HOURS` after it was queued
(24 by default). A broadcast expires as long after its release (its rows are written then):
broadcasts had no expiry before, and a day-old announcement is stale. A 429 is never a failure:
the message waits what the platform asked and keeps its count. Only a failure that is the bot's
own (an unexpected error while sending, a bug) is given up sooner, after
`HAILONG_OUTBOX_MAX_ATTEMPTS` tries.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.channels.kit.backoff import delay_after
from bot.delivery.queues import Pending, Reason

__all__ = ["Reason", "Retries"]

RETRY_BASE = 2.0
RETRY_CAP = 300.0
JITTER = 0.2


@dataclass(frozen=True)
class Retries:
    """The sender's retry policy."""

    give_up_after: timedelta = timedelta(hours=24)
    max_errors: int = 8
    rand: Callable[[], float] = field(default=random.random, compare=False)

    def deadline(self, item: Pending, allowed_from: datetime | None = None) -> datetime:
        """When the message is given up if it has not gone by then: its time limit runs from
        when it was queued, or from when it was first allowed to go (after quiet hours)."""
        return max(item.queued_at, allowed_from or item.queued_at) + self.give_up_after

    def delay(self, attempts: int, hint: float = 0.0) -> float:
        """Seconds before the next try after `attempts` failed ones, at least the hint given."""
        return max(hint, delay_after(attempts, RETRY_BASE, RETRY_CAP, JITTER, self.rand))

    def spent(self, item: Pending) -> bool:
        """The bot's own error has recurred too often: trying again will not help."""
        return item.attempts >= self.max_errors
