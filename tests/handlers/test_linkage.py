"""Linkage attacks on real waves: none ties a response to its parent better than chance.

The attacker holds the whole database: the receipts (who answered, and when), the responses and
their answers, and on PostgreSQL each row's transaction (`xmin`) and place on disk (`ctid`); on
SQLite the `rowid`. Each parent's answers carry a comment only they wrote, so the test — not the
attacker — knows whose each response is. Every attack is also run on the answers while they wait
in the pool, where it works: the attacks are real, and it is the release that defeats them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Date, DateTime, select

from bot.app import App, create_app
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.models.schema import metadata
from bot.models.waves import CompletionReceipt, Wave
from bot.settings import Settings
from handlers import texts
from handlers.release import release_responses
from tests.chat import ChatUser
from tests.factories import SchoolSetup, make_school, open_wave
from tests.handlers.test_survey_conversation import join_and_consent
from tests.linkage import (
    SURVEY,
    Receipt,
    learning_attack,
    order_attack,
    receipts_of,
    stored_rows,
    submit_directly,
)

# the classes of the wave and how many parents of each answer: two of at least the minimum
# group (5), two smaller ones, released at close without their class
CLASSES = {"Lá 1": 6, "Chồi 1": 5, "Mầm 1": 2, "Nhà trẻ": 1}


@pytest.fixture
async def app(
    settings: Settings, memory: MemoryChannel, clock: FixedClock, tmp_path: Path
) -> AsyncIterator[App]:
    folder = tmp_path / "surveys"
    folder.mkdir()
    (folder / "linkage.v1.yaml").write_text(SURVEY, encoding="utf-8")
    with_survey = settings.model_copy(update={"survey_dirs": [folder]})
    application = create_app(with_survey, channels=[memory], clock=clock, jobs=[])
    await application.start(scheduler=False, sender=False)
    yield application
    await application.stop()


async def test_a_wave_answered_in_chat_links_no_response_to_its_parent(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app, classes=tuple(CLASSES))
    wave = await open_wave(app, setup, survey_key="linkage", days=7)
    parents, authors = await _answer_in_chat(app, memory, clock, setup)
    postgres = app.db.engine.dialect.name == "postgresql"

    # while waiting, the answers are as linkable as their receipts: the same transaction, and
    # stored in the order they came
    waiting = await stored_rows(app, "pending_responses", authors)
    receipts = await receipts_of(app, parents)
    if postgres:
        by_xmin = {receipt.xmin: receipt.person for receipt in receipts}
        assert all(by_xmin[row.keys["xmin"][0]] == row.author for row in waiting)
    assert order_attack(waiting, receipts, "stored") == len(waiting)

    clock.advance(days=8)  # the wave closes; the release writes its answers
    await release_responses(app.job_context)
    released = await stored_rows(app, "responses", authors)
    assert sorted(row.author for row in released) == sorted(parents)
    groups = Counter(row.group for row in released)
    small = sum(n for name, n in CLASSES.items() if n < 5)
    assert groups == {
        setup.classes["Lá 1"].id: 6,
        setup.classes["Chồi 1"].id: 5,
        None: small,  # Mầm 1 and Nhà trẻ, whose classes the responses no longer name
    }
    receipts = [
        Receipt(r.person, r.group if groups[r.group] else None, r.at, r.xmin) for r in receipts
    ]

    # class (and, once, day): the responses a receipt's class points to are all its group's
    for receipt in receipts:
        candidates = [row for row in released if row.group == receipt.group]
        assert receipt.person in {row.author for row in candidates}
        assert len(candidates) == groups[receipt.group] >= 3  # the sole Nhà trẻ parent: 1 in 3

    # timing: nothing stored with an answer has a time to set beside the receipt's
    for table in ("responses", "answers", "pending_responses"):
        columns = metadata.tables[table].columns
        assert not [c.name for c in columns if isinstance(c.type, Date | DateTime)], table
    async with app.db.sessions() as session:
        closed = await session.get(Wave, wave.id)
        assert closed is not None and closed.released_at is not None

    if postgres:  # same transaction, xmin order: one transaction per group, none a receipt's
        receipt_xmins = {receipt.xmin for receipt in receipts}
        for group in groups:
            xmins = {row.keys["xmin"] for row in released if row.group == group}
            assert len(xmins) == 1 and xmins.pop()[0] not in receipt_xmins
    # order: sorted by id or by place, a group's responses are not in the order of its receipts
    # (they all would be, by chance, once in 518,400 runs; the next test measures the rate)
    for key in ("id", "stored"):
        assert order_attack(released, receipts, key) < len(released)


async def test_the_order_of_released_responses_says_nothing_of_the_order_of_receipts(
    app: App,
) -> None:
    """200 classes of 5, each parent submitting in their own transaction, interleaved; the
    attacker learns from all classes which stored position most often holds which receipt rank
    and guesses by it: no better than 1 in 5 (up to sampling), against 5 in 5 on the pool."""
    classes, size = 200, 5
    people, authors = await submit_directly(app, classes, size)
    receipts = await receipts_of(app, people)
    waiting = await stored_rows(app, "pending_responses", authors)
    assert learning_attack(waiting, receipts, "stored") == classes * size

    await release_responses(app.job_context)  # every class has the minimum waiting
    released = await stored_rows(app, "responses", authors)
    assert len(released) == classes * size
    if app.db.engine.dialect.name == "postgresql":
        assert len({row.keys["xmin"] for row in released}) == classes  # one per class
    for key in ("id", "stored"):
        hits = learning_attack(released, receipts, key)
        assert hits / len(released) < 1 / size + 0.1, (key, hits)


async def _answer_in_chat(
    app: App, memory: MemoryChannel, clock: FixedClock, setup: SchoolSetup
) -> tuple[dict[int, int], dict[str, int]]:
    """Each parent joins, answers and sends at their own minute; person → class and
    comment → person (the test's own key to whose each response is)."""
    parents: dict[int, int] = {}
    authors: dict[str, int] = {}
    number = 0
    for class_name, count in CLASSES.items():
        for _ in range(count):
            number += 1
            parent = ChatUser(app, memory, clock, f"70{number:02d}")
            await join_and_consent(parent, setup, class_name)
            await parent.taps("Bắt đầu")
            await parent.taps("Hài lòng")
            await parent.says(f"Góp ý số {number}")
            clock.advance(minutes=1)
            await parent.taps(texts.SUBMIT)
            assert parent.last_reply == texts.SUBMITTED
            async with app.db.sessions() as session:
                person = await session.scalar(
                    select(CompletionReceipt.person_id).order_by(
                        CompletionReceipt.submitted_at.desc()
                    )
                )
            assert person is not None
            parents[person] = setup.classes[class_name].id
            authors[f"Góp ý số {number}"] = person
    await app.settle()
    return parents, authors
