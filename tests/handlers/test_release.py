"""Releasing answers from the pool: a class at a time once it has the minimum, the rest at close,
each answer once however many releases run, and nothing after a wave is released."""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy import func, select

from bot.app import App
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.models.people import Person
from bot.models.waves import (
    CompletionReceipt,
    DraftAnswer,
    PendingResponse,
    Response,
    SurveyRun,
    Wave,
)
from handlers import texts
from handlers.release import hold_answers, release_closed_wave, release_responses
from tests.chat import ChatUser
from tests.factories import SchoolSetup, make_school, open_wave
from tests.handlers.test_survey_conversation import join_and_consent
from tests.submitted import submitted_answers


async def submit(app: App, wave: Wave, setup: SchoolSetup, class_name: str, n: int) -> None:
    """`n` parents of the class send their answers, as `_store_response` writes them."""
    now = app.services.clock.now()
    for _ in range(n):
        async with app.db.transaction() as session:
            person = Person(display_name="", created_at=now)
            session.add(person)
            await session.flush()
            session.add(CompletionReceipt(wave_id=wave.id, person_id=person.id, submitted_at=now))
            class_id = setup.classes[class_name].id
            assert await hold_answers(session, wave.id, class_id, {"overall": "4"})


async def released(app: App) -> Counter[int | None]:
    """Released responses per class id (None: the small classes' group)."""
    async with app.db.sessions() as session:
        rows = await session.scalars(select(Response.class_id))
        return Counter(rows)


async def waiting(app: App) -> int:
    async with app.db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(PendingResponse)) or 0)


async def test_a_class_goes_out_with_the_minimum_and_its_rest_at_close(
    app: App, clock: FixedClock
) -> None:
    setup = await make_school(app, classes=("Lá 1", "Chồi 1", "Mầm 1"))
    wave = await open_wave(app, setup, survey_key="pulse", days=7)
    la1, choi1 = setup.classes["Lá 1"].id, setup.classes["Chồi 1"].id
    await submit(app, wave, setup, "Lá 1", 4)
    await release_responses(app.job_context)
    assert (await released(app), await waiting(app)) == ({}, 4)  # four are not enough

    await submit(app, wave, setup, "Lá 1", 1)
    await submit(app, wave, setup, "Chồi 1", 3)
    await release_responses(app.job_context)
    assert (await released(app), await waiting(app)) == ({la1: 5}, 3)
    async with app.db.sessions() as session:
        first_ids = set(await session.scalars(select(Response.id)))

    await submit(app, wave, setup, "Lá 1", 2)
    await submit(app, wave, setup, "Chồi 1", 1)
    await submit(app, wave, setup, "Mầm 1", 1)
    await release_responses(app.job_context)
    assert await waiting(app) == 7  # Lá 1's two wait for three more, or the close
    async with app.db.sessions() as session:
        still_open = await session.get(Wave, wave.id)
    assert still_open is not None and still_open.released_at is None

    clock.advance(days=8)
    await release_responses(app.job_context)
    # Lá 1 had five out, so its two join them; Chồi 1 (4) and Mầm 1 (1) go without a class
    assert (await released(app), await waiting(app)) == ({la1: 7, None: 5}, 0)
    async with app.db.sessions() as session:
        ids = set(await session.scalars(select(Response.id)))
        closed = await session.get(Wave, wave.id)
    assert not ids & first_ids  # Lá 1's first five were written again, under new ids
    assert closed is not None and closed.released_at == clock.now()
    assert choi1 not in await released(app)


async def test_releases_running_at_once_release_each_answer_once(
    app: App, clock: FixedClock
) -> None:
    setup = await make_school(app, classes=("Lá 1", "Chồi 1"))
    wave = await open_wave(app, setup, survey_key="pulse", days=7)
    await submit(app, wave, setup, "Lá 1", 6)
    await submit(app, wave, setup, "Chồi 1", 5)
    await asyncio.gather(*(release_responses(app.job_context) for _ in range(4)))
    ids = {setup.classes[name].id: n for name, n in (("Lá 1", 6), ("Chồi 1", 5))}
    assert (await released(app), await waiting(app)) == (ids, 0)
    clock.advance(days=8)
    await asyncio.gather(*(release_responses(app.job_context) for _ in range(4)))
    assert (await released(app), await waiting(app)) == (ids, 0)
    async with app.db.sessions() as session:
        assert len(await submitted_answers(session)) == 11


async def test_nothing_joins_a_wave_after_its_release(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    """An answer whose transaction lands after the closing release is refused, not released
    alone later; and a questionnaire left unfinished goes at close with its answers."""
    setup = await make_school(app)
    wave = await open_wave(app, setup, survey_key="preschool_parents", days=7)
    unfinished = ChatUser(app, memory, clock, "8101")
    await join_and_consent(unfinished, setup)
    await unfinished.taps("Bắt đầu")
    await unfinished.taps("Mẹ")
    async with app.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(DraftAnswer)) == 1

    clock.advance(days=8)
    async with app.db.transaction() as session:
        await release_closed_wave(session, wave.id, 5, clock.now(), catalog=app.services.catalog)
    async with app.db.transaction() as session:
        late = await hold_answers(session, wave.id, setup.classes["Lá 1"].id, {"overall": "5"})
    assert late is False
    assert await waiting(app) == 0
    async with app.db.sessions() as session:
        for model in (SurveyRun, DraftAnswer):
            assert await session.scalar(select(func.count()).select_from(model)) == 0, model

    await unfinished.taps("Zalo, nhóm lớp")  # a button of the run that is gone
    assert unfinished.last_reply in (texts.RUN_GONE, texts.WAVE_CLOSED)
