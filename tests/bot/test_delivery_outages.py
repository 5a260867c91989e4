"""Delivery through Bot API outages: the loopback fakes over real HTTP, a clock the test moves.

120 replies and a 30-chat announcement are due while the Bot API answers 500, or 429 with
`retry_after`, or too late (the request taken, the answer lost: a read timeout) for a minute of
the sender's clock. Then it recovers. No reply is lost; a broadcast message is counted sent only
if the platform confirmed it. After the time limit a message is given up, loudly.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App, create_app
from bot.channels.aiohttp_request import AiohttpRequest
from bot.channels.base import Channel, Outbound
from bot.channels.kit.backoff import delay_after
from bot.channels.memory import MemoryChannel
from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_client import ZaloBotClient
from bot.clock import FixedClock
from bot.delivery.broadcasts import Recipient, release, tally
from bot.delivery.outage import HOLD_CAP, Outage
from bot.models.broadcasts import Broadcast
from bot.models.messages import OutboxMessage
from bot.settings import Settings
from handlers import texts
from handlers.deliveries import report_text
from tests.bot.test_delivery import until
from tests.factories import make_school
from tests.fakes.flood import FloodControl, FloodLimits
from tests.fakes.loopback import serve
from tests.fakes.telegram_api import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import TOKEN as ZALO_TOKEN
from tests.fakes.zalo_api import FakeZalo

REPLIES = [str(7000 + n) for n in range(120)]
AUDIENCE = [str(8000 + n) for n in range(30)]
TEXT = "Con đã ăn hết suất trưa, cô Hoa nhắn anh/chị."
FOREVER = 10**9
TOO_LATE = 1.0  # seconds the bot waits for an answer, here (a loaded machine answers sooner)


@dataclass
class Platform:
    """A fake Bot API, the bot's channel on it, and the faults it can play."""

    name: str
    fake: FakeTelegram | FakeZalo
    channel: Channel
    start: Callable[[str], None]
    end: Callable[[str], None]

    def sends(self) -> list[str]:
        """The chat of every send the fake received, in order (answered or not)."""
        return [str(c.params.get("chat_id")) for c in self.fake.calls_of("sendMessage")]


def _telegram(fake: FakeTelegram) -> Platform:
    flood = fake.flood
    assert flood is not None

    def start(fault: str) -> None:
        if fault == "500":
            fake.fail_next("sendMessage", FOREVER, status=500, description="Internal Server Error")
        elif fault == "429":
            fake.rate_limit_next("sendMessage", retry_after=5, count=FOREVER)
        else:  # taken and delivered, never answered
            flood.hold_after(flood.total)

    def end(fault: str) -> None:
        fake.heal("sendMessage")
        flood.release()

    request = AiohttpRequest(read_timeout=TOO_LATE)
    channel = TelegramChannel(
        TELEGRAM_TOKEN, api_url=fake.api_url, request=request, poll_timeout=1, retry_delay=0.01
    )
    return Platform("telegram", fake, channel, start, end)


def _zalo(fake: FakeZalo) -> Platform:
    def start(fault: str) -> None:
        if fault == "500":
            fake.fail_next("sendMessage", FOREVER, status=500, description="Internal Error")
        elif fault == "429":
            fake.rate_limit_next("sendMessage", retry_after=5, count=FOREVER)
        else:  # taken and delivered, answered too late
            fake.stall["sendMessage"] = 2 * TOO_LATE

    def end(fault: str) -> None:
        fake.heal("sendMessage")
        fake.stall.clear()

    client = ZaloBotClient(ZALO_TOKEN, fake.api_url, timeout=TOO_LATE, retry_delays=())
    channel = ZaloChannel(ZALO_TOKEN, client=client, poll_timeout=1, retry_delay=0.01)
    return Platform("zalo", fake, channel, start, end)


