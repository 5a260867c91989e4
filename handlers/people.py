"""Who someone is to the school: their accounts, classes, roles and consents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import Context
from bot.models.people import PURPOSES, ChatAccount, ConsentEvent, Membership, Person
from bot.models.schools import Classroom, School
from handlers.notice import CURRENT, covering


@dataclass(frozen=True)
class Place:
    """A class (or a whole school when `classroom` is None) someone belongs to."""

    role: str
    school: School
    classroom: Classroom | None


async def ensure_person(ctx: Context) -> Person:
    """The person behind this chat, created on first need."""
    if ctx.person is not None:
        return ctx.person
    inbound = ctx.inbound
    person = Person(display_name=inbound.user_name, created_at=ctx.now)
    ctx.session.add(person)
    await ctx.session.flush()
    ctx.person, ctx.account = person, add_account(ctx, person.id)
    return person


def add_account(ctx: Context, person_id: int) -> ChatAccount:
    """This chat's account, made the person's (added to the session, not yet flushed)."""
    inbound = ctx.inbound
    account = ChatAccount(
        person_id=person_id,
        channel=inbound.channel,
        user_id=inbound.user_id,
        chat_id=inbound.chat_id,
        created_at=ctx.now,
    )
    ctx.session.add(account)
    return account


async def places_of(session: AsyncSession, person_id: int, *roles: str) -> list[Place]:
    """The person's memberships with their school and class, optionally only some roles."""
    query = (
        select(Membership.role, School, Classroom)
        .join(School, School.id == Membership.school_id)
        .outerjoin(Classroom, Classroom.id == Membership.class_id)
        .where(Membership.person_id == person_id)
        .order_by(Membership.id)
    )
    if roles:
        query = query.where(Membership.role.in_(roles))
    return [
        Place(role, school, classroom) for role, school, classroom in await session.execute(query)
    ]


async def consents_of(session: AsyncSession, person_id: int) -> dict[str, ConsentEvent | None]:
    """The latest consent decision per purpose (None where never asked)."""
    events = await session.scalars(
        select(ConsentEvent).where(ConsentEvent.person_id == person_id).order_by(ConsentEvent.id)
    )
    latest: dict[str, ConsentEvent | None] = dict.fromkeys(PURPOSES)
    for event in events:
        latest[event.purpose] = event
    return latest


async def has_consent(session: AsyncSession, person_id: int, purpose: str) -> bool:
    return person_id in await consenting(session, [person_id], purpose)


async def consenting(session: AsyncSession, person_ids: Sequence[int], purpose: str) -> set[int]:
    """Those of the people whose latest decision for the purpose is a grant that the current
    notice still covers (handlers/notice.py: a notice may ask again for a purpose)."""
    events = await session.execute(
        select(ConsentEvent.person_id, ConsentEvent.granted, ConsentEvent.notice_version)
        .where(ConsentEvent.person_id.in_(person_ids), ConsentEvent.purpose == purpose)
        .order_by(ConsentEvent.id)
    )
    valid = covering(purpose)
    latest = {
        person_id: granted and (valid is None or version in valid)
        for person_id, granted, version in events
    }
    return {person_id for person_id, granted in latest.items() if granted and person_id}


def record_consent_event(ctx: Context, person_id: int, purpose: str, granted: bool) -> None:
    """Logs a grant or a withdrawal with the notice version the person saw (the proof of consent
    the controller keeps: Nghị định 356/2025/NĐ-CP Art. 6(1)–(2))."""
    ctx.session.add(
        ConsentEvent(
            person_id=person_id,
            purpose=purpose,
            granted=granted,
            notice_version=CURRENT.id,
            at=ctx.now,
        )
    )
