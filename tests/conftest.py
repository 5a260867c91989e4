"""Shared fixtures: a migrated database per backend, an app on the memory channel, a fixed clock.

SQLite always runs; PostgreSQL runs when HAILONG_TEST_POSTGRES_URL is set (`.ci/run` sets it).
Run in parallel (`pytest -n 2`, as `.ci/run` does), each worker has a PostgreSQL database of its
own, the URL's database name with the worker's after it (`hailong_test_gw0`), made if missing.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import App, create_app
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.logs import CAPS, LogHandler
from bot.migrate import recreate, upgrade
from bot.models.schema import metadata
from bot.settings import Settings
from tests.phones import Deployment


def _workers_own(url: str | None) -> str | None:
    """The worker's own database on the server of `url` (pytest-xdist), else `url` itself."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if url is None or worker is None:
        return url
    given = make_url(url)
    return given.set(database=f"{given.database}_{worker}").render_as_string(hide_password=False)


SERVER_URL = os.environ.get("HAILONG_TEST_POSTGRES_URL")
POSTGRES_URL = _workers_own(SERVER_URL)
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 in Hà Nội


@pytest.fixture(autouse=True)
def logging_as_pytest_set_it() -> Iterator[None]:
    """`hailong` commands configure the process's logging (bot/logs.py); each test starts over."""
    root = logging.getLogger()
    level, levels = root.level, {name: logging.getLogger(name).level for name in CAPS}
    yield
    for handler in [h for h in root.handlers if isinstance(h, LogHandler)]:
        root.removeHandler(handler)
    root.setLevel(level)
    for name, was in levels.items():
        logging.getLogger(name).setLevel(was)


@pytest.fixture(scope="session", params=BACKENDS)
async def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A freshly migrated database of each backend, shared by the session."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        assert SERVER_URL is not None and POSTGRES_URL is not None
        url = POSTGRES_URL
        if url != SERVER_URL:
            await _create_if_missing(url, SERVER_URL)
        await recreate(url)
        return url
    await upgrade(url)
    return url


async def _create_if_missing(url: str, server_url: str) -> None:
    name = make_url(url).database
    engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            found = await connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if found.first() is None:
                await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()


RESTART_SEQUENCES = """SELECT setval(format('%I.%I', schemaname, sequencename), 1, false)
FROM pg_sequences WHERE schemaname = current_schema()"""


@pytest.fixture
async def clean_database(database_url: str) -> str:
    """The session's database with every table emptied before the test, its ids from 1 again."""
    # DELETE, children first: PostgreSQL's TRUNCATE makes new files for every table and index,
    # about three times slower on tables this small (100 ms against 30 ms a test)
    engine = create_async_engine(database_url)
    async with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            await connection.execute(table.delete())
        if database_url.startswith("postgresql"):  # SQLite numbers an empty table from 1
            await connection.execute(text(RESTART_SEQUENCES))
    await engine.dispose()
    return database_url


@pytest.fixture
def settings(clean_database: str, tmp_path: Path) -> Settings:
    # photos people send are stored on receipt, report files written and cleaned up (the daily
    # clean-up deletes old ones): in the test's own folder, not the worktree's var/
    return Settings(
        database_url=clean_database,
        media_dir=tmp_path / "media",
        reports_dir=tmp_path / "reports",
        _env_file=None,
    )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def memory() -> MemoryChannel:
    return MemoryChannel()


@pytest.fixture
async def app(settings: Settings, memory: MemoryChannel, clock: FixedClock) -> AsyncIterator[App]:
    """The real app wired to the memory channel; the test settles it explicitly."""
    application = create_app(settings, channels=[memory], clock=clock, jobs=[])
    await application.start(scheduler=False, sender=False)
    yield application
    await application.stop()


@pytest.fixture
async def deployment(settings: Settings, clock: FixedClock) -> AsyncIterator[Deployment]:
    """The app on Telegram, Zalo and web, served on 127.0.0.1 with the fake platforms."""
    running = Deployment(settings, clock)
    await running.start()
    yield running
    await running.close()
