"""One sending process per bot token: the platforms count their limits per token, not per process.

On PostgreSQL the lease is a session advisory lock per channel, held on a connection of its own
for as long as this process sends; if the process dies the server drops the connection and the
lock, and a standby process takes over at its next try. On a SQLite file it is an exclusive
`flock` on a lock file beside the database (one host, like SQLite itself); an in-memory SQLite
database has a single process by nature.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db import Database

log = logging.getLogger(__name__)


class Lease(Protocol):
    """Which channels this process may send on."""

    async def acquire(self, channel: str) -> bool:
        """Takes the channel's lease if nobody holds it; True if this process holds it now."""
        ...

    async def healthy(self) -> bool:
        """False once the leases may have been lost (their connection broke): stop sending."""
        ...

    async def release(self) -> None:
        """Gives up every lease (a clean stop; a crash gives them up as well)."""
        ...


def lease_for(db: Database) -> Lease:
    if not db.is_sqlite:
        return AdvisoryLease(db)
    path = make_url(db.url).database
    if not path or path == ":memory:":
        return SoleLease()
    return FileLease(Path(path))


def lock_key(channel: str) -> int:
    """A stable 64-bit advisory lock key for a channel's sender."""
    digest = hashlib.sha256(f"hailong-sender:{channel}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class AdvisoryLease:
    """pg_try_advisory_lock on a connection kept open for the purpose."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._connection: AsyncConnection | None = None
        self._held: set[str] = set()

    async def acquire(self, channel: str) -> bool:
        if channel in self._held:
            return True
        if self._connection is None:
            self._connection = await self.db.engine.connect()
        key = lock_key(channel)
        got = await self._connection.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": key})
        await self._connection.commit()  # session-level lock; leave no transaction open
        if got:
            self._held.add(channel)
        return bool(got)

    async def healthy(self) -> bool:
        if self._connection is None:
            return True
        try:
            await self._connection.scalar(text("SELECT 1"))
            await self._connection.commit()
        except Exception:
            log.exception("sender lease connection lost: stopping sends until re-acquired")
            await self.release()
            return False
        return True

    async def release(self) -> None:
        connection, self._connection = self._connection, None
        self._held.clear()
        if connection is not None:
            with contextlib.suppress(Exception):  # closing drops the locks either way
                await connection.close()


class FileLease:
    """An exclusive flock per channel on files beside the SQLite database."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self._files: dict[str, IO[bytes]] = {}

    async def acquire(self, channel: str) -> bool:
        if channel in self._files:
            return True
        path = self.database.with_name(f"{self.database.name}.sender-{channel}.lock")
        handle = open(path, "ab")  # noqa: SIM115 - held open for as long as the lease
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        os.set_inheritable(handle.fileno(), False)
        self._files[channel] = handle
        return True

    async def healthy(self) -> bool:
        return True

    async def release(self) -> None:
        files, self._files = self._files, {}
        for handle in files.values():
            handle.close()  # closing the file releases its flock


class SoleLease:
    """An in-memory database: this process is the only one."""

    async def acquire(self, channel: str) -> bool:
        return True

    async def healthy(self) -> bool:
        return True

    async def release(self) -> None:
        return None
