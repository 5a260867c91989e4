"""The app with its report files in a temporary folder, and the seeded district in it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App, create_app
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.settings import Settings
from tests.handlers.reports.dataset import Seeded, seed


@pytest.fixture
async def app(  # the shared fixture's app, but writing its files under tmp_path
    settings: Settings, memory: MemoryChannel, clock: FixedClock, tmp_path: Path
) -> AsyncIterator[App]:
    chosen = settings.model_copy(update={"reports_dir": tmp_path / "reports"})
    application = create_app(chosen, channels=[memory], clock=clock, jobs=[])
    await application.start(scheduler=False, sender=False)
    yield application
    await application.stop()


@pytest.fixture
async def seeded(app: App) -> Seeded:
    async with app.db.transaction() as session:
        return await seed(session)
