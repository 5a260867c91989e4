"""Each kind of personal data deleted or made anonymous when its period ends (an hourly job).

Law 91/2025/QH15 Art. 3(3): data is kept only as long as its purpose needs, unless another law
says otherwise; Art. 14(1)(b)–(c): it is deleted once the purpose is done or the legal period has
run out. The periods are settings (README, *Retention*); what the law fixes and what is the
school's policy is said there. Each step is one statement or a few, idempotent, so a second
replica running it at the same time, or a run missed, changes nothing. The messages received and
sent, and the web chat's history, go daily with the report files (`handlers/clean_up.py`).

Kept without end, on purpose: the consent log (the proof of consent the controller must keep,
Nghị định 356/2025/NĐ-CP Art. 6(2); anonymous once the person is erased); the anonymous survey
answers and counts; a person, their accounts and roles until they erase themselves.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Delete, Update, and_, delete, func, insert, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models.broadcasts import Broadcast, BroadcastSeen, GroupLinkCode, UnreachableChat
from bot.models.messages import Dialog, OutboxMessage
from bot.models.people import CodeAttempts, LinkCode, StaffInvite
from bot.models.tickets import SealedSender, Ticket, TicketEvent
from bot.models.waves import CompletionReceipt, ErasedInvite, SurveyRun, Wave, WaveInvite
from bot.photos import REFUSED
from bot.routing import JobContext
from bot.settings import Settings
from handlers.data_copy import COPIES, made_at

log = logging.getLogger(__name__)

QUESTION_KINDS = ("gop_y",)  # a suggestion or question: no case file (school policy)
# a copy of one's data waits for its sending at most this long past the outbox's own limit
COPY_GRACE = timedelta(days=1)


@dataclass(frozen=True)
class Swept:
    """What one run removed or made anonymous, by kind (rows; files for copies)."""

    codes: int = 0
    drafts: int = 0
    surveys: int = 0
    deliveries: int = 0
    tickets: int = 0
    copies: int = 0


async def apply_retention(job: JobContext) -> None:
    """Deletes or anonymises what has outlived its period; logs the counts only."""
    settings, now = job.services.settings, job.services.clock.now()
    async with job.transaction() as work:
        swept = await sweep(work.session, settings, now)
    cutoff = now - timedelta(hours=settings.outbox_give_up_hours) - COPY_GRACE
    copies = await asyncio.to_thread(remove_copies, settings.reports_dir / COPIES, cutoff)
    counts = {**asdict(swept), "copies": copies}
    if any(counts.values()):
        log.info("retention: %s", ", ".join(f"{kind} {n}" for kind, n in counts.items()))


async def sweep(session: AsyncSession, settings: Settings, now: datetime) -> Swept:
    """Every kind of row past its period, in one transaction."""
    return Swept(
        codes=await _codes(session, now - timedelta(days=settings.retention_code_days)),
        drafts=await _drafts(session, now - timedelta(days=settings.retention_draft_days)),
        surveys=await _surveys(session, now - timedelta(days=settings.retention_survey_days)),
        deliveries=await _deliveries(
            session, now - timedelta(days=settings.retention_delivery_days)
        ),
        tickets=await _tickets(session, settings, now),
    )


async def _codes(session: AsyncSession, before: datetime) -> int:
    """Invite, link and group codes expired unused, and wrong-code counts long over."""
    return sum(
        [
            await _count(
                session,
                delete(StaffInvite).where(
                    StaffInvite.used_at.is_(None), StaffInvite.expires_at < before
                ),
            ),
            await _count(session, delete(LinkCode).where(LinkCode.expires_at < before)),
            await _count(session, delete(GroupLinkCode).where(GroupLinkCode.expires_at < before)),
            await _count(
                session,
                delete(CodeAttempts).where(
                    CodeAttempts.window_start < before,
                    or_(CodeAttempts.locked_until.is_(None), CodeAttempts.locked_until < before),
                ),
            ),
        ]
    )


async def _drafts(session: AsyncSession, before: datetime) -> int:
    """A conversation left untouched: its open flow and what it holds (a feedback draft with a
    name, a contact, a text and photos; an announcement not sent) go with the chat's row."""
    return await _count(session, delete(Dialog).where(Dialog.updated_at < before))


