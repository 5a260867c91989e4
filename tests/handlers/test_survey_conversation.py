"""A parent joins, consents and answers the preschool survey, as a transcript."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import App
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.models.people import ConsentEvent
from bot.models.waves import CompletionReceipt, DraftAnswer, PendingResponse, SurveyRun
from handlers import notice, texts
from tests.chat import ChatUser
from tests.factories import SchoolSetup, make_school, open_wave
from tests.submitted import submitted_answers


async def join_and_consent(parent: ChatUser, setup: SchoolSetup, class_name: str = "Lá 1") -> None:
    await parent.says(f"/start {setup.classes[class_name].invite_code}")
    assert parent.last_reply.startswith("Anh/chị xác nhận con học lớp " + class_name)
    await parent.taps("Đúng lớp")
    for _ in range(3):
        await parent.taps("Tôi đồng ý")


async def count(app: App, model: type) -> int:
    async with app.db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_join_consent_and_whole_survey_with_resume_review_and_submit(
    app: App, memory: MemoryChannel, clock: FixedClock, settings: object
) -> None:
    setup = await make_school(app)
    await open_wave(app, setup)
    parent = ChatUser(app, memory, clock, "1001")

    await join_and_consent(parent, setup)
    assert parent.last_reply.startswith("Cảm ơn anh/chị! Lựa chọn đã được lưu")
    assert parent.choices == ["Bắt đầu: Khảo sát sự hài lòng của cha mẹ trẻ"]
    async with app.db.sessions() as session:
        granted = await session.scalars(select(ConsentEvent.notice_version))
        assert list(granted) == [notice.CURRENT.id] * 3

    await parent.taps("Bắt đầu")
    intro = parent.messages[-2].text
    assert intro.startswith("Khảo sát sự hài lòng của cha mẹ trẻ")
    assert "xin chọn 0 – Không rõ" in intro
    assert "Ghi chú: Bộ câu hỏi tham khảo SIPAS" in intro
    assert parent.last_reply.startswith("Câu 1/")
    assert parent.choices == ["Bố", "Mẹ", "Người giám hộ", "Người khác (ông bà, người thân)"]
    question_message = parent.messages[-1]
    await parent.taps("Mẹ")
    # the tapped question stays in the chat with its answer, the next one comes below it
    assert question_message.edits == 1 and question_message.choices == ()
    assert question_message.text == "Câu 1/23. Người trả lời phiếu này là:\n→ Mẹ"
    assert parent.last_reply.startswith("Câu 2/")
    await parent.says("3")  # the number of "Zalo, nhóm lớp"
    assert parent.last_reply.startswith("Câu 3/")
    assert parent.choices[:6] == [
        "Rất không hài lòng",
        "Không hài lòng",
        "Bình thường",
        "Hài lòng",
        "Rất hài lòng",
        "Không rõ / không trả lời",
    ]
    await parent.taps("Hài lòng")
    await parent.says("5")
    assert parent.last_reply.startswith("Câu 5/")
    await parent.says("rat hai long")  # a label typed without diacritics
    assert parent.last_reply.startswith("Câu 6/")

    # a restart: a new app on the same database resumes at the first unanswered question
    await app.stop()
    from bot.app import create_app

    restarted = create_app(app.settings, channels=[memory], clock=clock, jobs=[])
    await restarted.start(scheduler=False, sender=False)
    parent.app = restarted
    try:
        await parent.says("/khaosat")
        assert parent.choices == ["Làm tiếp: Khảo sát sự hài lòng của cha mẹ trẻ"]
        await parent.taps("Làm tiếp")
        assert parent.last_reply.startswith("Câu 6/")

        await answer_until_review(parent)
        assert parent.last_reply.startswith(texts.REVIEW)
        assert "→ Hài lòng" in parent.last_reply
        await parent.taps("Sửa câu trả lời")
        await parent.taps("3")
        assert parent.last_reply.startswith("Câu 3/")
        await parent.taps("Rất hài lòng")
        assert parent.last_reply.startswith(texts.REVIEW)
        await parent.taps("Gửi phiếu")
        assert parent.last_reply == texts.SUBMITTED

        async with restarted.db.sessions() as session:
            (answers,) = await submitted_answers(session)  # waiting for the class's others
        assert answers["tc_cong_khai"] == "5" and answers["tc_thu_tuc"] == "5"
        assert (answers["nguoi_tra_loi"], answers["lien_he_chu_yeu"]) == ("me", "zalo")
        assert await count(restarted, PendingResponse) == 1
        assert await count(restarted, DraftAnswer) == 0
        assert await count(restarted, CompletionReceipt) == 1
        assert await count(restarted, SurveyRun) == 0

        await parent.says("/khaosat")
        assert parent.last_reply == texts.SURVEYS_NONE
    finally:
        await restarted.stop()
        app.db = restarted.db


async def answer_until_review(parent: ChatUser) -> None:
    """Answers whatever is asked: scale 4, yes/no yes, multi two picks, text a sentence."""
    for _ in range(40):
        text = parent.last_reply
        if text.startswith(texts.REVIEW):
            return
        labels = parent.choices
        if "Xong" in labels:
            await parent.taps(labels[0].removeprefix("✓ "))
            await parent.taps(labels[1].removeprefix("✓ "))
            await parent.taps("Xong")
        elif "Hài lòng" in labels:
            await parent.taps("Hài lòng")
        elif "Có" in labels:
            await parent.taps("Có")
        elif labels and labels[0] != texts.SKIP:
            await parent.taps(labels[0])
        else:
            await parent.says("Mong nhà trường tổ chức thêm buổi gặp phụ huynh.")
    raise AssertionError("the survey never reached the review")
