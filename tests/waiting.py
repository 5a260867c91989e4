"""Waiting in a test for something another task or process makes true, with a deadline."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


async def wait_until(
    condition: Callable[[], Awaitable[bool]], seconds: float, every: float = 0.05
) -> None:
    """Asks `condition` every `every` seconds until it holds; fails the test after `seconds`."""
    deadline = time.monotonic() + seconds
    while not await condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(every)
