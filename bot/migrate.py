"""Runs the Alembic migrations shipped in `migrations/` against a database URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

import migrations
from bot.db import make_sqlite_folder

SCRIPTS = Path(migrations.__file__).parent


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.set_main_option("sqlalchemy.url", url)
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(slug)s_%%(rev)s")
    return config


async def upgrade(url: str, revision: str = "heads") -> None:
    """Brings the database to `revision` (all branch heads by default) in one transaction, on
    SQLite too: a failure or a kill part-way leaves the database as it was. Makes the SQLite
    folder."""
    make_sqlite_folder(url)
    engine = create_async_engine(url)
    if engine.dialect.name == "sqlite":
        _transactional_ddl(engine)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run, url, revision)
    finally:
        await engine.dispose()


def _transactional_ddl(engine: AsyncEngine) -> None:
    """SQLite's driver would commit each CREATE and ALTER by itself: BEGIN is sent by us instead
    (SQLAlchemy's recipe for transactional DDL on pysqlite and aiosqlite)."""

    @event.listens_for(engine.sync_engine, "connect")
    def no_driver_transactions(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine.sync_engine, "begin")
    def begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")


def _run(connection: Connection, url: str, revision: str) -> None:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def emptied(url: str) -> None:
    """Drops every table of a PostgreSQL database, alembic's too (tests, benchmarks)."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


async def recreate(url: str) -> None:
    """Drops every table of a PostgreSQL database and migrates it afresh (tests, benchmarks)."""
    await emptied(url)
    await upgrade(url)