async def _surveys(session: AsyncSession, before: datetime) -> int:
    """A wave long closed: who was invited and who answered become anonymous counts, as when a
    person erases themselves, so its participation stays what it was."""
    waves = select(Wave.id).where(Wave.closes_at < before).scalar_subquery()
    answered = and_(
        CompletionReceipt.wave_id == WaveInvite.wave_id,
        CompletionReceipt.person_id == WaveInvite.person_id,
    )
    counted = select(
        WaveInvite.wave_id,
        WaveInvite.class_id,
        WaveInvite.invited_at,
        CompletionReceipt.submitted_at,
    ).outerjoin(CompletionReceipt, answered)
    await session.execute(
        insert(ErasedInvite).from_select(
            ["wave_id", "class_id", "invited_at", "answered_at"],
            counted.where(WaveInvite.wave_id.in_(waves)),
        )
    )
    invites = await _count(session, delete(WaveInvite).where(WaveInvite.wave_id.in_(waves)))
    await session.execute(delete(CompletionReceipt).where(CompletionReceipt.wave_id.in_(waves)))
    await session.execute(delete(SurveyRun).where(SurveyRun.wave_id.in_(waves)))
    return invites


async def _deliveries(session: AsyncSession, before: datetime) -> int:
    """A broadcast long finished: its recipients lose their person and chat (the counts per
    class and status stay), its "Đã xem" taps go; chats long unreachable are forgotten."""
    old = (
        select(Broadcast.id)
        .where(func.coalesce(Broadcast.finished_at, Broadcast.send_at) < before)
        .where(Broadcast.status.in_(("done", "cancelled")))
        .scalar_subquery()
    )
    recipients = await _count(
        session,
        update(OutboxMessage)
        .where(OutboxMessage.broadcast_id.in_(old), OutboxMessage.chat_id != "")
        .values(person_id=None, chat_id=""),
    )
    taps = await _count(session, delete(BroadcastSeen).where(BroadcastSeen.broadcast_id.in_(old)))
    gone = await _count(session, delete(UnreachableChat).where(UnreachableChat.since < before))
    return recipients + taps + gone


async def _tickets(session: AsyncSession, settings: Settings, now: datetime) -> int:
    """A case whose file has outlived its period after it ended: its text, the school's answer,
    photos, the sender's name, contact and link, the notes of its steps and a denouncer's sealed
    identity are emptied; its number, kind, topic, class, dates and status stay in the register."""
    ended = func.coalesce(Ticket.closed_at, Ticket.concluded_at)
    questions = and_(
        Ticket.kind.in_(QUESTION_KINDS),
        ended < _years_before(now, settings.retention_question_years),
    )
    cases = and_(
        Ticket.kind.not_in(QUESTION_KINDS),
        ended < _years_before(now, settings.retention_case_years),
    )
    due = list(
        await session.scalars(
            select(Ticket.id).where(
                Ticket.purged_at.is_(None),
                Ticket.status.in_(("forwarded", "refused", "resolved", "closed")),
                or_(questions, cases),
            )
        )
    )
    if not due:
        return 0
    purged = {
        p
        for ps in await session.scalars(select(Ticket.photos).where(Ticket.id.in_(due)))
        for p in ps
    }
    await session.execute(
        update(Ticket)
        .where(Ticket.id.in_(due))
        .values(
            text="",
            result=None,
            photos=[],
            person_id=None,
            sender_name=None,
            sender_contact=None,
            purged_at=now,
        )
    )
    await session.execute(update(TicketEvent).where(TicketEvent.ticket_id.in_(due)).values(note=""))
    await session.execute(delete(SealedSender).where(SealedSender.ticket_id.in_(due)))
    live = {p for ps in await session.scalars(select(Ticket.photos)) for p in ps}
    remove_stored_photos(settings.media_dir, purged - live)
    return len(due)


def remove_stored_photos(folder: Path, photos: set[str]) -> None:
    """Deletes the app's stored copies of purged photos (a file id or URL is nothing to delete;
    a photo another ticket still holds, the same bytes sent twice, stays)."""
    home = folder.resolve()
    for photo in photos:
        path = Path(photo)
        if "://" not in photo and path.is_absolute() and path.resolve().parent == home:
            path.unlink(missing_ok=True)
            path.with_name(path.name + REFUSED).unlink(missing_ok=True)


def remove_copies(folder: Path, before: datetime) -> int:
    """Deletes the copies of people's data made before `before` (sent long since), by the time
    of the app's clock their names carry."""
    if not folder.is_dir():
        return 0
    removed = 0
    for path in folder.iterdir():
        made = made_at(path.name)
        if made is not None and made < before:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _years_before(now: datetime, years: int) -> datetime:
    """The same moment `years` years earlier (28 February for a 29 February)."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


async def _count(session: AsyncSession, statement: Delete | Update) -> int:
    result = await session.execute(statement)
    return int(result.rowcount or 0) if isinstance(result, CursorResult) else 0
