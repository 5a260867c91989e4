"""The delivery engine against a loopback fake Bot API that enforces Telegram's limits.

A broadcast is written as rows, the real sender sends them over HTTP, and the fake counts what
each chat received: once each, also when the sender is killed half-way and another one resumes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.app import App, create_app
from bot.channels.memory import MemoryChannel, inbound_from
from bot.channels.telegram import TelegramChannel
from bot.clock import FixedClock
from bot.delivery.broadcasts import Recipient, release, tally
from bot.models.broadcasts import Broadcast, UnreachableChat
from bot.models.messages import OutboxMessage
from bot.settings import Settings
from handlers import texts
from tests.factories import make_school
from tests.fakes.flood import FloodControl, FloodLimits
from tests.fakes.telegram_api import TOKEN, FakeTelegram

SCALE = 100  # every limit a hundred times Telegram's, in the fake and in the bot alike
PRIVATE = [str(5000 + n) for n in range(120)]
GROUPS = [str(-1001000000000 - n) for n in range(6)]


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    flood = FloodControl(FloodLimits(scale=SCALE))
    async with FakeTelegram(record=False, flood=flood) as api:
        yield api


def scaled(settings: Settings, **more: object) -> Settings:
    values = {
        "telegram_rate_overall": 30.0 * SCALE,
        "telegram_rate_per_chat": 1.0 * SCALE,
        "telegram_rate_per_group": 20.0 * SCALE,
        **more,
    }
    return settings.model_copy(update=values)


async def telegram_app(settings: Settings, fake: FakeTelegram, clock: FixedClock) -> App:
    channel = TelegramChannel(TOKEN, api_url=fake.api_url, poll_timeout=1, retry_delay=0.01)
    app = create_app(settings, channels=[channel], clock=clock, jobs=[])
    await app.start(scheduler=False, sender=False)
    return app


async def broadcast_to(
    app: App, chats: list[str], *, kind: str = "announcement", channel: str = "telegram"
) -> int:
    """Writes a broadcast with one row per chat (negative ids are groups); returns its id."""
    setup = await make_school(app, code=f"MN-{len(chats)}-{kind[:3]}")
    now = app.services.clock.now()
    async with app.db.transaction() as session:
        broadcast = Broadcast(
            school_id=setup.school.id,
            kind=kind,
            title="Thông báo thử",
            body={"text": "Kính gửi quý phụ huynh, ngày mai lớp đi tham quan."},
            class_ids=[],
            seen_button=False,
            quiet_hours="",
            status="scheduled",
            send_at=now,
            created_at=now,
        )
        session.add(broadcast)
        await session.flush()
        recipients = [Recipient(channel, c, to_group=c.startswith("-")) for c in chats]
        await release(session, broadcast, recipients, now)
        return broadcast.id


async def until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.01)


async def statuses(app: App) -> dict[str, int]:
    async with app.db.sessions() as session:
        found = await session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        return {status: int(count) for status, count in found}


async def test_a_broadcast_killed_half_way_and_resumed_reaches_every_chat_exactly_once(
    settings: Settings, fake: FakeTelegram, clock: FixedClock
) -> None:
    assert fake.flood is not None
    settings = scaled(settings, delivery_concurrency=8)
    chats = PRIVATE + GROUPS
    first = await telegram_app(settings, fake, clock)
    broadcast_id = await broadcast_to(first, chats)
    # after 50 messages the platform keeps taking them but the answers never come back: the
    # sender dies with 8 messages delivered but not recorded, and 50-odd recorded
    fake.flood.hold_after(50)
    sender = asyncio.create_task(first.outbox.run())
    await until(lambda: fake.flood is not None and fake.flood.held == 8 and first.outbox.idle)
    sender.cancel()  # killed (between two database transactions): nothing more is recorded
    await asyncio.gather(sender, return_exceptions=True)
    for channel in first.channels.values():
        await channel.stop()
    await first.db.dispose()
    fake.flood.release()
    assert fake.flood.total == 58

    second = await telegram_app(settings, fake, clock)
    resumed = asyncio.create_task(second.outbox.run())
    await until(lambda: fake.flood is not None and fake.flood.total >= len(chats))
    await second.settle()
    await second.stop()
    await resumed

    assert sorted(fake.flood.delivered) == sorted(chats)
    assert set(fake.flood.delivered.values()) == {1}  # none lost, none duplicated
    assert fake.flood.refused == []  # never over the limits
    found = await statuses(second)
    assert found["sent"] + found["unconfirmed"] == len(chats)
    assert 8 <= found["unconfirmed"] <= 16  # the held ones, and any not yet recorded
    async with second.db.sessions() as session:
        outcome = await tally(session, broadcast_id)
    # only what the platform confirmed counts as sent; the held ones are reported unconfirmed
    assert (outcome.delivered, outcome.unconfirmed) == (found["sent"], found["unconfirmed"])
    assert outcome.total == len(chats)
    await second.db.dispose()


async def test_a_429_delays_only_its_chat_and_retry_after_is_honoured(
    settings: Settings, fake: FakeTelegram, clock: FixedClock
) -> None:
    assert fake.flood is not None
    app = await telegram_app(scaled(settings), fake, clock)
    try:
        fake.rate_limit_next("sendMessage", retry_after=30)
        await broadcast_to(app, PRIVATE[:5])
        await app.settle()
        assert len(fake.flood.delivered) == 4  # one chat was told to wait 30 s, not the others
        late = next(c for c in PRIVATE[:5] if c not in fake.flood.delivered)
        clock.advance(seconds=29)
        await app.settle()
        assert late not in fake.flood.delivered
        clock.advance(seconds=2)
        await app.settle()
        assert fake.flood.delivered[late] == 1
        assert await statuses(app) == {"sent": 5}
    finally:
        await app.stop()


async def test_a_chat_that_blocked_the_bot_is_marked_and_skipped_next_time(
    settings: Settings, fake: FakeTelegram, clock: FixedClock
) -> None:
    assert fake.flood is not None
    app = await telegram_app(scaled(settings), fake, clock)
    try:
        fake.flood.blocked.add(PRIVATE[0])
        first = await broadcast_to(app, PRIVATE[:3])
        await app.settle()
        async with app.db.sessions() as session:
            blocked = await session.scalar(select(UnreachableChat.reason))
            report = await tally(session, first)
        assert blocked is not None and "blocked" in blocked
        assert (report.delivered, report.counts["failed"]) == (2, 1)
        assert [f.gone for f in report.failures] == [True]  # told apart from other errors
        calls = fake.counts["sendMessage"]

        second = await broadcast_to(app, PRIVATE[:3], kind="news")
        await app.settle()
        assert fake.counts["sendMessage"] == calls + 2  # the blocked chat was not even tried
        async with app.db.sessions() as session:
            report = await tally(session, second)
        assert report.counts == {"sent": 2, "skipped": 1}
        assert "blocked" in report.failures[0].error
        assert [f.gone for f in report.failures] == [True]
    finally:
        await app.stop()


async def test_a_reply_goes_before_a_broadcast_waiting_for_the_overall_limit(
    settings: Settings, clock: FixedClock
) -> None:
    channel = MemoryChannel("telegram")  # Telegram's limits (30/s) apply to it
    app = create_app(settings, channels=[channel], clock=clock, jobs=[])
    await app.start(scheduler=False, sender=False)
    try:
        await broadcast_to(app, PRIVATE)  # 120 messages: four seconds at 30/s
        await channel.deliver(inbound_from(channel, "9001", clock.now(), text="/trogiup"))
        await app.settle()
        assert [m.text for m in channel.chats["9001"]] == [texts.HELP]
        assert len(channel.sent) <= 31  # the broadcast waits for the limit, the reply did not
    finally:
        await app.stop()


async def test_quiet_hours_hold_a_broadcast_until_morning(
    settings: Settings, clock: FixedClock
) -> None:
    channel = MemoryChannel("telegram")
    app = create_app(settings, channels=[channel], clock=clock, jobs=[])
    await app.start(scheduler=False, sender=False)
    try:
        clock.at = clock.at.replace(hour=15)  # 22:00 in Hà Nội
        broadcast_id = await broadcast_to(app, PRIVATE[:3])
        async with app.db.transaction() as session:
            broadcast = await session.get(Broadcast, broadcast_id)
            assert broadcast is not None
            broadcast.quiet_hours = "21:00-06:30"
        await app.settle()
        assert channel.sent == []
        clock.advance(hours=8, minutes=29)  # 06:29
        await app.settle()
        assert channel.sent == []
        clock.advance(minutes=2)
        await app.settle()
        assert sorted(m.chat_id for m in channel.sent) == sorted(PRIVATE[:3])
    finally:
        await app.stop()


async def test_one_process_sends_per_bot_token_and_another_takes_over(
    settings: Settings, clock: FixedClock
) -> None:
    first_channel, second_channel = MemoryChannel("telegram"), MemoryChannel("telegram")
    first = create_app(settings, channels=[first_channel], clock=clock, jobs=[])
    second = create_app(settings, channels=[second_channel], clock=clock, jobs=[])
    await first.start(scheduler=False, sender=False)
    await second.start(scheduler=False, sender=False)
    await first.settle()  # takes the lease
    await broadcast_to(second, PRIVATE[:3])
    await second.settle()
    assert second_channel.sent == []  # the other process holds the token's lease
    await first.stop()
    await second.settle()
    assert sorted(m.chat_id for m in second_channel.sent) == sorted(PRIVATE[:3])
    assert first_channel.sent == []
    await second.stop()


def test_quiet_hours_parse_and_span_midnight() -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from bot.delivery.quiet import QuietHours

    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    quiet = QuietHours.parse("21:00-06:30")
    assert quiet is not None and str(quiet) == "21:00-06:30"
    assert QuietHours.parse("") is None
    at_night = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # 23:00 local
    assert quiet.until(at_night, zone) == datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    early = at_night + timedelta(hours=6)  # 05:00 local, the next day
    assert quiet.until(early, zone) == datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    assert quiet.until(datetime(2026, 11, 23, 2, 0, tzinfo=UTC), zone) is None
    with pytest.raises(ValueError):
        QuietHours.parse("9pm")
