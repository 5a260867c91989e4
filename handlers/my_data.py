"""Everything stored about one person, read in one place: for /dulieu and for the copy they ask.

The right to see one's data and to have it provided (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15
Art. 4(1)(c)–(d), Art. 15(2)(a)). What is read here is what the person gave or what was recorded
about them; the survey answers they sent are not among it: they carry no person (README, *Data
protection*), so no one can tell which are theirs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models.broadcasts import Broadcast, BroadcastSeen
from bot.models.people import ChatAccount, ConsentEvent, Membership, Officer, Person
from bot.models.schools import Authority, Classroom, School
from bot.models.tickets import SealedSender, Ticket, TicketEvent
from bot.models.waves import CompletionReceipt, DraftAnswer, SurveyRun, Wave, WaveInvite
from handlers.tickets.rules import NAMED_KINDS
from handlers.tickets.store import PUBLIC_ACTIONS, number_of, tickets_of


@dataclass(frozen=True)
class Account:
    """A chat account of the person: the platform's channel and its user id there."""

    channel: str
    user_id: str
    since: datetime


@dataclass(frozen=True)
class Role:
    """A membership: parent or teacher of a class, principal or officer of a school."""

    role: str
    school: School
    classroom: str | None
    since: datetime


@dataclass(frozen=True)
class Office:
    """An officer's post: the authority (UBND, Sở GD&ĐT) whose schools' figures they see."""

    authority: str
    since: datetime


@dataclass(frozen=True)
class Decision:
    """One line of the consent log: a grant or a withdrawal, under which notice, when."""

    purpose: str
    granted: bool
    notice_id: str
    at: datetime


@dataclass(frozen=True)
class Invitation:
    """A survey wave the person was invited to, and when they sent their answers (if they did)."""

    title: str
    invited_at: datetime | None
    answered_at: datetime | None


@dataclass(frozen=True)
class Unfinished:
    """A questionnaire the person has begun and not sent: its answers so far are theirs."""

    title: str
    answers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Step:
    """A step of a ticket as its sender sees it (/theodoi)."""

    at: datetime
    action: str
    note: str


@dataclass(frozen=True)
class Case:
    """A ticket the person sent with their name: what it holds of them."""

    id: int
    number: str
    kind: str
    topic: str
    status: str
    received_at: datetime
    name: str | None
    contact: str | None
    text: str
    photos: tuple[str, ...]
    sealed: bool  # a denunciation: the name and contact are kept apart (sealed_senders)
    steps: tuple[Step, ...]

    @property
    def correctable(self) -> bool:
        """Its name or contact may be corrected by the sender: a named case not yet closed."""
        return self.status != "closed" and (self.name is not None or self.contact is not None)

    @property
    def named_case(self) -> bool:
        return self.kind in NAMED_KINDS


@dataclass(frozen=True)
class Seen:
    """An announcement the person marked "Đã xem"."""

    title: str
    at: datetime


@dataclass(frozen=True)
class MyData:
    """Everything stored about one person."""

    person_id: int
    name: str
    since: datetime
    accounts: tuple[Account, ...]
    roles: tuple[Role, ...]
    offices: tuple[Office, ...]
    consents: tuple[Decision, ...]  # the whole log, oldest first
    invitations: tuple[Invitation, ...]
    unfinished: tuple[Unfinished, ...]
    cases: tuple[Case, ...]
    seen: tuple[Seen, ...]

    @property
    def schools(self) -> list[School]:
        """The schools that control the person's data (the notice names them)."""
        return list({role.school.id: role.school for role in self.roles}.values())

    @property
    def authorities(self) -> list[str]:
        """The authorities that control an officer's data (the notice names them)."""
        return list(dict.fromkeys(office.authority for office in self.offices))

    @property
    def answered(self) -> int:
        return sum(1 for invitation in self.invitations if invitation.answered_at is not None)

    def latest(self) -> dict[str, Decision]:
        """The latest decision per purpose."""
        return {decision.purpose: decision for decision in self.consents}


async def collect(session: AsyncSession, person_id: int) -> MyData | None:
    """Reads everything stored about the person; None when there is no such person."""
    person = await session.get(Person, person_id)
    if person is None:
        return None
    return MyData(
        person_id=person.id,
        name=person.display_name,
        since=person.created_at,
        accounts=await _accounts(session, person_id),
        roles=await _roles(session, person_id),
        offices=await _offices(session, person_id),
        consents=await _consents(session, person_id),
        invitations=await _invitations(session, person_id),
        unfinished=await _unfinished(session, person_id),
        cases=await _cases(session, person_id),
        seen=await _seen(session, person_id),
    )


async def correctable(session: AsyncSession, person_id: int) -> list[Case]:
    """The person's cases whose name or contact they may still correct (not yet closed)."""
    return [case for case in await _cases(session, person_id) if case.correctable]


