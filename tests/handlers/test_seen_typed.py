"""“Đã xem” where there are no buttons (Zalo): typed as shown, it marks the newest announcement.

The announcement's choice is no dialog choice (a broadcast is sent outside any conversation), so
the typed text is taken before the chat's own choices only when it names "Đã xem", or names the
number shown beside it while the announcement is the newest list on screen. A survey in progress
keeps what is typed. On Telegram an announcement sent as a photo is marked in its caption.
"""

from __future__ import annotations

from sqlalchemy import func, select

from bot.models.broadcasts import BroadcastSeen
from handlers import texts
from handlers.deliveries import short_title
from tests.bot.test_channel_parity import join_and_consent
from tests.factories import SchoolSetup, make_school, make_staff_code, open_wave
from tests.phones import Deployment, Phone, TelegramPhone, ZaloPhone, choices, last_reply, phone_on

FIRST = "Thứ Sáu này lớp đi tham quan Thảo Cầm Viên, phụ huynh cho con mặc đồng phục."
SECOND = "Thứ Hai tuần sau lớp nghỉ học để phun thuốc muỗi, phụ huynh sắp xếp giúp."


async def seen_count(deployment: Deployment) -> int:
    async with deployment.app.db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(BroadcastSeen)) or 0)


async def school_with_teacher(deployment: Deployment) -> tuple[SchoolSetup, Phone]:
    """A school and a Lá 1 teacher on Telegram (one class: the class step is skipped)."""
    setup = await make_school(deployment.app)
    teacher = phone_on(deployment, "telegram", 1)
    await teacher.says(await make_staff_code(deployment.app, setup, "teacher", "Lá 1"))
    return setup, teacher


async def zalo_parent(deployment: Deployment, setup: SchoolSetup) -> ZaloPhone:
    parent = phone_on(deployment, "zalo", 2)
    assert isinstance(parent, ZaloPhone)
    await join_and_consent(parent, setup.classes["Lá 1"].invite_code)
    return parent


async def announce(deployment: Deployment, teacher: Phone, text: str) -> None:
    """The teacher sends `text` with "Đã xem" a second after the chats' last events."""
    deployment.clock.advance(seconds=1)
    await teacher.says("/thongbao")
    await teacher.says(text)
    await teacher.chooses(texts.SEEN_YES)
    await teacher.chooses(texts.SEND)
    await deployment.settle()


def thanks(text: str) -> str:
    return texts.SEEN_TYPED_THANKS.format(title=short_title(text))


def already(text: str) -> str:
    return texts.SEEN_TYPED_ALREADY.format(title=short_title(text))


async def test_the_number_shown_under_a_new_announcement_marks_it_seen_once(
    deployment: Deployment,
) -> None:
    setup, teacher = await school_with_teacher(deployment)
    parent = await zalo_parent(deployment, setup)
    await parent.says("menu")  # the chat's own numbered list, with a "1" of its own
    assert (await choices(parent))[0] != texts.SEEN
    await announce(deployment, teacher, FIRST)
    shown = await last_reply(parent)
    assert shown.startswith("📢") and shown.endswith(f"1. {texts.SEEN}\nTrả lời 1")

    await parent.chooses(texts.SEEN)  # types "1", the number beside it
    assert await last_reply(parent) == thanks(FIRST)
    assert await seen_count(deployment) == 1
    await parent.says("1")
    assert await last_reply(parent) == already(FIRST)
    await parent.says("Đã xem ạ")
    assert await last_reply(parent) == already(FIRST)
    assert await seen_count(deployment) == 1


async def test_a_number_for_the_chats_newer_list_is_not_taken_but_the_words_are(
    deployment: Deployment,
) -> None:
    setup, teacher = await school_with_teacher(deployment)
    parent = await zalo_parent(deployment, setup)
    await announce(deployment, teacher, FIRST)
    deployment.clock.advance(seconds=1)
    await parent.says("menu")  # after the announcement: "1" is now the menu's first item
    menu = await choices(parent)
    await parent.says("1")
    assert await seen_count(deployment) == 0
    assert await last_reply(parent) not in (thanks(FIRST), already(FIRST))
    assert menu[0] != texts.SEEN
    await parent.says("da xem")  # the words, even without diacritics, name only "Đã xem"
    assert await last_reply(parent) == thanks(FIRST)
    assert await seen_count(deployment) == 1


