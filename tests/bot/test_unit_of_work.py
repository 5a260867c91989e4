"""The unit of work: one statement per kind of row for a batch, nothing kept in the session."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.channels.base import Outbound
from bot.channels.memory import MemoryChannel, inbound_from
from bot.clock import FixedClock
from bot.dispatch import Dispatcher
from bot.inbox import record_inbound
from bot.models.messages import OutboxMessage
from bot.models.service import WorkItem
from bot.routing import JobContext
from bot.unit_of_work import UnitOfWork
from handlers import surface
from tests.chat import ChatUser
from tests.factories import make_school, open_wave
from tests.handlers.test_survey_conversation import join_and_consent
from tests.statements import statements

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Probe:
    """A work item no kind runs: it only has to be stored."""

    n: int


async def parents_at_question_one(
    app: App, memory: MemoryChannel, clock: FixedClock, count: int
) -> list[ChatUser]:
    setup = await make_school(app)
    await open_wave(app, setup, version=1)  # its first questions are scale items: "4", "5"
    parents = [ChatUser(app, memory, clock, f"70{n}") for n in range(count)]
    for parent in parents:
        await join_and_consent(parent, setup)
        await parent.taps("Bắt đầu")
        assert parent.last_reply.startswith("Câu 1/")
    return parents


async def test_a_batch_of_answers_writes_each_kind_of_row_in_one_statement(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    parents = await parents_at_question_one(app, memory, clock, 5)
    with statements(app) as seen:
        await asyncio.gather(
            *(
                memory.deliver(inbound_from(memory, p.chat_id, clock.now(), text="4"))
                for p in parents
            )
        )
        await app.dispatcher.idle()
    assert seen["INSERT INTO draft_answers"] == 1
    assert seen["INSERT INTO outbox_messages"] == 1
    assert seen["UPDATE dialogs SET"] == 1
    await app.settle()
    assert all(p.last_reply.startswith("Câu 2/") for p in parents)


async def test_a_jobs_unit_of_work_is_flushed_once_and_handed_on_after_commit(app: App) -> None:
    handed: list[UnitOfWork] = []
    job = JobContext(app.services, app.db, handed.append)
    with statements(app) as seen:
        async with job.transaction() as work:
            work.send("memory", Outbound("c1", "một"))
            work.send("memory", Outbound("c2", "hai"))
            work.later(Probe(1))
            work.later(Probe(2))
            assert handed == []  # nothing leaves before the commit
    assert handed == [work] and all(row.id > 0 for row in work.queued)
    assert seen["INSERT INTO outbox_messages"] == 1 and seen["INSERT INTO work_items"] == 1
    assert work.session.info == {}
    async with app.db.sessions() as session:
        kinds = await session.scalars(select(WorkItem.kind))
        assert list(kinds) == ["Probe", "Probe"]


async def test_a_rolled_back_unit_of_work_writes_and_hands_on_nothing(app: App) -> None:
    handed: list[UnitOfWork] = []
    job = JobContext(app.services, app.db, handed.append)
    with pytest.raises(RuntimeError):
        async with job.transaction() as work:
            work.send("memory", Outbound("c1", "một"))
            work.later(Probe(1))
            raise RuntimeError("a handler failed")
    assert handed == []
    async with app.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert await session.scalar(select(func.count()).select_from(WorkItem)) == 0


@dataclass
class Unfrozen:
    n: int


def test_work_items_are_frozen_dataclass_instances() -> None:
    work = UnitOfWork(None, None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        work.later("render the report")
    with pytest.raises(TypeError):
        work.later(Probe)
    with pytest.raises(TypeError):
        work.later(Unfrozen(1))


async def test_a_dispatch_batch_keeps_nothing_in_the_session(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    parents = await parents_at_question_one(app, memory, clock, 2)
    seen: list[dict[Any, Any]] = []

    def after_commit(work: UnitOfWork) -> None:
        seen.append(dict(work.session.info))
        app.job_context.after_commit(work)

    dispatcher = Dispatcher(app.db, surface.ROUTES, app.services, after_commit, app.signer)
    for parent in parents:  # an answer reads the run, stages the answer and queues the next one
        inbound = inbound_from(memory, parent.chat_id, clock.now(), text="5")
        inbound_id = await record_inbound(app.db, inbound)
        assert inbound_id is not None
        dispatcher.submit(inbound_id, inbound)
    await dispatcher.idle()
    await app.settle()
    assert seen and all(info == {} for info in seen)
    assert all(p.last_reply.startswith("Câu 2/") for p in parents)


def test_no_code_keeps_state_in_the_session_info() -> None:
    hidden = re.compile(r"session\.info|\.info\[")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("bot", "handlers")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if hidden.search(line)
    ]
    assert found == []


def test_the_sender_knows_nothing_of_surveys() -> None:
    survey_words = re.compile(r"\bwave|completion|receipt|\bsurvey", re.IGNORECASE)
    sender = [ROOT / "bot" / "outbox.py", *sorted((ROOT / "bot" / "delivery").rglob("*.py"))]
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sender
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if survey_words.search(line)
    ]
    assert found == []
