"""The linkage attacks on stored answers, for tests/handlers/test_linkage.py and bench/linkage.py.

The attacker holds the whole database: the receipts (who answered, and when), the responses and
their answers, and on PostgreSQL each row's transaction (`xmin`) and place on disk (`ctid`); on
SQLite the `rowid`. Each parent's answers carry a comment only they wrote, so the caller — not the
attacker — knows whose each response is.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from bot.models.people import Person
from bot.models.waves import CompletionReceipt
from handlers.release import hold_answers
from tests.factories import make_school, open_wave

# a two-question survey: a level, and a comment that tells the caller whose a response is
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


async def submit_directly(
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


async def receipts_of(app: App, classes: Mapping[int, int]) -> list[Receipt]:
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


async def stored_rows(app: App, table: str, authors: Mapping[str, int]) -> list[Row]:
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


def positions_and_ranks(
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


def order_attack(rows: Sequence[Row], receipts: Sequence[Receipt], key: str) -> int:
    """Hits of the attacker who takes a group's n-th row by `key` for its n-th receipt."""
    return sum(position == rank for _, position, rank in positions_and_ranks(rows, receipts, key))


def learning_attack(rows: Sequence[Row], receipts: Sequence[Receipt], key: str) -> int:
    """Hits of the best attacker who sorts each group's rows by `key`, learns from all groups
    which position most often holds which rank of receipt, and guesses by that."""
    seen = Counter(positions_and_ranks(rows, receipts, key))
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
