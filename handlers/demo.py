"""A demo school with classes, staff, parents who already answered, and an open wave; its ward
and province with two more schools and their officers (handlers/demo_authorities.py).

A wave closed each of the last two weeks, so /baocao and the weekly digest show a week-on-week
change (the answers get better week after week); this week's wave is open, its answers so far
waiting to be released (handlers/release.py); a few tickets give the figures something to count.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models.messages import OutboxMessage
from bot.models.people import PURPOSES, ChatAccount, ConsentEvent, Membership, Person
from bot.models.schools import Classroom, School
from bot.models.waves import Answer, CompletionReceipt, PendingResponse, Response, Wave
from bot.settings import Settings
from handlers.news_samples import add_samples
from handlers.notice import CURRENT as NOTICE
from handlers.setup import SchoolContact, create_class, create_school, set_school_contact
from handlers.texts import DEMO_TICKETS
from handlers.tickets.store import SYSTEM, Draft, Terms, apply_status, create_ticket, log_event
from handlers.waves import launch_wave
from surveys.catalog import Catalog
from surveys.engine import visible_questions
from surveys.kinds import kind_of
from surveys.options import join_choices

DEMO_SCHOOL = "MN-HOASEN"
DEMO_CONTACT = SchoolContact(phone="028 3822 1234", email="mn.hoasen@example.edu.vn")
CLASSES = (("Nhà trẻ 1", "nha_tre"), ("Mầm 1", "mam"), ("Chồi 1", "choi"), ("Lá 1", "la"))
# officers of the ward and the province the demo school is under (handlers/demo_authorities.py)
WARD_OFFICER = "web-officer-ward"
PROVINCE_OFFICER = "web-officer-province"
OFFICER_PERSONAS = (
    (WARD_OFFICER, "Cán bộ UBND phường Sài Gòn (/baocao, /phieu)"),
    (PROVINCE_OFFICER, "Cán bộ Sở GD&ĐT TP. Hồ Chí Minh (/baocao)"),
)
ANSWERED_PARENTS = 8  # in Lá 1; as many again in Chồi 1 and in Mầm 1
# the levels a seeded parent picks from, the oldest week first: the school gets better
WEEKLY_LEVELS = (
    ("5", "4", "4", "3", "3", "2"),
    ("5", "5", "4", "4", "3", "2"),
    ("5", "5", "5", "4", "4", "3"),
)


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


async def weekly_wave(
    session: AsyncSession,
    catalog: Catalog,
    settings: Settings,
    school: School,
    opened: datetime,
    closes: datetime,
    week: date | datetime,
    released: datetime | None,
) -> Wave:
    """A demo wave of the preschool questionnaire named for its week, released when given."""
    wave, _ = await launch_wave(
        session,
        catalog,
        school_id=school.id,
        survey_key="preschool_parents",
        opens_at=opened,
        closes_at=closes,
        now=opened,
        settings=settings,
        title=f"Khảo sát sự hài lòng tuần {week:%d/%m}",
    )
    wave.released_at = released
    return wave


async def seed_demo(
    session: AsyncSession,
    catalog: Catalog,
    now: datetime,
    settings: Settings,
    channel: str = "web",
    terms: Terms | None = None,
) -> DemoSchool:
    """Creates the demo school once; later calls return what is already there.

    With `terms` (the deadlines' calendar and time zone) it also files a few tickets.
    """
    from handlers.demo_authorities import seed_authorities  # (it seeds with this module's helpers)

    school = await session.scalar(select(School).where(School.code == DEMO_SCHOOL))
    if school is None:
        school = await _create(session, catalog, now, settings, channel, terms)
    await seed_authorities(session, catalog, now, settings, school, channel, terms)
    await add_samples(session, school.id, now)  # the news library /tin offers (by title, once)
    classes = await session.scalars(select(Classroom).where(Classroom.school_id == school.id))
    codes = {c.name: c.invite_code for c in classes}
    return DemoSchool(school.name, codes, _personas(codes))


def _personas(codes: dict[str, str]) -> list[DemoPersona]:
    return [
        DemoPersona("web-new-parent", f"Phụ huynh mới (mã lớp Lá 1: {codes['Lá 1']})", "Phụ huynh"),
        DemoPersona("web-parent-la1", "Phụ huynh lớp Lá 1 (đã tham gia)", "Phụ huynh"),
        DemoPersona("web-teacher-la1", "Cô giáo lớp Lá 1 (/thongbao)", "Giáo viên"),
        DemoPersona(
            "web-principal", "Hiệu trưởng (/khaosat, /thongbao, /tin, /baocao)", "Ban giám hiệu"
        ),
        *(DemoPersona(chat_id, label, "Cơ quan quản lý") for chat_id, label in OFFICER_PERSONAS),
    ]


async def _create(
    session: AsyncSession,
    catalog: Catalog,
    now: datetime,
    settings: Settings,
    channel: str,
    terms: Terms | None,
) -> School:
    school = await create_school(
        session,
        code=DEMO_SCHOOL,
        name="Trường Mầm non Hoa Sen",
        now=now - timedelta(days=35),  # there is history to report on: last week's digest goes
    )
    set_school_contact(school, DEMO_CONTACT)  # the notice on parents' data names it
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
    answering = [(person, la1) for person in parents]
    for classroom in (classes["Chồi 1"], classes["Mầm 1"]):
        for _ in range(ANSWERED_PARENTS):
            n = len(answering) + 1
            name = f"Phụ huynh {n}"
            person = await _person(
                session, now, channel, f"web-seed-parent-{n}", name, school, classroom, "parent"
            )
            answering.append((person, classroom))
    parents.append(
        await _person(
            session, now, channel, "web-parent-la1", "Phụ huynh Lá 1", school, la1, "parent"
        )
    )
    draw = random.Random(2026)
    today = terms.today(now) if terms else now.date()
    monday = today - timedelta(days=today.weekday())
    waves = []
    for weeks_ago in (2, 1, 0):  # one wave a week: the last two closed, this week's open
        opened = now - timedelta(days=(today - monday).days + 7 * weeks_ago)
        closes = opened + timedelta(days=6) if weeks_ago else now + timedelta(days=12)
        week = monday - timedelta(weeks=weeks_ago)
        released = closes if weeks_ago else None
        waves.append(
            await weekly_wave(session, catalog, settings, school, opened, closes, week, released)
        )
    for n, (person, classroom) in enumerate(answering):
        weeks_ago = 2 - n % len(WEEKLY_LEVELS)
        day = min(monday - timedelta(weeks=weeks_ago) + timedelta(days=n % 5), today)
        levels = WEEKLY_LEVELS[-1 - weeks_ago]
        turn = n % len(levels)  # parents of one week start at different levels
        wave = waves[2 - weeks_ago]
        await _answer(session, catalog, wave, classroom, draw, levels[turn:] + levels[:turn])
        submitted = now - timedelta(days=(today - day).days)
        session.add(CompletionReceipt(wave_id=wave.id, person_id=person.id, submitted_at=submitted))
    if terms is not None:
        await _file_tickets(session, school, answering[0][0], la1, now, terms)
    await delivered_history(session, now)
    return school


async def delivered_history(session: AsyncSession, now: datetime) -> None:
    """The seeded past went out in the past: invitations queued before today are marked sent
    when they were queued, instead of waiting to be given up as a day too old."""
    await session.flush()
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.created_at < now)
        .values(status="sent", sent_at=OutboxMessage.created_at)
    )


async def _answer(
    session: AsyncSession,
    catalog: Catalog,
    wave: Wave,
    classroom: Classroom,
    draw: random.Random,
    levels: tuple[str, ...],
) -> None:
    """One anonymous response, as a parent of the class might have given it: released if the
    wave has closed, else waiting in the pool as a submission would.

    The scale items take the levels in turn, so a week's indices follow its levels, not luck.
    """
    survey = catalog.get(wave.survey_key, wave.survey_version)
    answers: dict[str, str] = {}
    for number, question in enumerate(survey.questions):
        if question not in visible_questions(survey, answers):
            continue
        kind = kind_of(question)
        values = kind.choice_values(question)
        if kind.scored:
            answers[question.key] = levels[number % len(levels)]
        elif kind.input == "ticks":
            picked = draw.sample(values, min(2, question.max_choices or 2))
            answers[question.key] = join_choices(question, picked)
        elif kind.input == "tap":
            answers[question.key] = draw.choice(values)
    if wave.released_at is None:
        session.add(PendingResponse(wave_id=wave.id, class_id=classroom.id, answers=answers))
        return
    response = Response(wave_id=wave.id, class_id=classroom.id, grade=classroom.grade)
    session.add(response)
    await session.flush()
    session.add_all(
        Answer(response_id=response.id, question_key=k, value=v) for k, v in answers.items()
    )


async def _file_tickets(
    session: AsyncSession,
    school: School,
    parent: Person,
    classroom: Classroom,
    now: datetime,
    terms: Terms,
) -> None:
    """A suggestion answered on time, a petition resolved, one left open past its deadline."""
    filed = [
        ("gop_y", "bua_an", 10, "resolved", 8, DEMO_TICKETS[0]),
        ("phan_anh", "co_so", 9, "accepted", 7, DEMO_TICKETS[1]),
        ("phan_anh", "hoc_phi", 20, "", 0, DEMO_TICKETS[2]),
        ("gop_y", "thu_tuc", 2, "", 0, DEMO_TICKETS[3]),
    ]
    for kind, topic, days_ago, status, done_ago, text in filed:
        received = now - timedelta(days=days_ago)
        draft = Draft(
            school.id, kind, topic, False, "staff", "web", text,
            class_id=classroom.id, person_id=parent.id,
        )  # fmt: skip
        ticket = await create_ticket(session, draft, terms, received)
        if status:
            decided = now - timedelta(days=done_ago)
            apply_status(ticket, status, terms, decided, "Nhà trường đã xử lý.")
            log_event(session, ticket, status, SYSTEM, decided)
        if status == "accepted":  # then resolved three days later
            resolved = now - timedelta(days=done_ago - 3)
            apply_status(ticket, "resolved", terms, resolved, "Đã sửa xong.")
            log_event(session, ticket, "resolved", SYSTEM, resolved)


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
                notice_version=NOTICE.id,
                at=now,
            )
            for p in PURPOSES
        )
    await session.flush()
    return person
