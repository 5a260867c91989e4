"""Who may read what, through the real chat wiring: a denunciation of a teacher is read by the
principal only; an officer sees, for the schools beneath their authority and no others, how many
tickets are open, overdue and answered — never a text, a sender or a ticket."""

from __future__ import annotations

from bot.app import App
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from handlers import texts
from handlers.tickets.staff import TicketIdentity, TicketPhotos, TicketResolve, TicketView
from tests.factories import make_authority, make_school
from tests.handlers.tickets.helpers import (
    officer_of,
    parent_of,
    run_deadline_watch,
    staff_of,
    submit,
    texts_to,
    tickets,
)

NAME, PHONE = "Trần Thị Bình", "0912 345 678"
DENUNCIATION = "Cô giáo X nhận tiền của phụ huynh để xếp chỗ ngồi cho trẻ, tôi có biên nhận."
PETITION = "Sân chơi có mấy viên gạch bị vỡ, đề nghị nhà trường sửa giúp để các cháu an toàn."


async def test_officers_see_counts_and_status_of_their_schools_never_a_text_or_a_sender(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    province = await make_authority(app, "Sở Giáo dục và Đào tạo tỉnh Hoa", "province")
    ward_a = await make_authority(app, "Ủy ban nhân dân phường An", parent=province)
    ward_b = await make_authority(app, "Ủy ban nhân dân phường Bình", parent=province)
    school = await make_school(app, "MN-A1", authority=ward_a)
    await make_school(app, "MN-A2", authority=ward_a)
    other = await make_school(app, "MN-B1", authority=ward_b)
    parent = await parent_of(app, memory, clock, school, "8101")
    other_parent = await parent_of(app, memory, clock, other, "8102")
    principal = await staff_of(app, memory, clock, school, "principal", "8103")
    teacher = await staff_of(app, memory, clock, school, "teacher", "8104", "Lá 1")
    officer_a = await officer_of(app, memory, clock, ward_a, "8105")
    officer_b = await officer_of(app, memory, clock, ward_b, "8106")
    officer_p = await officer_of(app, memory, clock, province, "8107")

    await submit(
        parent, "Tố cáo", "Giáo viên – nhân viên", DENUNCIATION, name=NAME, contact=PHONE,
        concerns="Giáo viên, nhân viên",
    )  # fmt: skip
    await submit(parent, "Phản ánh – kiến nghị", "An toàn", PETITION)
    await submit(other_parent, "Góp ý – hỏi đáp", "Bữa ăn")
    denunciation, petition, _ = await tickets(app)

    # the principal reads the denunciation; the teacher it may concern never sees it
    await principal.says("/phieu")
    await principal.taps("PA-2026-0001")
    assert DENUNCIATION in principal.last_reply
    await teacher.taps_signed(TicketView(denunciation.id).encode())
    assert teacher.last_reply == texts.TICKET_NOT_FOUND

    # the ward's officer: counts by status for its two schools, nothing of the other ward
    clock.advance(days=20)  # every ticket past its decision deadline
    await officer_a.says("/phieu")
    assert officer_a.last_reply.splitlines() == [
        texts.OVERVIEW_HEADER.format(schools=2),
        "• Trường Mầm non MN-A1: 2 phiếu đang xử lý (2 quá hạn), 0 phiếu đã trả lời",
    ]
    assert officer_a.choices == []  # no ticket to open
    # the province's: every school beneath it
    await officer_p.says("/phieu")
    assert officer_p.last_reply.splitlines()[0] == texts.OVERVIEW_HEADER.format(schools=3)
    assert "• Trường Mầm non MN-B1: 1 phiếu đang xử lý (1 quá hạn)" in officer_p.last_reply
    await officer_b.says("/phieu")
    assert "MN-A1" not in officer_b.last_reply

    # no button opens a ticket, its sender or its photos for an officer, however it is forged
    for officer in (officer_a, officer_p):
        for ticket in (denunciation, petition):
            for button in (
                TicketView(ticket.id),
                TicketIdentity(ticket.id),
                TicketPhotos(ticket.id),
                TicketResolve(ticket.id),
            ):
                await officer.taps_signed(button.encode())
                assert officer.last_reply == texts.TICKET_NOT_FOUND, button
    await run_deadline_watch(app)  # escalations go to the school, not to these officers
    for officer in (officer_a, officer_b, officer_p):
        seen = texts_to(officer)
        for secret in (DENUNCIATION, PETITION, NAME, PHONE, "PA-2026-0001", "PA-2026-0002"):
            assert secret not in seen, secret
