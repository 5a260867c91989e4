"""Retention (Law 91/2025/QH15 Art. 3(3), 14(1)(b)–(c)): with the app's clock moved, each kind of
personal data goes when its period ends and not a day before; what stays is anonymous and still
counts (participation, the register's numbers)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.app import App
from bot.channels.memory import MemoryChannel
from bot.channels.web import Kept
from bot.clock import FixedClock
from bot.models.broadcasts import Broadcast, BroadcastSeen
from bot.models.messages import Dialog, InboundMessage, OutboxMessage
from bot.models.people import ConsentEvent, LinkCode, StaffInvite
from bot.models.schools import School
from bot.models.tickets import SealedSender, TicketEvent
from bot.models.waves import CompletionReceipt, ErasedInvite, WaveInvite
from bot.web_history import DatabaseHistory
from handlers import texts
from handlers.clean_up import clean_up
from handlers.results import wave_progress
from handlers.retention import apply_retention
from tests.chat import ChatUser
from tests.factories import make_school, make_staff_code, open_wave
from tests.handlers.test_survey_conversation import answer_until_review
from tests.handlers.tickets.helpers import parent_of, staff_of, submit, tickets

NAME, PHONE = "Lê Thị Tố", "0912 345 678"
DAY = timedelta(days=1)


async def count(app: App, model: type) -> int:
    async with app.db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def run(app: App) -> None:
    """Both jobs that delete: the hourly retention and the daily clean-up of messages."""
    await apply_retention(app.job_context)
    await clean_up(app.job_context)


async def close(principal: ChatUser, number: str, sender: ChatUser) -> None:
    """Answers and asks to close; the sender's rating closes it."""
    await principal.says("/phieu")
    await principal.taps(number)
    await principal.taps(texts.RESOLVE)
    await principal.says("Nhà trường đã trả lời và xử lý xong theo quy định.")
    await principal.taps(texts.STAFF_SEND_RESULT)
    await principal.taps(texts.CLOSE)
    await sender.taps("4 – Hài lòng")


