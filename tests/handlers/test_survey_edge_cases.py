"""What a parent may do wrong in a survey, and the polite answers they get."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.models.waves import DraftAnswer, PendingResponse
from handlers import texts
from surveys import labels
from tests.chat import ChatUser
from tests.factories import make_school, open_wave
from tests.handlers.test_survey_conversation import answer_until_review, count, join_and_consent


async def started_parent(app: App, memory: MemoryChannel, clock: FixedClock) -> ChatUser:
    """A parent at question 1 of a version-1 wave, whose first questions are scale items."""
    setup = await make_school(app)
    await open_wave(app, setup, version=1)
    parent = ChatUser(app, memory, clock, "2001")
    await join_and_consent(parent, setup)
    await parent.taps("Bắt đầu")
    return parent


async def test_a_wrong_reply_re_asks_the_same_question_politely(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    parent = await started_parent(app, memory, clock)
    await parent.says("hài lòng lắm")
    assert parent.messages[-2].text == texts.INVALID_CHOICE
    assert parent.last_reply.startswith("Câu 1/")
    await parent.says("7")  # a number beyond the scale gets its range, not the generic reply
    assert parent.messages[-2].text == texts.CHOOSE_IN_RANGE.format(max=5)
    assert parent.last_reply.startswith("Câu 1/")
    await parent.sends_photo()
    assert parent.last_reply == texts.NOT_TEXT
    await parent.says("Rất hài lòng")
    assert parent.last_reply.startswith("Câu 2/")


async def test_an_earlier_button_changes_its_own_question_once_confirmed(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    parent = await started_parent(app, memory, clock)
    first = parent.messages[-1]
    payload_for_4 = next(c.payload for c in first.choices if c.label == "Hài lòng")
    await parent.says("3")
    await parent.says("3")
    assert parent.last_reply.startswith("Câu 3/")
    # an old keyboard for question 1 (e.g. scrolled up in the chat) asks before changing it
    await parent.taps_payload(payload_for_4, message_id="old-message")
    assert parent.last_reply == "Đổi câu 1 từ «Bình thường» thành «Hài lòng»?"
    await parent.taps(labels.CONFIRM_YES_LABEL)
    assert parent.last_reply.startswith("Đã đổi câu 1 thành «Hài lòng».\n\nCâu 3/")
    async with app.db.sessions() as session:
        values = dict(
            (await session.execute(select(DraftAnswer.question_key, DraftAnswer.value))).all()
        )
    assert values["tc_cong_khai"] == "4" and values["tc_thu_tuc"] == "3"


async def test_a_button_of_a_closed_wave_is_refused(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    parent = await started_parent(app, memory, clock)
    clock.advance(days=15)
    await parent.taps("Hài lòng")
    assert parent.last_reply == texts.WAVE_CLOSED
    await parent.says("/khaosat")
    assert parent.last_reply == texts.SURVEYS_NONE


async def test_a_second_submission_is_refused(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    parent = await started_parent(app, memory, clock)
    start = next(
        c.payload for m in parent.messages for c in m.choices if c.label.startswith("Bắt đầu")
    )
    await answer_until_review(parent)
    _, submit = parent.button("Gửi phiếu")
    await parent.taps("Gửi phiếu")
    assert parent.last_reply == texts.SUBMITTED
    await parent.taps_payload(submit.payload)  # the same button again: the form was sent
    assert parent.last_reply == texts.ALREADY_SUBMITTED
    await parent.taps_payload(start)
    assert parent.last_reply == texts.ALREADY_SUBMITTED
    assert await count(app, PendingResponse) == 1


async def test_multi_choice_accepts_at_most_its_maximum(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    parent = await started_parent(app, memory, clock)
    for _ in range(40):
        if "Xong" in parent.choices:
            break
        await parent.says("4") if "Hài lòng" in parent.choices else await parent.says("1")
    labels = parent.choices
    await parent.says("1, 2, 3, 4")
    assert parent.messages[-2].text == texts.INVALID_TOO_MANY.format(max=3)
    for label in labels[:3]:
        await parent.taps(label)
    await parent.taps(labels[3])
    assert parent.messages[-2].text == texts.INVALID_TOO_MANY.format(max=3)
    await parent.taps("Xong")
    assert "Xong" not in parent.choices


async def test_cancel_keeps_answers_and_help_is_always_there(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    parent = await started_parent(app, memory, clock)
    await parent.says("4")
    await parent.says("/trogiup")
    assert parent.last_reply.startswith("Trợ lý Hài Lòng của nhà trường")
    await parent.says("/huy")
    assert parent.last_reply == texts.CANCELLED
    await parent.says("4")
    assert parent.last_reply == texts.NOT_UNDERSTOOD_MENU
    await parent.says("/khaosat")
    await parent.taps("Làm tiếp")
    assert parent.last_reply.startswith("Câu 2/")


async def test_a_parent_who_declined_surveys_is_not_invited(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    parent = ChatUser(app, memory, clock, "2002")
    await parent.says(setup.classes["Lá 1"].invite_code.lower())
    await parent.taps("Đúng lớp")
    await parent.taps("Không đồng ý")
    await parent.taps("Tôi đồng ý")
    await parent.taps("Tôi đồng ý")
    await open_wave(app, setup)
    assert not any("mời anh/chị tham gia" in m.text for m in parent.messages)
    await parent.says("/khaosat")
    assert parent.last_reply == texts.SURVEYS_NEED_CONSENT
