"""The shared app, writing its report files in a temporary folder, and the seeded province in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import App
from bot.settings import Settings
from tests.handlers.reports.dataset import Seeded, seed


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(update={"reports_dir": tmp_path / "reports"})


@pytest.fixture
async def seeded(app: App) -> Seeded:
    async with app.db.transaction() as session:
        return await seed(session)
