"""What an officer sees of the tickets of the schools beneath their authority: counts by status.

Never a text, a topic, a sender, a photo or a staff member's name: an officer reads only the
tickets they handle themselves (a denunciation of a school's leaders, `access.py`). The schools
come from the officer's scope (`handlers/authorities/scope.py`) and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models.schools import School
from bot.models.tickets import Ticket
from bot.numbers import vi_number
from handlers import texts
from handlers.authorities.scope import OfficerScope
from handlers.tickets.rules import PENDING

SHOWN_SCHOOLS = 10  # in chat; the report's XLSX has every school


@dataclass(frozen=True)
class SchoolTickets:
    """One school's tickets by status."""

    name: str
    open: int  # received or accepted
    overdue: int  # of those, past the due date of their stage
    answered: int  # concluded: resolved, refused or forwarded, or closed since


async def school_tickets(
    session: AsyncSession, scope: OfficerScope, today: date
) -> list[SchoolTickets]:
    """Every school of the scope with tickets, those with the most open first."""
    pending = Ticket.status.in_(PENDING)
    due = func.coalesce(Ticket.resolve_due, Ticket.decide_due)
    rows = await session.execute(
        select(
            School.name,
            func.sum(case((pending, 1), else_=0)),
            func.sum(case((pending & (due < today), 1), else_=0)),
            func.sum(case((pending, 0), else_=1)),
        )
        .join(School, School.id == Ticket.school_id)
        .where(Ticket.school_id.in_(sorted(scope.schools)))
        .group_by(School.id, School.name)
    )
    found = [
        SchoolTickets(name, int(o or 0), int(late or 0), int(a or 0)) for name, o, late, a in rows
    ]
    return sorted(found, key=lambda s: (-s.open, -s.overdue, s.name))


async def overview_text(session: AsyncSession, scope: OfficerScope, today: date) -> str:
    """The counts as the officer reads them in /phieu."""
    schools = await school_tickets(session, scope, today)
    lines = [texts.OVERVIEW_HEADER.format(schools=vi_number(len(scope.schools)))]
    lines += [
        texts.OVERVIEW_LINE.format(
            name=s.name,
            open=vi_number(s.open),
            overdue=texts.OVERVIEW_OVERDUE.format(count=vi_number(s.overdue)) if s.overdue else "",
            answered=vi_number(s.answered),
        )
        for s in schools[:SHOWN_SCHOOLS]
    ]
    if len(schools) > SHOWN_SCHOOLS:
        lines.append(texts.OVERVIEW_MORE.format(count=vi_number(len(schools) - SHOWN_SCHOOLS)))
    if not schools:
        lines.append(texts.OVERVIEW_NONE)
    return "\n".join(lines)
