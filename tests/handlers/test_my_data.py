"""/dulieu under Law 91/2025/QH15 Art. 4: everything stored shown, one's name and a ticket's name
and contact corrected (every step with its way out), a copy of one's data as files, the notice
read in full; and the notice's versions: a consent the new notice changed is asked again, the
others stand, and the parent never sees a version id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.models.people import ConsentEvent, Person
from bot.models.schools import Authority
from bot.models.tickets import SealedSender, Ticket, TicketEvent
from bot.settings import Settings
from handlers import notice, texts
from handlers.data_copy import COPIES
from handlers.onboarding import Consent
from handlers.people import has_consent
from handlers.retention import apply_retention
from handlers.setup import SchoolContact, set_school_contact
from tests.chat import ChatUser
from tests.factories import SchoolSetup, make_school
from tests.handlers.reports.dataset import officer
from tests.handlers.tickets.helpers import parent_of, submit, tickets

NAME, PHONE, NEW_PHONE = "Lê Thị Tố", "0912 345 678", "0987 654 321"
COMPLAINT = "Nhà trường thu tiền máy lạnh lớp Lá 1 không có trong danh mục các khoản thu."
PHOTO = "AgACAgUAAxkBAAIBbGZ"  # a Telegram file id


@pytest.fixture
def settings(clean_database: str, tmp_path: Path) -> Settings:
    return Settings(database_url=clean_database, reports_dir=tmp_path / "reports", _env_file=None)


async def with_contact(app: App, setup: SchoolSetup) -> None:
    async with app.db.transaction() as session:
        school = await session.get(type(setup.school), setup.school.id)
        assert school is not None
        set_school_contact(
            school, SchoolContact(phone="028 3822 1234", email="mn.test@example.edu.vn")
        )


async def complaint_with_photo(parent: ChatUser) -> None:
    """A named complaint with a photo: /phananh, kind, topic, name, contact, a photo, the text."""
    await parent.says("/phananh")
    await parent.taps("Khiếu nại")
    await parent.taps("Học phí – các khoản thu")
    await parent.taps(texts.SEND_NAMED)
    await parent.says(NAME)
    await parent.says(PHONE)
    await parent.sends_photo(PHOTO)
    await parent.says(COMPLAINT)
    await parent.taps(texts.FEEDBACK_SEND)
    assert parent.last_reply.startswith("Nhà trường đã tiếp nhận khiếu nại")


def everything_shown(user: ChatUser) -> str:
    return "\n".join(t for m in user.messages for t in [*m.history, m.text])


async def test_dulieu_shows_a_tickets_name_contact_and_photos_and_the_notice_date(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    parent = await parent_of(app, memory, clock, setup, "7101")
    await complaint_with_photo(parent)

    await parent.says("/dulieu")
    shown = parent.last_reply
    assert "• Đồng ý phản ánh, kiến nghị: có (từ 23/11/2026, theo thông báo ngày 05/12/2026)" in (
        shown
    )
    assert "• Đã gửi 1 phiếu phản ánh kèm tên" in shown
    assert f"  – PA-2026-0001 (khiếu nại, đã tiếp nhận): họ tên {NAME}, liên hệ {PHONE}, 1 ảnh" in (
        shown
    )
    assert shown.endswith(texts.MY_DATA_NOTICE.format(date="05/12/2026"))
    for label in (texts.FIX_NAME, texts.FIX_TICKET, texts.SEND_MY_COPY, texts.READ_NOTICE):
        assert label in parent.choices

    await with_contact(app, setup)
    await parent.taps(texts.READ_NOTICE)
    full = parent.last_reply
    assert full.startswith("THÔNG BÁO XỬ LÝ DỮ LIỆU CÁ NHÂN (thông báo ngày 05/12/2026)")
    assert (
        "Bên kiểm soát dữ liệu: Trường Mầm non MN-TEST (ĐT 028 3822 1234, "
        "email mn.test@example.edu.vn)" in full
    )
    assert "Telegram do công ty nước ngoài cung cấp" in full and "ở nước ngoài" in full
    assert "giữ 2 năm (góp ý – hỏi đáp) hoặc 10 năm (phản ánh, khiếu nại, tố cáo)" in full
    assert "xóa sau 30 ngày" in full and "trong 02 ngày làm việc" in full
    assert notice.CURRENT.id not in everything_shown(parent)  # the id is never shown


async def test_the_name_and_a_tickets_contact_are_corrected_with_a_way_out_at_each_step(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    parent = await parent_of(app, memory, clock, setup, "7102")
    await complaint_with_photo(parent)

    # one's name: asked, typed, confirmed; the way out at the first step
    await parent.says("/dulieu")
    await parent.taps(texts.FIX_NAME)
    assert parent.last_reply.startswith(texts.FIX_ASK_NAME.format(current="–"))
    assert parent.choices == [texts.FIX_CANCEL]
    await parent.taps(texts.FIX_CANCEL)
    assert parent.last_reply == texts.FIX_CANCELLED
    await parent.says("/dulieu")
    await parent.taps(texts.FIX_NAME)
    await parent.says("x")
    assert parent.last_reply == texts.FEEDBACK_TOO_SHORT
    await parent.says("Lan   Nguyễn")
    assert parent.last_reply.startswith(texts.FIX_CONFIRM.format(what="tên của anh/chị",
                                                                 value="Lan Nguyễn"))  # fmt: skip
    await parent.says("Nguyễn Thị Lan")  # typed again: that one is asked instead
    assert parent.choices == [texts.FIX_SAVE, texts.FIX_CANCEL]
    await parent.taps(texts.FIX_SAVE)
    assert parent.last_reply == texts.FIX_SAVED_NAME.format(value="Nguyễn Thị Lan")

    # the ticket's contact: the only open ticket is taken at once; the field, then the value
    await parent.says("/dulieu")
    assert "• Tên: Nguyễn Thị Lan" in parent.last_reply
    await parent.taps(texts.FIX_TICKET)
    assert parent.last_reply.startswith(
        texts.FIX_PICK_FIELD.format(number="PA-2026-0001", name=NAME, contact=PHONE)
    )
    assert parent.choices == ["Họ tên", "Cách liên hệ", texts.FIX_CANCEL]
    await parent.says(NEW_PHONE)  # typed before choosing what it is
    assert parent.last_reply == texts.FIX_TAP_FIRST
    await parent.taps("Cách liên hệ")
    await parent.says(NEW_PHONE)
    await parent.taps(texts.FIX_SAVE)
    assert parent.last_reply == texts.FIX_SAVED_TICKET.format(
        what="cách liên hệ", number="PA-2026-0001", value=NEW_PHONE
    )
    # /huy is a way out too, at the step that waits for typing
    await parent.says("/dulieu")
    await parent.taps(texts.FIX_TICKET)
    await parent.taps("Họ tên")
    await parent.says("/huy")
    assert parent.last_reply == texts.FIX_CANCELLED

    (ticket,) = await tickets(app)
    assert (ticket.sender_name, ticket.sender_contact) == (NAME, NEW_PHONE)
    async with app.db.sessions() as session:
        person = await session.scalar(select(Person))
        assert person is not None and person.display_name == "Nguyễn Thị Lan"
        logged = list(await session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == 1)))
    corrected = [event for event in logged if event.action == "corrected"]
    assert [(e.actor_id, e.note) for e in corrected] == [(None, "")]  # no value in the log


async def test_a_denouncers_contact_is_corrected_where_it_is_sealed(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    parent = await parent_of(app, memory, clock, setup, "7103")
    await submit(
        parent, "Tố cáo", "Giáo viên – nhân viên", COMPLAINT,
        name=NAME, contact=PHONE, concerns="Giáo viên, nhân viên",
    )  # fmt: skip
    await parent.says("/dulieu")
    assert f"(tố cáo, đã tiếp nhận): họ tên {NAME}, liên hệ {PHONE}" in parent.last_reply
    await parent.taps(texts.FIX_TICKET)
    await parent.taps("Cách liên hệ")
    await parent.says(NEW_PHONE)
    await parent.taps(texts.FIX_SAVE)
    (ticket,) = await tickets(app)
    assert (ticket.person_id, ticket.sender_contact) == (None, None)  # never on the ticket
    async with app.db.sessions() as session:
        sealed = await session.get(SealedSender, ticket.id)
    assert sealed is not None and (sealed.name, sealed.contact) == (NAME, NEW_PHONE)


async def test_a_closed_ticket_is_no_longer_offered_for_correction(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    parent = await parent_of(app, memory, clock, setup, "7104")
    await submit(parent, "Khiếu nại", "Học phí – các khoản thu", name=NAME, contact=PHONE)
    await parent.says("/dulieu")
    shown = parent.messages[-1]
    async with app.db.transaction() as session:
        ticket = await session.get(Ticket, 1)
        assert ticket is not None
        ticket.status = "closed"
    await parent.says("/dulieu")
    assert texts.FIX_TICKET not in parent.choices
    await parent.taps(texts.FIX_TICKET, message=shown)  # the button of before the closing
    assert parent.last_reply == texts.FIX_NONE


async def test_a_copy_of_ones_data_comes_as_a_text_and_a_json_file_then_goes(
    app: App, memory: MemoryChannel, clock: FixedClock, settings: Settings
) -> None:
    setup = await make_school(app)
    await with_contact(app, setup)
    parent = await parent_of(app, memory, clock, setup, "7105")
    await complaint_with_photo(parent)
    await parent.says("/dulieu")
    await parent.taps(texts.SEND_MY_COPY)

    coming, readable, machine = parent.messages[-3:]
    assert coming.text == texts.MY_COPY_COMING
    assert readable.text == texts.MY_COPY_TEXT_CAPTION.format(date="23/11/2026")
    assert (readable.document_name, machine.document_name) == (
        "du-lieu-cua-toi.txt", "du-lieu-cua-toi.json",
    )  # fmt: skip
    assert readable.document is not None and machine.document is not None
    text = Path(readable.document).read_text(encoding="utf-8")
    data = json.loads(Path(machine.document).read_text(encoding="utf-8"))

    assert text.startswith(texts.MY_COPY_TITLE)
    for expected in (
        "• phụ huynh – Lá 1 – Trường Mầm non MN-TEST, từ 23/11/2026",
        "đồng ý phản ánh, kiến nghị (thông báo ngày 05/12/2026)",
        "• PA-2026-0001 – Khiếu nại, Học phí – các khoản thu, đã tiếp nhận; gửi 23/11/2026",
        f"  Họ tên: {NAME}; liên hệ: {PHONE}; ảnh: 1",
        f"  Nội dung: {COMPLAINT}",
        "Bên kiểm soát dữ liệu: Trường Mầm non MN-TEST (ĐT 028 3822 1234",
    ):
        assert expected in text, expected
    assert notice.CURRENT.id not in text
    assert data["person"]["since"] == "2026-11-23T09:00:00+07:00"
    assert [c["purpose"] for c in data["consents"]] == ["surveys", "news", "feedback"]
    assert {c["notice_date"] for c in data["consents"]} == {"2026-12-05"}
    (case,) = data["tickets"]
    assert (case["number"], case["name"], case["contact"], case["text"], case["photos"]) == (
        "PA-2026-0001", NAME, PHONE, COMPLAINT, [PHOTO],
    )  # fmt: skip
    assert data["chat_accounts"] == [
        {"app": "memory", "channel": "memory", "user_id": "7105", "since": data["person"]["since"]}
    ]

    # the files stay no longer than the sender could still be sending them
    folder = settings.reports_dir / COPIES
    assert len(list(folder.iterdir())) == 2
    clock.advance(hours=24)
    await apply_retention(app.job_context)
    assert len(list(folder.iterdir())) == 2
    clock.advance(hours=24, minutes=1)
    await apply_retention(app.job_context)
    assert list(folder.iterdir()) == []


async def test_a_consent_the_new_notice_changed_is_asked_again_the_others_stand(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    """Agreed to all three under the notice of 22/11/2026: only feedback (photos, name, contact
    and their period are new in the notice of 05/12/2026) is asked again (Art. 9(2), 9(4))."""
    setup = await make_school(app)
    parent = await parent_of(app, memory, clock, setup, "7106")
    async with app.db.transaction() as session:
        for event in await session.scalars(select(ConsentEvent)):
            event.notice_version = "2026-11-v1"
        person = await session.scalar(select(Person.id))
        assert person is not None
    async with app.db.sessions() as session:
        assert not await has_consent(session, person, "feedback")
        assert await has_consent(session, person, "surveys")
        assert await has_consent(session, person, "news")

    await parent.says("/dulieu")
    summary, question = parent.messages[-2:]
    assert "• Đồng ý khảo sát: có (từ 23/11/2026, theo thông báo ngày 22/11/2026)" in summary.text
    assert "• Đồng ý phản ánh, kiến nghị: cần đồng ý lại theo thông báo ngày 05/12/2026" in (
        summary.text
    )
    assert summary.text.endswith(texts.MY_DATA_NOTICE_NEW.format(date="05/12/2026"))
    assert question.text.startswith(texts.CONSENT_ASK_AGAIN.format(date="05/12/2026"))
    assert "ảnh kèm theo, họ tên và cách liên hệ" in question.text
    await parent.taps(texts.AGREE)
    assert parent.last_reply.startswith(texts.CONSENT_DONE.format(date="05/12/2026"))
    async with app.db.sessions() as session:
        assert await has_consent(session, person, "feedback")
        latest = await session.scalar(
            select(ConsentEvent.notice_version).order_by(ConsentEvent.id.desc()).limit(1)
        )
    assert latest == notice.CURRENT.id
    assert not any(v.id in everything_shown(parent) for v in notice.NOTICES)


async def test_a_feedback_consent_of_the_old_notice_is_asked_again_at_phananh(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    parent = await parent_of(app, memory, clock, setup, "7107")
    async with app.db.transaction() as session:
        for event in await session.scalars(select(ConsentEvent)):
            event.notice_version = "2026-11-v1"
    await parent.says("/phananh")
    paragraph = notice.purpose_paragraph("feedback", app.services.settings)
    assert parent.last_reply.startswith(texts.FEEDBACK_ASK_CONSENT.format(paragraph=paragraph))


async def test_an_answer_to_an_earlier_notices_question_is_not_taken(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    parent = ChatUser(app, memory, clock, "7108")
    await parent.says(setup.classes["Lá 1"].invite_code)
    await parent.taps(texts.YES_CLASS)
    assert parent.last_reply.startswith("Trước khi bắt đầu")
    assert "1/3. Khảo sát ý kiến" in parent.last_reply
    await parent.taps_forged(Consent("surveys", yes=True, notice=1))
    async with app.db.sessions() as session:
        assert list(await session.scalars(select(ConsentEvent))) == []
    assert "Khảo sát ý kiến" in parent.last_reply  # asked again, in today's words
    await parent.taps(texts.AGREE)
    assert parent.last_reply.startswith("2/3. Tin tức, thông báo")  # numbered, no intro again


async def test_an_officers_data_names_the_authority_as_its_controller(
    app: App, memory: MemoryChannel, clock: FixedClock, settings: Settings
) -> None:
    """An officer holds no class: /dulieu said "Lớp: –" and the notice "Bên kiểm soát dữ liệu:
    –", a tool of "nhà trường"."""
    ward = "Ủy ban nhân dân phường Sài Gòn"
    async with app.db.transaction() as session:
        authority = Authority(name=ward, kind="commune", created_at=clock.now())
        session.add(authority)
        await session.flush()
        await officer(session, authority, "officer-ward")
    user = ChatUser(app, memory, clock, "officer-ward")

    await user.says("/dulieu")
    assert f"• Lớp: cán bộ – {ward}" in user.last_reply
    await user.taps(texts.READ_NOTICE)
    assert (
        f"Với vai trò cán bộ: bên kiểm soát dữ liệu là {ward}, cơ quan cấp quyền cho anh/chị."
        in user.last_reply
    )
    assert "Bên kiểm soát dữ liệu: –" not in user.last_reply

    await user.says("/dulieu")
    await user.taps(texts.SEND_MY_COPY)
    readable, machine = user.messages[-2:]
    assert readable.document is not None and machine.document is not None
    text = Path(readable.document).read_text(encoding="utf-8")
    assert f"• cán bộ – {ward}, từ " in text
    assert f"bên kiểm soát dữ liệu là {ward}" in text
    data = json.loads(Path(machine.document).read_text(encoding="utf-8"))
    assert [office["authority"] for office in data["offices"]] == [ward]
