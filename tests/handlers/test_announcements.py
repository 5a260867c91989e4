"""Announcements (/thongbao) as transcripts: preview, confirm, who gets them, reports, groups."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.models.broadcasts import ClassGroup
from bot.models.schools import School
from handlers import texts
from handlers.announcements import PickClass, PickWholeSchool
from tests.factories import make_school
from tests.handlers.posting_helpers import TEXT, announce, in_group, parent, run_jobs, shown, staff

HEADER = "📢 Thông báo – lớp Lá 1\n\n" + TEXT


async def test_a_teacher_previews_confirms_and_gets_the_delivery_report(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    teacher = await staff(app, memory, clock, setup, "t1", "teacher", "Lá 1")
    lan = await parent(app, memory, clock, setup, "p1")
    minh = await parent(app, memory, clock, setup, "p2")
    declined = await parent(app, memory, clock, setup, "p3", news=False)
    other_class = await parent(app, memory, clock, setup, "p4", "Chồi 1")

    await teacher.says("/thongbao")
    assert teacher.last_reply == texts.ANNOUNCE_ASK_TEXT.format(limit="1.500")
    assert teacher.choices == [texts.ANNOUNCE_SENT_LIST, texts.GROUP_LINK]
    await teacher.says(TEXT)  # one class: no need to pick it
    assert teacher.last_reply == texts.ANNOUNCE_ASK_SEEN
    await teacher.taps(texts.SEEN_YES)
    assert teacher.last_reply == (
        f"Xem trước:\n———\n{HEADER}\n———\n"
        "Gửi tới: lớp Lá 1 — 2 phụ huynh nhắn riêng, 0 nhóm lớp (2 tin).\n"
        "1 phụ huynh chưa đồng ý nhận tin tức, thông báo nên không nhận tin nhắn riêng.\n"
        "Có nút “Đã xem”."
    )
    assert teacher.choices == [texts.SEND, texts.EDIT_TEXT, texts.CANCEL]
    assert shown(lan)[-1] != HEADER  # nothing goes before the confirmation

    _, send = teacher.button(texts.SEND)
    await teacher.taps(texts.SEND)
    assert teacher.last_reply == texts.ANNOUNCE_QUEUED.format(total=2)
    await teacher.taps_payload(send.payload)  # a double tap sends nothing more
    assert teacher.last_reply == texts.STALE_BUTTON
    await app.settle()
    for reached in (lan, minh):
        assert reached.last_reply == HEADER and reached.choices == [texts.SEEN]
    assert HEADER not in shown(declined) + shown(other_class)

    await lan.taps(texts.SEEN)
    # the announcement itself now shows it was seen, and the tap is answered with the edit
    assert lan.last_reply == HEADER and lan.choices == ["✓ " + texts.SEEN]
    assert memory.acks[-1][1] == texts.SEEN_THANKS
    await lan.taps("✓ " + texts.SEEN)  # counted once; the second tap says so, nothing changes
    assert memory.acks[-1][1] == texts.SEEN_ALREADY
    assert lan.last_reply == HEADER and lan.choices == ["✓ " + texts.SEEN]
    await run_jobs(app)
    assert teacher.last_reply == (
        "Kết quả gửi “Thứ Sáu này lớp đi tham quan Thảo Cầm Viên, phụ huynh cho…”: "
        "đã gửi 2/2.\nĐã xem: lớp Lá 1 1/3."
    )

    await teacher.says("/thongbao")
    await teacher.taps(texts.ANNOUNCE_SENT_LIST)
    await teacher.taps(teacher.choices[0])
    assert teacher.last_reply.endswith("(đã gửi xong)")


async def test_a_teacher_cannot_announce_to_another_teachers_class(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app, classes=("Lá 1", "Chồi 1", "Mầm 1"))
    teacher = await staff(app, memory, clock, setup, "t1", "teacher", "Lá 1", "Chồi 1")
    await staff(app, memory, clock, setup, "t2", "teacher", "Mầm 1")
    stranger = await parent(app, memory, clock, setup, "p9", "Mầm 1")

    await teacher.says("/thongbao")
    await teacher.says(TEXT)
    assert teacher.last_reply == texts.ANNOUNCE_PICK_CLASSES
    assert teacher.choices == ["Lá 1", "Chồi 1", texts.CONTINUE]  # only their own classes
    await teacher.taps(texts.CONTINUE)
    assert teacher.last_reply == texts.ANNOUNCE_PICK_ONE
    other = setup.classes["Mầm 1"].id
    await teacher.taps_forged(PickClass(other))  # a forged button
    assert teacher.last_reply == texts.ANNOUNCE_NOT_YOURS
    await teacher.taps_forged(PickWholeSchool())  # the whole school is for principals
    assert teacher.last_reply == texts.ANNOUNCE_NOT_YOURS

    await teacher.taps("Chồi 1")
    assert teacher.choices == ["Lá 1", "✓ Chồi 1", texts.CONTINUE]
    await teacher.taps(texts.CONTINUE)
    await teacher.taps(texts.SEEN_NO)
    # the preview replaces the class picker, which is above the two refusals
    assert any("lớp Chồi 1 — 0 phụ huynh" in text for text in shown(teacher))
    await teacher.taps(texts.SEND)
    assert teacher.last_reply == texts.AUDIENCE_NOBODY  # nobody in Chồi 1 yet, and no group
    await app.settle()
    assert not any("📢" in text for text in shown(stranger))


async def test_a_principal_announces_to_the_whole_school(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    principal = await staff(app, memory, clock, setup, "h1", "principal")
    la = await parent(app, memory, clock, setup, "p1", "Lá 1")
    choi = await parent(app, memory, clock, setup, "p2", "Chồi 1")

    await principal.says("/thongbao")
    await principal.says("Nhà trường nghỉ học ngày 2/9.")
    assert principal.choices == [texts.WHOLE_SCHOOL, "Lá 1", "Chồi 1", texts.CONTINUE]
    await principal.taps(texts.WHOLE_SCHOOL)
    assert principal.choices[0] == "✓ " + texts.WHOLE_SCHOOL
    await principal.taps(texts.CONTINUE)
    await principal.taps(texts.SEEN_NO)
    assert "Gửi tới: Trường Mầm non MN-TEST — 2 phụ huynh nhắn riêng" in principal.last_reply
    await principal.taps(texts.SEND)
    await app.settle()
    expected = "📢 Thông báo – Trường Mầm non MN-TEST\n\nNhà trường nghỉ học ngày 2/9."
    assert la.last_reply == choi.last_reply == expected


async def test_quiet_hours_hold_an_announcement_until_morning(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    teacher = await staff(app, memory, clock, setup, "t1", "teacher", "Lá 1")
    lan = await parent(app, memory, clock, setup, "p1")
    clock.at = clock.at.replace(hour=15)  # 22:00 in Hà Nội
    preview = await announce(teacher)
    assert preview.endswith("\nĐang trong giờ nghỉ (21:00–06:30): tin sẽ được gửi từ 06:30 24/11.")
    await teacher.taps(texts.SEND)
    await app.settle()
    assert lan.last_reply != HEADER
    clock.advance(hours=8, minutes=29)  # 06:29
    await app.settle()
    assert lan.last_reply != HEADER
    clock.advance(minutes=2)
    await app.settle()
    assert lan.last_reply == HEADER


async def test_a_school_without_quiet_hours_sends_at_night(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    async with app.db.transaction() as session:
        school = await session.get(School, setup.school.id)
        assert school is not None
        school.quiet_hours = ""
    teacher = await staff(app, memory, clock, setup, "t1", "teacher", "Lá 1")
    lan = await parent(app, memory, clock, setup, "p1")
    clock.at = clock.at.replace(hour=15)
    assert "giờ nghỉ" not in await announce(teacher)
    await teacher.taps(texts.SEND)
    await app.settle()
    assert lan.last_reply == HEADER


async def test_a_linked_class_group_gets_the_announcement_instead_of_private_copies(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    teacher = await staff(app, memory, clock, setup, "t1", "teacher", "Lá 1")
    lan = await parent(app, memory, clock, setup, "p1")
    group = "-100777"

    await in_group(app, memory, clock, group, "t1", kind="joined", text="Phụ huynh Lá 1")
    assert memory.chats[group][-1].text == texts.GROUP_HELLO
    await teacher.says("/thongbao")
    await teacher.taps(texts.GROUP_LINK)
    code = teacher.last_reply.split("/lienket ", 1)[1].split()[0]
    await in_group(app, memory, clock, group, "p1", text=f"/lienket {code}")
    assert memory.chats[group][-1].text == texts.GROUP_CODE_NOT_YOURS  # a parent cannot
    await in_group(app, memory, clock, group, "t1", text=f"/lienket@hailong_bot {code}")
    assert memory.chats[group][-1].text == texts.GROUP_LINKED.format(
        class_name="Lá 1", school="Trường Mầm non MN-TEST"
    )
    await in_group(app, memory, clock, group, "t1", text=f"/lienket {code}")
    assert memory.chats[group][-1].text == texts.GROUP_CODE_BAD  # used once

    preview = await announce(teacher, seen=True)
    assert "lớp Lá 1 — 0 phụ huynh nhắn riêng, 1 nhóm lớp (1 tin)" in preview
    await teacher.taps(texts.SEND)
    await app.settle()
    assert memory.chats[group][-1].text == HEADER
    assert lan.last_reply != HEADER  # the parent reads it in the group
    tap = memory.chats[group][-1].choices[0].payload
    await in_group(app, memory, clock, group, "p1", kind="choice", choice=tap)
    await run_jobs(app)
    assert teacher.last_reply.endswith("đã gửi 1/1.\nĐã xem: lớp Lá 1 1/1.")

    await in_group(app, memory, clock, group, "t1", kind="left")
    async with app.db.sessions() as session:
        linked = await session.scalar(select(ClassGroup))
    assert linked is not None and not linked.active and linked.title == "Phụ huynh Lá 1"
    assert "0 nhóm lớp" in await announce(teacher)


async def test_a_photo_with_a_caption_is_the_announcement(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    teacher = await staff(app, memory, clock, setup, "t1", "teacher", "Lá 1")
    await parent(app, memory, clock, setup, "p1")
    await teacher.says("/thongbao")
    await teacher.sends_photo("AgACAgIAAxkBAAIBfileid0123456789")
    assert teacher.last_reply == texts.ANNOUNCE_PHOTO_ADDED
    await teacher.says(TEXT)
    await teacher.taps(texts.SEEN_NO)
    await teacher.taps(texts.SEND)
    await app.settle()
    sent = [m for m in memory.sent if m.chat_id == "p1" and m.text == HEADER]
    assert sent and sent[0].image == "AgACAgIAAxkBAAIBfileid0123456789"


async def test_cancel_and_help_during_an_announcement(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    teacher = await staff(app, memory, clock, setup, "t1", "teacher", "Lá 1")
    lan = await parent(app, memory, clock, setup, "p1")
    await teacher.says("/thongbao")
    await teacher.says("/trogiup")
    assert "/thongbao – gửi thông báo" in teacher.last_reply
    await teacher.says(TEXT)
    await teacher.says("/huy")
    assert teacher.last_reply == texts.ANNOUNCE_CANCELLED
    await lan.says("/thongbao")
    assert lan.last_reply == texts.STAFF_ONLY
    await teacher.says("x" * (texts.ANNOUNCE_LIMIT + 1))
    # no flow open any more; a teacher is "thầy/cô"
    assert teacher.last_reply == "Trợ lý Hài Lòng chưa hiểu ý thầy/cô. Thầy/cô chọn việc cần làm:"
