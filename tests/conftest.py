"""Shared fixtures: a migrated database per backend, an app on the memory channel, a fixed clock.

SQLite always runs; PostgreSQL runs when HAILONG_TEST_POSTGRES_URL is set (`.ci/run` sets it).
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import App, create_app
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.db import Base
from bot.logs import CAPS, LogHandler
from bot.migrate import recreate, upgrade
from bot.settings import Settings
from tests.phones import Deployment

POSTGRES_URL = os.environ.get("HAILONG_TEST_POSTGRES_URL")
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
        assert POSTGRES_URL is not None
        url = POSTGRES_URL
        await recreate(url)
        return url
    await upgrade(url)
    return url


@pytest.fixture
async def clean_database(database_url: str) -> str:
    """The session's database with every table emptied before the test."""
    engine = create_async_engine(database_url)
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    async with engine.begin() as connection:
        if database_url.startswith("sqlite"):
            for table in tables:
                await connection.execute(text(f"DELETE FROM {table}"))
        else:
            await connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
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
