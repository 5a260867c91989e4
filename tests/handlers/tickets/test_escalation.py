"""The deadline watch on a fixed clock: warned once, escalated once, nothing after closure."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.app import App, create_app
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.models.tickets import TicketAlert
from handlers import texts
from tests.chat import ChatUser
from tests.factories import make_authority, make_school
from tests.handlers.tickets.helpers import (
    officer_of,
    parent_and_principal,
    parent_of,
    restart,
    run_deadline_watch,
    staff_of,
    submit,
    tickets,
)

WARNING = "Nhắc hạn: phiếu PA-2026-0001"
OVERDUE = "Quá hạn: phiếu PA-2026-0001"


def at(day: int, month: int = 12) -> datetime:
    """08:00 in Hà Nội on that day of 2026."""
    return datetime(2026, month, day, 1, 0, tzinfo=UTC)


def count(user: ChatUser, prefix: str) -> int:
    return sum(m.text.startswith(prefix) for m in user.messages)


async def test_warned_once_escalated_once_and_nothing_after_closure(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    parent = await parent_of(app, memory, clock, setup, "7001")
    teacher = await staff_of(app, memory, clock, setup, "teacher", "7002", "Lá 1")
    principal = await staff_of(app, memory, clock, setup, "principal", "7003")
    await submit(parent, "Phản ánh – kiến nghị", "Bữa ăn")  # Monday 23/11, due Tuesday 8/12
    await teacher.says("/phieu")
    await teacher.taps("PA-2026-0001")
    await teacher.taps("Tôi xử lý")

    clock.at = at(3)  # three working days before: nothing yet
    await run_deadline_watch(app)
    assert count(teacher, WARNING) == 0

    clock.at = at(4)  # Friday, two working days before 8/12: the assignee is warned
    await run_deadline_watch(app)
    await run_deadline_watch(app)
    assert count(teacher, WARNING) == 1 and count(principal, WARNING) == 0
    assert teacher.last_reply == (
        "Nhắc hạn: phiếu PA-2026-0001 (Phản ánh – kiến nghị) phải trả lời tiếp nhận trước hết "
        "ngày 08/12/2026."
    )

    clock.at = at(5)  # Saturday: nobody is at work, nothing is sent
    await run_deadline_watch(app)
    clock.at = at(8)  # the due date itself: not overdue yet
    await run_deadline_watch(app)
    assert count(principal, OVERDUE) == 0

    app = await restart(app, memory, clock, parent, teacher, principal)
    try:
        clock.at = at(9)  # overdue: the principal and the assignee hear of it once
        await run_deadline_watch(app)
        app = await restart(app, memory, clock, parent, teacher, principal)
        await run_deadline_watch(app)
        clock.at = at(10)
        await run_deadline_watch(app)
        assert count(principal, OVERDUE) == 1 and count(teacher, OVERDUE) == 1
        assert count(teacher, WARNING) == 1
        assert principal.last_reply.startswith(
            "Quá hạn: phiếu PA-2026-0001 (Phản ánh – kiến nghị · Bữa ăn) chưa trả lời tiếp nhận, "
            "hạn là 08/12/2026. Người xử lý: "
        )

        # accepted late: the resolution has its own deadline, watched afresh
        await principal.says("/phieu")
        await principal.taps("PA-2026-0001")
        await principal.taps("Thụ lý")
        (ticket,) = await tickets(app)
        assert str(ticket.resolve_due) == "2026-12-24"
        clock.at = at(22)
        await run_deadline_watch(app)
        assert (
            count(teacher, "Nhắc hạn: phiếu PA-2026-0001 (Phản ánh – kiến nghị) phải có kết quả")
            == 1
        )

        await principal.taps("Trả lời kết quả")
        await principal.says("Đã đổi nhà cung cấp suất ăn.")
        await principal.taps(texts.STAFF_SEND_RESULT)
        await principal.taps("Đóng phiếu")
        for day in (24, 25, 28, 29):
            clock.at = at(day)
            await run_deadline_watch(app)
        assert count(principal, OVERDUE) == 1 and count(teacher, OVERDUE) == 1
        async with app.db.sessions() as session:
            stages = list(await session.scalars(select(TicketAlert.stage).order_by(TicketAlert.id)))
        assert stages == ["decide_warn", "decide_overdue", "resolve_warn"]
    finally:
        await app.stop()


async def test_unassigned_warnings_go_to_the_principal_and_the_officers_when_configured(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    """With HAILONG_TICKET_ESCALATE_DISTRICT the overdue escalation also goes to the officers
    of the school's managing authority (the ward), not to those above it (the province)."""
    await app.stop()
    settings = app.settings.model_copy(update={"ticket_escalate_district": True})
    app = create_app(settings, channels=[memory], clock=clock, jobs=[])
    await app.start(scheduler=False, sender=False)
    try:
        province = await make_authority(app, "Sở Giáo dục và Đào tạo tỉnh Hoa", "province")
        ward = await make_authority(app, "Ủy ban nhân dân phường Hoa", parent=province)
        _, parent, principal = await parent_and_principal(app, memory, clock, "7101", "7102", ward)
        officer = await officer_of(app, memory, clock, ward, "7103")
        above = await officer_of(app, memory, clock, province, "7104")
        await submit(
            parent, "Khiếu nại", "Học phí – các khoản thu", name="Lê Văn An", contact="0987"
        )
        clock.at = at(1)  # 10 calendar days → Thursday 3/12; warned Tuesday 1/12
        await run_deadline_watch(app)
        assert count(principal, WARNING) == 1 and count(officer, WARNING) == 0
        clock.at = at(4)
        await run_deadline_watch(app)
        assert count(principal, OVERDUE) == 1 and count(officer, OVERDUE) == 1
        assert count(above, OVERDUE) == 0
        assert "Lê Văn An" not in officer.last_reply and "0987" not in officer.last_reply
        async with app.db.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(TicketAlert)) == 2
    finally:
        await app.stop()


async def test_an_extended_complaint_is_watched_against_its_new_due_date(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    _, parent, principal = await parent_and_principal(app, memory, clock, "7201", "7202")
    await submit(parent, "Khiếu nại", "Học phí – các khoản thu", name="Lê Văn An", contact="0987")
    await principal.says("/phieu")
    await principal.taps("PA-2026-0001")
    await principal.taps("Thụ lý")
    assert "Hạn có kết quả: 23/12/2026." in parent.last_reply  # 30 days (Luật Khiếu nại Art. 28)
    await principal.taps("Gia hạn")
    assert principal.last_reply.startswith("Thầy/cô gõ lý do gia hạn giải quyết phiếu PA-2026-0001")
    await principal.says("Phải đối chiếu sổ thu của hai năm học.")
    assert parent.last_reply.endswith(  # 45 days
        "được gia hạn đến 07/01/2027.\nLý do: Phải đối chiếu sổ thu của hai năm học."
    )
    assert texts.EXTEND not in principal.choices  # a complaint is extended once
    clock.at = at(24)
    await run_deadline_watch(app)
    assert count(principal, OVERDUE) == 0
