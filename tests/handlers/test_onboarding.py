"""Joining with codes, staff roles, consent, the parent's data rights, school isolation."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import App
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.models.people import ChatAccount, ConsentEvent, Membership, Person
from bot.models.waves import CompletionReceipt, ErasedInvite, Wave
from handlers import texts
from handlers.waves import NewWave
from tests.chat import ChatUser
from tests.factories import make_school, make_staff_code, open_wave
from tests.handlers.test_survey_conversation import answer_until_review, join_and_consent
from tests.submitted import submitted_answers


async def test_a_wrong_code_and_the_wrong_class_are_answered_kindly(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    parent = ChatUser(app, memory, clock, "3001")
    await parent.says("/start")
    assert parent.last_reply == texts.WELCOME_NO_CODE
    await parent.says("ABCD-EFGH")
    assert parent.last_reply == texts.CODE_UNKNOWN.format(code="ABCD-EFGH")
    await parent.says("xin chào")
    assert parent.last_reply == texts.FIRST_CONTACT  # a newcomer is asked for the class code
    await parent.says(" ".join(setup.classes["Lá 1"].invite_code))  # typed with spaces
    await parent.taps("Không phải")
    assert parent.last_reply == texts.NOT_MY_CLASS
    async with app.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 0


async def test_staff_codes_are_single_use_and_expire(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    code = await make_staff_code(app, setup, "teacher", "Lá 1")
    teacher = ChatUser(app, memory, clock, "3002")
    await teacher.says(f"/start {code}")
    assert teacher.last_reply.startswith("Chào thầy/cô! Đã ghi nhận vai trò giáo viên – lớp Lá 1")
    intruder = ChatUser(app, memory, clock, "3003")
    await intruder.says(f"/start {code}")
    assert intruder.last_reply == texts.CODE_EXPIRED
    late = await make_staff_code(app, setup, "principal", hours=1)
    clock.advance(hours=2)
    await intruder.says(late)
    assert intruder.last_reply == texts.CODE_EXPIRED
    async with app.db.sessions() as session:
        roles = list(await session.scalars(select(Membership.role)))
    assert roles == ["teacher"]


async def test_my_data_shows_withdraws_and_deletes(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    await open_wave(app, setup)
    parent = ChatUser(app, memory, clock, "3004")
    await join_and_consent(parent, setup)
    await parent.taps("Bắt đầu")
    await answer_until_review(parent)
    await parent.taps("Gửi phiếu")

    await parent.says("/dulieu")
    shown = parent.last_reply
    assert "• Lớp: Lá 1 – Trường Mầm non MN-TEST" in shown
    assert "• Đồng ý khảo sát: có (từ 23/11/2026, theo thông báo ngày 05/12/2026)" in shown
    assert "• Đã gửi 1 phiếu khảo sát" in shown
    await parent.taps("Rút đồng ý tin tức")
    assert parent.last_reply == texts.CONSENT_CHANGED.format(
        state=texts.CONSENT_WITHDRAWN_WORD, purpose="tin tức, thông báo"
    )
    await parent.says("/dulieu")
    assert "• Đồng ý tin tức, thông báo: không" in parent.last_reply

    await parent.taps("Xóa dữ liệu của tôi")
    assert parent.last_reply == texts.DELETE_CONFIRM
    await parent.taps("Xóa")
    assert parent.last_reply == texts.DELETED
    async with app.db.sessions() as session:
        for model in (Person, ChatAccount, Membership, CompletionReceipt):
            assert await session.scalar(select(func.count()).select_from(model)) == 0, model
        # the consent log stays, nobody's: each standing consent ended by a withdrawal
        trail = (await session.execute(select(ConsentEvent.person_id, ConsentEvent.granted))).all()
        assert trail and {person for person, _ in trail} == {None}
        assert not trail[-1][1]
        # the anonymous answer stays (waiting to be released), and so does the count of it
        assert len(await submitted_answers(session)) == 1
        erased = (await session.execute(select(ErasedInvite.answered_at))).scalars().all()
        assert len(erased) == 1 and erased[0] is not None
    await parent.says("/dulieu")
    assert parent.last_reply == texts.MY_DATA_NONE


async def test_a_principal_launches_a_wave_and_sees_only_their_school(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    school_a = await make_school(app, "MN-A")
    school_b = await make_school(app, "MN-B")
    parent_b = ChatUser(app, memory, clock, "3005")
    await join_and_consent(parent_b, school_b)
    parent_a = ChatUser(app, memory, clock, "3006")
    await join_and_consent(parent_a, school_a)

    principal = ChatUser(app, memory, clock, "3007")
    await principal.says(await make_staff_code(app, school_a, "principal"))
    await principal.says("/khaosat")
    assert principal.last_reply == "Khảo sát của Trường Mầm non MN-A:"
    await principal.taps("Mở đợt khảo sát mới")
    await principal.taps("Khảo sát nhanh")
    await principal.taps(texts.WHOLE_SCHOOL)
    await principal.taps(texts.DONE)
    await principal.taps("7 ngày")
    assert "Mời 1 phụ huynh" in principal.last_reply  # the preview: nothing sent yet
    assert not any("mời anh/chị tham gia" in m.text for m in parent_a.messages)
    _, confirm = principal.button("Mở đợt và mời 1 phụ huynh")
    await principal.taps("Mở đợt và mời 1 phụ huynh")
    assert "đã mời 1 phụ huynh" in principal.last_reply
    await principal.taps_payload(confirm.payload)  # a double tap launches no second wave
    assert principal.last_reply == texts.STALE_BUTTON
    async with app.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Wave)) == 1
    assert any("mời anh/chị tham gia" in m.text for m in parent_a.messages)
    assert not any("mời anh/chị tham gia" in m.text for m in parent_b.messages)

    await principal.says("/khaosat")
    assert "0/1 phụ huynh đã trả lời" in principal.last_reply
    await principal.taps("Kết quả")
    assert principal.last_reply.endswith(texts.RESULTS_AFTER_CLOSE)  # open: no index yet

    # a parent cannot use staff buttons, nor a principal another school's
    await parent_b.taps_forged(NewWave(school_b.school.id))
    assert parent_b.last_reply == texts.STAFF_ONLY
    await principal.taps_forged(NewWave(school_b.school.id))
    assert principal.last_reply == texts.STAFF_ONLY


async def test_a_teacher_sees_only_the_counts_of_their_class(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    for n, class_name in enumerate(("Lá 1", "Chồi 1", "Chồi 1")):
        await join_and_consent(ChatUser(app, memory, clock, f"310{n}"), setup, class_name)
    await open_wave(app, setup)
    teacher = ChatUser(app, memory, clock, "3110")
    await teacher.says(await make_staff_code(app, setup, "teacher", "Lá 1"))
    await teacher.says("/khaosat")
    assert "0/1 phụ huynh đã trả lời" in teacher.last_reply
    # results are the principal's; a teacher may open a wave for their own class (issue 14)
    assert teacher.choices == [texts.STAFF_NEW_WAVE]
