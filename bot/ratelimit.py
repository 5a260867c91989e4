"""Token buckets for the platforms' sending limits: overall, per chat and per group."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    overall_per_second: float
    chat_per_second: float
    group_per_minute: float


class RateLimiter:
    """The limits of one bot token; idle per-chat buckets are forgotten."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.overall = Bucket(limits.overall_per_second, max(1.0, limits.overall_per_second))
        self._chats: dict[str, Bucket] = {}

    def wait(self, chat_id: str, group: bool, now: float) -> float:
        """Seconds until a message to this chat may go; 0 means now."""
        return max(self.overall.wait(now), self._chat(chat_id, group).wait(now))

    def take(self, chat_id: str, group: bool, now: float) -> None:
        self.overall.take(now)
        self._chat(chat_id, group).take(now)
        if len(self._chats) > 50_000:
            self._forget_full(now)

    def _chat(self, chat_id: str, group: bool) -> Bucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            if group:
                rate = self.limits.group_per_minute / 60
                bucket = Bucket(rate, max(1.0, min(3.0, self.limits.group_per_minute)))
            else:
                bucket = Bucket(self.limits.chat_per_second, 3.0)
            self._chats[chat_id] = bucket
        return bucket

    def _forget_full(self, now: float) -> None:
        for chat_id, bucket in list(self._chats.items()):
            if bucket.wait(now) == 0 and bucket.tokens >= bucket.burst:
                del self._chats[chat_id]
