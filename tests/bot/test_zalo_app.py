"""The whole app on Zalo, wired from the settings: loopback fake Bot APIs, webhooks and polling."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.app import App, create_app
from bot.channels.base import platform_of
from bot.models.messages import InboundMessage
from bot.models.people import Membership
from bot.settings import Settings
from handlers import texts
from tests.factories import make_school
from tests.fakes.loopback import serve
from tests.fakes.zalo_api import TOKEN, FakeZalo
from tests.phones import unlimited

HOOK = "https://hailong.example.org/zalo/bot/hoasen"
SECRET = "zalo-Webhook_secret"
PAYLOADS = Path(__file__).parents[1] / "payloads" / "zalo"
OTHER_TOKEN = "2233445566:zaloOtherSchool-token_for-tests-abcdef"


@pytest.fixture
async def fake() -> AsyncIterator[FakeZalo]:
    async with FakeZalo() as api:
        yield api


class Running:
    """The app built by create_app from the settings, serving HTTP on 127.0.0.1."""

    def __init__(self, app: App, runner: web.AppRunner, base: str) -> None:
        self.app, self.runner, self.base = app, runner, base

    async def stop(self) -> None:
        await self.app.stop()
        await self.runner.cleanup()


async def run(settings: Settings) -> Running:
    app = create_app(settings, jobs=[])
    runner, base = await serve(app.web)
    await app.start(scheduler=False)
    return Running(app, runner, base)


async def inbound_count(app: App) -> int:
    async with app.db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(InboundMessage)) or 0)


def recorded(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return data


def with_zalo(settings: Settings, **values: object) -> Settings:
    """The test settings, without sending limits, plus Zalo settings validated like the env's."""
    return Settings.model_validate({**unlimited(settings).model_dump(), **values})


def test_the_settings_decide_which_zalo_bots_run(settings: Settings) -> None:
    configured = Settings.model_validate(
        {
            **settings.model_dump(),
            "zalo_token": TOKEN,
            "zalo_webhook_url": HOOK,
            "zalo_webhook_secret": SECRET,
            "zalo_bots": [{"school": "MN-SEN", "token": OTHER_TOKEN}],
        }
    )
    app = create_app(configured, jobs=[])
    assert list(app.channels) == ["zalo", "zalo-mn-sen"]
    assert all(not c.can_edit for c in app.channels.values())
    assert set(app.outbox.limiters) == {"zalo", "zalo-mn-sen"}  # Zalo limits each bot
    limits = app.outbox.limiters["zalo"].limits
    assert (limits.overall_per_second, limits.chat_per_second) == (5.0, 1.0)
    posts = {
        r.resource.canonical for r in app.web.router.routes() if r.resource and r.method == "POST"
    }
    assert "/zalo/bot/hoasen" in posts  # the polling school bot serves no webhook
    assert platform_of("zalo-mn-sen") == "zalo"


async def test_a_parent_joins_by_webhook_and_a_redelivery_is_answered_once(
    settings: Settings, fake: FakeZalo
) -> None:
    running = await run(
        with_zalo(
            settings,
            zalo_token=TOKEN,
            zalo_api_url=fake.api_url,
            zalo_webhook_url=HOOK,
            zalo_webhook_secret=SECRET,
        )
    )
    url = running.base + "/zalo/bot/hoasen"
    try:
        assert fake.webhook_url == HOOK and fake.webhook_secret == SECRET
        setup = await make_school(running.app)
        code = setup.classes["Lá 1"].invite_code
        update = fake.text_update("e4ea2cd5189df1c3a88c", code)
        wrapped = {"ok": True, "result": update}

        assert await fake.post_update(url, wrapped, "forged-secret") == 401
        assert await fake.post_update(url, wrapped) == 401
        assert await inbound_count(running.app) == 0
        assert await fake.post_update(url, wrapped, SECRET) == 200
        assert await fake.post_update(url, update, SECRET) == 200  # redelivered, flat this time
        [asked] = await fake.wait_for("sendMessage")
        await running.app.settle()
        assert await inbound_count(running.app) == 1
        assert fake.counts["sendMessage"] == 1
        assert asked.params["text"] == (
            "Anh/chị xác nhận con học lớp Lá 1 – Trường Mầm non MN-TEST?\n\n"
            "1. Đúng lớp\n2. Không phải\nTrả lời 1–2"
        )

        reply = fake.text_update("e4ea2cd5189df1c3a88c", "1")
        assert await fake.post_update(url, reply, SECRET) == 200
        joined, consent = (c.params["text"] for c in (await fake.wait_for("sendMessage", 3))[1:])
        assert joined == texts.JOINED_CLASS.format(class_name="Lá 1")  # an edit, sent anew
        assert consent.endswith("1. Tôi đồng ý\n2. Không đồng ý\nTrả lời 1–2")

        # a photo, a voice note or withheld content gets a polite word; a bot's message nothing
        for name in ("image_photo_url", "voice", "unsupported", "from_bot"):
            assert await fake.post_update(url, recorded(name), SECRET) == 200
        await running.app.settle()
        not_text = [s for s in fake.sent if s.text == texts.NOT_TEXT]
        assert sorted(s.chat_id for s in not_text) == sorted(["u1", "e4ea2cd5189df1c3a88c", "u5"])
        async with running.app.db.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(Membership)) == 1
    finally:
        await running.stop()


