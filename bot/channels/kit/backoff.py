"""Waiting after a failure: one exponential backoff with a cap and jitter, for every retry loop."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field


def delay_after(
    failures: int,
    base: float,
    cap: float,
    jitter: float = 0.0,
    rand: Callable[[], float] = random.random,
) -> float:
    """The wait after `failures` failures in a row (1 for the first): base·2^(n−1), at most `cap`,
    less a random share of up to `jitter` of it so that many waiting clients do not retry at once.
    """
    raw = min(cap, base * 2.0 ** min(max(failures - 1, 0), 62))
    return raw * (1.0 - jitter * rand())


@dataclass
class Backoff:
    """A retry loop's growing wait: `next()` after each failure, `reset()` after a success."""

    base: float = 1.0
    cap: float = 30.0
    jitter: float = 0.2
    rand: Callable[[], float] = random.random
    failures: int = field(default=0, init=False)

    def next(self) -> float:
        """The wait before the next attempt, longer than the last one until the cap."""
        self.failures += 1
        return delay_after(self.failures, self.base, self.cap, self.jitter, self.rand)

    def reset(self) -> None:
        self.failures = 0