@pytest.fixture(params=["telegram", "zalo"])
async def platform(request: pytest.FixtureRequest) -> AsyncIterator[Platform]:
    if request.param == "telegram":
        async with FakeTelegram(flood=FloodControl(FloodLimits(scale=100))) as telegram:
            yield _telegram(telegram)
    else:
        async with FakeZalo() as zalo:
            yield _zalo(zalo)


def fast(settings: Settings, **more: object) -> Settings:
    """Every platform limit a hundred times the real one, so a test takes seconds."""
    values = {
        "telegram_rate_overall": 3000.0,
        "telegram_rate_per_chat": 100.0,
        "zalo_rate_overall": 3000.0,
        "zalo_rate_per_chat": 100.0,
        **more,
    }
    return settings.model_copy(update=values)


@pytest.fixture
async def running(platform: Platform, settings: Settings, clock: FixedClock) -> AsyncIterator[App]:
    app = create_app(fast(settings), channels=[platform.channel], clock=clock, jobs=[])
    await app.start(scheduler=False, sender=False)
    yield app
    await app.stop()


async def queue_replies(app: App, channel: str, chats: list[str]) -> None:
    async with app.job_context.transaction() as work:
        for chat in chats:
            work.send(channel, Outbound(chat, TEXT))


async def announce(app: App, channel: str, chats: list[str], quiet: str = "") -> int:
    """An announcement released to one private chat each; returns its id."""
    setup = await make_school(app, code="MN-OUTAGE")
    now = app.services.clock.now()
    async with app.db.transaction() as session:
        broadcast = Broadcast(
            school_id=setup.school.id, kind="announcement", title="Tham quan",
            body={"text": "Kính gửi quý phụ huynh, ngày mai lớp đi tham quan."}, class_ids=[],
            seen_button=False, quiet_hours=quiet, status="scheduled", send_at=now, created_at=now,
        )  # fmt: skip
        session.add(broadcast)
        await session.flush()
        await release(session, broadcast, [Recipient(channel, c) for c in chats], now)
        return broadcast.id


async def run_for(app: App, clock: FixedClock, *, seconds: float, step: float) -> None:
    """Moves the sender's clock `seconds` ahead, sending what is due at every `step`."""
    for _ in range(int(seconds / step)):
        clock.advance(seconds=step)
        await app.settle()


async def rows(app: App) -> dict[str, tuple[str, int]]:
    """Each message's chat → (status, attempts counted)."""
    async with app.db.sessions() as session:
        found = await session.execute(
            select(OutboxMessage.chat_id, OutboxMessage.status, OutboxMessage.attempts)
        )
        return {chat: (status, attempts) for chat, status, attempts in found}


async def scrape(app: App) -> str:
    runner, url = await serve(app.web)
    try:
        async with aiohttp.ClientSession() as http, http.get(f"{url}/metrics") as response:
            return await response.text()
    finally:
        await runner.cleanup()


