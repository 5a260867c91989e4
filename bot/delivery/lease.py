"""Leases: one process at a time does a thing for a channel — sends on a bot token (the platforms
count their limits per token, not per process), long-polls it (a second poller gets 409) — or
runs a scheduled job.

On PostgreSQL a lease is a session advisory lock per (purpose, channel), held on a connection of
its own for as long as this process holds it; if the process dies the server drops the connection
and the lock, and a standby process takes over at its next try. On a SQLite file it is an
exclusive `flock` on a lock file beside the database (one host, like SQLite itself); an in-memory
SQLite database has a single process by nature. SQLite has one process in any case:
`hold_database` refuses to start a second one on the same file.
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
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.cli_errors import OperatorError
from bot.database_url import database_address
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


def lease_for(db: Database, purpose: str = "sender") -> Lease:
    """The leases of one purpose ("sender", "poller", "job") for this database."""
    if not db.is_sqlite:
        return AdvisoryLease(db, purpose)
    path = _sqlite_file(db)
    if path is None:
        return SoleLease()
    return FileLease(path, purpose)


def lock_key(channel: str, purpose: str = "sender") -> int:
    """A stable 64-bit advisory lock key for a channel's (or a job's) lease of one purpose."""
    digest = hashlib.sha256(f"hailong-{purpose}:{channel}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class AnotherProcess(OperatorError):
    """A second process on a SQLite database file: SQLite allows one."""


class ProcessLock:
    """This process's hold on its SQLite database file, until `release` or its end."""

    def __init__(self, fd: int | None = None) -> None:
        self._fd = fd  # a bare descriptor: held until released or the process ends

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing it releases the lock


def hold_database(db: Database) -> ProcessLock:
    """Claims a SQLite database file for this process; raises `AnotherProcess` if another holds
    it. A POSIX record lock, so several apps of one process (tests) share it. PostgreSQL takes
    any number of replicas: nothing to hold."""
    path = _sqlite_file(db) if db.is_sqlite else None
    if path is None:
        return ProcessLock()
    lock_path = path.with_name(f"{path.name}.lock")
    fd = os.open(lock_path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise AnotherProcess(
            f"another Hài Lòng process is running on the SQLite database {path} "
            f"(it holds {lock_path}); SQLite allows one process: stop it first, or use "
            "PostgreSQL to run several replicas"
        ) from None
    return ProcessLock(fd)


def _sqlite_file(db: Database) -> Path | None:
    return database_address(db.url).sqlite_file


class AdvisoryLease:
    """pg_try_advisory_lock on a connection kept open for the purpose."""

    def __init__(self, db: Database, purpose: str = "sender") -> None:
        self.db = db
        self.purpose = purpose
        self._connection: AsyncConnection | None = None
        self._held: set[str] = set()

    async def acquire(self, channel: str) -> bool:
        if channel in self._held:
            return True
        if self._connection is None:
            self._connection = await self.db.engine.connect()
        key = lock_key(channel, self.purpose)
        try:
            got = await self._connection.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": key})
            await self._connection.commit()  # session-level lock; leave no transaction open
        except Exception:
            await self.release()  # a broken connection: a new one at the next try
            raise
        if got:
            self._held.add(channel)
        return bool(got)

    async def healthy(self) -> bool:
        if self._connection is None:
            return True
        try:
            await self._connection.scalar(text("SELECT 1"))
            await self._connection.commit()
        except Exception as error:
            log.warning(
                "%s lease connection lost (%s): letting go until re-acquired",
                self.purpose,
                type(error).__name__,
            )
            await self.release()
            return False
        return True

    async def release(self) -> None:
        connection, self._connection = self._connection, None
        self._held.clear()
        if connection is not None:
            with contextlib.suppress(Exception):  # ends the session, and with it the locks:
                await connection.invalidate()  # back in the pool, they would stay held
                await connection.close()


class FileLease:
    """An exclusive flock per channel on files beside the SQLite database."""

    def __init__(self, database: Path, purpose: str = "sender") -> None:
        self.database = database
        self.purpose = purpose
        self._files: dict[str, IO[bytes]] = {}

    async def acquire(self, channel: str) -> bool:
        if channel in self._files:
            return True
        path = self.database.with_name(f"{self.database.name}.{self.purpose}-{channel}.lock")
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
