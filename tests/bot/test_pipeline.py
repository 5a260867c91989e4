"""Inbox → dispatch → outbox: recorded once, handled once, sent after commit, retried."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.app import App, create_app
from bot.channels.base import Outbound, RetryLater, Undeliverable
from bot.channels.memory import MemoryChannel, inbound_from
from bot.clock import FixedClock
from bot.models.messages import InboundMessage, OutboxMessage
from bot.settings import Settings
from handlers import surface, texts


async def test_a_repeated_delivery_is_recorded_and_answered_once(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    inbound = inbound_from(memory, "4001", clock.now(), text="/trogiup")
    assert await memory.deliver(inbound) is True
    assert await memory.deliver(inbound) is False
    await app.settle()
    assert [m.text for m in memory.chats["4001"]] == [texts.HELP]
    async with app.db.sessions() as session:
        statuses = list(await session.scalars(select(InboundMessage.status)))
    assert statuses == ["handled"]


async def test_unhandled_inbound_is_handled_after_a_restart(
    settings: Settings, clock: FixedClock
) -> None:
    first_channel = MemoryChannel()
    first = create_app(settings, channels=[first_channel], clock=clock, jobs=[])
    await first.start(scheduler=False, sender=False)
    # recorded, then the process dies before the dispatcher ran
    from bot.inbox import record_inbound

    await record_inbound(
        first.db, inbound_from(first_channel, "4002", clock.now(), text="/trogiup")
    )
    await first.db.dispose()

    channel = MemoryChannel()
    second = create_app(settings, channels=[channel], clock=clock, jobs=[])
    await second.start(scheduler=False, sender=False)
    await second.settle()
    assert [m.text for m in channel.chats["4002"]] == [texts.HELP]
    await second.stop()


class FlakyChannel(MemoryChannel):
    """Refuses the first sends the way a platform does under load."""

    def __init__(self, failures: list[Exception]) -> None:
        super().__init__()
        self.failures = failures

    async def send(self, message: Outbound) -> str | None:
        if self.failures:
            raise self.failures.pop(0)
        return await super().send(message)


async def test_retry_after_is_honoured_and_other_chats_are_not_stalled(
    settings: Settings, clock: FixedClock
) -> None:
    channel = FlakyChannel([RetryLater(30, flood=True)])  # a 429 for one chat
    app = create_app(settings, channels=[channel], clock=clock, jobs=[])
    await app.start(scheduler=False, sender=False)
    await channel.deliver(inbound_from(channel, "slow", clock.now(), text="/trogiup"))
    await app.settle()
    assert "slow" not in channel.chats
    await channel.deliver(inbound_from(channel, "other", clock.now(), text="/trogiup"))
    await app.settle()
    assert [m.text for m in channel.chats["other"]] == [texts.HELP]
    clock.advance(seconds=29)
    await app.settle()
    assert "slow" not in channel.chats
    clock.advance(seconds=2)
    await app.settle()
    assert [m.text for m in channel.chats["slow"]] == [texts.HELP]
    await app.stop()


async def test_an_undeliverable_message_is_marked_and_not_retried(
    settings: Settings, clock: FixedClock
) -> None:
    channel = FlakyChannel([Undeliverable("Forbidden: bot was blocked by the user")])
    app = create_app(settings, channels=[channel], clock=clock, jobs=[])
    await app.start(scheduler=False, sender=False)
    await channel.deliver(inbound_from(channel, "blocked", clock.now(), text="/trogiup"))
    await app.settle()
    clock.advance(hours=1)
    await app.settle()
    async with app.db.sessions() as session:
        row = await session.scalar(select(OutboxMessage))
    assert row is not None and row.status == "failed" and "blocked" in (row.error or "")
    assert "blocked" not in channel.chats
    await app.stop()


async def test_replies_are_sent_in_order_per_chat(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    for text in ("/trogiup", "/huy", "/dulieu"):
        await memory.deliver(inbound_from(memory, "4003", clock.now(), text=text))
    await app.settle()
    assert [m.text for m in memory.chats["4003"]] == [
        texts.HELP,
        texts.NOTHING_TO_CANCEL,
        texts.MY_DATA_NONE,
    ]


async def test_a_repeat_arriving_together_with_the_original_is_still_a_repeat(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    inbound = inbound_from(memory, "4004", clock.now(), text="/trogiup")
    other = inbound_from(memory, "4005", clock.now(), text="/trogiup")
    results = await asyncio.gather(
        memory.deliver(inbound), memory.deliver(inbound), memory.deliver(other)
    )
    assert sorted(results) == [False, True, True]
    await app.settle()
    assert [m.text for m in memory.chats["4004"]] == [texts.HELP]
    assert [m.text for m in memory.chats["4005"]] == [texts.HELP]


async def test_a_handler_that_fails_rolls_back_and_the_parent_gets_an_apology(
    settings: Settings, clock: FixedClock
) -> None:
    from bot.context import Context
    from bot.routing import Routes

    async def broken(ctx: Context) -> None:
        ctx.reply("half-done")
        raise RuntimeError("boom")

    routes = Routes(**{**surface.ROUTES.__dict__, "commands": {"trogiup": broken}})
    channel = MemoryChannel()
    app = create_app(settings, channels=[channel], clock=clock, jobs=[], routes=routes)
    await app.start(scheduler=False, sender=False)
    await channel.deliver(inbound_from(channel, "4006", clock.now(), text="/trogiup"))
    await app.settle()
    assert [m.text for m in channel.chats["4006"]] == [texts.FAILURE]
    async with app.db.sessions() as session:
        row = await session.scalar(select(InboundMessage))
    assert row is not None and row.status == "failed" and "boom" in (row.error or "")
    await app.stop()


async def test_a_handled_inbound_keeps_no_trace_of_what_was_said(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    await memory.deliver(inbound_from(memory, "4007", clock.now(), text="/trogiup"))
    await app.settle()
    async with app.db.sessions() as session:
        row = await session.scalar(select(InboundMessage))
    assert row is not None and row.status == "handled" and row.payload == {}
    assert row.chat_id == "4007"  # kept with the external id, so a redelivery is recognised


async def test_chats_waiting_behind_a_full_house_of_batches_are_handled(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    from bot.dispatch import Dispatcher
    from bot.inbox import record_inbound

    dispatcher = Dispatcher(
        app.db,
        surface.ROUTES,
        app.services,
        app.job_context.after_commit,
        app.signer,
        max_batch=1,
        max_batches=1,
    )
    for chat in ("4101", "4102", "4103"):
        inbound = inbound_from(memory, chat, clock.now(), text="/trogiup")
        inbound_id = await record_inbound(app.db, inbound)
        assert inbound_id is not None
        dispatcher.submit(inbound_id, inbound)
    await asyncio.wait_for(dispatcher.idle(), timeout=10)
    assert dispatcher.handled == 3


async def test_a_sent_reply_keeps_no_copy_of_its_text(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    await memory.deliver(inbound_from(memory, "4008", clock.now(), text="/trogiup"))
    await app.settle()
    assert [m.text for m in memory.chats["4008"]] == [texts.HELP]
    async with app.db.sessions() as session:
        row = await session.scalar(select(OutboxMessage))
    assert row is not None and row.status == "sent" and row.body is None


async def test_a_bare_slash_gets_an_answer_not_an_apology(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    await memory.deliver(inbound_from(memory, "4009", clock.now(), text="/"))
    await app.settle()
    replies = [m.text for m in memory.chats["4009"]]
    assert len(replies) == 1 and replies[0] != texts.FAILURE
