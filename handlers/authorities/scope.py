"""What an officer may see: every school beneath the authorities they hold, and nothing else.

This is the one place that decides it. `/baocao` (the authority view), `/phieu` (the counts an
officer sees, and the leaders' denunciations an officer handles), the deadline escalations and
`hailong report authority` all take an officer's schools from `schools_beneath` or
`officer_scope`, which both read the tree through `Tree.beneath`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models.people import Officer
from bot.models.schools import School
from handlers.authorities.tree import AuthorityRef, Tree, load_tree


async def schools_beneath(session: AsyncSession, authority_id: int) -> list[School]:
    """Every school whose managing authority is this one or any beneath it, by name."""
    tree = await load_tree(session)
    return await _schools_in(session, tree.beneath(authority_id))


@dataclass(frozen=True)
class OfficerScope:
    """What one officer sees: the authorities they hold and the schools beneath them."""

    person_id: int
    authorities: tuple[AuthorityRef, ...]  # held, in the order they were granted
    schools: frozenset[int]  # every school beneath any of them
    handles: frozenset[int]  # those whose leaders' denunciations this officer handles

    def covers(self, school_id: int) -> bool:
        return school_id in self.schools

    def holds(self, authority_id: int) -> bool:
        return any(authority.id == authority_id for authority in self.authorities)


async def officer_scope(session: AsyncSession, person_id: int) -> OfficerScope | None:
    """The person's scope as an officer, or None when they hold no authority."""
    held = list(
        await session.scalars(
            select(Officer.authority_id).where(Officer.person_id == person_id).order_by(Officer.id)
        )
    )
    if not held:
        return None
    tree = await load_tree(session)
    beneath = frozenset().union(*(tree.beneath(a) for a in held))
    schools = await _schools_in(session, beneath)
    staffed = await _staffed(session)
    handles = {
        school.id for school in schools if _handler(tree, school.authority_id, staffed) in held
    }
    return OfficerScope(
        person_id,
        tuple(tree.ref(a) for a in held),
        frozenset(school.id for school in schools),
        frozenset(handles),
    )


async def handling_officers(session: AsyncSession, school_id: int) -> list[int]:
    """Who handles a denunciation of the school's leaders: the officers of its managing
    authority, or of the nearest one above it that has officers; none when no one has."""
    school = await session.get(School, school_id)
    if school is None or school.authority_id is None:
        return []
    handler = _handler(await load_tree(session), school.authority_id, await _staffed(session))
    if handler is None:
        return []
    people = await session.scalars(
        select(Officer.person_id).where(Officer.authority_id == handler).order_by(Officer.id)
    )
    return list(people)


def _handler(tree: Tree, authority_id: int | None, staffed: Collection[int]) -> int | None:
    if authority_id is None:
        return None
    return next((a for a in tree.above(authority_id) if a in staffed), None)


async def _staffed(session: AsyncSession) -> set[int]:
    """The authorities that have at least one officer."""
    return set(await session.scalars(select(Officer.authority_id).distinct()))


async def _schools_in(session: AsyncSession, authorities: Collection[int]) -> list[School]:
    found = await session.scalars(
        select(School)
        .where(School.authority_id.in_(list(authorities)))
        .order_by(School.name, School.id)
    )
    return list(found)
