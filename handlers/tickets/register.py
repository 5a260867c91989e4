"""The school's ticket register (sổ theo dõi): its figures, and an export without identities."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models.tickets import SealedSender, Ticket, TicketEvent
from bot.reports.model import Cell
from handlers import texts
from handlers.tickets.kpi import TicketFacts, TicketKpis, ticket_kpis
from handlers.tickets.store import Terms, due_of, number_of
from handlers.tickets.views import kind_name


async def school_facts(
    session: AsyncSession, school_id: int, terms: Terms
) -> list[tuple[Ticket, TicketFacts]]:
    """Every ticket of the school with the facts the figures are computed from."""
    tickets = list(
        await session.scalars(
            select(Ticket).where(Ticket.school_id == school_id).order_by(Ticket.id)
        )
    )
    ids = [ticket.id for ticket in tickets]
    sealed = set(
        await session.scalars(
            select(SealedSender.ticket_id).where(
                SealedSender.ticket_id.in_(ids), SealedSender.person_id.is_not(None)
            )
        )
    )
    forwarded = await _forwarded(session, Ticket.school_id == school_id)
    return [
        (ticket, facts_of(ticket, terms, ticket.id in forwarded, ticket.id in sealed))
        for ticket in tickets
    ]


async def facts_by_school(
    session: AsyncSession, school_ids: Sequence[int], terms: Terms
) -> dict[int, list[TicketFacts]]:
    """The facts of every ticket of several schools, for reports.

    `sealed_senders` is not read: whether a denouncer can be told the result (`has_sender`)
    only feeds the notified share, which reports do not show.
    """
    found: dict[int, list[TicketFacts]] = {school_id: [] for school_id in school_ids}
    of_schools = Ticket.school_id.in_(school_ids)
    forwarded = await _forwarded(session, of_schools)
    for ticket in await session.scalars(select(Ticket).where(of_schools).order_by(Ticket.id)):
        found[ticket.school_id].append(facts_of(ticket, terms, ticket.id in forwarded, False))
    return found


async def _forwarded(session: AsyncSession, which: ColumnElement[bool]) -> set[int]:
    """The tickets, among those `which` selects, that were forwarded at some point."""
    found = await session.scalars(
        select(TicketEvent.ticket_id)
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(which, TicketEvent.action == "forwarded")
    )
    return set(found)


def facts_of(ticket: Ticket, terms: Terms, forwarded: bool, sealed_sender: bool) -> TicketFacts:
    def day(moment: datetime | None) -> date | None:
        return None if moment is None else terms.today(moment)

    received_on = terms.today(ticket.received_at)
    return TicketFacts(
        received_on=received_on,
        acknowledged_on=day(ticket.acknowledged_at),
        decide_due=ticket.decide_due,
        forward_due=ticket.forward_due,
        resolve_due=ticket.resolve_due,
        decided_on=day(ticket.decided_at),
        concluded_on=day(ticket.concluded_at),
        forwarded=forwarded,
        has_sender=ticket.person_id is not None or sealed_sender,
        notified_on=day(ticket.notified_at),
        rating=ticket.rating,
        rated_on=day(ticket.rated_at),
    )


async def school_kpis(
    session: AsyncSession, school_id: int, start: date, end: date, terms: Terms, today: date
) -> TicketKpis:
    """The school's figures for a period, as of today if it is not over (see `ticket_kpis`)."""
    facts = [fact for _, fact in await school_facts(session, school_id, terms)]
    return ticket_kpis(facts, start, end, today=today)


def export_rows(
    found: Sequence[tuple[Ticket, TicketFacts]],
    start: date,
    end: date,
    terms: Terms,
    today: date,
) -> list[list[Cell]]:
    """The register of tickets received in the period, one row each, header first; days are
    dates and the rating a number, so a spreadsheet reads them as such.

    "Đúng hạn" is as the ticket stands today: on time or late once concluded; late while open
    once its due date has passed (a due date today has not passed yet); blank otherwise.

    No sender is named: not a denouncer, not a complainant, not a parent; a denunciation's text
    is withheld too, since its details can point to who wrote it.
    """
    rows: list[list[Cell]] = [list(texts.EXPORT_COLUMNS)]
    for ticket, fact in found:
        if not start <= fact.received_on <= end:
            continue
        rows.append(
            [
                number_of(ticket),
                fact.received_on,
                kind_name(ticket),
                texts.TOPIC_NAMES[ticket.topic],
                texts.TICKET_STATUS_NAMES[ticket.status],
                due_of(ticket),
                fact.concluded_on,
                _timeliness(fact, today),
                texts.EXPORT_SEALED if ticket.kind == "to_cao" else ticket.text,
                ticket.result or "",
                ticket.rating,
            ]
        )
    return rows


def _timeliness(fact: TicketFacts, today: date) -> str:
    """On time or late once concluded; late while open after its due date; blank before."""
    if fact.concluded_on is not None:
        return texts.EXPORT_ON_TIME if fact.on_time else texts.EXPORT_LATE
    return texts.EXPORT_LATE if fact.due_on < today else ""