def metric(text: str, name: str, **labels: str) -> float:
    """A sample's value in a /metrics page (0 when absent)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in text.splitlines():
        found = re.fullmatch(rf"{name}(?:\{{(.*)\}})? (\S+)", line)
        if found and ",".join(sorted((found.group(1) or "").split(","))) == wanted:
            return float(found.group(2))
    return 0.0


@pytest.mark.parametrize("fault", ["500", "429", "timeout"])
async def test_a_minute_of_faults_loses_no_reply_and_counts_only_confirmed_messages_sent(
    platform: Platform, running: App, clock: FixedClock, fault: str
) -> None:
    app, name = running, platform.name
    platform.start(fault)
    broadcast_id = await announce(app, name, AUDIENCE)
    await app.settle()  # the announcement meets the fault first, then the replies do
    await queue_replies(app, name, REPLIES)
    await run_for(app, clock, seconds=60, step=20)
    during = Counter(platform.sends())
    platform.end(fault)
    await run_for(app, clock, seconds=4 * HOLD_CAP, step=HOLD_CAP)

    after = Counter(platform.sends()) - during
    found = await rows(app)
    # no reply lost: each went once the platform was back (a timed-out one may have gone before,
    # and may go twice: a parent would rather see it twice than never)
    assert all(after[chat] >= 1 for chat in REPLIES)
    if fault != "timeout":
        assert {chat: after[chat] for chat in REPLIES} == dict.fromkeys(REPLIES, 1)
    assert {found[chat][0] for chat in REPLIES} == {"sent"}
    # the platform was asked far less often than once per waiting message and retry
    assert sum(during.values()) < len(REPLIES) + len(AUDIENCE)
    async with app.db.sessions() as session:
        outcome = await tally(session, broadcast_id)
    broadcast = {chat: found[chat][0] for chat in AUDIENCE}
    if fault == "timeout":  # sent during the fault, unanswered: unconfirmed, never sent again
        unconfirmed = {chat for chat in AUDIENCE if during[chat]}
        assert unconfirmed == {c for c, status in broadcast.items() if status == "unconfirmed"}
        assert unconfirmed
        assert all(after[chat] == 0 for chat in unconfirmed)
    else:
        assert all(after[chat] == 1 for chat in AUDIENCE)
        assert outcome.unconfirmed == 0
    sent = {chat for chat, status in broadcast.items() if status == "sent"}
    assert all(after[chat] == 1 for chat in sent)  # counted sent: confirmed by an answer
    assert (outcome.delivered, outcome.missed, outcome.waiting) == (len(sent), 0, 0)
    if fault == "429":  # waited as asked, never counted as a failed try
        assert {attempts for _, attempts in found.values()} == {1}

    page = await scrape(app)
    assert metric(page, "hailong_messages_sent_total") == len(REPLIES) + len(sent)
    assert metric(page, "hailong_outbox_unconfirmed_total", channel=name) == outcome.unconfirmed
    reason = {"500": "unavailable", "429": "rate_limited", "timeout": "timeout"}[fault]
    assert metric(page, "hailong_outbox_retried_total", channel=name, reason=reason) > 0
    assert "hailong_outbox_given_up_total{" not in page


async def test_a_message_is_given_up_at_its_time_limit_loudly(
    platform: Platform,
    settings: Settings,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    limited = fast(settings, outbox_give_up_hours=2)
    app = create_app(limited, channels=[platform.channel], clock=clock, jobs=[])
    await app.start(scheduler=False, sender=False)
    try:
        platform.start("500")
        broadcast_id = await announce(app, platform.name, AUDIENCE[:3])
        await queue_replies(app, platform.name, REPLIES[:1])
        await run_for(app, clock, seconds=3600, step=HOLD_CAP)
        assert {status for status, _ in (await rows(app)).values()} == {"pending"}
        await run_for(app, clock, seconds=3600 + HOLD_CAP, step=HOLD_CAP)
        found = await rows(app)
        async with app.db.sessions() as session:
            report = await report_text(session, await _broadcast(session, broadcast_id))
            ids = list(await session.scalars(select(OutboxMessage.id)))
        page = await scrape(app)
    finally:
        await app.stop()

    assert {status for status, _ in found.values()} == {"dead"}
    given_up = [r for r in caplog.records if "given up" in r.getMessage()]
    assert sorted(r.levelno for r in given_up) == [logging.WARNING] * 4
    assert all(f"outbox {i} given up: unavailable" in caplog.text for i in ids)
    logged = " ".join(r.getMessage() for r in given_up)
    assert TEXT not in logged and "tham quan" not in logged
    assert TELEGRAM_TOKEN not in caplog.text and ZALO_TOKEN not in caplog.text
    labels = {"channel": platform.name, "reason": "unavailable"}
    assert metric(page, "hailong_outbox_given_up_total", **labels) == 4
    assert texts.REPORT_FAILED.format(count=3, names="")[:-1] in report
    assert report.count(texts.FAILURE_GAVE_UP) == 3 and "đã gửi 0/3" in report


async def test_quiet_hours_do_not_count_against_a_broadcasts_time_limit(
    settings: Settings, clock: FixedClock
) -> None:
    channel = MemoryChannel()
    limited = settings.model_copy(update={"outbox_give_up_hours": 2})
    app = create_app(limited, channels=[channel], clock=clock, jobs=[])
    await app.start(scheduler=False, sender=False)
    try:
        clock.at = clock.at.replace(hour=15)  # 22:00 in Hà Nội
        await announce(app, channel.name, AUDIENCE[:3], quiet="21:00-06:30")
        await app.settle()
        clock.advance(hours=8, minutes=31)  # 06:31: 8.5 hours after the release
        await app.settle()
        found = await rows(app)
    finally:
        await app.stop()
    assert {status for status, _ in found.values()} == {"sent"}
    assert sorted(m.chat_id for m in channel.sent) == AUDIENCE[:3]


async def _broadcast(session: AsyncSession, broadcast_id: int) -> Broadcast:
    found = await session.get(Broadcast, broadcast_id)
    assert found is not None
    return found


async def test_a_reply_in_flight_when_the_sender_dies_is_sent_again(
    settings: Settings, clock: FixedClock
) -> None:
    flood = FloodControl(FloodLimits(scale=100))
    async with FakeTelegram(flood=flood) as fake:
        first = create_app(fast(settings), channels=[_telegram(fake).channel], clock=clock, jobs=[])
        await first.start(scheduler=False, sender=False)
        flood.hold_after(0)  # the platform takes the reply; the sender dies before the answer
        await queue_replies(first, "telegram", ["4242"])
        sender = asyncio.create_task(first.outbox.run())
        await until(lambda: flood.held == 1)
        sender.cancel()  # killed (between two database transactions): nothing more is recorded
        await asyncio.gather(sender, return_exceptions=True)
        for channel in first.channels.values():
            await channel.stop()
        await first.db.dispose()
        flood.release()

        second = create_app(
            fast(settings), channels=[_telegram(fake).channel], clock=clock, jobs=[]
        )
        await second.start(scheduler=False, sender=False)
        await second.settle()
        found = await rows(second)
        await second.stop()
    assert flood.delivered["4242"] == 2  # seen twice rather than never
    assert found == {"4242": ("sent", 2)}


def test_a_channel_is_held_longer_after_each_failed_probe_up_to_a_cap() -> None:
    outage = Outage(rand=lambda: 0.0)
    now = datetime(2026, 12, 5, tzinfo=UTC)
    waits = []
    for _ in range(9):
        outage.failed(now)
        waits.append(outage.wait(now))
        outage.failed(now)  # in flight when the hold began: it does not lengthen it
        assert outage.wait(now) == waits[-1] and outage.probing
        now += timedelta(seconds=waits[-1])
    assert waits == [1, 2, 4, 8, 16, HOLD_CAP, HOLD_CAP, HOLD_CAP, HOLD_CAP]
    assert waits == [delay_after(n, 1.0, HOLD_CAP) for n in range(1, 10)]
    outage.succeeded()
    assert not outage.probing and outage.wait(now) == 0


def test_a_429_holds_its_chat_and_the_token_only_when_two_chats_wait() -> None:
    outage = Outage()
    now = datetime(2026, 12, 5, tzinfo=UTC)
    assert outage.flooded(now, "a", 5) is True  # news: the sender slows down once
    assert outage.flooded(now, "a", 5) is False
    assert outage.wait(now) == 0 and not outage.probing  # only chat a waits
    assert outage.flooded(now + timedelta(seconds=1), "b", 5) is False
    assert outage.wait(now) == 6 and outage.probing  # the token is over its limit
    outage.succeeded()
    assert not outage.probing
    assert outage.flooded(now + timedelta(seconds=7), "c", 5) is True  # the others' waits ended
