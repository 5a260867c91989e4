"""Dispatch that never strands an event: passing database failures are retried in order, a
handler's own failure is answered once, and recovery reads every pending event."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import App, create_app
from bot.channels.memory import MemoryChannel, inbound_from
from bot.clock import FixedClock
from bot.context import Context
from bot.inbox import record_many
from bot.models.messages import InboundMessage, OutboxMessage
from bot.routing import Routes
from bot.settings import Settings
from bot.transient import Spell, is_transient
from handlers import surface, texts
from tests.fakes.loopback import free_port

Handler = Callable[[Context], Awaitable[None]]


async def lose_the_database(ctx: Context, database_url: str) -> None:
    """Fails the handling transaction the way a database fault does, for real: on PostgreSQL its
    connection is killed by the server; on SQLite the file is found locked by another writer."""
    if not database_url.startswith("sqlite"):
        await ctx.session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return
    other = sqlite3.connect(make_url(database_url).database or "", timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")  # this transaction holds the write lock: busy
    finally:
        other.close()


def with_commands(**commands: Handler) -> Routes:
    return Routes(
        **{**surface.ROUTES.__dict__, "commands": {**surface.ROUTES.commands, **commands}}
    )


async def started(
    settings: Settings, clock: FixedClock, routes: Routes
) -> tuple[App, MemoryChannel]:
    channel = MemoryChannel()
    app = create_app(settings, channels=[channel], clock=clock, jobs=[], routes=routes)
    await app.start(scheduler=False, sender=False)
    return app, channel


async def statuses(app: App) -> dict[str, int]:
    async with app.db.sessions() as session:
        rows = await session.execute(
            select(InboundMessage.status, func.count()).group_by(InboundMessage.status)
        )
        return {status: count for status, count in rows}


async def test_a_passing_failure_is_retried_while_the_chats_later_events_wait(
    settings: Settings, clock: FixedClock
) -> None:
    failures = [3]

    async def flaky(ctx: Context) -> None:
        if failures[0] > 0:
            failures[0] -= 1
            await lose_the_database(ctx, settings.database_url)
        ctx.reply("đã xong")

    app, channel = await started(settings, clock, with_commands(lam=flaky))
    try:
        await channel.deliver(inbound_from(channel, "5001", clock.now(), text="/lam"))
        await channel.deliver(inbound_from(channel, "5001", clock.now(), text="/trogiup"))
        await channel.deliver(inbound_from(channel, "5002", clock.now(), text="/trogiup"))
        await app.settle()
        assert failures == [0]
        assert [m.text for m in channel.chats["5001"]] == ["đã xong", texts.HELP]
        assert [m.text for m in channel.chats["5002"]] == [texts.HELP]
        assert await statuses(app) == {"handled": 3}
        async with app.db.sessions() as session:
            order = list(
                await session.scalars(select(OutboxMessage.chat_id).order_by(OutboxMessage.id))
            )
        # the other chat was answered while the failing one waited for its retries
        assert order == ["5002", "5001", "5001"]
    finally:
        await app.stop()


async def test_a_handlers_own_failure_is_answered_once_and_the_chat_goes_on(
    settings: Settings, clock: FixedClock
) -> None:
    async def broken(ctx: Context) -> None:
        ctx.reply("nửa chừng")
        raise RuntimeError("boom")

    app, channel = await started(settings, clock, with_commands(hong=broken))
    try:
        inbounds = [
            inbound_from(channel, "5101", clock.now(), text="/hong"),
            inbound_from(channel, "5102", clock.now(), text="/trogiup"),
            inbound_from(channel, "5101", clock.now(), text="/trogiup"),
            inbound_from(channel, "5103", clock.now(), text="/trogiup"),
        ]
        for inbound in inbounds:  # recorded together, handled in one batch that fails
            app.dispatcher.submit(await app.inbox.record(inbound) or 0, inbound)
        await app.settle()
        assert [m.text for m in channel.chats["5101"]] == [texts.FAILURE, texts.HELP]
        assert [m.text for m in channel.chats["5102"]] == [texts.HELP]
        assert [m.text for m in channel.chats["5103"]] == [texts.HELP]
        assert await statuses(app) == {"handled": 3, "failed": 1}
    finally:
        await app.stop()


async def test_recovery_handles_every_pending_event_oldest_first_per_chat(
    settings: Settings, clock: FixedClock
) -> None:
    async def echo(ctx: Context) -> None:
        ctx.reply(ctx.inbound.text)

    routes = Routes(**{**surface.ROUTES.__dict__, "fallback": echo})
    channel = MemoryChannel()
    # 1,200 chats (more than a page of them): 100 with four events each, 1,100 with one
    talkative = [str(60_000 + n) for n in range(100)]
    brief = [str(70_000 + n) for n in range(1100)]
    recorded = [
        inbound_from(channel, chat, clock.now(), text=str(answer))
        for answer in range(1, 5)
        for chat in (talkative if answer > 1 else talkative + brief)
    ]
    app = create_app(settings, channels=[channel], clock=clock, jobs=[], routes=routes)
    ids = await record_many(app.db, recorded)  # recorded, then the process died
    assert len(recorded) == 1500 and None not in ids
    await app.start(scheduler=False, sender=False)  # recovers
    try:
        await app.settle()
        assert await statuses(app) == {"handled": 1500}
        assert all([m.text for m in channel.chats[c]] == ["1", "2", "3", "4"] for c in talkative)
        assert all([m.text for m in channel.chats[c]] == ["1"] for c in brief)
    finally:
        await app.stop()


async def test_only_database_faults_that_pass_by_themselves_count_as_passing(
    database_url: str,
) -> None:
    nowhere = create_async_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/x")
    with pytest.raises(Exception) as refused:
        async with nowhere.connect() as connection:
            await connection.execute(text("SELECT 1"))
    await nowhere.dispose()
    assert is_transient(refused.value)
    assert not is_transient(RuntimeError("a handler's bug"))
    engine = create_async_engine(database_url)
    try:
        with pytest.raises(Exception) as missing:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT * FROM no_such_table"))
        assert not is_transient(missing.value)
        if database_url.startswith("sqlite"):
            async with engine.begin() as connection:
                await connection.execute(text("UPDATE inbound_messages SET status = status"))
                other = sqlite3.connect(make_url(database_url).database or "", timeout=0)
                with pytest.raises(sqlite3.OperationalError) as busy:
                    other.execute("BEGIN IMMEDIATE")
                other.close()
            assert is_transient(busy.value)
            return
        with pytest.raises(Exception) as lost:
            async with engine.begin() as connection:
                await connection.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        assert is_transient(lost.value)
        async with engine.begin() as holder:
            await holder.execute(text("SELECT pg_advisory_xact_lock(42)"))
            with pytest.raises(Exception) as timed_out:
                async with engine.begin() as waiter:
                    await waiter.execute(text("SET LOCAL lock_timeout = '20ms'"))
                    await waiter.execute(text("SELECT pg_advisory_xact_lock(42)"))
        assert is_transient(timed_out.value)
    finally:
        await engine.dispose()


def test_a_spell_of_passing_failures_is_said_when_it_begins_and_ends(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A loop that meets the database away 100 times logs two WARNINGs; a bug is left to it."""
    spell = Spell(logging.getLogger("tests.spell"), "outbox")
    with caplog.at_level(logging.DEBUG, "tests.spell"):
        assert all(spell.failed(ConnectionRefusedError(111, "refused")) for _ in range(100))
        spell.passed()
        spell.passed()
        assert not spell.failed(RuntimeError("a bug"))  # the caller reports it, with its traceback
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.WARNING, "outbox: the database is away (ConnectionRefusedError); "
         "trying again until it is back"),
        (logging.WARNING, "outbox: working again, after 100 failed tries"),
    ]  # fmt: skip
