"""Engine, sessions and transactions (bot/unit_of_work.py makes a transaction a unit of work)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, MetaData, Table, event, text
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

from bot.database_url import database_address

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def table_of(model: type[Base]) -> Table:
    """The Core table of a model, for statements built once and run on every event."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; SQLite keeps no zone, so it is put back on load."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Database:
    """The engine and session factory of one deployment."""

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        # an error's text names its statement, never its values (a parent's words, a phone)
        engine_options.setdefault("hide_parameters", True)
        if self.is_sqlite:
            engine_options.setdefault("connect_args", {"timeout": 30})
        else:
            engine_options.setdefault("pool_size", 20)
            engine_options.setdefault("max_overflow", 10)
        self.engine: AsyncEngine = create_async_engine(url, **engine_options)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer; serialising our own transactions avoids "database is locked".
        self._write_lock = asyncio.Lock() if self.is_sqlite else None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One transaction: commits on success, rolls back on any error."""
        if self._write_lock is None:
            async with self.sessions.begin() as session:
                yield session
            return
        async with self._write_lock, self.sessions.begin() as session:
            yield session

    @asynccontextmanager
    async def single_statement(self) -> AsyncIterator[AsyncConnection]:
        """A connection whose statement commits by itself, without BEGIN and COMMIT round trips."""
        async with (
            self._write_lock or contextlib.nullcontext(),
            self.engine.connect() as connection,
        ):
            yield await connection.execution_options(isolation_level="AUTOCOMMIT")

    async def problem(self, seconds: float) -> str | None:
        """Why the database does not answer `SELECT 1` within `seconds` (the error's type, never
        its text: it may name the server), or None when it answers."""
        try:
            async with asyncio.timeout(seconds), self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as error:  # whatever it is, the answer is "not healthy", not a 500
            return type(error).__name__
        return None

    async def dispose(self) -> None:
        await self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def upsert_statements(
    build: Callable[[Any], Any],
) -> Callable[[AsyncSession | AsyncConnection], Any]:
    """An upsert built by `build(insert)` with the session's dialect's own insert (the one with
    ON CONFLICT), once per dialect, when first run: a command never loads a dialect it does not
    use."""

    @functools.cache
    def built(dialect: str) -> Any:
        return build(importlib.import_module(f"sqlalchemy.dialects.{dialect}").insert)

    return lambda db: built(
        db.get_bind().dialect.name if isinstance(db, AsyncSession) else db.dialect.name
    )


class json_object_agg(FunctionElement[dict[str, Any]]):
    """The grouped rows' (key, value) pairs as one JSON object (NULL or {} for no rows)."""

    type = JSON()
    inherit_cache = True


@compiles(json_object_agg, "postgresql")
def _json_object_agg_postgresql(element: json_object_agg, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_object_agg({compiler.process(element.clauses, **kw)})"


@compiles(json_object_agg, "sqlite")
def _json_object_agg_sqlite(element: json_object_agg, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_group_object({compiler.process(element.clauses, **kw)})"


def make_sqlite_folder(url: str) -> None:
    """Makes the folder of a SQLite file (`var/` on a fresh checkout); nothing for a server."""
    path = database_address(url).sqlite_file
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
