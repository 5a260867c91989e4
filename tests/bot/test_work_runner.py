"""The work runner: queued work runs after commit, once, again after a crash, and fails politely."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from bot.app import App, create_app
from bot.channels.base import Outbound
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.models.messages import OutboxMessage
from bot.models.service import WorkItem
from bot.routing import JobContext, Work
from bot.settings import Settings
from bot.unit_of_work import Message


@dataclass(frozen=True)
class Greet:
    """A test's work item: say something to a chat (dates travel through the table too)."""

    chat_id: str
    n: int
    day: date = date(2026, 11, 23)


def said(item: Greet) -> Sequence[Message]:
    return [Message("memory", Outbound(item.chat_id, f"xong {item.n} {item.day:%d/%m}"))]


def sorry(item: Greet) -> Sequence[Message]:
    return [Message("memory", Outbound(item.chat_id, f"xin lỗi {item.n}"))]


Function = Callable[[Greet, JobContext], Awaitable[Sequence[Message]]]


@asynccontextmanager
async def app_with(
    settings: Settings, clock: FixedClock, function: Function
) -> AsyncIterator[tuple[App, MemoryChannel]]:
    """An app (one process) whose only kind of work is `Greet`, done by `function`."""
    memory = MemoryChannel()
    app = create_app(
        settings, channels=[memory], clock=clock, jobs=[], work=[Work(Greet, function, sorry)]
    )
    await app.start(scheduler=False, sender=False)
    try:
        yield app, memory
    finally:
        await app.stop()


async def queue(app: App, *items: Greet) -> None:
    async with app.job_context.transaction() as work:
        for item in items:
            work.later(item)


async def rows(app: App) -> list[tuple[str, int]]:
    async with app.db.sessions() as session:
        found = await session.execute(
            select(WorkItem.status, WorkItem.attempts).order_by(WorkItem.id)
        )
        return [(status, attempts) for status, attempts in found]


async def messages_to(app: App, chat_id: str) -> int:
    """Outbox rows to a chat, sent or not (a sent one keeps no text)."""
    async with app.db.sessions() as session:
        found = await session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.chat_id == chat_id)
        )
        return len(found.all())


async def test_queued_work_runs_after_commit_and_its_messages_are_sent(
    settings: Settings, clock: FixedClock
) -> None:
    async def greet(item: Greet, job: JobContext) -> Sequence[Message]:
        return said(item)

    async with app_with(settings, clock, greet) as (app, memory):
        with pytest.raises(RuntimeError):
            async with app.job_context.transaction() as work:
                work.later(Greet("c1", 0))
                raise RuntimeError("rolled back")
        await queue(app, Greet("c1", 1))
        assert await rows(app) == [("pending", 0)]
        await app.settle()
        assert [m.text for m in memory.chats["c1"]] == ["xong 1 23/11"]
        assert await rows(app) == []  # done: nothing kept


async def test_a_crashed_runners_item_is_run_again_once_its_claim_runs_out(
    settings: Settings, clock: FixedClock
) -> None:
    gate = asyncio.Event()

    async def stuck(item: Greet, job: JobContext) -> Sequence[Message]:
        await gate.wait()  # the process dies while doing this
        return said(item)

    async def greet(item: Greet, job: JobContext) -> Sequence[Message]:
        return said(item)

    async with app_with(settings, clock, stuck) as (first, _):
        await queue(first, Greet("c2", 2))
        dying = asyncio.create_task(first.worker.drain(first.job_context))
        while await rows(first) != [("running", 1)]:
            await asyncio.sleep(0.01)
        async with app_with(settings, clock, greet) as (second, memory):  # a restart
            await second.settle()
            assert await rows(second) == [("running", 1)]  # still claimed by the dead runner
            clock.advance(seconds=second.worker.lease_seconds + 1)
            second.worker.wake()  # its next sweep of the table
            await second.settle()
            assert [m.text for m in memory.chats["c2"]] == ["xong 2 23/11"]
            assert await rows(second) == []
            # the first one was not dead after all: its late result is not sent a second time
            gate.set()
            await dying
            assert await messages_to(second, "c2") == 1
            assert first.worker.done == 0 and second.worker.done == 1


async def test_two_runners_never_run_one_item_twice(settings: Settings, clock: FixedClock) -> None:
    ran: list[int] = []

    async def count(item: Greet, job: JobContext) -> Sequence[Message]:
        for _ in range(3):
            await asyncio.sleep(0)  # let the other runner claim meanwhile
        ran.append(item.n)
        return []

    async with (
        app_with(settings, clock, count) as (one, _),
        app_with(settings, clock, count) as (two, _),
    ):
        await queue(one, *(Greet("c3", n) for n in range(30)))
        await asyncio.gather(one.worker.drain(one.job_context), two.worker.drain(two.job_context))
        assert sorted(ran) == list(range(30))
        assert one.worker.done > 0 and two.worker.done > 0
        assert await rows(one) == []


async def test_a_failing_item_is_retried_then_given_up_with_a_warning_and_a_polite_word(
    settings: Settings, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(item: Greet, job: JobContext) -> Sequence[Message]:
        raise OSError("disk full")

    caplog.set_level(logging.INFO, logger="bot.work_runner")
    async with app_with(settings, clock, broken) as (app, memory):
        await queue(app, Greet("c4", 4))
        await app.settle()
        assert await rows(app) == [("pending", 1)]  # tried once, waits before the next try
        await app.settle()
        assert await rows(app) == [("pending", 1)]
        clock.advance(seconds=app.worker.backoff_seconds)
        await app.settle()
        assert await rows(app) == [("pending", 2)]
        clock.advance(seconds=4 * app.worker.backoff_seconds)
        await app.settle()
        assert await rows(app) == [("failed", 3)]
        assert [m.text for m in memory.chats["c4"]] == ["xin lỗi 4"]
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1 and "given up after 3 attempts" in warnings[0].getMessage()
        clock.advance(days=1)
        await app.settle()
        assert [m.text for m in memory.chats["c4"]] == ["xin lỗi 4"]  # given up means given up


async def test_a_running_app_runs_queued_work_as_soon_as_it_commits(
    settings: Settings, clock: FixedClock
) -> None:
    async def greet(item: Greet, job: JobContext) -> Sequence[Message]:
        return said(item)

    memory = MemoryChannel()
    work = [Work(Greet, greet, sorry)]
    app = create_app(settings, channels=[memory], clock=clock, jobs=[], work=work)
    await app.start(scheduler=False)  # the sender and the work runner run on their own
    try:
        await asyncio.sleep(0.05)  # both idle now, waiting (the runner for 15 s)
        await queue(app, Greet("c5", 5))
        async with asyncio.timeout(5):
            while "c5" not in memory.chats:
                await asyncio.sleep(0.01)
        assert [m.text for m in memory.chats["c5"]] == ["xong 5 23/11"]
    finally:
        await app.stop()
