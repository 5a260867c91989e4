"""Who may see a ticket: its own school's staff only; a denouncer's identity only its handler."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from bot.app import App
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.models.people import ChatAccount
from bot.models.tickets import SealedSender, Ticket, TicketEvent
from handlers import texts
from handlers.tickets.register import export_rows, school_facts
from handlers.tickets.staff import (
    TicketAccept,
    TicketAssignTo,
    TicketIdentity,
    TicketMessage,
    TicketPhotos,
    TicketResolve,
    TicketView,
)
from handlers.tickets.store import Draft, Terms, create_ticket, number_of
from tests.factories import make_authority, make_school
from tests.handlers.tickets.helpers import (
    officer_of,
    parent_and_principal,
    parent_of,
    run_deadline_watch,
    staff_of,
    submit,
    texts_to,
    tickets,
)

NAME, PHONE = "Trần Thị Bình", "0912 345 678"
DENUNCIATION = "Cô giáo X nhận tiền của phụ huynh để xếp chỗ ngồi cho trẻ, tôi có biên nhận."


async def test_another_schools_staff_and_other_classes_cannot_read_a_ticket(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    school_a = await make_school(app, "MN-A")
    school_b = await make_school(app, "MN-B")
    parent = await parent_of(app, memory, clock, school_a, "6001")
    await submit(parent, "Phản ánh – kiến nghị", "Bữa ăn")
    (ticket,) = await tickets(app)
    other_principal = await staff_of(app, memory, clock, school_b, "principal", "6002")
    other_class = await staff_of(app, memory, clock, school_a, "teacher", "6003", "Chồi 1")
    class_teacher = await staff_of(app, memory, clock, school_a, "teacher", "6004", "Lá 1")

    for reader in (other_principal, other_class):
        await reader.says("/phieu")
        assert reader.last_reply == texts.QUEUE_EMPTY
        for button in (
            TicketView(ticket.id),
            TicketResolve(ticket.id),
            TicketMessage(ticket.id),
            TicketIdentity(ticket.id),
            TicketPhotos(ticket.id),
            TicketAssignTo(ticket.id, await person_of(app, "6004")),
        ):
            await reader.taps_signed(button.encode())  # a forged button, signed for this chat
            assert reader.last_reply == texts.TICKET_NOT_FOUND, button
        assert "Bữa trưa" not in texts_to(reader)
    # a stale note flow cannot be used to reach it either
    await other_principal.taps_signed(TicketResolve(ticket.id).encode())
    await other_principal.says("Đã xử lý.")
    assert (await tickets(app))[0].status == "received"

    # the class teacher may answer it, but deciding is the principal's
    await class_teacher.taps_signed(TicketAccept(ticket.id).encode())
    assert class_teacher.last_reply == texts.TICKET_NOT_ALLOWED.format(
        number="PA-2026-0001", status="đã tiếp nhận"
    )
    await parent.taps_signed(TicketView(ticket.id).encode())
    assert parent.last_reply == texts.STAFF_ONLY


async def test_a_denunciation_stays_sealed_in_every_staff_view_and_export(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    parent = await parent_of(app, memory, clock, setup, "6101")
    concerned = await staff_of(app, memory, clock, setup, "teacher", "6102", "Lá 1")
    verifier = await staff_of(app, memory, clock, setup, "teacher", "6103", "Chồi 1")
    principal = await staff_of(app, memory, clock, setup, "principal", "6104")

    await parent.says("/phananh")
    await parent.taps("Tố cáo")
    await parent.taps("Giáo viên – nhân viên")
    assert parent.last_reply.startswith(texts.FEEDBACK_PICK_CONCERNS)
    await parent.taps("Giáo viên, nhân viên")
    assert "chỉ hiệu trưởng xem được" in parent.last_reply
    await parent.taps("Gửi kèm tên")
    await parent.says(NAME)
    await parent.says(PHONE)
    await parent.says(DENUNCIATION)
    await parent.taps("Gửi")
    assert parent.last_reply.startswith("Nhà trường đã tiếp nhận tố cáo của anh/chị.")
    assert "Hạn trả lời: 03/12/2026" in parent.last_reply  # Luật Tố cáo Art. 24: 7 working days

    (ticket,) = await tickets(app)
    assert (ticket.person_id, ticket.sender_name, ticket.sender_contact, ticket.class_id) == (
        None,
        None,
        None,
        None,
    )
    async with app.db.sessions() as session:
        sealed = await session.get(SealedSender, ticket.id)
        assert sealed is not None and (sealed.name, sealed.contact) == (NAME, PHONE)

    # the teacher it may concern never sees it at all
    await concerned.says("/phieu")
    assert concerned.last_reply == texts.QUEUE_EMPTY
    await concerned.taps_signed(TicketView(ticket.id).encode())
    assert concerned.last_reply == texts.TICKET_NOT_FOUND

    # the principal handles it; the identity is one deliberate, logged step away
    await principal.says("/phieu")
    await principal.taps("PA-2026-0001")
    assert f"Người gửi: {texts.STAFF_SENDER_SEALED}" in principal.last_reply
    assert "Luật Tố cáo 2018, Điều 24 khoản 1" in principal.last_reply
    assert texts.SHOW_IDENTITY in principal.choices
    await principal.taps("Giao cho")
    await principal.taps(texts.STAFF_NO_NAME.format(id=await person_of(app, "6103")))
    assert principal.last_reply.startswith("Đã giao phiếu PA-2026-0001")

    await verifier.says("/phieu")
    await verifier.taps("PA-2026-0001")
    assert DENUNCIATION in verifier.last_reply
    assert texts.SHOW_IDENTITY not in verifier.choices
    await verifier.taps_signed(TicketIdentity(ticket.id).encode())
    assert verifier.last_reply.startswith("Thầy/cô không làm được việc này")

    await principal.taps_signed(TicketIdentity(ticket.id).encode())
    assert principal.last_reply.startswith("Danh tính người tố cáo, phiếu PA-2026-0001")
    assert NAME in principal.last_reply and PHONE in principal.last_reply
    async with app.db.sessions() as session:
        seen = await session.scalar(select(func.count()).where(TicketEvent.action == "identity"))
    assert seen == 1

    # overdue: the escalation names the ticket, never the sender
    clock.advance(days=11)  # Friday 4/12
    await run_deadline_watch(app)
    assert "Quá hạn: phiếu PA-2026-0001 (Tố cáo" in verifier.last_reply
    assert "Quá hạn: phiếu PA-2026-0001" in principal.last_reply

    # the register export carries neither the identity nor the text
    async with app.db.sessions() as session:
        terms = Terms.of(app.settings)
        facts = await school_facts(session, setup.school.id, terms)
    today = clock.now().date()
    rows = export_rows(facts, today - timedelta(days=30), today, terms, today)
    flat = "\n".join("\t".join(str(cell) for cell in row) for row in rows)
    assert "PA-2026-0001" in flat and texts.EXPORT_SEALED in flat
    for secret in (NAME, PHONE, DENUNCIATION):
        assert secret not in flat

    # no staff chat ever saw the identity, but for the principal's one deliberate look
    for member in (concerned, verifier):
        assert NAME not in texts_to(member) and PHONE not in texts_to(member)
    principal_seen = [m.text for m in principal.messages if NAME in m.text or PHONE in m.text]
    assert len(principal_seen) == 1 and principal_seen[0].startswith("Danh tính người tố cáo")

    # the denouncer follows it; erasing their data keeps the sealed identity of the open case
    # (without the person) for its handler until it closes (tests/handlers/test_erasure.py)
    await parent.says("/theodoi")
    assert "PA-2026-0001 · Tố cáo" in parent.last_reply
    await parent.says("/dulieu")
    assert "• Đã gửi 1 phiếu phản ánh kèm tên" in parent.last_reply
    await parent.taps("Xóa dữ liệu của tôi")
    await parent.taps("Xóa")
    async with app.db.sessions() as session:
        sealed = await session.get(SealedSender, ticket.id)
        assert sealed is not None and (sealed.person_id, sealed.name) == (None, NAME)
        assert await session.get(Ticket, ticket.id) is not None
    await principal.taps_signed(TicketIdentity(ticket.id).encode())
    assert principal.last_reply.startswith("Danh tính người tố cáo")


async def test_a_denunciation_of_the_leaders_goes_to_the_managing_authority_or_is_not_taken(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    """Its handlers are the officers of the school's managing authority, or of the nearest one
    above it that has officers; with none, the parent is told where to send it, nothing kept."""
    province = await make_authority(app, "Sở Giáo dục và Đào tạo tỉnh Hoa", "province")
    ward = await make_authority(app, "Ủy ban nhân dân phường Hoa", parent=province)
    _, parent, principal = await parent_and_principal(app, memory, clock, "6201", "6202", ward)

    async def denounce_the_principal() -> None:
        await parent.says("/phananh")
        await parent.taps("Tố cáo")
        await parent.taps("Khác")
        await parent.taps("Hiệu trưởng")

    await denounce_the_principal()
    assert parent.last_reply == texts.FEEDBACK_LEADERS_ELSEWHERE.format(
        authority="Ủy ban nhân dân phường Hoa"
    )
    assert await tickets(app) == []

    above = await officer_of(app, memory, clock, province, "6204")  # the nearest with officers
    await denounce_the_principal()
    assert "chỉ cơ quan quản lý nhà trường xem được" in parent.last_reply
    handler = await officer_of(app, memory, clock, ward, "6203")  # now the ward handles it
    await parent.taps("Gửi kèm tên")
    await parent.says(NAME)
    await parent.says(PHONE)
    await parent.says("Hiệu trưởng thu quỹ lớp sai quy định, tôi có sao kê.")
    await parent.taps("Gửi")
    (ticket,) = await tickets(app)
    assert ticket.handled_by == "authority"
    assert "Có phiếu mới PA-2026-0001" in handler.last_reply
    assert "PA-2026-0001" not in texts_to(principal) and "PA-2026-0001" not in texts_to(above)
    await principal.says("/phieu")
    assert principal.last_reply == texts.QUEUE_EMPTY
    for outsider in (principal, above):
        await outsider.taps_signed(TicketView(ticket.id).encode())
        assert outsider.last_reply == texts.TICKET_NOT_FOUND
    await handler.says("/phieu")
    await handler.taps("PA-2026-0001")
    assert "Hiệu trưởng thu quỹ lớp" in handler.last_reply
    assert texts.SHOW_IDENTITY in handler.choices
    assert not any(label.startswith("Giao cho") for label in handler.choices)  # not to staff
    await handler.taps("Thụ lý")
    assert "đang giải quyết" in parent.last_reply
    async with app.db.sessions() as session:
        roles = set(await session.scalars(select(TicketEvent.actor_role)))
    assert "officer" in roles


async def test_receipt_numbers_are_per_school_and_year_and_never_reused(
    app: App, clock: FixedClock
) -> None:
    school_a = await make_school(app, "MN-A")
    school_b = await make_school(app, "MN-B")
    terms = Terms.of(app.settings)

    async def file(school_id: int) -> str:
        draft = Draft(school_id, "gop_y", "khac", True, "staff", "memory", "Một góp ý nhỏ.")
        async with app.db.transaction() as session:
            return number_of(await create_ticket(session, draft, terms, clock.now()))

    assert [await file(school_a.school.id) for _ in range(2)] == ["PA-2026-0001", "PA-2026-0002"]
    assert await file(school_b.school.id) == "PA-2026-0001"
    async with app.db.transaction() as session:
        await session.execute(delete(Ticket).where(Ticket.seq == 2))
    assert await file(school_a.school.id) == "PA-2026-0003"
    clock.advance(days=40)  # 2 January 2027
    assert await file(school_a.school.id) == "PA-2027-0001"


async def person_of(app: App, chat_id: str) -> int:
    async with app.db.sessions() as session:
        person_id = await session.scalar(
            select(ChatAccount.person_id).where(ChatAccount.chat_id == chat_id)
        )
    assert person_id is not None
    return person_id
