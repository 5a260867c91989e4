"""A parent's feedback from submission to rating, and the staff who handle it, as transcripts."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.models.people import ConsentEvent
from bot.models.tickets import Ticket, TicketEvent
from handlers import notice, texts
from handlers.tickets.follow import AddTicketInfo, MyTicket, RateTicket
from tests.chat import ChatUser
from tests.factories import make_school
from tests.handlers.test_linking import link_code_of, two_apps
from tests.handlers.tickets.helpers import (
    MEAL_TEXT,
    parent_and_principal,
    parent_of,
    restart,
    staff_of,
    submit,
    texts_to,
    tickets,
)

__all__ = ["two_apps"]


async def test_a_petition_is_answered_through_the_bot_and_rated(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    parent = await parent_of(app, memory, clock, setup, "5001")
    teacher = await staff_of(app, memory, clock, setup, "teacher", "5101", "Lá 1")
    principal = await staff_of(app, memory, clock, setup, "principal", "5102")

    await parent.says("/phananh")
    assert parent.last_reply.startswith(texts.FEEDBACK_PICK_KIND)
    assert parent.last_reply.endswith(texts.FEEDBACK_HINT)
    assert parent.choices == [*texts.KIND_NAMES.values(), "Thôi, không gửi"]
    await parent.taps("Phản ánh – kiến nghị")
    assert parent.last_reply.startswith(texts.FEEDBACK_PICK_TOPIC)
    assert parent.choices == [*texts.TOPIC_NAMES.values(), "Thôi, không gửi"]
    await parent.taps("Bữa ăn")
    assert parent.last_reply.startswith(texts.FEEDBACK_PICK_NAMED)
    await parent.taps("Gửi kèm tên")
    assert parent.last_reply.startswith("Anh/chị vui lòng viết nội dung")
    await parent.says("Cơm nguội")
    assert parent.last_reply == texts.FEEDBACK_TOO_SHORT
    await parent.says(MEAL_TEXT)
    assert "• Về: Bữa ăn" in parent.last_reply and "• Ảnh: 0" in parent.last_reply
    await parent.sends_photo("tg-photo-1")
    assert parent.messages[-2].text == texts.FEEDBACK_PHOTO_ADDED.format(count=1, limit=5)
    assert "• Ảnh: 1" in parent.last_reply and parent.choices == ["Gửi", "Thôi, không gửi"]
    await parent.says("Gửi")  # typed, as on Zalo
    assert parent.last_reply.startswith("Nhà trường đã tiếp nhận phản ánh – kiến nghị")
    assert "Số phiếu: PA-2026-0001" in parent.last_reply
    assert "Hạn trả lời: 08/12/2026" in parent.last_reply  # 10 working days, 24/11 is a holiday
    assert texts.STAFF_NEW_TICKET.format(
        number="PA-2026-0001", kind="Phản ánh – kiến nghị", topic="Bữa ăn", due="08/12/2026"
    ) in [m.text for m in principal.messages]

    # the class teacher takes it and writes to the parent through the bot
    await teacher.says("/phieu")
    assert teacher.last_reply.startswith(texts.QUEUE_HEADER.format(count=1))
    assert "PA-2026-0001 · Phản ánh – kiến nghị · Bữa ăn · đã tiếp nhận · hạn 08/12/2026" in (
        teacher.last_reply
    )
    await teacher.taps("PA-2026-0001")
    assert "Người gửi: phụ huynh lớp Lá 1" in teacher.last_reply
    assert "Luật Tiếp công dân 2013, Điều 28" in teacher.last_reply
    assert MEAL_TEXT in teacher.last_reply
    assert teacher.choices == [
        "Tôi xử lý",
        "Trả lời kết quả",
        "Nhắn phụ huynh",
        "Xem ảnh (1)",
    ]
    await teacher.taps("Xem ảnh")
    photo = memory.sent[-1]
    assert photo.chat_id == "5101" and photo.image == "tg-photo-1"
    await teacher.taps("Tôi xử lý", message=teacher.messages[-2])
    assert teacher.last_reply.startswith(texts.STAFF_TOOK.format(number="PA-2026-0001"))
    assert "Người xử lý: thầy/cô" in teacher.last_reply
    await teacher.taps("Nhắn phụ huynh")
    await teacher.says("Cô đã báo bếp, ngày mai cô sẽ kiểm tra giờ chia cơm ạ.")
    assert teacher.last_reply.startswith(texts.STAFF_REPLIED.format(number="PA-2026-0001"))
    assert parent.last_reply == texts.TICKET_REPLY.format(
        number="PA-2026-0001", note="Cô đã báo bếp, ngày mai cô sẽ kiểm tra giờ chia cơm ạ."
    )
    assert "5101" not in texts_to(parent)  # the teacher's own account never shows

    # the principal decides, answers and closes; the parent hears of every change
    clock.advance(days=1)
    await principal.says("/phieu")
    assert (
        "· tôi xử lý" not in principal.last_reply and "· đã có người nhận" in principal.last_reply
    )
    await principal.taps("PA-2026-0001")
    assert principal.choices[:5] == [
        "Tôi xử lý",
        "Thụ lý, giải quyết",
        "Trả lời kết quả",
        "Chuyển cơ quan khác",
        "Không thụ lý",
    ]
    await principal.taps("Thụ lý")
    assert parent.last_reply == (
        "Phiếu PA-2026-0001 (Phản ánh – kiến nghị): đang giải quyết.\nHạn có kết quả: 08/12/2026."
    )
    await principal.taps("Trả lời kết quả")
    assert principal.last_reply.startswith("Thầy/cô gõ kết quả giải quyết phiếu PA-2026-0001")
    told = len(parent.messages)
    await principal.says("Nhà trường đã đổi giờ chia cơm, cơm được giữ ấm đến khi ăn.")
    assert principal.last_reply == texts.STAFF_RESULT_PREVIEW.format(
        number="PA-2026-0001",
        body="Kết quả: Nhà trường đã đổi giờ chia cơm, cơm được giữ ấm đến khi ăn.",
    )
    assert principal.choices == [texts.STAFF_SEND_RESULT, texts.STAFF_EDIT_RESULT, texts.CANCEL]
    assert len(parent.messages) == told  # nothing reaches the parent before "Gửi kết quả"
    await principal.taps(texts.STAFF_SEND_RESULT)
    assert parent.last_reply.endswith(
        "đã có kết quả.\nKết quả: Nhà trường đã đổi giờ chia cơm, cơm được giữ ấm đến khi ăn."
    )
    assert parent.choices == list(texts.RATING_LABELS.values())  # the rating comes with it
    await principal.taps("Đóng phiếu")  # waits for the parent's rating: not cut off
    assert principal.last_reply.startswith(
        texts.STAFF_CLOSE_WAITS.format(number="PA-2026-0001", days=3, until="27/11/2026")
    )
    assert (await tickets(app))[0].status == "resolved"
    await parent.taps("5 – Rất hài lòng")
    assert parent.last_reply == texts.RATED
    assert (await tickets(app))[0].status == "closed"  # the rating closed it
    assert texts.STAFF_RATED.format(number="PA-2026-0001", rating=5) in texts_to(teacher)
    await parent.taps_forged(RateTicket((await tickets(app))[0].id, 1))  # a second rating
    assert parent.last_reply == texts.ALREADY_RATED

    await parent.says("/theodoi")
    assert "• PA-2026-0001 · Phản ánh – kiến nghị · đã đóng · hạn 08/12/2026" in parent.last_reply
    await parent.taps("PA-2026-0001")
    history = parent.last_reply
    assert "Diễn biến:\n• 23/11/2026 Tiếp nhận\n• 23/11/2026 Nhà trường nhắn: Cô đã báo bếp" in (
        history
    )
    assert "• 24/11/2026 Phụ huynh đánh giá: 5\n• 24/11/2026 Đóng phiếu" in history
    assert "Cán bộ nhận xử lý" not in history  # internal steps stay internal

    async with app.db.sessions() as session:
        log = (
            await session.execute(
                select(TicketEvent.action, TicketEvent.actor_role, TicketEvent.actor_id)
            )
        ).all()
        ticket = await session.scalar(select(Ticket))
    assert [(action, role) for action, role, _ in log] == [
        ("received", "sender"),
        ("taken", "teacher"),
        ("reply", "teacher"),
        ("accepted", "principal"),
        ("resolved", "principal"),
        ("close_asked", "principal"),
        ("rated", "sender"),
        ("closed", "system"),
    ]
    assert all((actor is None) == (role in ("sender", "system")) for _, role, actor in log)
    assert ticket is not None and ticket.rating == 5 and ticket.notified_at is not None
    assert ticket.photos == ["tg-photo-1"] and ticket.class_id == setup.classes["Lá 1"].id


async def test_a_complaint_in_progress_survives_a_restart(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    parent = await parent_of(app, memory, clock, setup, "5201")
    await parent.says("/phananh")
    await parent.taps("Khiếu nại")
    await parent.taps("Học phí – các khoản thu")
    assert texts.FEEDBACK_PICK_NAMED_LEGAL.format(kind="khiếu nại") in parent.last_reply
    await parent.taps("Gửi kèm tên")
    assert parent.last_reply.startswith(texts.FEEDBACK_ASK_NAME)
    await parent.says("Nguyễn Thị Hoa")

    app = await restart(app, memory, clock, parent)
    try:
        await parent.says("0903 123 456")
        assert parent.last_reply.startswith("Anh/chị vui lòng viết nội dung")
        await parent.says("Nhà trường thu tiền học thêm tiếng Anh dù tôi đã đăng ký không học.")
        assert "• Người gửi: Nguyễn Thị Hoa, 0903 123 456" in parent.last_reply
        await parent.taps("Gửi")
        assert parent.last_reply.startswith("Nhà trường đã tiếp nhận khiếu nại của anh/chị.")
        # Luật Khiếu nại Art. 27: 10 calendar days, Thursday 3/12
        assert "Hạn trả lời: 03/12/2026" in parent.last_reply
        (ticket,) = await tickets(app)
        assert (ticket.sender_name, ticket.sender_contact) == ("Nguyễn Thị Hoa", "0903 123 456")
        assert ticket.person_id is not None

        # erasing the parent keeps the open complaint in the register, without the person but
        # with the name and contact the law needs until it is settled
        await parent.says("/dulieu")
        await parent.taps("Xóa dữ liệu của tôi")
        await parent.taps("Xóa")
        assert "Luật Khiếu nại" in parent.last_reply
        (ticket,) = await tickets(app)
        assert (ticket.person_id, ticket.sender_name) == (None, "Nguyễn Thị Hoa")
        assert ticket.sender_erased_at is not None
        assert ticket.text.startswith("Nhà trường thu tiền học thêm")
    finally:
        await app.stop()


async def test_consent_is_asked_once_and_cancelling_drops_the_draft(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    parent = ChatUser(app, memory, clock, "5301")
    await parent.says(f"/start {setup.classes['Chồi 1'].invite_code}")
    await parent.taps("Đúng lớp")
    await parent.taps("Tôi đồng ý")
    await parent.taps("Tôi đồng ý")
    await parent.taps("Không đồng ý")  # no feedback consent at onboarding

    await parent.says("/phananh")
    paragraph = notice.purpose_paragraph("feedback", app.services.settings)
    assert parent.last_reply.startswith(texts.FEEDBACK_ASK_CONSENT.format(paragraph=paragraph))
    assert "ảnh kèm theo, họ tên và cách liên hệ" in parent.last_reply
    await parent.taps("Không đồng ý")
    assert parent.last_reply == texts.FEEDBACK_NO_CONSENT
    await parent.says("/phananh")
    await parent.taps("Tôi đồng ý")
    assert parent.last_reply.startswith(texts.FEEDBACK_PICK_KIND)
    async with app.db.sessions() as session:
        decisions = list(
            await session.scalars(
                select(ConsentEvent.granted).where(ConsentEvent.purpose == "feedback")
            )
        )
    assert decisions == [False, True]

    await parent.taps("Góp ý – hỏi đáp")
    send = parent.messages[-1]
    await parent.says("/huy")
    assert parent.last_reply == texts.FEEDBACK_CANCELLED
    await parent.taps("Khác", message=send)  # a button of the dropped draft
    assert parent.last_reply == texts.STALE_BUTTON
    await parent.sends_photo("tg-photo-2")
    assert parent.last_reply == texts.NOT_TEXT
    assert await tickets(app) == []

    stranger = ChatUser(app, memory, clock, "5302")
    await stranger.says("/phananh")
    assert stranger.last_reply == texts.FEEDBACK_NEED_CLASS
    await stranger.says("/theodoi")
    assert stranger.last_reply == texts.FOLLOW_NONE
    await stranger.says("/phieu")
    assert stranger.last_reply == texts.STAFF_ONLY


async def test_an_anonymous_suggestion_has_no_person_and_is_followed_by_its_code(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    _, parent, principal = await parent_and_principal(app, memory, clock, "5401", "5402")
    receipt = await submit(
        parent,
        "Góp ý – hỏi đáp",
        "Cơ sở vật chất",
        "Sân chơi cần thêm mái che nắng.",
        anonymous=True,
    )
    assert receipt.startswith("Nhà trường đã tiếp nhận nội dung anh/chị gửi ẩn danh.")
    assert "Hạn trả lời: 01/12/2026" in receipt  # 5 working days (school policy), not 24/11
    code = receipt.rsplit("/theodoi ", 1)[1]
    (ticket,) = await tickets(app)
    assert ticket.person_id is None and ticket.class_id is None and ticket.anonymous
    assert code == f"PA-2026-0001-{ticket.lookup_code}"

    await principal.says("/phieu")
    await principal.taps("PA-2026-0001")
    assert "Người gửi: ẩn danh" in principal.last_reply
    await principal.taps("Trả lời kết quả")
    await principal.says("Nhà trường sẽ lắp mái che trong tháng 12.")
    await principal.taps(texts.STAFF_SEND_RESULT)
    assert principal.last_reply.startswith(
        texts.STAFF_DONE.format(number="PA-2026-0001", status="đã có kết quả")
    )

    await parent.says("/theodoi")
    assert parent.last_reply == texts.FOLLOW_NONE  # nothing links the parent to it
    await parent.says(f"/theodoi {code.lower()}")
    assert "Trạng thái: đã có kết quả" in parent.last_reply
    assert "Kết quả: Nhà trường sẽ lắp mái che trong tháng 12." in parent.last_reply
    await parent.says("/theodoi PA-2026-0001-AAAAAA")
    assert parent.last_reply == texts.FOLLOW_NOT_FOUND


async def test_a_parent_adds_information_and_the_handler_is_told(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup, parent, principal = await parent_and_principal(app, memory, clock, "5501", "5502")
    await submit(parent, "Phản ánh – kiến nghị", "An toàn")
    await parent.says("/theodoi")
    await parent.taps("PA-2026-0001")
    await parent.taps("Bổ sung thông tin")
    assert parent.last_reply.startswith("Anh/chị gõ thông tin bổ sung cho phiếu PA-2026-0001")
    await parent.sends_photo("tg-photo-3")
    await parent.says("Cổng sau vẫn mở lúc 16 giờ hôm nay.")
    assert parent.last_reply == texts.FEEDBACK_INFO_ADDED.format(number="PA-2026-0001")
    assert texts.STAFF_INFO_ADDED.format(
        number="PA-2026-0001", text="Cổng sau vẫn mở lúc 16 giờ hôm nay."
    ) in texts_to(principal)
    (ticket,) = await tickets(app)
    assert ticket.photos == ["tg-photo-3"]
    other = await parent_of(app, memory, clock, setup, "5503")
    await other.taps_forged(MyTicket(ticket.id))  # not theirs
    assert other.last_reply == texts.STALE_BUTTON
    await other.taps_forged(AddTicketInfo(ticket.id))
    assert other.last_reply == texts.STALE_BUTTON


async def test_an_anonymous_complaint_is_only_information_and_a_parent_of_two_schools_chooses(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    school_a = await make_school(app, "MN-A")
    school_b = await make_school(app, "MN-B")
    parent = await parent_of(app, memory, clock, school_a, "5601")
    await parent.says(school_b.classes["Lá 1"].invite_code)
    await parent.taps("Đúng lớp")
    principal_b = await staff_of(app, memory, clock, school_b, "principal", "5602")

    await parent.says("/phananh")
    assert parent.last_reply.startswith(texts.FEEDBACK_PICK_SCHOOL)
    assert parent.choices == ["Trường Mầm non MN-A", "Trường Mầm non MN-B", "Thôi, không gửi"]
    await parent.taps("Trường Mầm non MN-B")
    await parent.taps("Khiếu nại")
    await parent.taps("Học phí")
    await parent.taps("Gửi ẩn danh")
    await parent.says("Khoản thu quỹ phụ huynh năm nay không được công khai.")
    assert "• Loại: Thông tin có nội dung khiếu nại (ẩn danh)" in parent.last_reply
    await parent.taps("Gửi")
    assert "Hạn trả lời: 08/12/2026" in parent.last_reply  # as a petition: 10 working days
    (ticket,) = await tickets(app)
    assert ticket.school_id == school_b.school.id and ticket.person_id is None
    await principal_b.says("/phieu")
    await principal_b.taps("PA-2026-0001")
    assert "PA-2026-0001 – Thông tin có nội dung khiếu nại (ẩn danh)" in principal_b.last_reply
    assert "Luật Tiếp công dân 2013, Điều 28" in principal_b.last_reply
    assert texts.EXTEND not in principal_b.choices


async def test_the_sender_hears_back_on_the_channel_they_wrote_from(
    two_apps: tuple[App, MemoryChannel, MemoryChannel], clock: FixedClock
) -> None:
    app, telegram, zalo = two_apps
    _, on_telegram, principal = await parent_and_principal(app, telegram, clock, "5701", "5702")
    await submit(on_telegram, "Phản ánh – kiến nghị", "Bữa ăn")
    on_zalo = ChatUser(app, zalo, clock, "e4ea2cd5189df1c3a88d")
    await on_zalo.says(await link_code_of(on_telegram))  # the newer account is on Zalo
    assert on_zalo.last_reply == texts.LINKED

    await principal.says("/phieu")
    await principal.taps("PA-2026-0001")
    await principal.taps("Nhắn phụ huynh")
    await principal.says("Nhà trường đã nhận phản ánh, sẽ kiểm tra bếp.")
    reply = texts.TICKET_REPLY.format(
        number="PA-2026-0001", note="Nhà trường đã nhận phản ánh, sẽ kiểm tra bếp."
    )
    assert on_telegram.last_reply == reply
    assert on_zalo.last_reply == texts.LINKED
