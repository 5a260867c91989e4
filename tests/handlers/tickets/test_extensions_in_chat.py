"""Lengthening a deadline as the law allows, through /phieu: the reason typed, recorded, sent.

The clock starts Monday 23/11/2026 09:00 in Hà Nội (24/11 is a day off).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.app import App
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.models.schools import School
from bot.models.tickets import TicketEvent
from handlers import texts
from handlers.tickets.remote import set_remote_area
from handlers.tickets.staff import TicketExtend
from handlers.tickets.store import Terms
from tests.chat import ChatUser
from tests.factories import make_school
from tests.handlers.tickets.helpers import (
    parent_of,
    run_deadline_watch,
    staff_of,
    submit,
    texts_to,
    tickets,
)

NAME, PHONE = "Trần Thị Bình", "0912 345 678"
DENUNCIATION = "Cô giáo X nhận tiền của phụ huynh ở cả hai điểm trường để xếp chỗ cho trẻ."
PLACES = "Phải xác minh tại điểm trường chính và điểm lẻ Xóm Bãi."


def at(day: int, month: int = 12, year: int = 2026) -> datetime:
    """08:00 in Hà Nội."""
    return datetime(year, month, day, 1, 0, tzinfo=UTC)


async def events(app: App) -> list[tuple[str, str, bool]]:
    async with app.db.sessions() as session:
        found = await session.execute(
            select(TicketEvent.action, TicketEvent.note, TicketEvent.public).order_by(
                TicketEvent.id
            )
        )
        return [(action, note, public) for action, note, public in found]


async def extend_with(principal: ChatUser, reason: str) -> None:
    await principal.says("/phieu")
    await principal.taps("PA-2026-0001")
    await principal.taps(texts.EXTEND)
    await principal.says(reason)


async def test_to_cao_initial_handling_extended_to_10_working_days_in_chat_art24_1(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    parent = await parent_of(app, memory, clock, setup, "8101")
    principal = await staff_of(app, memory, clock, setup, "principal", "8102")
    receipt = await submit(
        parent,
        "Tố cáo",
        "Giáo viên – nhân viên",
        DENUNCIATION,
        concerns="Giáo viên, nhân viên",
        name=NAME,
        contact=PHONE,
    )
    assert "Hạn trả lời: 03/12/2026" in receipt  # 7 working days

    await principal.says("/phieu")
    await principal.taps("PA-2026-0001")
    assert texts.EXTEND in principal.choices
    await principal.taps(texts.EXTEND)
    assert principal.last_reply.startswith(
        "Thầy/cô gõ lý do kéo dài thời hạn xem xét thụ lý phiếu PA-2026-0001"
    )
    assert "Điều 24 khoản 1" in principal.last_reply and "/huy" in principal.last_reply
    await principal.says("/huy")  # the way out changes nothing
    (ticket,) = await tickets(app)
    assert ticket.decide_due == date(2026, 12, 3) and ticket.decide_extension_reason is None

    await extend_with(principal, PLACES)
    assert principal.messages[-1].text.startswith("Đã gia hạn phiếu PA-2026-0001 đến 08/12/2026.")
    assert (
        "hạn 08/12/2026 (Luật Tố cáo 2018, Điều 24 khoản 1 – xác minh tại nhiều địa điểm, "
        "10 ngày làm việc)"
    ) in principal.last_reply
    assert texts.EXTEND not in principal.choices  # once: 10 working days is the most
    assert parent.last_reply == (
        "Phiếu PA-2026-0001 (Tố cáo): đã tiếp nhận.\n"
        "Nhà trường cần kiểm tra, xác minh thêm nên thời hạn xem xét thụ lý được kéo dài đến "
        f"08/12/2026.\nLý do: {PLACES}"
    )
    (ticket,) = await tickets(app)
    assert ticket.decide_due == date(2026, 12, 8) and ticket.decide_extension_reason == PLACES
    assert (await events(app))[-1] == ("extended_decide", PLACES, True)
    await principal.taps_forged(TicketExtend(ticket.id))  # a stale or forged second try
    assert principal.last_reply.startswith("Thầy/cô không làm được việc này")

    # the old due date passes without an escalation; the new one is watched
    clock.at = at(4)  # Friday: two working days before 8/12
    await run_deadline_watch(app)
    assert principal.last_reply == (
        "Nhắc hạn: phiếu PA-2026-0001 (Tố cáo) phải trả lời tiếp nhận trước hết ngày 08/12/2026."
    )
    assert "Quá hạn" not in texts_to(principal)

    # the parent's history shows the step and its reason
    await parent.says("/theodoi")
    await parent.taps("PA-2026-0001")
    assert f"Kéo dài thời hạn xem xét thụ lý: {PLACES}" in parent.last_reply

    # accepted: 30 days, then at most two extensions of 30 (Luật Tố cáo 2018 Art. 30)
    await principal.says("/phieu")
    await principal.taps("PA-2026-0001")
    await principal.taps(texts.ACCEPT)
    assert "Hạn có kết quả: 04/01/2027." in parent.last_reply  # 3/1 is a Sunday
    await extend_with(principal, "Vụ việc phức tạp: nhiều phụ huynh liên quan.")
    assert parent.last_reply.endswith(
        "được gia hạn đến 02/02/2027.\nLý do: Vụ việc phức tạp: nhiều phụ huynh liên quan."
    )
    await extend_with(principal, "Vụ việc đặc biệt phức tạp: cần trưng cầu ý kiến Sở.")
    assert principal.messages[-1].text.startswith("Đã gia hạn phiếu PA-2026-0001 đến 04/03/2027.")
    assert texts.EXTEND not in principal.choices
    (ticket,) = await tickets(app)
    assert ticket.extensions == 2 and ticket.resolve_due == date(2027, 3, 4)
    assert [action for action, _, _ in await events(app)][-3:] == [
        "accepted",
        "extended",
        "extended",
    ]


async def test_only_the_head_extends_and_a_petition_has_no_extension(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    parent = await parent_of(app, memory, clock, setup, "8201")
    teacher = await staff_of(app, memory, clock, setup, "teacher", "8202", "Lá 1")
    principal = await staff_of(app, memory, clock, setup, "principal", "8203")
    await submit(parent, "Khiếu nại", "Học phí – các khoản thu", name=NAME, contact=PHONE)
    await principal.says("/phieu")
    await principal.taps("PA-2026-0001")
    assert texts.EXTEND not in principal.choices  # a complaint's acceptance has no extension
    await principal.taps(texts.ACCEPT)
    assert texts.EXTEND in principal.choices
    await teacher.says("/phieu")
    await teacher.taps("PA-2026-0001")
    assert texts.EXTEND not in teacher.choices
    (ticket,) = await tickets(app)
    await teacher.taps_forged(TicketExtend(ticket.id))
    assert teacher.last_reply.startswith("Thầy/cô không làm được việc này")
    (ticket,) = await tickets(app)
    assert ticket.extensions == 0 and ticket.resolve_due == date(2026, 12, 23)


async def test_khieu_nai_in_a_remote_area_45_days_then_60_art28(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    async with app.db.transaction() as session:
        school = await session.get(School, setup.school.id)
        assert school is not None
        await set_remote_area(session, school, True, Terms.of(app.settings))
    parent = await parent_of(app, memory, clock, setup, "8301")
    principal = await staff_of(app, memory, clock, setup, "principal", "8302")
    receipt = await submit(parent, "Khiếu nại", "Học phí – các khoản thu", name=NAME, contact=PHONE)
    assert "Hạn trả lời: 03/12/2026" in receipt  # acceptance: 10 days everywhere (Art. 27)
    await principal.says("/phieu")
    await principal.taps("PA-2026-0001")
    await principal.taps(texts.ACCEPT)
    assert "Hạn có kết quả: 07/01/2027." in parent.last_reply  # 45 days, not 30
    assert "(Luật Khiếu nại 2011, Điều 28 – vùng sâu, vùng xa, 45 ngày)" in principal.last_reply
    await extend_with(principal, "Phải xác minh tại hai thôn cách xa trường.")
    assert "gia hạn đến 22/01/2027." in parent.last_reply  # 60 days
    assert "vùng sâu, vùng xa, vụ việc phức tạp, 60 ngày" in principal.last_reply
    (ticket,) = await tickets(app)
    assert ticket.remote_area and ticket.resolve_due == date(2027, 1, 22)

    # the flag was set by mistake: the open complaint follows it back to 45 days (30 + 15)
    async with app.db.transaction() as session:
        school = await session.get(School, setup.school.id)
        assert school is not None
        moved = await set_remote_area(session, school, False, Terms.of(app.settings))
        assert [t.resolve_due for t in moved] == [date(2027, 1, 7)]
    (ticket,) = await tickets(app)
    assert not ticket.remote_area and ticket.resolve_due == date(2027, 1, 7)
