"""Several replicas on one database: per-chat order, one send per message, replies within a
second from either replica, one poller, each job once; a second process on SQLite is refused."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from bot.app import App, create_app
from bot.channels.base import Outbound
from bot.channels.memory import MemoryChannel, inbound_from
from bot.channels.telegram import TelegramChannel
from bot.clock import FixedClock
from bot.context import Context
from bot.models.messages import InboundMessage, OutboxMessage
from bot.models.people import ChatAccount
from bot.models.waves import DraftAnswer, SurveyRun
from bot.routing import Job, JobContext, Routes
from bot.scheduler import JobRuns, run_job
from bot.settings import Settings
from handlers import surface, texts
from tests.bot.test_unit_of_work import parents_at_question_one
from tests.conftest import POSTGRES_URL
from tests.fakes.loopback import free_port
from tests.fakes.telegram_api import FakeTelegram
from tests.phones import unlimited
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
# replicas share a PostgreSQL database; SQLite refuses a second process (the last test)
on_postgresql = pytest.mark.parametrize(
    "database_url", ["postgresql"] if POSTGRES_URL else [], indirect=True
)
on_sqlite = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
FIRST_QUESTIONS = ["tc_cong_khai", "tc_thu_tuc", "tc_lien_he", "csvc_phong_hoc", "csvc_bep_ve_sinh"]


@dataclass(frozen=True)
class Sent:
    at: float
    chat_id: str
    text: str


class TimedChannel(MemoryChannel):
    """The memory channel, noting when each message left (whichever replica sent it)."""

    def __init__(self, log: list[Sent]) -> None:
        super().__init__()
        self.log = log

    async def send(self, message: Outbound) -> str | None:
        if message.kind != "ack":
            self.log.append(Sent(time.monotonic(), message.chat_id, message.text))
        return await super().send(message)


async def replicas(settings: Settings, clock: FixedClock, count: int, **start: bool) -> list[App]:
    log: list[Sent] = []
    apps = [
        create_app(unlimited(settings), channels=[TimedChannel(log)], clock=clock, jobs=[])
        for _ in range(count)
    ]
    for app in apps:
        await app.start(scheduler=False, **start)
    return apps


def sent_by(apps: list[App]) -> list[Sent]:
    channel = apps[0].channels["memory"]
    assert isinstance(channel, TimedChannel)
    return channel.log


@on_postgresql
async def test_two_replicas_with_answers_alternating_keep_every_chat_in_order(
    app: App, memory: MemoryChannel, clock: FixedClock, settings: Settings
) -> None:
    parents = await parents_at_question_one(app, memory, clock, 20)
    await app.stop()
    apps = await replicas(settings, clock, 2)
    typed: dict[tuple[str, int], float] = {}

    async def types_five_answers(index: int, chat_id: str) -> None:
        for answer in range(1, 6):  # as fast as the webhooks come, one replica then the other
            inbound = inbound_from(memory, chat_id, clock.now(), text=str(answer))
            typed[(chat_id, answer)] = time.monotonic()
            assert await apps[(index + answer) % 2].receive(
                replace(inbound, external_id=f"typed-{chat_id}-{answer}")
            )

    try:
        chats = [parent.chat_id for parent in parents]
        await asyncio.gather(*(types_five_answers(i, chat) for i, chat in enumerate(chats)))

        async def all_answered() -> bool:
            return len(sent_by(apps)) >= 100

        await wait_until(all_answered, 20, every=0.02)
        await asyncio.sleep(0.5)  # a duplicate would arrive meanwhile
        log = sent_by(apps)
        assert len(log) == 100  # 0 lost, 0 sent twice
        for chat in chats:
            replies = [sent for sent in log if sent.chat_id == chat]
            assert [r.text.split(".")[0] for r in replies] == [f"Câu {n}/15" for n in range(2, 7)]
            waited = [reply.at - typed[(chat, n)] for n, reply in enumerate(replies, start=1)]
            # before the 5-second sweep could have found them: a notification woke the sender
            # (its latency, p99 under load, is measured in bench/faults_dispatch.py, not here)
            assert max(waited) < 4.0, waited
        async with apps[0].db.sessions() as session:
            drafts = await session.execute(
                select(ChatAccount.chat_id, DraftAnswer.question_key, DraftAnswer.value)
                .join(SurveyRun, SurveyRun.person_id == ChatAccount.person_id)
                .join(DraftAnswer, DraftAnswer.run_id == SurveyRun.id)
            )
            answers = {(chat, key): value for chat, key, value in drafts}
            inbound = dict(
                (
                    await session.execute(
                        select(InboundMessage.status, func.count()).group_by(InboundMessage.status)
                    )
                ).all()
            )
            outbox = dict(
                (
                    await session.execute(
                        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
                    )
                ).all()
            )
        # each answer on its own question: handled in the order typed
        assert all(
            answers[(chat, key)] == str(n)
            for chat in chats
            for n, key in enumerate(FIRST_QUESTIONS, start=1)
        )
        assert set(inbound) == {"handled"} and set(outbox) == {"sent"}
    finally:
        for replica in apps:
            await replica.stop()


@on_postgresql
async def test_a_failing_event_seen_by_two_replicas_is_answered_once(
    settings: Settings, clock: FixedClock
) -> None:
    async def broken(ctx: Context) -> None:
        raise RuntimeError("boom")

    routes = Routes(
        **{**surface.ROUTES.__dict__, "commands": {**surface.ROUTES.commands, "hong": broken}}
    )
    apps = [
        create_app(settings, channels=[MemoryChannel()], clock=clock, jobs=[], routes=routes)
        for _ in range(2)
    ]
    for replica in apps:
        await replica.start(scheduler=False, sender=False)
    try:
        channel = apps[0].channels["memory"]
        assert isinstance(channel, MemoryChannel)
        for n in range(5):
            inbound = inbound_from(channel, f"52{n}", clock.now(), text="/hong")
            assert await apps[0].receive(inbound)
            await apps[1].dispatcher.sweep()  # the other replica finds it pending too
        await asyncio.gather(*(replica.dispatcher.idle() for replica in apps))
        async with apps[0].db.sessions() as session:
            queued = list(await session.scalars(select(OutboxMessage.body)))
            failed = await session.scalar(
                select(func.count()).where(InboundMessage.status == "failed")
            )
        assert failed == 5
        assert sorted(body["chat_id"] for body in queued if body) == [f"52{n}" for n in range(5)]
        assert all(body and body["text"] == texts.FAILURE for body in queued)
    finally:
        for replica in apps:
            await replica.stop()


@on_postgresql
async def test_a_job_runs_once_among_replicas_firing_together(
    settings: Settings, clock: FixedClock
) -> None:
    runs: list[int] = []

    async def probe(job: JobContext) -> None:
        runs.append(1)
        await asyncio.sleep(0.3)

    job = Job("probe", probe, every_seconds=60)
    apps = [create_app(settings, channels=[], clock=clock, jobs=[job]) for _ in range(3)]
    for replica in apps:
        await replica.start(scheduler=False, sender=False)
    try:
        await asyncio.gather(*(run_job(job, r.job_context, JobRuns()) for r in apps))
        assert runs == [1]
        await run_job(job, apps[1].job_context, JobRuns())  # let go of after each run
        assert runs == [1, 1]
    finally:
        for replica in apps:
            await replica.stop()


async def test_one_replica_polls_and_another_takes_over_when_it_stops(
    settings: Settings, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with FakeTelegram() as fake:
        apps = [
            create_app(
                settings,
                channels=[TelegramChannel(fake.token, api_url=fake.api_url, poll_timeout=1)],
                clock=clock,
                jobs=[],
            )
            for _ in range(3)
        ]
        for replica in apps:
            await replica.start(scheduler=False, sender=False)
        running = list(apps)

        def pollers() -> list[App]:
            return [r for r in running if getattr(r.channels["telegram"], "polling", False)]

        async def one_polls() -> bool:
            return len(pollers()) == 1

        async def recorded(count: int) -> bool:
            async with running[0].db.sessions() as session:  # a replica still running
                found = await session.scalar(select(func.count()).select_from(InboundMessage))
            return found == count

        try:
            await wait_until(one_polls, 5, every=0.02)
            fake.queue_update(fake.text_update(chat_id=801, text="/trogiup"))
            await wait_until(lambda: recorded(1), 5, every=0.02)
            assert fake.most_polling == 1 and fake.conflicts == 0
            leader = pollers()[0]
            await leader.stop()
            running.remove(leader)
            await wait_until(one_polls, 8, every=0.02)  # a standby takes the lease
            fake.queue_update(fake.text_update(chat_id=802, text="/trogiup"))
            await wait_until(lambda: recorded(2), 5, every=0.02)
            await asyncio.sleep(1.5)  # the standby keeps standing by
            assert len(pollers()) == 1
        finally:
            for replica in running:
                await replica.stop()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert sum("standing by" in r.getMessage() for r in caplog.records) >= 2


@on_sqlite
async def test_a_second_process_on_a_sqlite_database_is_refused(
    app: App, settings: Settings, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAILONG_")}
    env.update(
        PYTHONPATH=str(ROOT),
        HAILONG_DATABASE_URL=settings.database_url,
        HAILONG_HTTP_PORT=str(free_port()),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2  # the operator's mistake: one line, as every other
    message = stderr.decode()
    assert "another Hài Lòng process is running on the SQLite database" in message, message
    assert "Traceback" not in message


@on_postgresql
async def test_a_replica_hears_the_others_again_after_losing_its_listening_connection(
    settings: Settings, clock: FixedClock
) -> None:
    apps = [create_app(settings, channels=[], clock=clock, jobs=[]) for _ in range(2)]
    for replica in apps:
        await replica.start(scheduler=False, sender=False)
    listener = apps[1].signals
    heard: list[str] = []
    back = asyncio.Event()
    listener.listen("hailong_test", heard.append)
    listener.on_reconnect(back.set)
    try:
        await listener.stop()  # listening on the new channel too, from a fresh connection
        await listener.start()
        async with apps[0].db.engine.connect() as connection:  # the server drops it
            await connection.execute(
                text("SELECT pg_terminate_backend(:pid)"), {"pid": listener.backend_pid}
            )
        await asyncio.wait_for(back.wait(), 15)
        apps[0].signals.publish("hailong_test", "xin chào")

        async def heard_it() -> bool:
            return heard == ["xin chào"]

        await wait_until(heard_it, 5, every=0.02)
    finally:
        for replica in apps:
            await replica.stop()
