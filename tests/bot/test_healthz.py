"""GET /healthz over real HTTP: 200 while the database answers, 503 when it refuses or is silent."""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.app import HEALTH_DATABASE_SECONDS, App, create_app
from bot.settings import Settings
from tests.fakes.loopback import free_port


async def healthz(app: App) -> tuple[int, dict[str, Any]]:
    """The app's HTTP server on a loopback port, asked once."""
    runner = web.AppRunner(app.web, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/healthz") as response,
        ):
            return response.status, await response.json()
    finally:
        await runner.cleanup()


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections (the kernel's backlog) and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


@asynccontextmanager
async def app_on(url: str, tmp_path: Path) -> AsyncIterator[App]:
    """An app wired to `url`, never started (start would need the database)."""
    settings = Settings(database_url=url, media_dir=tmp_path / "media", _env_file=None)
    app = create_app(settings, channels=[], jobs=[])
    try:
        yield app
    finally:
        await app.db.dispose()


async def test_healthz_is_200_while_the_database_answers(app: App) -> None:
    assert await healthz(app) == (200, {"status": "ok", "database": "ok"})


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
async def test_healthz_is_503_when_the_database_cannot_be_reached(
    backend: str, tmp_path: Path
) -> None:
    url = {  # nothing listens on the port; the file's folder does not exist
        "postgresql": f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/hailong",
        "sqlite": f"sqlite+aiosqlite:///{tmp_path / 'no such folder' / 'hailong.db'}",
    }[backend]
    async with app_on(url, tmp_path) as app:
        status, body = await healthz(app)
    assert status == 503
    assert body["status"] == "unavailable"
    assert body["database"] not in ("", "ok")


async def test_healthz_is_503_in_time_when_the_database_does_not_answer(
    silent_server: int, tmp_path: Path
) -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{silent_server}/hailong"
    started = time.monotonic()
    async with app_on(url, tmp_path) as app:
        answer = await healthz(app)
    took = time.monotonic() - started
    assert answer == (503, {"status": "unavailable", "database": "TimeoutError"})
    assert HEALTH_DATABASE_SECONDS <= took < HEALTH_DATABASE_SECONDS + 5, took  # not asyncpg's 60 s
