"""A receiver for channel tests: what the app's inbox would be, minus the database."""

from __future__ import annotations

import asyncio

from bot.channels.base import Inbound


class Recorder:
    """A receiver that remembers what arrived and can fail chosen updates a number of times."""

    def __init__(
        self, fail: dict[str, int] | None = None, error: type[Exception] = RuntimeError
    ) -> None:
        self.seen: list[Inbound] = []
        self._fail = dict(fail or {})
        self._error = error
        self._arrived = asyncio.Event()

    async def __call__(self, inbound: Inbound) -> bool:
        self.seen.append(inbound)
        self._arrived.set()
        if self._fail.get(inbound.external_id, 0) > 0:
            self._fail[inbound.external_id] -= 1
            raise self._error("database is locked")
        return True

    @property
    def ids(self) -> list[str]:
        return [i.external_id for i in self.seen]

    async def wait_until(self, count: int, timeout: float = 3.0) -> None:
        async with asyncio.timeout(timeout):
            while len(self.seen) < count:
                self._arrived.clear()
                await self._arrived.wait()
