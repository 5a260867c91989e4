"""Who may see and handle a ticket: its school's staff, and for a denunciation its handler only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Membership, Person, Ticket
from handlers import texts
from handlers.tickets.rules import HANDLED_BY_DISTRICT, HANDLED_BY_STAFF

STAFF_ROLES = ("principal", "district", "teacher")  # in order of precedence


@dataclass(frozen=True)
class Staff:
    """What one staff member may see: their roles per school and their classes."""

    person_id: int
    roles: dict[int, frozenset[str]]
    classes: frozenset[int]

    def role_at(self, school_id: int) -> str:
        roles = self.roles.get(school_id, frozenset())
        return next(role for role in STAFF_ROLES if role in roles)

    def can_see(self, ticket: Ticket) -> bool:
        """Staff of the ticket's school only; a denunciation only its handler and assignee."""
        roles = self.roles.get(ticket.school_id, frozenset())
        if not roles:
            return False
        if ticket.assignee_id == self.person_id or "district" in roles:
            return True
        if "principal" in roles:
            return ticket.handled_by != HANDLED_BY_DISTRICT
        return ticket.handled_by == HANDLED_BY_STAFF and ticket.class_id in self.classes

    def leads(self, ticket: Ticket) -> bool:
        """Whether this person is the ticket's handler (principal, or district for leaders)."""
        return handler_role(ticket) in self.roles.get(ticket.school_id, frozenset())

    def sees_identity(self, ticket: Ticket) -> bool:
        return ticket.kind == "to_cao" and not ticket.anonymous and self.leads(ticket)


def handler_role(ticket: Ticket) -> str:
    return "district" if ticket.handled_by == HANDLED_BY_DISTRICT else "principal"


async def staff_of(session: AsyncSession, person_id: int) -> Staff | None:
    """The person's staff roles, or None for a parent."""
    rows = await session.execute(
        select(Membership.school_id, Membership.class_id, Membership.role).where(
            Membership.person_id == person_id, Membership.role.in_(STAFF_ROLES)
        )
    )
    roles: dict[int, set[str]] = {}
    classes: set[int] = set()
    for school_id, class_id, role in rows:
        roles.setdefault(school_id, set()).add(role)
        if class_id is not None:
            classes.add(class_id)
    if not roles:
        return None
    return Staff(person_id, {k: frozenset(v) for k, v in roles.items()}, frozenset(classes))


async def members_with_role(session: AsyncSession, school_id: int, role: str) -> list[int]:
    rows = await session.scalars(
        select(Membership.person_id)
        .where(Membership.school_id == school_id, Membership.role == role)
        .order_by(Membership.id)
    )
    return list(rows)


async def handlers_of(session: AsyncSession, ticket: Ticket) -> list[int]:
    """Who is responsible for the ticket: the principals, or the district for leaders."""
    return await members_with_role(session, ticket.school_id, handler_role(ticket))


async def holders_of(session: AsyncSession, ticket: Ticket) -> list[int]:
    """Who is told what happens to the ticket: its assignee, else its handlers."""
    if ticket.assignee_id is not None:
        return [ticket.assignee_id]
    return await handlers_of(session, ticket)


async def school_staff(session: AsyncSession, school_id: int) -> list[int]:
    """The school's teachers and principals, each once, for assigning a ticket."""
    rows = await session.scalars(
        select(Membership.person_id)
        .where(Membership.school_id == school_id, Membership.role.in_(("principal", "teacher")))
        .order_by(Membership.id)
    )
    return list(dict.fromkeys(rows))


async def staff_names(session: AsyncSession, people: list[int]) -> dict[int, str]:
    """Each person's display name, or a placeholder naming their id when they gave none."""
    rows = await session.execute(
        select(Person.id, Person.display_name).where(Person.id.in_(people))
    )
    found = {person_id: name for person_id, name in rows}
    return {p: found.get(p) or texts.STAFF_NO_NAME.format(id=p) for p in people}
