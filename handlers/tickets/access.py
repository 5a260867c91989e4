"""Who may see and handle a ticket: its school's staff, and for a denunciation its handler only.

A denunciation of a teacher or employee is the principal's alone (a teacher sees it only when
the principal assigns it to them, without the sender); one of the school's leaders belongs to the
officers who handle it (`handling_officers`: the nearest managing authority with officers).
Officers see no other ticket — no text, sender or photo — only counts by status
(`handlers/tickets/overview.py`), for the schools beneath their authority (`officer_scope`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models.people import Membership, Person
from bot.models.tickets import Ticket
from handlers import texts
from handlers.authorities.scope import OfficerScope, handling_officers, officer_scope
from handlers.tickets.rules import HANDLED_BY_AUTHORITY, HANDLED_BY_STAFF

STAFF_ROLES = ("principal", "teacher")  # in order of precedence
OFFICER = "officer"  # the role an officer acts in, in the ticket's log


@dataclass(frozen=True)
class Staff:
    """What one staff member may see: their roles per school, their classes, and as an officer
    the schools beneath their authority."""

    person_id: int
    roles: dict[int, frozenset[str]]
    classes: frozenset[int]
    officer: OfficerScope | None = None

    def role_at(self, school_id: int) -> str:
        roles = self.roles.get(school_id, frozenset())
        return next((role for role in STAFF_ROLES if role in roles), OFFICER)

    def can_see(self, ticket: Ticket) -> bool:
        """Its school's principal and, in their class, its teachers; a denunciation only its
        handler and whom the handler gave it to; an officer only what they handle."""
        roles = self.roles.get(ticket.school_id, frozenset())
        if ticket.assignee_id == self.person_id and roles:
            return True
        if ticket.handled_by == HANDLED_BY_AUTHORITY:
            return self.leads(ticket)
        if "principal" in roles:
            return True
        return ticket.handled_by == HANDLED_BY_STAFF and ticket.class_id in self.classes

    def leads(self, ticket: Ticket) -> bool:
        """Whether this person is the ticket's handler (the principal; for a denunciation of
        the leaders, an officer of the authority that handles it)."""
        if ticket.handled_by == HANDLED_BY_AUTHORITY:
            return self.officer is not None and ticket.school_id in self.officer.handles
        return "principal" in self.roles.get(ticket.school_id, frozenset())

    def sees_identity(self, ticket: Ticket) -> bool:
        return ticket.kind == "to_cao" and not ticket.anonymous and self.leads(ticket)

    @property
    def schools(self) -> list[int]:
        """The schools whose tickets this person may find in the queue."""
        handled = self.officer.handles if self.officer is not None else frozenset()
        return sorted(set(self.roles) | handled)


async def staff_of(session: AsyncSession, person_id: int) -> Staff | None:
    """The person's staff roles and officer scope, or None for a parent."""
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
    officer = await officer_scope(session, person_id)
    if not roles and officer is None:
        return None
    frozen = {k: frozenset(v) for k, v in roles.items()}
    return Staff(person_id, frozen, frozenset(classes), officer)


async def members_with_role(session: AsyncSession, school_id: int, role: str) -> list[int]:
    rows = await session.scalars(
        select(Membership.person_id)
        .where(Membership.school_id == school_id, Membership.role == role)
        .order_by(Membership.id)
    )
    return list(rows)


async def handlers_of(session: AsyncSession, ticket: Ticket) -> list[int]:
    """Who is responsible for the ticket: the principals, or for a denunciation of the
    leaders the officers who handle it."""
    if ticket.handled_by == HANDLED_BY_AUTHORITY:
        return await handling_officers(session, ticket.school_id)
    return await members_with_role(session, ticket.school_id, "principal")


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
