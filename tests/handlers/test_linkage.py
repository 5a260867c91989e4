"""Linkage attacks on real waves: none ties a response to its parent better than chance.

The attacker holds the whole database: the receipts (who answered, and when), the responses and
their answers, and on PostgreSQL each row's transaction (`xmin`) and place on disk (`ctid`); on
SQLite the `rowid`. Each parent's answers carry a comment only they wrote, so the test — not the
attacker — knows whose each response is. Every attack is also run on the answers while they wait
in the pool, where it works: the attacks are real, and it is the release that defeats them.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Date, DateTime, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App, create_app
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.db import Base
from bot.models import CompletionReceipt, Person, Wave
from bot.settings import Settings
from handlers import texts
from handlers.release import hold_answers, release_responses
from tests.chat import ChatUser
from tests.factories import SchoolSetup, make_school, open_wave
from tests.handlers.test_survey_conversation import join_and_consent

SURVEY = """\
key: linkage
version: 1
title: Khảo sát ngắn
intro: Phiếu không ghi tên.
questions:
  - key: overall
    type: scale
    text: Nhìn chung anh/chị hài lòng ở mức nào?
  - key: comment
    type: text
    text: Anh/chị muốn góp ý gì thêm?
overall: overall
"""
# the classes of the wave and how many parents of each answer: two of at least the minimum
# group (5), two smaller ones, released at close without their class
CLASSES = {"Lá 1": 6, "Chồi 1": 5, "Mầm 1": 2, "Nhà trẻ": 1}


@dataclass(frozen=True)
class Row:
    """A stored questionnaire as the attacker sees it, and (for the test only) whose it is."""

    group: int | None  # its class; None for the small classes' group
    author: int  # the person who wrote it, from the comment: ground truth, not the attacker's
    keys: dict[str, tuple[int, ...]]  # orderings the attacker can read: id, stored place, xmin


@dataclass(frozen=True)
class Receipt:
    person: int
    group: int | None
    at: float  # when they answered (seconds), from completion_receipts
    xmin: int | None


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
    waiting = await _stored(app, "pending_responses", authors)
    receipts = await _receipts(app, parents)
    if postgres:
        by_xmin = {receipt.xmin: receipt.person for receipt in receipts}
        assert all(by_xmin[row.keys["xmin"][0]] == row.author for row in waiting)
    assert _order_attack(waiting, receipts, "stored") == len(waiting)

    clock.advance(days=8)  # the wave closes; the release writes its answers
    await release_responses(app.job_context)
    released = await _stored(app, "responses", authors)
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
        columns = Base.metadata.tables[table].columns
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
        assert _order_attack(released, receipts, key) < len(released)


async def test_the_order_of_released_responses_says_nothing_of_the_order_of_receipts(
    app: App,
) -> None:
    """200 classes of 5, each parent submitting in their own transaction, interleaved; the
    attacker learns from all classes which stored position most often holds which receipt rank
    and guesses by it: no better than 1 in 5 (up to sampling), against 5 in 5 on the pool."""
    classes, size = 200, 5
    people, authors = await _submit_directly(app, classes, size)
    receipts = await _receipts(app, people)
    waiting = await _stored(app, "pending_responses", authors)
    assert _learning_attack(waiting, receipts, "stored") == classes * size

    await release_responses(app.job_context)  # every class has the minimum waiting
    released = await _stored(app, "responses", authors)
    assert len(released) == classes * size
    if app.db.engine.dialect.name == "postgresql":
        assert len({row.keys["xmin"] for row in released}) == classes  # one per class
    for key in ("id", "stored"):
        hits = _learning_attack(released, receipts, key)
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


async def _submit_directly(
    app: App, classes: int, size: int
) -> tuple[dict[int, int], dict[str, int]]:
    """As `_store_response` does: the receipt and the pooled answers, one transaction each."""
    setup = await make_school(app, classes=tuple(f"Lớp {n}" for n in range(classes)))
    wave = await open_wave(app, setup, survey_key="linkage", days=7)
    now = app.services.clock.now()
    people: dict[int, int] = {}
    async with app.db.transaction() as session:
        persons = [Person(display_name="", created_at=now) for _ in range(classes * size)]
        session.add_all(persons)
        await session.flush()
        ids = [person.id for person in persons]
    class_ids = [room.id for room in setup.classes.values()]
    for n, person_id in enumerate(ids):  # class after class, round after round
        class_id = class_ids[n % classes]
        async with app.db.transaction() as session:
            at = now + timedelta(seconds=n)
            session.add(CompletionReceipt(wave_id=wave.id, person_id=person_id, submitted_at=at))
            answers = {"overall": "4", "comment": f"p{person_id}"}
            assert await hold_answers(session, wave.id, class_id, answers)
        people[person_id] = class_id
    return people, {f"p{person}": person for person in people}


async def _receipts(app: App, classes: Mapping[int, int]) -> list[Receipt]:
    xmin = "xmin::text" if app.db.engine.dialect.name == "postgresql" else "NULL"
    async with app.db.sessions() as session:
        rows = await session.execute(
            text(f"SELECT person_id, submitted_at, {xmin} FROM completion_receipts")
        )
        return [
            Receipt(person, classes[person], _seconds(at), int(x) if x else None)
            for person, at, x in rows
            if person in classes
        ]


async def _stored(app: App, table: str, authors: Mapping[str, int]) -> list[Row]:
    """The table's rows with every ordering the attacker can read, and (the test's) author."""
    postgres = app.db.engine.dialect.name == "postgresql"
    place = "ctid::text" if postgres else "rowid"
    xmin = "xmin::text" if postgres else "NULL"
    async with app.db.sessions() as session:
        rows = (
            await session.execute(text(f"SELECT id, class_id, {place}, {xmin} FROM {table}"))
        ).all()
        comments = await _comments(session, table)
    found = []
    for row_id, class_id, where, x in rows:
        keys = {"id": (int(row_id.replace("-", ""), 16),), "stored": _place(where)}
        if x is not None:
            keys["xmin"] = (int(x),)
        found.append(Row(class_id, authors[comments[row_id]], keys))
    return found


async def _comments(session: AsyncSession, table: str) -> dict[str, str]:
    if table == "pending_responses":
        rows = await session.execute(text("SELECT id, answers FROM pending_responses"))
        return {row_id: _json(answers)["comment"] for row_id, answers in rows}
    rows = await session.execute(
        text("SELECT response_id, value FROM answers WHERE question_key = 'comment'")
    )
    return {response_id: value for response_id, value in rows}


def _positions_and_ranks(
    rows: Sequence[Row], receipts: Sequence[Receipt], key: str
) -> list[tuple[int, int, int]]:
    """(group size, the row's position in its group sorted by `key`, the rank of its author's
    receipt in the group by time), for every row."""
    by_group: dict[int | None, list[Row]] = {}
    for row in rows:
        by_group.setdefault(row.group, []).append(row)
    rank_of: dict[int, int] = {}
    for group in by_group:
        mine = sorted((r for r in receipts if r.group == group), key=lambda r: r.at)
        rank_of.update({receipt.person: rank for rank, receipt in enumerate(mine)})
    return [
        (len(group_rows), position, rank_of[row.author])
        for group_rows in by_group.values()
        for position, row in enumerate(sorted(group_rows, key=lambda r: r.keys[key]))
    ]


def _order_attack(rows: Sequence[Row], receipts: Sequence[Receipt], key: str) -> int:
    """Hits of the attacker who takes a group's n-th row by `key` for its n-th receipt."""
    return sum(position == rank for _, position, rank in _positions_and_ranks(rows, receipts, key))


def _learning_attack(rows: Sequence[Row], receipts: Sequence[Receipt], key: str) -> int:
    """Hits of the best attacker who sorts each group's rows by `key`, learns from all groups
    which position most often holds which rank of receipt, and guesses by that."""
    seen = Counter(_positions_and_ranks(rows, receipts, key))
    best: dict[tuple[int, int], int] = {}
    for (size, position, _), n in seen.items():
        best[(size, position)] = max(best.get((size, position), 0), n)
    return sum(best.values())


def _place(where: object) -> tuple[int, ...]:
    """A row's place on disk: SQLite's rowid, or PostgreSQL's ctid "(page,item)"."""
    if isinstance(where, int):
        return (where,)
    return tuple(int(part) for part in re.findall(r"\d+", str(where)))


def _seconds(at: object) -> float:
    if isinstance(at, str):  # SQLite returns the stored text to a raw query
        return datetime.fromisoformat(at).timestamp()
    assert isinstance(at, datetime)
    return at.timestamp()


def _json(value: object) -> dict[str, str]:
    found = value if isinstance(value, dict) else json.loads(str(value))
    assert isinstance(found, dict)
    return found
