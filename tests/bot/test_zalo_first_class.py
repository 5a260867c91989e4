"""Zalo as a first-class channel (issue 14): a 404 retried before a chat is called gone, images
sent from signed expiring URLs, group mentions, updates without event_name, stored ticket photos."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.app import App, create_app
from bot.channels.zalo import ZaloChannel
from bot.clock import FixedClock
from bot.delivery.broadcasts import tally
from bot.models import UnreachableChat
from bot.settings import Settings
from tests.bot.test_delivery import broadcast_to
from tests.fakes.zalo_api import TOKEN, FakeZalo
from tests.phones import unlimited


@pytest.fixture
async def fake() -> AsyncIterator[FakeZalo]:
    async with FakeZalo() as api:
        yield api


async def zalo_app(settings: Settings, fake: FakeZalo, clock: FixedClock) -> App:
    channel = ZaloChannel(TOKEN, api_url=fake.api_url, poll_timeout=1, retry_delay=0.01)
    app = create_app(unlimited(settings), channels=[channel], clock=clock, jobs=[])
    await app.start(scheduler=False, sender=False)
    return app


async def unreachable(app: App) -> list[str]:
    async with app.db.sessions() as session:
        return list(await session.scalars(select(UnreachableChat.chat_id)))


# --- 4. a 404 is tried again before the chat is called gone ---------------------------------------


async def test_one_404_is_tried_again_and_the_chat_stays_reachable(
    settings: Settings, fake: FakeZalo, clock: FixedClock
) -> None:
    app = await zalo_app(settings, fake, clock)
    try:
        fake.fail_next("sendMessage", status=404, description="Not Found")
        broadcast = await broadcast_to(app, ["u1"], channel="zalo")
        await app.settle()
        assert fake.sent == [] and await unreachable(app) == []
        clock.advance(seconds=61)  # the second try waits a minute
        await app.settle()
        assert [s.chat_id for s in fake.sent] == ["u1"]
        assert await unreachable(app) == []
        async with app.db.sessions() as session:
            assert (await tally(session, broadcast)).counts == {"sent": 1}
    finally:
        await app.stop()


async def test_three_404s_over_minutes_call_the_chat_gone(
    settings: Settings, fake: FakeZalo, clock: FixedClock
) -> None:
    app = await zalo_app(settings, fake, clock)
    try:
        fake.fail_next("sendMessage", 3, status=404, description="Not Found")
        broadcast = await broadcast_to(app, ["u1"], channel="zalo")
        await app.settle()
        for _ in range(2):
            assert await unreachable(app) == []
            clock.advance(seconds=61)
            await app.settle()
        assert fake.counts["sendMessage"] == 3
        assert await unreachable(app) == ["u1"]
        async with app.db.sessions() as session:
            report = await tally(session, broadcast)
        assert report.counts == {"failed": 1} and [f.gone for f in report.failures] == [True]
    finally:
        await app.stop()
