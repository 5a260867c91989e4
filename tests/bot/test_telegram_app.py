"""The whole app on Telegram: a loopback fake Bot API over real HTTP, webhook and polling."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.app import App, create_app
from bot.channels.telegram import TelegramChannel
from bot.models.messages import InboundMessage
from bot.models.people import Membership
from bot.settings import Settings
from handlers import texts
from tests.factories import make_school
from tests.fakes.telegram_api import TOKEN, FakeTelegram

SECRET = "webhook-Secret_42"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as api:
        yield api


async def running_app(
    settings: Settings, fake: FakeTelegram, *, webhook: bool
) -> tuple[App, web.AppRunner, str]:
    runner_port = _free_port()
    url = f"http://127.0.0.1:{runner_port}/webhooks/telegram" if webhook else None
    channel = TelegramChannel(
        TOKEN,
        api_url=fake.api_url,
        webhook_url=url,
        webhook_secret=SECRET if webhook else None,
        poll_timeout=1,
        retry_delay=0.01,
    )
    app = create_app(settings, channels=[channel], jobs=[])
    runner = web.AppRunner(app.web, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", runner_port).start()
    await app.start(scheduler=False)
    return app, runner, url or ""


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def inbound_count(app: App) -> int:
    async with app.db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(InboundMessage)) or 0)


async def test_webhook_refuses_forged_secrets_and_answers_a_repeat_once(
    settings: Settings, fake: FakeTelegram
) -> None:
    app, runner, url = await running_app(settings, fake, webhook=True)
    try:
        assert fake.webhook_url == url and fake.webhook_secret == SECRET
        setup = await make_school(app)
        code = setup.classes["Lá 1"].invite_code
        update = fake.text_update(7001, f"/start {code}")

        assert await fake.post_update(url, update, secret="forged") == 401
        assert await fake.post_update(url, update) == 401
        assert await inbound_count(app) == 0

        assert await fake.post_update(url, update, secret=SECRET) == 200
        assert await fake.post_update(url, update, secret=SECRET) == 200  # Telegram retried
        [sent] = await fake.wait_for("sendMessage")
        assert sent.params["text"].startswith("Anh/chị xác nhận con học lớp Lá 1")
        buttons = sent.params["reply_markup"]["inline_keyboard"]
        assert [row[0]["text"] for row in buttons] == [texts.YES_CLASS, texts.NO_CLASS]
        await app.settle()
        assert await inbound_count(app) == 1
        assert fake.counts["sendMessage"] == 1

        # tapping "Đúng lớp" edits that message in place and answers the callback
        data = buttons[0][0]["callback_data"]
        tap = fake.callback_update(7001, data, message_id=_sent_message_id(fake))
        assert await fake.post_update(url, tap, secret=SECRET) == 200
        await fake.wait_for("answerCallbackQuery")
        [edit] = await fake.wait_for("editMessageText")
        assert edit.params["text"] == texts.JOINED_CLASS.format(class_name="Lá 1")
    finally:
        await app.stop()
        await runner.cleanup()


def _sent_message_id(fake: FakeTelegram) -> int:
    return max(message_id for (_, message_id) in fake.messages)


async def test_long_polling_joins_a_parent_and_honours_retry_after(
    settings: Settings, fake: FakeTelegram
) -> None:
    app, runner, _ = await running_app(settings, fake, webhook=False)
    try:
        setup = await make_school(app)
        fake.rate_limit_next("sendMessage", retry_after=1)
        fake.queue_update(fake.text_update(7002, setup.classes["Chồi 1"].invite_code))
        started = asyncio.get_running_loop().time()
        await fake.wait_for("sendMessage", count=2, timeout=10)
        waited = asyncio.get_running_loop().time() - started
        assert waited >= 1.0  # the 429's retry_after was honoured
        assert (
            fake.last("sendMessage")
            .params["text"]
            .startswith("Anh/chị xác nhận con học lớp Chồi 1")
        )
        data = fake.last("sendMessage").params["reply_markup"]["inline_keyboard"][0][0]
        fake.queue_update(
            fake.callback_update(7002, data["callback_data"], message_id=_sent_message_id(fake))
        )
        await fake.wait_for("editMessageText", timeout=10)
        async with app.db.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(Membership)) == 1
    finally:
        await app.stop()
        await runner.cleanup()
