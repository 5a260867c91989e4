"""What a release writes besides the answers: each response's grade, kept for a small class only
where its grade's group is big enough, and profile answers dealt out again within the group."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import App
from bot.clock import FixedClock
from bot.migrate import upgrade
from bot.models.people import Person
from bot.models.waves import Answer, CompletionReceipt, Response, Wave
from handlers.release import hold_answers, pooled_by_grade, release_responses
from handlers.setup import create_class, create_school
from handlers.waves import launch_wave

Answers = dict[str, str]


def answers(n: int, tag: str = "x") -> list[Answers]:
    return [{"comment": f"{tag}{i}"} for i in range(n)]


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        ({"la": 5, "choi": 3, "mam": 2}, {"la": 5, "": 5}),  # both groups have five
        ({"la": 5, "choi": 2}, {"": 7}),  # the rest would be two: lá joins it
        ({"la": 6, "choi": 5, "mam": 1}, {"la": 6, "": 6}),  # the smaller named grade joins
        ({"la": 5, "choi": 5}, {"la": 5, "choi": 5}),  # nothing left without a grade
        ({"la": 4, "": 1}, {"": 5}),  # no grade of five: all without one
        ({"la": 2}, {"": 2}),  # too few in all: as small as it was before grades
        ({"": 3, "la": 9}, {"": 12}),
    ],
)
def test_a_small_class_keeps_its_grade_only_when_no_group_gets_small(
    sizes: dict[str, int], expected: dict[str, int]
) -> None:
    small = {grade: answers(n, grade) for grade, n in sizes.items()}
    pooled = pooled_by_grade(small, 5)
    assert {grade: len(found) for grade, found in pooled.items()} == expected
    assert sorted(a["comment"] for found in pooled.values() for a in found) == sorted(
        a["comment"] for found in small.values() for a in found
    )


async def graded_school(app: App, classes: dict[str, str]) -> tuple[int, dict[str, int]]:
    """A school whose classes have these grades: its id and the classes' ids."""
    now = app.services.clock.now()
    async with app.db.transaction() as session:
        school = await create_school(session, code="MN-KHOI", name="Trường Mầm non Khối", now=now)
        ids = {
            name: (await create_class(session, school=school, name=name, grade=grade)).id
            for name, grade in classes.items()
        }
    return school.id, ids


async def week_wave(app: App, school_id: int, survey: str = "pulse") -> Wave:
    """A wave of a week over every class of the school."""
    now = app.services.clock.now()
    async with app.db.transaction() as session:
        wave, _ = await launch_wave(
            session, app.services.catalog, school_id=school_id, survey_key=survey,
            opens_at=now, closes_at=now + timedelta(days=7), now=now, settings=app.settings,
        )  # fmt: skip
    return wave


async def graded_wave(app: App, classes: dict[str, str]) -> tuple[Wave, dict[str, int]]:
    school_id, ids = await graded_school(app, classes)
    return await week_wave(app, school_id), ids


async def send(app: App, wave: Wave, class_id: int, given: list[Answers]) -> None:
    now = app.services.clock.now()
    for one in given:
        async with app.db.transaction() as session:
            person = Person(display_name="", created_at=now)
            session.add(person)
            await session.flush()
            session.add(CompletionReceipt(wave_id=wave.id, person_id=person.id, submitted_at=now))
            assert await hold_answers(session, wave.id, class_id, one)


async def written(app: App, wave: Wave) -> Counter[tuple[int | None, str]]:
    async with app.db.sessions() as session:
        rows = await session.execute(
            select(Response.class_id, Response.grade).where(Response.wave_id == wave.id)
        )
        return Counter((class_id, grade) for class_id, grade in rows)


async def test_responses_carry_their_class_grade_and_small_classes_theirs_when_enough(
    app: App, clock: FixedClock
) -> None:
    grades = {"Lá 1": "la", "Lá 2": "la", "Lá 3": "la", "Chồi 1": "choi", "Mầm 1": "mam"}
    wave, ids = await graded_wave(app, grades)
    for name, n in (("Lá 1", 6), ("Lá 2", 3), ("Lá 3", 2), ("Chồi 1", 3), ("Mầm 1", 2)):
        await send(app, wave, ids[name], [{"overall": "4"}] * n)
    await release_responses(app.job_context)
    assert await written(app, wave) == {(ids["Lá 1"], "la"): 6}  # the rest waits for the close
    clock.advance(days=8)
    await release_responses(app.job_context)
    # Lá 2 and Lá 3 are five of "lá" between them; Chồi 1 and Mầm 1 five without a grade
    assert await written(app, wave) == {(ids["Lá 1"], "la"): 6, (None, "la"): 5, (None, ""): 5}