async def test_long_polling_joins_a_parent_and_honours_retry_after(
    settings: Settings, fake: FakeZalo
) -> None:
    fake.webhook_url = "https://old-deployment.example.org/zalo"
    running = await run(with_zalo(settings, zalo_token=TOKEN, zalo_api_url=fake.api_url))
    try:
        assert fake.webhook_url == ""  # polling deleted it first
        setup = await make_school(running.app)
        fake.rate_limit_next("sendMessage", retry_after=1)
        fake.queue_update(fake.text_update("u9", setup.classes["Chồi 1"].invite_code.lower()))
        [refused, asked] = await fake.wait_for("sendMessage", 2, timeout=10)
        assert refused.params == asked.params  # the same message, once Zalo allowed it
        assert len(fake.sent) == 1
        assert fake.sent[0].text.startswith("Anh/chị xác nhận con học lớp Chồi 1")
        fake.queue_update(fake.text_update("u9", "dung lop"))  # the label, without diacritics
        await fake.wait_for("sendMessage", 4, timeout=10)
        async with running.app.db.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(Membership)) == 1
    finally:
        await running.stop()


async def test_each_schools_bot_has_its_own_path_secret_and_school(settings: Settings) -> None:
    async with FakeZalo() as hoasen_api, FakeZalo(OTHER_TOKEN) as sen_api:
        bots = [
            {
                "school": "MN-HOASEN",
                "token": TOKEN,
                "api_url": hoasen_api.api_url,
                "webhook_url": HOOK,
                "webhook_secret": SECRET,
            },
            {
                "school": "MN-SEN",
                "token": OTHER_TOKEN,
                "api_url": sen_api.api_url,
                "webhook_url": "https://hailong.example.org/zalo/bot/sen",
                "webhook_secret": "sen-Webhook_secret",
            },
        ]
        configured = Settings.model_validate(
            {**unlimited(settings).model_dump(), "zalo_bots": bots}
        )
        running = await run(configured)
        try:
            hoasen = await make_school(running.app, "MN-HOASEN")
            sen = await make_school(running.app, "MN-SEN")
            to_sen = running.base + "/zalo/bot/sen"
            parent = sen_api.text_update("p1", sen.classes["Lá 1"].invite_code)
            assert await sen_api.post_update(to_sen, parent, SECRET) == 401  # Hoa Sen's secret
            assert await sen_api.post_update(to_sen, parent, "sen-Webhook_secret") == 200
            [asked] = await sen_api.wait_for("sendMessage")
            assert asked.params["text"].startswith("Anh/chị xác nhận con học lớp Lá 1")
            assert "MN-SEN" in asked.params["text"]

            to_hoasen = running.base + "/zalo/bot/hoasen"
            stray = hoasen_api.text_update("p2", sen.classes["Chồi 1"].invite_code)
            assert await hoasen_api.post_update(to_hoasen, stray, SECRET) == 200
            [refused] = await hoasen_api.wait_for("sendMessage")
            assert refused.params["text"] == texts.CODE_OTHER_SCHOOL
            right = hoasen_api.text_update("p2", hoasen.classes["Chồi 1"].invite_code)
            assert await hoasen_api.post_update(to_hoasen, right, SECRET) == 200
            await hoasen_api.wait_for("sendMessage", 2)
            assert sen_api.counts["sendMessage"] == 1  # each bot answers its own chats
        finally:
            await running.stop()