async def test_each_kind_goes_when_its_period_ends_and_not_before(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    start = clock.now()
    setup = await make_school(app)
    wave = await open_wave(app, setup)  # closes in 14 days
    answering = await parent_of(app, memory, clock, setup, "7201")
    await answering.taps("Bắt đầu")
    await answer_until_review(answering)
    await answering.taps("Gửi phiếu")
    silent = await parent_of(app, memory, clock, setup, "7202")
    principal = await staff_of(app, memory, clock, setup, "principal", "7203")
    await make_staff_code(app, setup, "teacher", "Lá 1", hours=72)  # never used
    await answering.says("/dulieu")
    await answering.taps(texts.LINK_ANOTHER)  # a link code, never typed anywhere
    await submit(answering, "Góp ý – hỏi đáp", "Bữa ăn")
    await submit(
        answering, "Tố cáo", "Giáo viên – nhân viên",
        name=NAME, contact=PHONE, concerns="Giáo viên, nhân viên",
    )  # fmt: skip
    await close(principal, "PA-2026-0001", answering)
    await close(principal, "PA-2026-0002", answering)
    await silent.says("/phananh")  # a draft left: the kind asked, never sent
    await seed_finished_broadcast(app, answering)
    progress = await participation(app, wave.id)
    assert progress == (1, 2)
    consents = await count(app, ConsentEvent)

    # nothing has outlived its period yet
    await run(app)
    # the principal's code, used, stays: the record of who was given the role
    assert (await count(app, StaffInvite), await count(app, LinkCode)) == (2, 1)
    assert await count(app, Dialog) > 0 and await count(app, InboundMessage) > 0

    # codes: 7 days after they expired (the staff code after 72 hours, the link code at once)
    clock.at = start + timedelta(hours=72) + 7 * DAY - timedelta(minutes=1)
    await run(app)
    assert await count(app, StaffInvite) == 2 and await count(app, LinkCode) == 0
    clock.at = start + timedelta(hours=72) + 7 * DAY + timedelta(minutes=1)
    await run(app)
    assert await count(app, StaffInvite) == 1

    # drafts and message texts: 30 days
    clock.at = start + 29 * DAY
    await run(app)
    assert await count(app, Dialog) > 0 and await count(app, OutboxMessage) > 1
    clock.at = start + 31 * DAY
    await run(app)
    assert await count(app, Dialog) == 0
    assert await count(app, InboundMessage) == 0
    replies = select(func.count()).select_from(OutboxMessage)
    async with app.db.sessions() as session:
        left = await session.scalar(replies.where(OutboxMessage.broadcast_id.is_(None)))
    assert left == 0
    await silent.says("xin chào")  # the abandoned draft is gone: not taken as its text
    assert silent.last_reply == texts.NOT_UNDERSTOOD_MENU

    # survey invitations and receipts: 365 days after the wave closed, then anonymous counts
    clock.at = wave.closes_at + 364 * DAY
    await run(app)
    assert (await count(app, WaveInvite), await count(app, CompletionReceipt)) == (2, 1)
    clock.at = wave.closes_at + 366 * DAY
    await run(app)
    assert (await count(app, WaveInvite), await count(app, CompletionReceipt)) == (0, 0)
    assert await count(app, ErasedInvite) == 2
    assert await participation(app, wave.id) == progress
    await run(app)  # once more: nothing counted twice
    assert await count(app, ErasedInvite) == 2

    # the broadcast's recipients and taps: 365 days after it finished (seeded at the start)
    async with app.db.sessions() as session:
        recipients = list(await session.scalars(select(OutboxMessage)))
    assert [(r.person_id, r.chat_id) for r in recipients] == [(None, "")]
    assert await count(app, BroadcastSeen) == 0

    # tickets: a suggestion 2 years after it closed, a denunciation 10 years after
    (suggestion, denunciation) = await tickets(app)
    assert suggestion.closed_at is not None
    clock.at = suggestion.closed_at.replace(year=suggestion.closed_at.year + 2) - DAY
    await run(app)
    assert (await tickets(app))[0].purged_at is None
    clock.at = suggestion.closed_at.replace(year=suggestion.closed_at.year + 2) + DAY
    await run(app)
    suggestion, denunciation = await tickets(app)
    assert (suggestion.text, suggestion.purged_at) == ("", clock.now())
    assert (suggestion.kind, suggestion.seq, suggestion.status) == ("gop_y", 1, "closed")
    assert denunciation.purged_at is None and denunciation.text != ""
    assert await count(app, SealedSender) == 1
    clock.at = start.replace(year=start.year + 10) + 2 * DAY
    await run(app)
    suggestion, denunciation = await tickets(app)
    kept = (denunciation.year, denunciation.seq, denunciation.kind, denunciation.status)
    assert kept == (2026, 2, "to_cao", "closed")
    assert (denunciation.text, denunciation.photos, denunciation.result) == ("", [], None)
    assert (denunciation.person_id, denunciation.sender_name, denunciation.sender_contact) == (
        None, None, None,
    )  # fmt: skip
    async with app.db.sessions() as session:
        notes = set(await session.scalars(select(TicketEvent.note)))
    assert notes == {""}
    assert await count(app, SealedSender) == 0

    # kept: the consent log (the proof of consent, NĐ 356/2025 Art. 6(2))
    assert await count(app, ConsentEvent) == consents


async def participation(app: App, wave_id: int) -> tuple[int, int]:
    async with app.db.sessions() as session:
        return await wave_progress(session, wave_id)


async def seed_finished_broadcast(app: App, parent: ChatUser) -> None:
    """An announcement sent to the parent and marked "Đã xem", finished now."""
    now = app.services.clock.now()
    async with app.db.transaction() as session:
        person = await session.scalar(
            select(ConsentEvent.person_id).where(ConsentEvent.person_id.is_not(None)).limit(1)
        )
        school = await session.scalar(select(School.id).limit(1))
        broadcast = Broadcast(
            school_id=school, kind="announcement", title="Họp phụ huynh", body={"text": "Họp"},
            class_ids=[], status="done", send_at=now, created_at=now, finished_at=now,
        )  # fmt: skip
        session.add(broadcast)
        await session.flush()
        session.add(
            OutboxMessage(
                channel="memory", chat_id=parent.chat_id, body=None, broadcast_id=broadcast.id,
                person_id=person, status="sent", not_before=now, created_at=now, sent_at=now,
            )
        )  # fmt: skip
        session.add(
            BroadcastSeen(
                broadcast_id=broadcast.id, channel="memory", user_id=parent.chat_id,
                person_id=person, seen_at=now,
            )
        )  # fmt: skip


async def test_the_web_chats_bubbles_go_with_the_other_messages(
    app: App, clock: FixedClock
) -> None:
    """A web chat's history (bot/web_history.py) is kept `retention_days` from its
    bubble's last change, and not a day longer."""
    history = DatabaseHistory(app.db)
    bubble = {"id": "a-1", "from": "me", "text": "Xin chào", "choices": [], "edits": 0}
    await history.save("web-new-abc", [Kept("buttons", "a-1", 1, bubble)], clock.now())
    clock.advance(days=app.settings.retention_days - 1)
    await history.save(
        "web-new-abc", [Kept("buttons", "a-2", 2, bubble | {"id": "a-2"})], clock.now()
    )
    clock.advance(days=2)
    await run(app)
    assert [k.message_id for k in await history.load("web-new-abc", 10)] == ["a-2"]