async def test_a_small_grade_that_would_leave_the_rest_small_loses_its_grade(
    app: App, clock: FixedClock
) -> None:
    wave, ids = await graded_wave(app, {"Lá 2": "la", "Lá 3": "la", "Chồi 1": "choi"})
    for name, n in (("Lá 2", 3), ("Lá 3", 2), ("Chồi 1", 2)):
        await send(app, wave, ids[name], [{"overall": "4"}] * n)
    clock.advance(days=8)
    await release_responses(app.job_context)
    # "lá" alone would leave Chồi 1's two answers a group of two: all seven go without a grade
    assert await written(app, wave) == {(None, ""): 7}


async def test_profile_answers_are_counted_but_dealt_out_again_within_the_class(
    app: App, clock: FixedClock
) -> None:
    """In each of ten waves the class's only father gives the only 1; after the release the
    responses still hold one father and one 1, but the father's response is any of the six."""
    school_id, ids = await graded_school(app, {"Lá 1": "la"})
    father = {"nguoi_tra_loi": "bo", "lien_he_chu_yeu": "dien_thoai", "overall": "1"}
    mother = {"nguoi_tra_loi": "me", "lien_he_chu_yeu": "zalo", "overall": "5"}
    paired = 0
    for _ in range(10):
        wave = await week_wave(app, school_id, "preschool_parents")
        await send(app, wave, ids["Lá 1"], [father] + [mother] * 5)
        await release_responses(app.job_context)
        found = await released_answers(app, wave)
        assert Counter(r["nguoi_tra_loi"] for r in found) == {"bo": 1, "me": 5}
        assert Counter(r["lien_he_chu_yeu"] for r in found) == {"dien_thoai": 1, "zalo": 5}
        assert Counter(r["overall"] for r in found) == {"1": 1, "5": 5}
        (fathers,) = [r for r in found if r["nguoi_tra_loi"] == "bo"]
        paired += fathers["overall"] == "1"
        clock.advance(days=7)  # the next week's wave
    # left paired, all ten would be; dealt out at random, all ten are with odds of 6⁻¹⁰
    assert paired < 10


async def released_answers(app: App, wave: Wave) -> list[Answers]:
    responses: dict[str, Answers] = {}
    async with app.db.sessions() as session:
        rows = await session.execute(
            select(Answer.response_id, Answer.question_key, Answer.value)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.wave_id == wave.id)
        )
        for response_id, key, value in rows:
            responses.setdefault(response_id, {})[key] = value
    return list(responses.values())


async def test_the_grades_migration_gives_stored_responses_their_class_grade(
    tmp_path: Path,
) -> None:
    """On a database from before it: a response with a class takes the class's grade, one
    released without its class stays without a grade."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    await upgrade(url, "0011")
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        for statement in BEFORE_GRADES:
            await connection.execute(text(statement))
    await upgrade(url)
    async with engine.begin() as connection:
        rows = (await connection.execute(text("SELECT id, grade FROM responses"))).all()
    await engine.dispose()
    assert dict(rows) == {"r1": "la", "r2": "", "r3": "choi"}


BEFORE_GRADES = (
    "INSERT INTO schools (id, code, name, district, target_percent, created_at) "
    "VALUES (1, 'MN-OLD', 'Trường cũ', '', 90, '2026-01-01 00:00:00')",
    "INSERT INTO classes (id, school_id, name, grade, invite_code) "
    "VALUES (1, 1, 'Lá 1', 'la', 'OLD1'), (2, 1, 'Chồi 1', 'choi', 'OLD2')",
    "INSERT INTO waves (id, school_id, survey_key, survey_version, title, opens_at, closes_at, "
    "created_at) VALUES (1, 1, 'pulse', 1, 'Cũ', '2026-01-01 00:00:00', '2026-01-08 00:00:00', "
    "'2026-01-01 00:00:00')",
    "INSERT INTO responses (id, wave_id, class_id) VALUES ('r1', 1, 1), ('r2', 1, NULL), "
    "('r3', 1, 2)",
)
