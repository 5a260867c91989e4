"""/metrics over real HTTP (issue 15): the 429s each platform answered, the events waiting in the
inbox, and each job's runs and failures, each scraped after it was caused. (Given-up and
unconfirmed messages: tests/bot/test_delivery_outages.py.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.app import create_app
from bot.channels.base import Channel, Inbound, Outbound
from bot.channels.memory import MemoryChannel
from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_client import ZaloBotClient
from bot.clock import FixedClock
from bot.routing import Job, JobContext
from bot.settings import Settings
from tests.bot.test_delivery_outages import metric, scrape
from tests.fakes.telegram_api import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import TOKEN as ZALO_TOKEN
from tests.fakes.zalo_api import FakeZalo


async def no_wait(seconds: float) -> None:
    """The Zalo client's pause before it tries again, taken at once."""


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeTelegram, FakeZalo]]:
    async with FakeTelegram() as telegram, FakeZalo() as zalo:
        yield telegram, zalo


async def test_every_429_a_platform_answered_is_counted_per_channel(
    fakes: tuple[FakeTelegram, FakeZalo], settings: Settings, clock: FixedClock
) -> None:
    telegram, zalo = fakes
    channels: list[Channel] = [
        TelegramChannel(TELEGRAM_TOKEN, api_url=telegram.api_url, poll_timeout=1),
        # as deployed: the client itself waits a short retry_after and tries again
        ZaloChannel(ZALO_TOKEN, client=ZaloBotClient(ZALO_TOKEN, zalo.api_url, sleep=no_wait)),
    ]
    app = create_app(settings, channels=channels, clock=clock, jobs=[])
    await app.start(scheduler=False, sender=False)
    try:
        page = await scrape(app)
        assert metric(page, "hailong_rate_limited_total", channel="telegram") == 0
        assert "hailong_rate_limited_total" in page
        telegram.rate_limit_next("sendMessage", retry_after=1)
        zalo.rate_limit_next("sendMessage", retry_after=1, count=2)
        async with app.job_context.transaction() as work:
            work.send("telegram", Outbound("42", "Chào anh/chị"))
            work.send("zalo", Outbound("u-42", "Chào anh/chị"))
        await app.settle()
        page = await scrape(app)
    finally:
        await app.stop()
    assert metric(page, "hailong_rate_limited_total", channel="telegram") == 1
    assert metric(page, "hailong_rate_limited_total", channel="zalo") == 2
    # Telegram's 429 reached the sender; Zalo's two were waited out inside the client, so
    # only the new counter tells of them (the message went on the third call)
    labels = {"reason": "rate_limited"}
    assert metric(page, "hailong_outbox_retried_total", channel="telegram", **labels) == 1
    assert metric(page, "hailong_outbox_retried_total", channel="zalo", **labels) == 0
    assert zalo.counts["sendMessage"] == 3


async def test_events_waiting_in_the_inbox_are_a_gauge_read_from_the_database(
    settings: Settings, clock: FixedClock
) -> None:
    app = create_app(settings, channels=[MemoryChannel()], clock=clock, jobs=[])
    await app.start(scheduler=False, sender=False)
    try:
        events = [
            Inbound("memory", f"e-{n}", "7", "7", clock.now(), text="xin chào") for n in range(3)
        ]
        ids = [await app.inbox.record(event) for event in events]
        waiting = await scrape(app)
        for inbound_id, event in zip(ids, events, strict=True):
            assert inbound_id is not None
            app.dispatcher.submit(inbound_id, event)
        await app.settle()
        handled = await scrape(app)
    finally:
        await app.stop()
    assert metric(waiting, "hailong_inbox_pending") == 3
    assert metric(handled, "hailong_inbox_pending") == 0


async def test_each_jobs_runs_and_failures_are_counted_by_its_name(
    settings: Settings, clock: FixedClock
) -> None:
    ran = {"tick": asyncio.Event(), "boom": asyncio.Event()}

    async def tick(job: JobContext) -> None:
        ran["tick"].set()

    async def boom(job: JobContext) -> None:
        ran["boom"].set()
        raise RuntimeError("the job's own bug")

    jobs = [
        Job("tick", tick, every_seconds=1),
        Job("boom", boom, every_seconds=1),
        Job("nightly", tick, cron={"hour": "3", "minute": "15"}),
    ]
    app = create_app(settings, channels=[MemoryChannel()], clock=clock, jobs=jobs)
    await app.start(scheduler=True, sender=False)
    try:
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in ran.values())), timeout=10)
        page = await scrape(app)
    finally:
        await app.stop()
    assert metric(page, "hailong_job_runs_total", job="tick") >= 1
    assert metric(page, "hailong_job_failures_total", job="tick") == 0
    boom_runs = metric(page, "hailong_job_runs_total", job="boom")
    assert boom_runs >= 1
    assert metric(page, "hailong_job_failures_total", job="boom") == boom_runs
    # a job not run yet is there with 0, so an alert on its failures has a series from the start
    assert 'hailong_job_runs_total{job="nightly"} 0.0' in page
