"""Tickets in the database: receipt numbers, status changes and their log, the sender."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.base import Choice, Outbound
from bot.db import table_of, upsert_statements
from bot.models.schools import School
from bot.models.tickets import SealedSender, Ticket, TicketCounter, TicketEvent
from bot.settings import Settings
from bot.unit_of_work import UnitOfWork
from handlers.codes import new_code
from handlers.tickets import deadlines
from handlers.tickets.rules import (
    CONCLUDED,
    NAMED_KINDS,
    Policy,
    Rule,
    rule_for,
)
from handlers.tickets.workdays import WorkCalendar, calendar_from

PUBLIC_ACTIONS = frozenset(
    {"received", "accepted", "forwarded", "refused", "resolved", "closed", "extended"}
    | {"extended_decide", "reply", "info", "rated"}
)


@dataclass(frozen=True)
class Terms:
    """What due dates are computed with: the working-day calendar, school policy, time zone."""

    calendar: WorkCalendar
    policy: Policy
    zone: ZoneInfo

    @classmethod
    def of(cls, settings: Settings) -> Terms:
        policy = Policy(settings.ticket_answer_days, settings.ticket_resolve_days)
        return cls(calendar_from(settings.workdays_file), policy, ZoneInfo(settings.timezone))

    def today(self, now: datetime) -> date:
        return now.astimezone(self.zone).date()

    def rule(self, ticket: Ticket) -> Rule:
        return rule_for(
            ticket.kind, ticket.topic, ticket.anonymous, self.policy, ticket.remote_area
        )


@dataclass(frozen=True)
class Actor:
    """Who did something to a ticket; a sender is never named in the log."""

    person_id: int | None
    role: str


SENDER = Actor(None, "sender")
SYSTEM = Actor(None, "system")


@dataclass(frozen=True)
class Draft:
    """A submission ready to become a ticket."""

    school_id: int
    kind: str
    topic: str
    anonymous: bool
    handled_by: str
    channel: str
    text: str
    photos: tuple[str, ...] = ()
    class_id: int | None = None
    person_id: int | None = None
    name: str | None = None
    contact: str | None = None

    @property
    def sealed(self) -> bool:
        return self.kind == "to_cao" and not self.anonymous


def number_of(ticket: Ticket) -> str:
    """The receipt number, e.g. PA-2026-0042."""
    return f"PA-{ticket.year}-{ticket.seq:04d}"


def lookup_of(ticket: Ticket) -> str:
    """The receipt number with the ticket's secret, for an anonymous sender to look it up."""
    return f"{number_of(ticket)}-{ticket.lookup_code}"


def due_of(ticket: Ticket) -> date:
    """The deadline of the stage the ticket is in: resolution once accepted, else decision."""
    return ticket.resolve_due or ticket.decide_due


def stage_of(ticket: Ticket) -> str:
    return "resolve" if ticket.resolve_due else "decide"


_COUNTERS = table_of(TicketCounter)
_NEXT_SEQ = upsert_statements(
    lambda insert: (
        insert(_COUNTERS)
        .values(school_id=bindparam("school_id"), year=bindparam("year"), last=1)
        .on_conflict_do_update(
            index_elements=["school_id", "year"], set_={"last": _COUNTERS.c.last + 1}
        )
        .returning(_COUNTERS.c.last)
    )
)


async def create_ticket(session: AsyncSession, draft: Draft, terms: Terms, now: datetime) -> Ticket:
    """Files a submission under the school's next receipt number; a sealed sender goes apart."""
    received_on = terms.today(now)
    school = await session.get(School, draft.school_id)
    remote = school is not None and school.remote_area
    rule = rule_for(draft.kind, draft.topic, draft.anonymous, terms.policy, remote)
    values = {"school_id": draft.school_id, "year": received_on.year}
    seq = (await session.execute(_NEXT_SEQ(session), values)).scalar_one()
    linked = not (draft.anonymous or draft.sealed)
    ticket = Ticket(
        school_id=draft.school_id,
        year=received_on.year,
        seq=seq,
        lookup_code=new_code(6),
        kind=draft.kind,
        topic=draft.topic,
        anonymous=draft.anonymous,
        handled_by=draft.handled_by,
        channel=draft.channel,
        class_id=draft.class_id if linked else None,
        person_id=draft.person_id if linked else None,
        sender_name=draft.name if linked else None,
        sender_contact=draft.contact if linked else None,
        text=draft.text,
        photos=list(draft.photos),
        status="received",
        received_at=now,
        acknowledged_at=now,
        decide_due=deadlines.decide_due(terms.calendar, rule, received_on),
        forward_due=deadlines.forward_due(terms.calendar, rule, received_on),
        extensions=0,
        remote_area=remote,
    )
    session.add(ticket)
    await session.flush()
    if draft.sealed:
        session.add(
            SealedSender(
                ticket_id=ticket.id,
                person_id=draft.person_id,
                name=draft.name or "",
                contact=draft.contact or "",
            )
        )
    log_event(session, ticket, "received", SENDER, now)
    return ticket