async def _accounts(session: AsyncSession, person_id: int) -> tuple[Account, ...]:
    rows = await session.scalars(
        select(ChatAccount).where(ChatAccount.person_id == person_id).order_by(ChatAccount.id)
    )
    return tuple(Account(a.channel, a.user_id, a.created_at) for a in rows)


async def _roles(session: AsyncSession, person_id: int) -> tuple[Role, ...]:
    rows = await session.execute(
        select(Membership.role, School, Classroom.name, Membership.created_at)
        .join(School, School.id == Membership.school_id)
        .outerjoin(Classroom, Classroom.id == Membership.class_id)
        .where(Membership.person_id == person_id)
        .order_by(Membership.id)
    )
    return tuple(Role(role, school, name, since) for role, school, name, since in rows)


async def _offices(session: AsyncSession, person_id: int) -> tuple[Office, ...]:
    rows = await session.execute(
        select(Authority.name, Officer.created_at)
        .join(Authority, Authority.id == Officer.authority_id)
        .where(Officer.person_id == person_id)
        .order_by(Officer.id)
    )
    return tuple(Office(name, since) for name, since in rows)


async def _consents(session: AsyncSession, person_id: int) -> tuple[Decision, ...]:
    rows = await session.scalars(
        select(ConsentEvent).where(ConsentEvent.person_id == person_id).order_by(ConsentEvent.id)
    )
    return tuple(Decision(e.purpose, e.granted, e.notice_version, e.at) for e in rows)


async def _invitations(session: AsyncSession, person_id: int) -> tuple[Invitation, ...]:
    invited = await session.execute(
        select(Wave.id, Wave.title, WaveInvite.invited_at)
        .join(Wave, Wave.id == WaveInvite.wave_id)
        .where(WaveInvite.person_id == person_id)
    )
    answered = await session.execute(
        select(Wave.id, Wave.title, CompletionReceipt.submitted_at)
        .join(Wave, Wave.id == CompletionReceipt.wave_id)
        .where(CompletionReceipt.person_id == person_id)
    )
    waves: dict[int, tuple[str, datetime | None, datetime | None]] = {}
    for wave_id, title, at in invited:
        waves[wave_id] = (title, at, None)
    for wave_id, title, at in answered:
        waves[wave_id] = (title, waves.get(wave_id, (title, None, None))[1], at)
    return tuple(Invitation(*waves[wave_id]) for wave_id in sorted(waves))


async def _unfinished(session: AsyncSession, person_id: int) -> tuple[Unfinished, ...]:
    runs = await session.execute(
        select(SurveyRun.id, Wave.title)
        .join(Wave, Wave.id == SurveyRun.wave_id)
        .where(SurveyRun.person_id == person_id)
        .order_by(SurveyRun.id)
    )
    found = []
    for run_id, title in runs.all():
        answers = await session.execute(
            select(DraftAnswer.question_key, DraftAnswer.value)
            .where(DraftAnswer.run_id == run_id)
            .order_by(DraftAnswer.answered_at, DraftAnswer.question_key)
        )
        found.append(Unfinished(title, tuple((key, value) for key, value in answers)))
    return tuple(found)


async def _cases(session: AsyncSession, person_id: int) -> tuple[Case, ...]:
    tickets = await tickets_of(session, person_id)
    ids = [ticket.id for ticket in tickets]
    sealed = {
        row.ticket_id: row
        for row in await session.scalars(
            select(SealedSender).where(
                SealedSender.ticket_id.in_(ids), SealedSender.person_id == person_id
            )
        )
    }
    steps: dict[int, list[Step]] = {}
    for event in await session.scalars(
        select(TicketEvent)
        .where(TicketEvent.ticket_id.in_(ids), TicketEvent.action.in_(PUBLIC_ACTIONS))
        .order_by(TicketEvent.id)
    ):
        steps.setdefault(event.ticket_id, []).append(Step(event.at, event.action, event.note))
    return tuple(_case(t, sealed.get(t.id), steps.get(t.id, [])) for t in tickets)


def _case(ticket: Ticket, sealed: SealedSender | None, steps: Sequence[Step]) -> Case:
    name = sealed.name if sealed else ticket.sender_name
    contact = sealed.contact if sealed else ticket.sender_contact
    return Case(
        id=ticket.id,
        number=number_of(ticket),
        kind=ticket.kind,
        topic=ticket.topic,
        status=ticket.status,
        received_at=ticket.received_at,
        name=name,
        contact=contact,
        text=ticket.text,
        photos=tuple(ticket.photos or ()),
        sealed=sealed is not None,
        steps=tuple(steps),
    )


async def _seen(session: AsyncSession, person_id: int) -> tuple[Seen, ...]:
    rows = await session.execute(
        select(Broadcast.title, BroadcastSeen.seen_at)
        .join(Broadcast, Broadcast.id == BroadcastSeen.broadcast_id)
        .where(BroadcastSeen.person_id == person_id)
        .order_by(BroadcastSeen.seen_at)
    )
    return tuple(Seen(title, at) for title, at in rows)
