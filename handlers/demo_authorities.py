"""The demo's managing authorities: a province's Sở GD&ĐT, a ward under it, three schools in the
ward, and an officer of each, so /baocao as an officer shows a real comparison.

Besides the demo school (handlers/demo.py), two schools ran a wave last week that closed and was
released, with answers enough for every figure (Hướng Dương above the 90 % target, Bông Hồng
between 80 and 90 %, Hoa Sen below 80 %), so the ward sees three schools side by side and the
province its ward, every school ranked, and the distribution against the target.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models.people import ChatAccount, Officer, Person
from bot.models.schools import Authority, Classroom, School
from bot.models.waves import CompletionReceipt
from bot.settings import Settings
from handlers.authorities.tree import create_authority
from handlers.demo import (
    PROVINCE_OFFICER,
    WARD_OFFICER,
    _answer,
    _person,
    delivered_history,
    weekly_wave,
)
from handlers.setup import create_class, create_school
from handlers.tickets.store import Terms
from surveys.catalog import Catalog

DEMO_PROVINCE = "Sở Giáo dục và Đào tạo Thành phố Hồ Chí Minh"
DEMO_WARD = "Ủy ban nhân dân phường Sài Gòn"
# code, name, parents invited, of whom answered, the levels each answer takes in turn (one of
# each per item, as many answers as levels): 11 of 12 satisfied, 6 of 7
OTHER_SCHOOLS = (
    ("MN-HUONGDUONG", "Trường Mầm non Hướng Dương", 15, ("5", "5", "4", "5", "4", "5", "4", "5",
                                                         "5", "4", "3", "5")),
    ("MN-BONGHONG", "Trường Mầm non Bông Hồng", 10, ("5", "4", "4", "3", "5", "4", "4")),
)  # fmt: skip


async def seed_authorities(
    session: AsyncSession,
    catalog: Catalog,
    now: datetime,
    settings: Settings,
    demo_school: School,
    channel: str,
    terms: Terms | None,
) -> None:
    """Creates the province, the ward, its two other schools and the officers, once; puts the
    demo school under the ward (also a demo school made before authorities existed)."""
    found = await session.scalar(select(Authority).where(Authority.name == DEMO_WARD))
    if found is not None:
        return
    province = await create_authority(session, name=DEMO_PROVINCE, kind="province", now=now)
    ward = await create_authority(session, name=DEMO_WARD, kind="commune", now=now, parent=province)
    demo_school.authority_id = ward.id
    today = terms.today(now) if terms else now.date()
    opened = now - timedelta(days=today.weekday() + 7)  # Monday last week: closed, released
    for code, name, invited, levels in OTHER_SCHOOLS:
        school = await create_school(
            session, code=code, name=name, authority=ward, now=now - timedelta(days=35)
        )
        classroom = await create_class(session, school=school, name="Lá 1", grade="la")
        parents = [
            await _person(
                session, now, channel, f"web-{code.lower()}-{n}", f"Phụ huynh {n}", school,
                classroom, "parent",
            )
            for n in range(1, invited + 1)
        ]  # fmt: skip
        await _answered_wave(
            session, catalog, settings, school, classroom, parents[: len(levels)], levels, opened
        )
    for chat_id, name, authority in (
        (WARD_OFFICER, "Cán bộ UBND phường", ward),
        (PROVINCE_OFFICER, "Cán bộ Sở GD&ĐT", province),
    ):
        await _officer(session, now, channel, chat_id, name, authority)
    await delivered_history(session, now)


async def _answered_wave(
    session: AsyncSession,
    catalog: Catalog,
    settings: Settings,
    school: School,
    classroom: Classroom,
    answering: list[Person],
    levels: tuple[str, ...],
    opened: datetime,
) -> None:
    """A week-long wave that closed and was released, answered by `answering`."""
    closes = opened + timedelta(days=6)
    wave = await weekly_wave(session, catalog, settings, school, opened, closes, opened, closes)
    draw = random.Random(school.code)
    for turn, person in enumerate(answering):
        await _answer(session, catalog, wave, classroom, draw, levels[turn:] + levels[:turn])
        submitted = opened + timedelta(days=turn % 5, hours=2)
        session.add(CompletionReceipt(wave_id=wave.id, person_id=person.id, submitted_at=submitted))


async def _officer(
    session: AsyncSession,
    now: datetime,
    channel: str,
    chat_id: str,
    name: str,
    authority: Authority,
) -> None:
    """A persona who is an officer of the authority (and of no school)."""
    person = Person(display_name=name, created_at=now)
    session.add(person)
    await session.flush()
    session.add(
        ChatAccount(
            person_id=person.id, channel=channel, user_id=chat_id, chat_id=chat_id, created_at=now
        )
    )
    session.add(Officer(person_id=person.id, authority_id=authority.id, created_at=now))
    await session.flush()
