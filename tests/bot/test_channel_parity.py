"""The same parent transcripts on Telegram, Zalo and the web playground, from one test body.

Each runs through the real app over loopback HTTP: webhooks from fake Telegram and Zalo Bot APIs,
the playground's JSON API, the real database. On Telegram and the web the parent taps buttons; on
Zalo, which has none, they type the number shown in the list (or the label, or the label without
diacritics), and every message the app would edit arrives as a new one.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.models.people import Person
from bot.models.tickets import Ticket
from bot.models.waves import CompletionReceipt, PendingResponse, Response, SurveyRun
from handlers import texts
from tests.factories import make_school, open_wave
from tests.phones import (
    Deployment,
    Phone,
    TelegramPhone,
    ZaloPhone,
    choices,
    last_reply,
    phone_on,
)
from tests.submitted import submitted_answers

SCALE = [
    "Rất không hài lòng",
    "Không hài lòng",
    "Bình thường",
    "Hài lòng",
    "Rất hài lòng",
    "Không rõ / không trả lời",
]
WHO = ["Bố", "Mẹ", "Người giám hộ", "Người khác (ông bà, người thân)"]
SURVEY = "Khảo sát sự hài lòng của cha mẹ trẻ"


CHANNELS = pytest.mark.parametrize("channel", ["telegram", "zalo", "web"])


async def count(deployment: Deployment, model: type) -> int:
    async with deployment.app.db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def join_and_consent(parent: Phone, code: str) -> None:
    await parent.says(code)
    assert (await last_reply(parent)).startswith("Anh/chị xác nhận con học lớp Lá 1")
    await parent.chooses(texts.YES_CLASS)
    for _ in range(3):
        await parent.chooses(texts.AGREE)


async def review(parent: Phone) -> str:
    """The review on screen, whole ("" if the newest message is no review): on Zalo a long
    one comes in several messages, its choices under the last."""
    screen = await parent.screen()
    if not screen or texts.SUBMIT not in screen[-1].choices:
        return ""
    start = max(i for i, bubble in enumerate(screen) if bubble.text.startswith(texts.REVIEW))
    return "\n".join(bubble.text for bubble in screen[start:])


async def answer_until_review(parent: Phone) -> None:
    """Answers whatever is asked: scale 4, yes/no yes, multi two picks, text a sentence."""
    for _ in range(40):
        if await review(parent):
            return
        labels = await choices(parent)
        if texts.DONE in labels:
            await parent.chooses(labels[0])
            await parent.chooses(labels[1])
            await parent.chooses(texts.DONE)
        elif "Hài lòng" in labels:
            await parent.chooses("Hài lòng")
        elif "Có" in labels:
            await parent.chooses("Có")
        elif labels and labels[0] != texts.SKIP:
            await parent.chooses(labels[0])
        else:
            await parent.says("Mong nhà trường tổ chức thêm buổi gặp phụ huynh.")
    raise AssertionError("the survey never reached the review")


@CHANNELS
async def test_join_consent_and_the_whole_survey_with_resume_review_and_change(
    deployment: Deployment, channel: str
) -> None:
    setup = await make_school(deployment.app)
    await open_wave(deployment.app, setup)
    parent = phone_on(deployment, channel)

    await join_and_consent(parent, setup.classes["Lá 1"].invite_code)
    assert (await last_reply(parent)).startswith("Cảm ơn anh/chị! Lựa chọn đã được lưu")
    assert await choices(parent) == [f"{texts.SURVEY_START}: {SURVEY}"]
    await parent.chooses(texts.SURVEY_START)
    intro = (await parent.screen())[-2].text
    assert "0 – Không rõ" in intro and "Ghi chú: Bộ câu hỏi tham khảo SIPAS" in intro
    assert (await last_reply(parent)).startswith("Câu 1/")
    assert await choices(parent) == WHO
    await parent.chooses("Mẹ")  # a tap, or on Zalo its number typed
    assert (await last_reply(parent)).startswith("Câu 2/")
    await parent.says("3")  # the number of "Zalo, nhóm lớp"
    assert (await last_reply(parent)).startswith("Câu 3/")
    assert (await choices(parent))[:6] == SCALE
    await parent.chooses("Hài lòng")
    assert (await last_reply(parent)).startswith("Câu 4/")
    await parent.says("5")  # the number
    assert (await last_reply(parent)).startswith("Câu 5/")
    await parent.says("rat hai long")  # the label without diacritics
    assert (await last_reply(parent)).startswith("Câu 6/")
    await parent.says("Đúng như đã công khai")  # the label
    assert (await last_reply(parent)).startswith("Câu 7/")

    await deployment.restart()  # answers are kept; the parent comes back later
    await parent.says("/khaosat")
    assert await choices(parent) == [f"{texts.SURVEY_RESUME}: {SURVEY}"]
    await parent.chooses(texts.SURVEY_RESUME)
    assert (await last_reply(parent)).startswith("Câu 7/")
    await answer_until_review(parent)
    assert "→ Hài lòng" in await review(parent)
    await parent.chooses(texts.CHANGE)
    # the list to pick from stays on screen with the question which to change
    assert texts.WHICH_TO_CHANGE in await last_reply(parent)
    await parent.chooses("3")
    assert (await last_reply(parent)).startswith("Câu 3/")
    await parent.chooses("Rất hài lòng")
    assert "Câu 3: Nhà trường công khai" in await review(parent)
    await parent.chooses(texts.SUBMIT)
    assert await last_reply(parent) == texts.SUBMITTED

    async with deployment.app.db.sessions() as session:
        (answers,) = await submitted_answers(session)  # waiting for the class's others
    assert answers["tc_cong_khai"] == "5" and answers["tc_thu_tuc"] == "5"
    assert answers["tc_lien_he"] == "5" and answers["khoan_thu"] == "dung"
    assert (answers["nguoi_tra_loi"], answers["lien_he_chu_yeu"]) == ("me", "zalo")
    assert await count(deployment, Response) == 0
    assert await count(deployment, PendingResponse) == 1
    assert await count(deployment, CompletionReceipt) == 1
    assert await count(deployment, SurveyRun) == 0
    await parent.says("/khaosat")
    assert await last_reply(parent) == texts.SURVEYS_NONE


@CHANNELS
async def test_my_data_help_and_cancel(deployment: Deployment, channel: str) -> None:
    setup = await make_school(deployment.app)
    parent = phone_on(deployment, channel)
    await parent.says("/start")
    assert await last_reply(parent) == texts.WELCOME_NO_CODE
    await join_and_consent(parent, setup.classes["Lá 1"].invite_code)

    await parent.says("/dulieu")
    shown = await last_reply(parent)
    assert "• Lớp: Lá 1 – Trường Mầm non MN-TEST" in shown
    assert (
        "• Đồng ý tin tức, thông báo: có (từ 23/11/2026, theo thông báo ngày 05/12/2026)" in shown
    )
    await parent.chooses("Rút đồng ý tin tức")
    assert await last_reply(parent) == texts.CONSENT_CHANGED.format(
        state=texts.CONSENT_WITHDRAWN_WORD, purpose="tin tức, thông báo"
    )
    await parent.says("/trogiup")
    assert (await last_reply(parent)).startswith("Trợ lý Hài Lòng của nhà trường")
    await parent.says("/dulieu")
    await parent.chooses(texts.DELETE_ME)
    assert (await last_reply(parent)).startswith(texts.DELETE_CONFIRM)
    await parent.says("/huy")
    assert await last_reply(parent) == texts.CANCELLED
    await parent.says("1")  # the list was left: a number means nothing now
    assert (await last_reply(parent)).startswith(texts.NOT_UNDERSTOOD_MENU)
    assert await count(deployment, Person) == 1


@CHANNELS
async def test_a_flow_built_later_works_the_same_feedback(
    deployment: Deployment, channel: str
) -> None:
    """Feedback came after the channels; its handlers know nothing of them, and work on each."""
    setup = await make_school(deployment.app)
    parent = phone_on(deployment, channel)
    await join_and_consent(parent, setup.classes["Lá 1"].invite_code)
    await parent.says("/phananh")
    assert await choices(parent) == [*texts.KIND_NAMES.values(), "Thôi, không gửi"]
    await parent.chooses(texts.KIND_NAMES["phan_anh"])
    await parent.chooses(texts.TOPIC_NAMES["bua_an"])
    await parent.chooses(texts.SEND_NAMED)
    await parent.says("Bữa trưa hôm nay cơm bị nguội, mong nhà trường kiểm tra lại giúp.")
    assert await choices(parent) == [texts.FEEDBACK_SEND, "Thôi, không gửi"]
    await parent.chooses(texts.FEEDBACK_SEND)
    assert "Số phiếu: PA-2026-0001" in await last_reply(parent)
    await parent.says("/theodoi")
    assert "PA-2026-0001" in await last_reply(parent)


@pytest.mark.parametrize(
    ("channel", "photo"),
    [("telegram", "AgACAgIAAxkBAAIBZ2photo"), ("zalo", "")],
)
async def test_a_photo_reaches_the_flow_as_the_platform_names_it(
    deployment: Deployment, channel: str, photo: str
) -> None:
    """Telegram names a photo by file id, kept as such; Zalo by an expiring CDN URL, so the app
    downloads it on receipt and the ticket keeps the stored copy."""
    jpeg = b"\xff\xd8\xff\xe0" + bytes(100)
    photo = photo or deployment.zalo_api.cdn_photo(jpeg)
    setup = await make_school(deployment.app)
    parent = phone_on(deployment, channel)
    assert isinstance(parent, TelegramPhone | ZaloPhone)
    await join_and_consent(parent, setup.classes["Lá 1"].invite_code)
    await parent.sends_photo(photo)  # nothing asked for a photo yet
    assert await last_reply(parent) == texts.NOT_TEXT
    await parent.says("/phananh")
    await parent.chooses(texts.KIND_NAMES["phan_anh"])
    await parent.chooses(texts.TOPIC_NAMES["bua_an"])
    await parent.chooses(texts.SEND_NAMED)
    await parent.says("Bữa trưa hôm nay cơm bị nguội, mong nhà trường kiểm tra lại giúp.")
    await parent.sends_photo(photo)
    assert texts.FEEDBACK_PHOTO_ADDED.format(count=1, limit=5) in [
        b.text for b in await parent.screen()
    ]
    await parent.chooses(texts.FEEDBACK_SEND)
    async with deployment.app.db.sessions() as session:
        [[kept]] = list(await session.scalars(select(Ticket.photos)))
    if channel == "telegram":
        assert kept == photo
    else:
        assert Path(kept).parent == deployment.settings.media_dir.resolve()
        assert Path(kept).read_bytes() == jpeg


@pytest.mark.parametrize(("first", "then"), [("telegram", "zalo"), ("zalo", "web")])
async def test_a_parent_on_two_apps_is_one_respondent(
    deployment: Deployment, first: str, then: str
) -> None:
    setup = await make_school(deployment.app)
    await open_wave(deployment.app, setup)
    before, after = phone_on(deployment, first), phone_on(deployment, then)
    await join_and_consent(before, setup.classes["Lá 1"].invite_code)
    await before.chooses(texts.SURVEY_START)
    await before.chooses("Bố")

    await before.says("/dulieu")
    await before.chooses(texts.LINK_ANOTHER)
    code = (await last_reply(before)).split(": ", 1)[1].split()[0]
    await after.says(code)
    assert await last_reply(after) == texts.LINKED
    assert await last_reply(before) == texts.LINKED_ELSEWHERE.format(app=texts.APP_NAMES[then])
    await after.says("/khaosat")
    await after.chooses(texts.SURVEY_RESUME)
    assert (await last_reply(after)).startswith("Câu 2/")
    await answer_until_review(after)
    await after.chooses(texts.SUBMIT)
    await before.says("/khaosat")
    assert await last_reply(before) == texts.SURVEYS_NONE
    assert (await count(deployment, Person), await count(deployment, CompletionReceipt)) == (1, 1)
