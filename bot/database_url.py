"""HAILONG_DATABASE_URL read in one place: the SQLite file it names, and the database as a
person names it, never with the password; a URL that cannot be read is one error that does not
repeat it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError


class UnreadableDatabaseUrl(ValueError):
    """A URL that does not parse, or parses into a host or name holding an "@" (an "@" of the
    password not written %40): never the URL itself in the message, it may hold the password."""

    def __init__(self) -> None:
        super().__init__(
            "HAILONG_DATABASE_URL cannot be read; write it "
            "postgresql+asyncpg://user:password@host:5432/name, the port a number and an @ in "
            "the password written %40"
        )


@dataclass(frozen=True)
class DatabaseAddress:
    """Where a database URL points."""

    url: URL

    @property
    def sqlite_file(self) -> Path | None:
        """The file of a SQLite database (None: a server, or a database in memory)."""
        if self.url.get_backend_name() != "sqlite" or self.url.database in (None, "", ":memory:"):
            return None
        return Path(self.url.database)

    @property
    def server(self) -> str:
        """host:port of a database server."""
        return f"{self.url.host or 'localhost'}:{self.url.port or 5432}"

    @property
    def place(self) -> str:
        """The SQLite file, else host:port/name."""
        if self.url.get_backend_name() == "sqlite":
            return self.url.database or ":memory:"
        return f"{self.server}/{self.url.database or ''}"


def database_address(database_url: str) -> DatabaseAddress:
    """The URL parsed; UnreadableDatabaseUrl if it cannot be."""
    try:
        url = make_url(database_url)
    except (ArgumentError, ValueError):
        raise UnreadableDatabaseUrl from None
    if url.get_backend_name() != "sqlite" and "@" in f"{url.host}{url.database}":
        raise UnreadableDatabaseUrl
    return DatabaseAddress(url)