def log_event(
    session: AsyncSession, ticket: Ticket, action: str, actor: Actor, now: datetime, note: str = ""
) -> None:
    """Records who did what to the ticket, and when."""
    session.add(
        TicketEvent(
            ticket_id=ticket.id,
            at=now,
            actor_id=actor.person_id,
            actor_role=actor.role,
            action=action,
            status=ticket.status,
            note=note,
            public=action in PUBLIC_ACTIONS,
        )
    )


def apply_status(ticket: Ticket, to: str, terms: Terms, now: datetime, note: str = "") -> None:
    """Moves the ticket to a new status and stamps the dates the deadlines and figures use."""
    if ticket.decided_at is None:
        ticket.decided_at = now
    if to == "accepted":
        ticket.resolve_due = deadlines.resolve_due(
            terms.calendar, terms.rule(ticket), terms.today(now)
        )
    if to in CONCLUDED:
        ticket.concluded_at, ticket.result = now, note
    if to == "closed":
        ticket.closed_at = now
    ticket.status = to


def extend(ticket: Ticket, terms: Terms, reason: str) -> str:
    """Lengthens the deadline of the stage the ticket is in by one lawful step, for `reason`.

    Still to be decided: a denunciation to verify at several places gets 10 working days from
    receipt instead of 7 (Luật Tố cáo 2018, Điều 24 khoản 1), once. Accepted: a complex complaint
    or denunciation gets one more step of its resolution (Luật Khiếu nại 2011, Điều 28; Luật Tố
    cáo 2018, Điều 30). Returns the event it is logged as: "extended_decide" or "extended".
    """
    rule = terms.rule(ticket)
    if ticket.status == "received":
        received_on = terms.today(ticket.received_at)
        ticket.decide_due = deadlines.decide_due(terms.calendar, rule, received_on, extended=True)
        ticket.decide_extension_reason = reason
        return "extended_decide"
    assert ticket.decided_at is not None
    ticket.extensions += 1
    accepted_on = terms.today(ticket.decided_at)
    ticket.resolve_due = deadlines.resolve_due(terms.calendar, rule, accepted_on, ticket.extensions)
    return "extended"


def can_extend(ticket: Ticket, terms: Terms) -> bool:
    """Whether the law allows lengthening the deadline of the stage the ticket is in."""
    rule = terms.rule(ticket)
    if ticket.status == "received":
        return rule.decide_extended is not None and ticket.decide_extension_reason is None
    return ticket.status == "accepted" and ticket.extensions < rule.max_extensions


async def events_of(
    session: AsyncSession, ticket: Ticket, *, public_only: bool
) -> Sequence[TicketEvent]:
    query = select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)
    if public_only:
        query = query.where(TicketEvent.public.is_(True))
    return (await session.scalars(query)).all()


async def sender_of(session: AsyncSession, ticket: Ticket) -> int | None:
    """The person to tell about the ticket: the named sender, or the sealed denouncer."""
    if ticket.person_id is not None or ticket.anonymous:
        return ticket.person_id
    return await session.scalar(
        select(SealedSender.person_id).where(SealedSender.ticket_id == ticket.id)
    )


async def tickets_of(session: AsyncSession, person_id: int) -> list[Ticket]:
    """The tickets a person sent with their name (sealed ones included), newest first."""
    sealed = select(SealedSender.ticket_id).where(SealedSender.person_id == person_id)
    query = select(Ticket).where(or_(Ticket.person_id == person_id, Ticket.id.in_(sealed)))
    return list(await session.scalars(query.order_by(Ticket.id.desc())))


async def notify_sender(
    work: UnitOfWork, ticket: Ticket, text: str, choices: Sequence[Choice] = ()
) -> bool:
    """Messages the sender in the channel they wrote from (their latest chat if gone)."""
    person_id = await sender_of(work.session, ticket)
    if person_id is None:
        return False
    message = Outbound("", text, tuple(choices))
    return await work.send_to_person(person_id, message, prefer_channel=ticket.channel)


async def notify_people(work: UnitOfWork, person_ids: Iterable[int], text: str) -> None:
    for person_id in dict.fromkeys(person_ids):  # once each, in order
        await work.send_to_person(person_id, Outbound("", text))


async def forget_sender(session: AsyncSession, person_id: int, now: datetime) -> list[Ticket]:
    """Before a person is erased: their tickets stay in the register without name or contact,
    but for their open named complaints and denunciations, which keep them (the sealed identity
    too) until they close (Luật Khiếu nại 2011 Art. 8; Luật Tố cáo 2018 Art. 23): those
    are returned, marked `sender_erased_at`."""
    mine = await tickets_of(session, person_id)
    kept = [t for t in mine if t.status != "closed" and t.kind in NAMED_KINDS and not t.anonymous]
    for ticket in kept:
        ticket.sender_erased_at = now
    others = [t.id for t in mine if t not in kept]
    if others:
        await session.execute(
            update(Ticket)
            .where(Ticket.id.in_(others))
            .values(sender_name=None, sender_contact=None)
        )
        await session.execute(delete(SealedSender).where(SealedSender.ticket_id.in_(others)))
    return kept


async def drop_kept_sender(session: AsyncSession, ticket: Ticket) -> None:
    """When a case closes: what was kept of a sender who has since erased their data goes."""
    if ticket.sender_erased_at is None:
        return
    ticket.sender_name = ticket.sender_contact = None
    await session.execute(delete(SealedSender).where(SealedSender.ticket_id == ticket.id))
