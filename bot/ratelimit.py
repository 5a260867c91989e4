"""Token buckets for the platforms' sending limits: overall, per chat and per group.

The sender aims a little below each published limit (`pace`, e.g. 0.96): the platform sees our
messages after a network trip that is never quite even, and a bucket run at exactly the limit
would be refused now and then. A 429 that gets through anyway lowers the pace of that token by a
tenth (down to half) for a while, and it creeps back a step a minute.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PENALTY = 0.9
FLOOR = 0.5
RECOVERY_STEP = 0.02
RECOVERY_SECONDS = 60.0
BURST_SECONDS = 1 / 3


@dataclass
class Bucket:
    """`rate` tokens a second, at most `burst` saved up; rate 0 means unlimited."""

    rate: float
    burst: float
    tokens: float = field(init=False)
    stamp: float = 0.0

    def __post_init__(self) -> None:
        self.tokens = self.burst

    def wait(self, now: float) -> float:
        """Seconds until one token is available."""
        if self.rate <= 0:
            return 0.0
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        if self.rate <= 0:
            return
        self._refill(now)
        self.tokens -= 1

    def _refill(self, now: float) -> None:
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now


@dataclass(frozen=True)
class Limits:
    """A platform's published limits for one bot token (0 = none)."""

    overall_per_second: float
    chat_per_second: float
    group_per_minute: float


class RateLimiter:
    """The limits of one bot token, paced a little below them; idle chat buckets are forgotten."""

    def __init__(self, limits: Limits, pace: float = 1.0) -> None:
        self.limits = limits
        self.target_pace = self.pace = pace
        # a third of a second's worth at once: the platform's bucket keeps the rest in hand for
        # the jitter of the network, as we then run a little below its rate
        burst = max(1.0, limits.overall_per_second * BURST_SECONDS)
        self.overall = Bucket(limits.overall_per_second * pace, burst)
        self._chats: dict[str, Bucket] = {}
        self._slowed_at = 0.0

    def overall_wait(self, now: float) -> float:
        """Seconds until the token may send anything at all."""
        return self.overall.wait(now)

    def wait(self, chat_id: str, group: bool, now: float) -> float:
        """Seconds until a message to this chat may go; 0 means now."""
        return max(self.overall.wait(now), self._chat(chat_id, group).wait(now))

    def take(self, chat_id: str, group: bool, now: float) -> None:
        if self.pace < self.target_pace and now - self._slowed_at >= RECOVERY_SECONDS:
            self._set_pace(min(self.target_pace, self.pace + RECOVERY_STEP), now)
        self.overall.take(now)
        self._chat(chat_id, group).take(now)
        if len(self._chats) > 50_000:
            self._forget_full(now)

    def slow_down(self, now: float) -> None:
        """The platform answered 429 although we kept to the limits: aim lower for a while."""
        self._set_pace(max(FLOOR * self.target_pace, self.pace * PENALTY), now)

    def _set_pace(self, pace: float, now: float) -> None:
        scale = pace / self.pace
        self.pace, self._slowed_at = pace, now
        self.overall.rate = self.limits.overall_per_second * pace
        for bucket in self._chats.values():
            bucket.rate *= scale

    def _chat(self, chat_id: str, group: bool) -> Bucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            if group:
                rate = self.limits.group_per_minute / 60 * self.pace
                bucket = Bucket(rate, max(1.0, min(3.0, self.limits.group_per_minute)))
            else:
                bucket = Bucket(self.limits.chat_per_second * self.pace, 3.0)
            self._chats[chat_id] = bucket
        return bucket

    def _forget_full(self, now: float) -> None:
        for chat_id, bucket in list(self._chats.items()):
            if bucket.wait(now) == 0 and bucket.tokens >= bucket.burst:
                del self._chats[chat_id]
