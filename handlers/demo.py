"""A demo school with classes, staff, parents who already answered, and an open wave."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import (
    PURPOSES,
    Answer,
    ChatAccount,
    Classroom,
    CompletionReceipt,
    ConsentEvent,
    Membership,
    Person,
    Response,
    School,
)
from handlers.news_samples import add_samples
from handlers.setup import create_class, create_school
from handlers.texts import CONSENT_NOTICE_VERSION
from handlers.waves import launch_wave
from surveys.catalog import Catalog
from surveys.engine import options_for, visible_questions

DEMO_SCHOOL = "MN-HOASEN"
CLASSES = (("Nhà trẻ 1", "nha_tre"), ("Mầm 1", "mam"), ("Chồi 1", "choi"), ("Lá 1", "la"))
ANSWERED_PARENTS = 8


@dataclass(frozen=True)
class DemoPersona:
    chat_id: str
    label: str
    group: str


@dataclass(frozen=True)
class DemoSchool:
    school_name: str
    class_codes: dict[str, str]
    personas: list[DemoPersona]


async def seed_demo(
    session: AsyncSession, catalog: Catalog, now: datetime, channel: str = "web"
) -> DemoSchool:
    """Creates the demo school once; later calls return what is already there."""
    school = await session.scalar(select(School).where(School.code == DEMO_SCHOOL))
    if school is None:
        school = await _create(session, catalog, now, channel)
    await add_samples(session, school.id, now)  # the news library /tin offers (by title, once)
    classes = await session.scalars(select(Classroom).where(Classroom.school_id == school.id))
    codes = {c.name: c.invite_code for c in classes}
    return DemoSchool(school.name, codes, _personas(codes))


def _personas(codes: dict[str, str]) -> list[DemoPersona]:
    return [
        DemoPersona("web-new-parent", f"Phụ huynh mới (mã lớp Lá 1: {codes['Lá 1']})", "Phụ huynh"),
        DemoPersona("web-parent-la1", "Phụ huynh lớp Lá 1 (đã tham gia)", "Phụ huynh"),
        DemoPersona("web-teacher-la1", "Cô giáo lớp Lá 1 (/thongbao)", "Giáo viên"),
        DemoPersona("web-principal", "Hiệu trưởng (/khaosat, /thongbao, /tin)", "Ban giám hiệu"),
    ]


async def _create(session: AsyncSession, catalog: Catalog, now: datetime, channel: str) -> School:
    school = await create_school(
        session,
        code=DEMO_SCHOOL,
        name="Trường Mầm non Hoa Sen",
        district="Phòng GD&ĐT Quận 1",
        now=now,
    )
    classes = {
        name: await create_class(session, school=school, name=name, grade=grade)
        for name, grade in CLASSES
    }
    la1 = classes["Lá 1"]
    await _person(
        session, now, channel, "web-principal", "Cô Hiệu trưởng", school, None, "principal"
    )
    await _person(session, now, channel, "web-teacher-la1", "Cô Lan", school, la1, "teacher")
    parents = [
        await _person(
            session, now, channel, f"web-seed-parent-{n}", f"Phụ huynh {n}", school, la1, "parent"
        )
        for n in range(1, ANSWERED_PARENTS + 1)
    ]
    parents.append(
        await _person(
            session, now, channel, "web-parent-la1", "Phụ huynh Lá 1", school, la1, "parent"
        )
    )
    wave, _ = await launch_wave(
        session,
        catalog,
        school_id=school.id,
        survey_key="preschool_parents",
        opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(days=12),
        now=now - timedelta(days=2),
        title="Khảo sát sự hài lòng học kỳ I",
    )
    survey = catalog.get(wave.survey_key, wave.survey_version)
    draw = random.Random(2026)
    for person in parents[:ANSWERED_PARENTS]:
        answers: dict[str, str] = {}
        for question in survey.questions:
            if question not in visible_questions(survey, answers):
                continue
            values = [o.value for o in options_for(question)]
            if question.type == "scale":
                answers[question.key] = draw.choice(["5", "5", "4", "4", "4", "3", "2"])
            elif question.type == "multi":
                answers[question.key] = ",".join(sorted(draw.sample(values, 2), key=values.index))
            elif question.type in ("single", "yesno"):
                answers[question.key] = draw.choice(values)
        response = Response(wave_id=wave.id, class_id=la1.id, submitted_on=now.date())
        session.add(response)
        await session.flush()
        session.add_all(
            Answer(response_id=response.id, question_key=k, value=v) for k, v in answers.items()
        )
        session.add(CompletionReceipt(wave_id=wave.id, person_id=person.id, submitted_at=now))
    return school


async def _person(
    session: AsyncSession,
    now: datetime,
    channel: str,
    chat_id: str,
    name: str,
    school: School,
    classroom: Classroom | None,
    role: str,
) -> Person:
    person = Person(display_name=name, created_at=now)
    session.add(person)
    await session.flush()
    session.add(
        ChatAccount(
            person_id=person.id, channel=channel, user_id=chat_id, chat_id=chat_id, created_at=now
        )
    )
    session.add(
        Membership(
            person_id=person.id,
            school_id=school.id,
            class_id=classroom.id if classroom else None,
            role=role,
            created_at=now,
        )
    )
    if role == "parent":
        session.add_all(
            ConsentEvent(
                person_id=person.id,
                purpose=p,
                granted=True,
                notice_version=CONSENT_NOTICE_VERSION,
                at=now,
            )
            for p in PURPOSES
        )
    await session.flush()
    return person
