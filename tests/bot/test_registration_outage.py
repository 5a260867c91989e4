"""A channel starting while its Bot API is away (setWebhook or deleteWebhook answered 502): the
start goes on, the registration is tried again in the background, polling or the webhook follows;
a refusal a person must fix (401, a webhook address refused) stops the start in one line. Both
platforms, against their loopback fakes over real HTTP; then `hailong run` as an operator starts
it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.channels.base import Command
from bot.channels.kit.registration import ChannelRefused
from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_client import ZaloBotClient
from tests.fakes.loopback import free_port
from tests.fakes.receiver import Recorder
from tests.fakes.telegram_api import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import TOKEN as ZALO_TOKEN
from tests.fakes.zalo_api import FakeZalo

ROOT = Path(__file__).resolve().parents[2]
HOOK = "https://hailong.example.org/hooks/bot"
SECRET = "A_good-secret_42"


def telegram(fake: FakeTelegram, *, webhook: bool) -> TelegramChannel:
    return TelegramChannel(
        TELEGRAM_TOKEN,
        api_url=fake.api_url,
        webhook_url=HOOK if webhook else None,
        webhook_secret=SECRET if webhook else None,
        poll_timeout=1,
        retry_delay=0.01,
        max_retry_delay=0.05,
    )


def zalo(fake: FakeZalo, *, webhook: bool) -> ZaloChannel:
    return ZaloChannel(
        ZALO_TOKEN,
        webhook_url=HOOK if webhook else None,
        webhook_secret=SECRET if webhook else None,
        client=ZaloBotClient(ZALO_TOKEN, fake.api_url, retry_delays=(0.0, 0.0)),
        poll_timeout=1,
        retry_delay=0.01,
        max_retry_delay=0.05,
    )


@asynccontextmanager
async def started(channel: TelegramChannel | ZaloChannel) -> AsyncIterator[None]:
    """The channel started with a recording receiver, and stopped afterwards."""
    try:
        await channel.start(Recorder())
        yield
    finally:
        await channel.stop()


async def test_telegram_polls_once_the_bot_api_answers_deletewebhook_again() -> None:
    async with FakeTelegram() as fake:
        fake.fail_next("deleteWebhook", 3, status=502, description="Bad Gateway")
        async with started(telegram(fake, webhook=False)):  # not waiting for the Bot API
            assert fake.calls_of("getUpdates") == []
            await fake.wait_for("getUpdates")
            assert len(fake.calls_of("deleteWebhook")) == 4


async def test_telegram_sets_its_webhook_once_the_bot_api_answers_again() -> None:
    async with FakeTelegram() as fake:
        fake.fail_next("setWebhook", 2, status=504, description="Gateway Timeout")
        async with started(telegram(fake, webhook=True)):
            await fake.wait_for("setWebhook", 3)
            assert fake.webhook_url == HOOK


async def test_telegram_sets_everyones_menu_once_the_bot_api_answers_again() -> None:
    async with FakeTelegram() as fake:
        fake.fail_next("setMyCommands", 2, status=502, description="Bad Gateway")
        channel = telegram(fake, webhook=False)
        channel.use_menu([Command("khaosat", "Làm khảo sát"), Command("trogiup", "Trợ giúp")])
        async with started(channel):
            await fake.wait_for("getUpdates")  # polling follows the menu, not before it
            assert fake.menu_shown(8001, "vi") == ["khaosat", "trogiup"]
            assert fake.menu_shown(8001, "en") == ["khaosat", "trogiup"]
            assert len(fake.calls_of("deleteWebhook")) == 3  # tried again with the menu


async def test_a_menu_telegram_refuses_does_not_stop_the_start(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with FakeTelegram() as fake:
        fake.fail_next("setMyCommands", status=400, description="Bad Request: BOT_COMMAND_INVALID")
        channel = telegram(fake, webhook=False)
        channel.use_menu([Command("khaosat", "Làm khảo sát")])
        async with started(channel):
            await fake.wait_for("getUpdates")
            assert len(fake.calls_of("deleteWebhook")) == 1  # not tried again for a menu
        assert "telegram setMyCommands failed: BadRequest: Bot_command_invalid" in caplog.text


async def test_zalo_polls_and_sets_its_webhook_once_the_bot_api_answers_again() -> None:
    async with FakeZalo() as fake:
        fake.fail_next("deleteWebhook", 2, status=502, description="Bad Gateway")
        async with started(zalo(fake, webhook=False)):
            await fake.wait_for("getUpdates")
            assert len(fake.calls_of("deleteWebhook")) == 3
        fake.fail_next("setWebhook", 2, status=503, description="Service Unavailable")
        async with started(zalo(fake, webhook=True)):
            await fake.wait_for("setWebhook", 3)
            assert fake.webhook_url == HOOK


async def test_a_stop_while_the_bot_api_is_away_ends_the_retries() -> None:
    async with FakeTelegram() as fake:
        fake.fail_next("deleteWebhook", 1000, status=502, description="Bad Gateway")
        channel = telegram(fake, webhook=False)
        await channel.start(Recorder())
        await fake.wait_for("deleteWebhook", 3)
        await channel.stop()
        tried = len(fake.calls_of("deleteWebhook"))
        await asyncio.sleep(0.2)
        assert len(fake.calls_of("deleteWebhook")) == tried
        assert not [t for t in asyncio.all_tasks() if t.get_name() == "telegram-registration"]


@pytest.mark.parametrize(
    ("method", "status", "description", "webhook"),
    [
        ("deleteWebhook", 401, "Unauthorized", False),
        ("setWebhook", 400, "Bad Request: bad webhook: HTTPS url must be provided", True),
    ],
)
async def test_a_refusal_stops_the_start_of_telegram_in_one_line(
    method: str, status: int, description: str, webhook: bool
) -> None:
    async with FakeTelegram() as fake:
        fake.fail_next(method, status=status, description=description)
        channel = telegram(fake, webhook=webhook)
        try:
            with pytest.raises(ChannelRefused, match=r"^telegram: the platform refused the bot"):
                await channel.start(Recorder())
            await asyncio.sleep(0.1)
            assert len(fake.calls_of(method)) == 1  # not tried again
            assert fake.calls_of("getUpdates") == []
        finally:
            await channel.stop()


async def test_a_refused_zalo_token_stops_the_start_in_one_line() -> None:
    async with FakeZalo() as fake:
        fake.fail_next("deleteWebhook", status=401, description="Unauthorized")
        channel = zalo(fake, webhook=False)
        try:
            with pytest.raises(ChannelRefused, match=r"^zalo: the platform refused the bot"):
                await channel.start(Recorder())
            assert fake.calls_of("getUpdates") == []
        finally:
            await channel.stop()


async def hailong_run(tmp_path: Path, fake: FakeTelegram) -> asyncio.subprocess.Process:
    """`hailong run` with the Telegram bot only, its output piped."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAILONG_")}
    env |= {
        "PYTHONPATH": str(ROOT),
        "HAILONG_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'run.db'}",
        "HAILONG_HTTP_PORT": str(free_port()),
        "HAILONG_TELEGRAM_TOKEN": TELEGRAM_TOKEN,
        "HAILONG_TELEGRAM_API_URL": fake.api_url,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def test_hailong_run_serves_through_an_outage_and_stops_at_a_refusal(
    tmp_path: Path,
) -> None:
    async with FakeTelegram() as fake:
        fake.fail_next("deleteWebhook", status=502, description="Bad Gateway")
        running = await hailong_run(tmp_path, fake)
        await fake.wait_for("getUpdates", timeout=60)  # polling, after the second try
        running.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(running.communicate(), timeout=30)
        assert running.returncode == 0, err.decode()
        assert "did not answer the registration" in err.decode()
        assert "registered with the platform after 2 tries" in err.decode()
        fake.fail_next("deleteWebhook", status=401, description="Unauthorized")
        refused = await hailong_run(tmp_path, fake)
        _, err = await asyncio.wait_for(refused.communicate(), timeout=60)
    assert refused.returncode == 2
    assert err.decode() == (
        "hailong: telegram: the platform refused the bot (InvalidToken: Unauthorized); check its "
        "token and webhook address: hailong doctor says which\n"
    )  # and nothing left open: no "Unclosed client session"
