"""The deadline watch: warn before a due date and escalate after it, once per ticket and stage.

A row in `ticket_alerts`, unique on (ticket, stage, due date), is written in the same transaction
as the messages it sends; a restart, a second run the same day or a second replica finds the row
and sends nothing. An extended due date is a new due date, so it is watched afresh.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date, datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import table_of, upsert_statements
from bot.models.tickets import Ticket, TicketAlert
from bot.routing import JobContext
from bot.unit_of_work import UnitOfWork
from handlers import texts
from handlers.authorities.scope import handling_officers
from handlers.tickets.access import handlers_of, holders_of, staff_names
from handlers.tickets.deadlines import WARN_WORKING_DAYS, warn_on
from handlers.tickets.rules import HANDLED_BY_AUTHORITY, PENDING
from handlers.tickets.store import (
    Terms,
    due_of,
    notify_people,
    number_of,
    stage_of,
)
from handlers.tickets.views import day_text, kind_name

_ALERTS = table_of(TicketAlert)
_RECORD = upsert_statements(
    lambda insert: (
        insert(_ALERTS)
        .values(
            ticket_id=bindparam("ticket_id"),
            stage=bindparam("stage"),
            due_on=bindparam("due_on"),
            sent_at=bindparam("sent_at"),
        )
        .on_conflict_do_nothing(index_elements=["ticket_id", "stage", "due_on"])
        .returning(_ALERTS.c.id)
    )
)


async def watch_deadlines(job: JobContext) -> None:
    """Warns assignees two working days ahead and escalates overdue tickets, each once."""
    settings = job.services.settings
    terms = Terms.of(settings)
    now = job.services.clock.now()
    today = terms.today(now)
    if not terms.calendar.is_working_day(today):
        return  # nobody is at school to act; the next working day's run catches up
    # today being worked, these are exactly the tickets to warn of or escalate today
    horizon = terms.calendar.add_working_days(today, WARN_WORKING_DAYS)
    watched = (
        Ticket.status.in_(PENDING),
        func.coalesce(Ticket.resolve_due, Ticket.decide_due) <= horizon,
    )
    async with job.transaction() as work:
        session = work.session
        tickets = (await session.scalars(select(Ticket).where(*watched).order_by(Ticket.id))).all()
        # read at once, so a ticket already alerted costs no statement on every run
        sent = await session.execute(
            select(TicketAlert.ticket_id, TicketAlert.stage, TicketAlert.due_on)
            .join(Ticket, Ticket.id == TicketAlert.ticket_id)
            .where(*watched)
        )
        alerted = {(ticket_id, stage, due_on) for ticket_id, stage, due_on in sent}
        for ticket in tickets:
            await check_ticket(
                work, ticket, terms, now, alerted, officers=settings.ticket_escalate_district
            )


async def check_ticket(
    work: UnitOfWork,
    ticket: Ticket,
    terms: Terms,
    now: datetime,
    alerted: Container[tuple[int, str, date]],
    *,
    officers: bool,
) -> None:
    """Sends the warning or the escalation the ticket is due for, unless already sent.

    `alerted` holds the (ticket, stage, due date) of alerts known to be sent; any other is
    recorded first, and sent only if no one else recorded it meanwhile.
    """
    session = work.session
    today, due, stage = terms.today(now), due_of(ticket), stage_of(ticket)
    overdue = today > due
    if not (overdue or today >= warn_on(terms.calendar, due)):
        return
    alert = f"{stage}_{'overdue' if overdue else 'warn'}"
    if (ticket.id, alert, due) in alerted or not await _first(session, ticket, alert, due, now):
        return
    if not overdue:
        text = _text(texts.STAFF_WARN, ticket, terms)
        await notify_people(work, await holders_of(session, ticket), text)
        return
    recipients = await handlers_of(session, ticket)
    assignee = texts.NOBODY
    if ticket.assignee_id is not None:
        recipients.append(ticket.assignee_id)
        assignee = (await staff_names(session, [ticket.assignee_id]))[ticket.assignee_id]
    if officers and ticket.handled_by != HANDLED_BY_AUTHORITY:  # (they are its handlers)
        recipients += await handling_officers(session, ticket.school_id)
    text = _text(texts.STAFF_OVERDUE, ticket, terms, assignee)
    await notify_people(work, recipients, text)


async def _first(
    session: AsyncSession, ticket: Ticket, stage: str, due: date, now: datetime
) -> bool:
    """Records the alert; False when it was already recorded (so it is not sent again)."""
    values = {"ticket_id": ticket.id, "stage": stage, "due_on": due, "sent_at": now}
    return (await session.execute(_RECORD(session), values)).first() is not None


def _text(template: str, ticket: Ticket, terms: Terms, assignee: str = "") -> str:
    return template.format(
        number=number_of(ticket),
        kind=kind_name(ticket),
        topic=texts.TOPIC_NAMES[ticket.topic],
        stage=texts.STAGE_NAMES[stage_of(ticket)],
        due=day_text(due_of(ticket), terms),
        assignee=assignee,
    )
