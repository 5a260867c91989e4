"""Erasure that respects other laws: an open named case keeps what the law needs until it closes,
the parent is told so, the consent log stays without the person, participation counts stay."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import App
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.models.people import ConsentEvent, Person
from bot.models.tickets import SealedSender, Ticket
from bot.models.waves import CompletionReceipt, ErasedInvite, WaveInvite
from handlers import notice, texts
from handlers.results import wave_progress
from handlers.tickets.staff import TicketIdentity
from tests.factories import make_school, open_wave
from tests.handlers.test_survey_conversation import answer_until_review
from tests.handlers.tickets.helpers import parent_of, staff_of, submit, tickets

NAME, PHONE = "Lê Thị Tố", "0912 345 678"
DENUNCIATION = "Cô X thường xuyên quát mắng các cháu lớp Lá 1 trong giờ ăn trưa."


async def test_a_denouncer_erased_mid_case_is_kept_sealed_until_it_closes_then_gone(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    parent = await parent_of(app, memory, clock, setup, "9101")
    principal = await staff_of(app, memory, clock, setup, "principal", "9102")
    await submit(
        parent, "Tố cáo", "Giáo viên – nhân viên", DENUNCIATION,
        name=NAME, contact=PHONE, concerns="Giáo viên, nhân viên",
    )  # fmt: skip
    (ticket,) = await tickets(app)
    async with app.db.sessions() as session:
        consents = (await session.execute(select(ConsentEvent.purpose))).scalars().all()

    await parent.says("/dulieu")
    await parent.taps(texts.DELETE_ME)
    case = texts.DELETE_CASE.format(number="PA-2026-0001", kind="tố cáo")
    assert parent.last_reply == texts.DELETE_CONFIRM + texts.DELETE_KEEPS_CASES.format(cases=case)
    await parent.taps(texts.DELETE_YES)
    assert parent.last_reply == texts.DELETED + texts.DELETED_KEPT_FOR_CASES.format(cases=case)

    async with app.db.sessions() as session:
        people = await session.scalar(select(func.count()).select_from(Person))
        assert people == 1  # the principal; the parent is gone
        sealed = await session.get(SealedSender, ticket.id)
        assert sealed is not None and (sealed.person_id, sealed.name, sealed.contact) == (
            None, NAME, PHONE,
        )  # fmt: skip
        kept = await session.get(Ticket, ticket.id)
        assert kept is not None and kept.sender_erased_at == clock.now()
        # the consent log: every grant, then a withdrawal of each, nobody's now
        trail = (
            await session.execute(
                select(
                    ConsentEvent.person_id, ConsentEvent.purpose, ConsentEvent.granted,
                    ConsentEvent.notice_version,
                ).order_by(ConsentEvent.id)
            )
        ).all()  # fmt: skip
    assert {row.person_id for row in trail} == {None}
    assert [(row.purpose, row.granted) for row in trail] == [
        *((purpose, True) for purpose in consents),
        *((purpose, False) for purpose in consents),
    ]
    assert {row.notice_version for row in trail} == {notice.CURRENT.id}

    # the handler still sees who it was, as Art. 56 allows, until the case is closed
    await principal.taps_signed(TicketIdentity(ticket.id).encode())
    assert NAME in principal.last_reply and PHONE in principal.last_reply
    await principal.says("/phieu")
    await principal.taps("PA-2026-0001")
    await principal.taps(texts.ACCEPT)
    await principal.taps(texts.RESOLVE)
    await principal.says("Đã xác minh, nhà trường đã xử lý kỷ luật theo quy định.")
    await principal.taps(texts.STAFF_SEND_RESULT)
    async with app.db.sessions() as session:
        assert await session.get(SealedSender, ticket.id) is not None  # concluded, not closed
    await principal.taps(texts.CLOSE)
    async with app.db.sessions() as session:
        assert await session.get(SealedSender, ticket.id) is None
        closed = await session.get(Ticket, ticket.id)
        assert closed is not None and closed.status == "closed"
        assert closed.text == DENUNCIATION  # the register keeps the case itself
    await principal.taps_signed(TicketIdentity(ticket.id).encode())
    assert principal.last_reply == texts.IDENTITY_ERASED


async def test_a_closed_complaint_keeps_nothing_and_the_parent_hears_no_exception(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    parent = await parent_of(app, memory, clock, setup, "9201")
    principal = await staff_of(app, memory, clock, setup, "principal", "9202")
    await submit(parent, "Khiếu nại", "Học phí – các khoản thu", name=NAME, contact=PHONE)
    await principal.says("/phieu")
    await principal.taps("PA-2026-0001")
    await principal.taps(texts.RESOLVE)
    await principal.says("Nhà trường đã hoàn lại khoản thu.")
    await principal.taps(texts.STAFF_SEND_RESULT)
    await principal.taps(texts.CLOSE)
    await parent.taps("4 – Hài lòng")  # the rating the closing waited for closes it

    await parent.says("/dulieu")
    await parent.taps(texts.DELETE_ME)
    assert parent.last_reply == texts.DELETE_CONFIRM
    await parent.taps(texts.DELETE_YES)
    assert parent.last_reply == texts.DELETED
    (ticket,) = await tickets(app)
    assert (ticket.person_id, ticket.sender_name, ticket.sender_contact) == (None, None, None)
    assert ticket.sender_erased_at is None


async def test_participation_counts_stay_when_a_parent_who_answered_is_erased(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    wave = await open_wave(app, setup)
    answered = await parent_of(app, memory, clock, setup, "9301")
    silent = await parent_of(app, memory, clock, setup, "9302")
    await answered.taps("Bắt đầu")
    await answer_until_review(answered)
    await answered.taps(texts.SUBMIT)
    async with app.db.sessions() as session:
        before = await wave_progress(session, wave.id)
    assert before == (1, 2)

    for parent in (answered, silent):
        await parent.says("/dulieu")
        await parent.taps(texts.DELETE_ME)
        await parent.taps(texts.DELETE_YES)
        assert parent.last_reply == texts.DELETED
    async with app.db.sessions() as session:
        assert await wave_progress(session, wave.id) == before
        for model in (CompletionReceipt, WaveInvite):
            assert await session.scalar(select(func.count()).select_from(model)) == 0, model
        erased = (await session.execute(select(ErasedInvite.answered_at))).scalars().all()
    assert sorted(at is not None for at in erased) == [False, True]
