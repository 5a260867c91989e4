"""Telegram's flood control, played by a fake Bot API: limits, 429s, deliveries per chat.

Telegram publishes its limits only roughly (about 30 messages a second overall, 20 a minute in
one group, about 1 a second in one chat with short bursts tolerated; domain/telegram.md §2.1), so
this fake states its reading of them and enforces it exactly, on the time a request arrives:

- overall: a token bucket of 30 a second holding at most one second's worth;
- a group (negative chat id): 20 a minute, bursts of 3;
- a private chat: 1 a second, bursts of 3.

A message over a limit is refused with HTTP 429 and `parameters.retry_after` (whole seconds, as
Telegram gives them) and is not delivered. Every limit can be scaled (`scale=10`: ten times as
fast) so that tests and quick benchmark runs need not take minutes.

It also plays the moment a sender dies: `hold_after(n)` lets the first n messages through and then
takes every further one (it is delivered and counted) without ever answering it, until
`release()`, as if the sender's process had died before reading the answer.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Bucket:
    rate: float
    burst: float
    tokens: float = field(init=False)
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = self.burst

    def wait(self, now: float) -> float:
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass(frozen=True)
class FloodLimits:
    overall_per_second: float = 30.0
    group_per_minute: float = 20.0
    chat_per_second: float = 1.0
    burst: float = 3.0
    scale: float = 1.0


class FloodControl:
    """Decides, message by message, whether Telegram would take it now; counts what it took."""

    def __init__(
        self, limits: FloodLimits | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits or FloodLimits()
        self.clock = clock
        overall = self.limits.overall_per_second * self.limits.scale
        self.overall = _Bucket(overall, overall, stamp=clock())
        self._chats: dict[str, _Bucket] = {}
        self.delivered: Counter[str] = Counter()
        self.refused: list[tuple[float, str]] = []  # (when, chat) of every 429
        self.blocked: set[str] = set()
        self._hold_after: int | None = None
        self._released = asyncio.Event()
        self.held = 0

    @property
    def total(self) -> int:
        return sum(self.delivered.values())

    def hold_after(self, count: int) -> None:
        """After `count` deliveries, take further messages but never answer them (until release)."""
        self._hold_after = count
        self._released.clear()

    def release(self) -> None:
        self._hold_after = None
        self._released.set()

    def verdict(self, chat_id: str) -> tuple[int, str, int | None] | None:
        """None if the message is taken (and counted); else (status, description, retry_after)."""
        if chat_id in self.blocked:
            return 403, "Forbidden: bot was blocked by the user", None
        now = self.clock()
        chat = self._chat(chat_id, now)
        wait = max(self.overall.wait(now), chat.wait(now))
        if wait > 0:
            self.refused.append((now, chat_id))
            retry = max(1, math.ceil(wait))
            return 429, f"Too Many Requests: retry after {retry}", retry
        self.overall.tokens -= 1
        chat.tokens -= 1
        self.delivered[chat_id] += 1
        return None

    async def answer_later(self) -> None:
        """Holds the answer to a message taken after `hold_after`'s count, until `release`."""
        if self._hold_after is not None and self.total > self._hold_after:
            self.held += 1
            await self._released.wait()

    def _chat(self, chat_id: str, now: float) -> _Bucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            limits = self.limits
            if chat_id.startswith("-"):
                rate = limits.group_per_minute / 60 * limits.scale
            else:
                rate = limits.chat_per_second * limits.scale
            bucket = self._chats[chat_id] = _Bucket(rate, limits.burst, stamp=now)
        return bucket
