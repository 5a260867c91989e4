"""A school in a remote area: the flag the complaint rules read (Luật Khiếu nại 2011, Điều 28).

"Ở vùng sâu, vùng xa đi lại khó khăn thì thời hạn giải quyết khiếu nại không quá 45 ngày, kể từ
ngày thụ lý; đối với vụ việc phức tạp thì thời hạn giải quyết có thể kéo dài hơn nhưng không quá
60 ngày, kể từ ngày thụ lý." The law names no list of such areas; whoever runs the school sets the
flag (`hailong school set --remote-area yes`).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models.schools import School
from bot.models.tickets import Ticket
from handlers.tickets import deadlines
from handlers.tickets.rules import PENDING
from handlers.tickets.store import Terms


async def set_remote_area(
    session: AsyncSession, school: School, remote: bool, terms: Terms
) -> list[Ticket]:
    """Sets the flag; the school's open tickets follow it (the area did not change, the record
    did). Returns the open tickets whose resolution due date moved."""
    school.remote_area = remote
    open_tickets = await session.scalars(
        select(Ticket).where(Ticket.school_id == school.id, Ticket.status.in_(PENDING))
    )
    moved = []
    for ticket in open_tickets:
        ticket.remote_area = remote
        if ticket.resolve_due is None or ticket.decided_at is None:
            continue  # still to be decided: the decision limit does not depend on the area
        accepted_on = terms.today(ticket.decided_at)
        due = deadlines.resolve_due(
            terms.calendar, terms.rule(ticket), accepted_on, ticket.extensions
        )
        if due != ticket.resolve_due:
            ticket.resolve_due = due
            moved.append(ticket)
    return moved