async def test_typed_seen_marks_the_newest_unmarked_then_the_older_then_says_so(
    deployment: Deployment,
) -> None:
    setup, teacher = await school_with_teacher(deployment)
    parent = await zalo_parent(deployment, setup)
    await announce(deployment, teacher, FIRST)
    await announce(deployment, teacher, SECOND)
    await parent.says("Đã xem")
    assert await last_reply(parent) == thanks(SECOND)
    await parent.says("đã xem nhé")
    assert await last_reply(parent) == thanks(FIRST)
    await parent.says("Đã xem")
    assert await last_reply(parent) == already(SECOND)
    assert await seen_count(deployment) == 2


async def test_without_an_announcement_the_words_go_where_they_went(
    deployment: Deployment,
) -> None:
    setup, _ = await school_with_teacher(deployment)
    parent = await zalo_parent(deployment, setup)
    await parent.says("Đã xem")
    assert await last_reply(parent) not in (thanks(FIRST), already(FIRST))
    assert await seen_count(deployment) == 0


async def test_a_survey_in_progress_keeps_what_is_typed(deployment: Deployment) -> None:
    setup, teacher = await school_with_teacher(deployment)
    await open_wave(deployment.app, setup)
    parent = await zalo_parent(deployment, setup)
    await parent.chooses(texts.SURVEY_START)
    assert (await last_reply(parent)).startswith("Câu 1/")
    await announce(deployment, teacher, FIRST)
    assert (await last_reply(parent)).endswith(f"1. {texts.SEEN}\nTrả lời 1")
    await parent.says("1")  # the survey's "Bố", as the question above offered it
    assert (await last_reply(parent)).startswith("Câu 2/")
    await parent.says("Đã xem")
    assert await last_reply(parent) != thanks(FIRST)
    assert await seen_count(deployment) == 0
    await parent.says("/huy")
    await parent.says("Đã xem")  # out of the survey, the words mark it
    assert await last_reply(parent) == thanks(FIRST)


async def test_a_photo_announcement_is_marked_in_its_caption_on_telegram(
    deployment: Deployment,
) -> None:
    setup, teacher = await school_with_teacher(deployment)
    assert isinstance(teacher, TelegramPhone)
    parent = phone_on(deployment, "telegram", 2)
    assert isinstance(parent, TelegramPhone)
    await join_and_consent(parent, setup.classes["Lá 1"].invite_code)
    await teacher.says("/thongbao")
    await teacher.sends_photo("AgACAgUAAxkBAAIBphoto")
    await teacher.says(FIRST)
    await teacher.chooses(texts.SEEN_YES)
    await teacher.chooses(texts.SEND)
    await deployment.settle()
    [(message_id, posted)] = [
        (key[1], m) for key, m in parent.api.messages.items() if key[0] == "8002" and "photo" in m
    ]
    assert posted["caption"].startswith("📢") and FIRST in posted["caption"]

    await parent.taps(texts.SEEN, on="📢")
    assert parent.api.counts["editMessageCaption"] == 1
    marked = parent.api.messages[("8002", message_id)]
    assert marked["caption"] == posted["caption"]
    [[button]] = marked["reply_markup"]["inline_keyboard"]
    assert button["text"] == "✓ " + texts.SEEN
    assert str(parent.api.last("answerCallbackQuery").params.get("text")) == texts.SEEN_THANKS
    # the photo is not sent again, and a second tap changes nothing
    assert parent.api.counts["sendPhoto"] == 1
    await parent.taps("✓ " + texts.SEEN, on="📢")
    assert parent.api.counts["editMessageCaption"] == 1 and parent.api.counts["sendPhoto"] == 1
    assert str(parent.api.last("answerCallbackQuery").params.get("text")) == texts.SEEN_ALREADY
    assert await seen_count(deployment) == 1
