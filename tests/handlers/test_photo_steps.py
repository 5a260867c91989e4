"""Which replies say a photo may answer them now (`Outbound.takes_photo`), as transcripts: the
text of a ticket or an announcement, and nothing else."""

from __future__ import annotations

from bot.app import App
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from handlers import texts
from handlers.tickets.rules import PHOTO_LIMIT
from tests.chat import ChatUser
from tests.factories import make_school
from tests.handlers.posting_helpers import TEXT, staff
from tests.handlers.tickets.helpers import MEAL_TEXT, parent_of


def asks_photo(person: ChatUser, back: int = 1) -> bool:
    return person.messages[-back].takes_photo


async def test_a_ticket_takes_photos_at_its_text_and_review_until_it_has_five(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    parent = await parent_of(app, memory, clock, setup, "7001")
    await parent.says("/phananh")
    assert parent.last_reply.startswith(texts.FEEDBACK_PICK_KIND) and not asks_photo(parent)
    await parent.taps("Phản ánh – kiến nghị")
    await parent.taps("Bữa ăn")
    assert parent.last_reply.startswith(texts.FEEDBACK_PICK_NAMED) and not asks_photo(parent)
    await parent.taps("Gửi kèm tên")  # the question is edited into the text's
    assert parent.last_reply.startswith("Anh/chị vui lòng viết nội dung") and asks_photo(parent)
    await parent.says("Cơm nguội")
    assert parent.last_reply == texts.FEEDBACK_TOO_SHORT and asks_photo(parent)  # still asked
    await parent.sends_photo("tg-photo-1")
    assert parent.last_reply == texts.FEEDBACK_PHOTO_ADDED.format(count=1, limit=5)
    assert asks_photo(parent)
    await parent.says(MEAL_TEXT)
    assert "• Ảnh: 1" in parent.last_reply and asks_photo(parent)  # the review takes more
    for number in range(2, PHOTO_LIMIT + 1):
        await parent.sends_photo(f"tg-photo-{number}")
    # the fifth is the last the ticket takes: neither its receipt nor the review asks for more
    assert parent.messages[-2].text == texts.FEEDBACK_PHOTO_ADDED.format(count=5, limit=5)
    assert "• Ảnh: 5" in parent.last_reply
    assert not asks_photo(parent, 2) and not asks_photo(parent)
    await parent.sends_photo("tg-photo-6")
    assert parent.last_reply == texts.FEEDBACK_TOO_MANY_PHOTOS.format(limit=5)
    assert not asks_photo(parent)
    await parent.taps("Gửi", message=parent.messages[-2])
    [receipt] = [m for m in parent.messages if "Số phiếu: PA-2026-0001" in m.text]
    assert not receipt.takes_photo  # the review it was edited from asked no more either

    await parent.says("/theodoi")
    await parent.taps("PA-2026-0001")
    assert not asks_photo(parent)
    await parent.taps(texts.ADD_INFO)
    assert asks_photo(parent)
    await parent.sends_photo("tg-photo-7")  # the flow stays open for words or more photos
    assert parent.last_reply == texts.FEEDBACK_INFO_ADDED.format(number="PA-2026-0001")
    assert asks_photo(parent)
    await parent.says("Cổng sau vẫn mở lúc 16 giờ hôm nay.")
    assert not asks_photo(parent)  # done: the flow is closed


async def test_an_announcement_takes_a_photo_only_while_its_text_is_asked(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    teacher = await staff(app, memory, clock, setup, "t1", "teacher", "Lá 1")
    assert not asks_photo(teacher)
    await teacher.says("/thongbao")
    assert teacher.last_reply.startswith("Thầy/cô gõ nội dung thông báo") and asks_photo(teacher)
    await teacher.sends_photo("tg-photo-1")
    assert teacher.last_reply == texts.ANNOUNCE_PHOTO_ADDED and asks_photo(teacher)
    await teacher.says(TEXT)
    assert teacher.last_reply == texts.ANNOUNCE_ASK_SEEN and not asks_photo(teacher)
    await teacher.sends_photo("tg-photo-2")  # past the text: the buttons are the answer
    assert teacher.last_reply == texts.ANNOUNCE_USE_BUTTONS and not asks_photo(teacher)
    await teacher.taps(texts.SEEN_YES)
    await teacher.taps(texts.EDIT_TEXT)  # back to the text: a photo may come again
    assert teacher.last_reply.startswith("Thầy/cô gõ nội dung thông báo") and asks_photo(teacher)
    await teacher.says("/huy")
    assert not asks_photo(teacher)
    await teacher.sends_photo("tg-photo-3")
    assert teacher.last_reply == texts.NOT_TEXT and not asks_photo(teacher)
