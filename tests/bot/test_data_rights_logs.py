"""The data rights leak nothing into the logs (the patterns of tests/bot/test_logs.py): a parent
files a named complaint, sees their data, corrects their name and the complaint's contact, gets a
copy as files, and the retention job empties the case, all over Telegram with every app logger at
DEBUG; no name, phone, text or file content appears. The same run with every logger at DEBUG and
no caps shows that the probe finds them when they are there."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.logs import configure_logging
from bot.settings import Settings
from handlers import texts
from handlers.retention import apply_retention
from tests.bot.test_channel_parity import join_and_consent
from tests.factories import make_school
from tests.phones import Deployment, TelegramPhone, last_reply

NAME, PHONE, NEW_PHONE, NEW_NAME = "Lê Thị Tố", "0912 345 678", "0987 654 321", "Trần Thị Bình"
COMPLAINT = "Nhà trường thu tiền máy lạnh lớp Lá 1 không có trong danh mục các khoản thu."
NEVER = (NAME, PHONE, NEW_PHONE, NEW_NAME, COMPLAINT, "Lan Nguyễn")


@pytest.fixture
def settings(clean_database: str, tmp_path: Path) -> Settings:
    return Settings(database_url=clean_database, reports_dir=tmp_path / "reports", _env_file=None)


async def exercise_the_rights(settings: Settings, clock: FixedClock) -> None:
    deployment = Deployment(settings, clock)
    await deployment.start()
    try:
        setup = await make_school(deployment.app)
        parent = TelegramPhone(deployment, 8101)
        await join_and_consent(parent, setup.classes["Lá 1"].invite_code)
        await parent.says("/phananh")
        await parent.chooses("Khiếu nại")
        await parent.chooses("Học phí – các khoản thu")
        await parent.chooses(texts.SEND_NAMED)
        for typed in (NAME, PHONE, COMPLAINT):
            await parent.says(typed)
        await parent.chooses(texts.FEEDBACK_SEND)
        await parent.says("/dulieu")
        await parent.chooses(texts.FIX_NAME)
        await parent.says(NEW_NAME)
        await parent.chooses(texts.FIX_SAVE)
        await parent.says("/dulieu")
        await parent.chooses(texts.FIX_TICKET)
        await parent.chooses("Cách liên hệ")
        await parent.says(NEW_PHONE)
        await parent.chooses(texts.FIX_SAVE)
        assert NEW_PHONE in await last_reply(parent)
        await parent.says("/dulieu")
        await parent.chooses(texts.SEND_MY_COPY)
        uploads = deployment.telegram_api.calls_of("sendDocument")
        assert len(uploads) == 2
        clock.advance(days=3650 + 10)  # past every period, the case's included
        await apply_retention(deployment.app.job_context)
    finally:
        await deployment.close()


async def test_seeing_correcting_copying_and_retention_at_debug_leak_nothing(
    settings: Settings, clock: FixedClock
) -> None:
    buffer = io.StringIO()
    configure_logging("DEBUG", "text", settings.timezone, stream=buffer)
    await exercise_the_rights(settings, clock)
    output = buffer.getvalue()
    assert [secret for secret in NEVER if secret in output] == []
    assert "retention: " in output  # the job said what it did, in counts


async def test_the_same_run_with_every_logger_at_debug_would_leak(
    settings: Settings, clock: FixedClock, naive_logging: io.StringIO
) -> None:
    await exercise_the_rights(settings, clock)
    found = [secret for secret in NEVER if secret in naive_logging.getvalue()]
    assert NEW_PHONE in found and NEW_NAME in found
