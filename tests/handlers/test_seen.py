"""“Đã xem” answered at once, marked in place, idempotent; the sent list's labels keep their date.

The chat here is named `telegram`, so the sender keeps Telegram's real limits to a group (20
messages a minute): the answers to the taps must not wait for the group's bucket.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.models.broadcasts import BroadcastSeen, ClassGroup
from bot.settings import Settings
from handlers import texts
from handlers.deliveries import Seen
from tests.bot.test_channel_parity import join_and_consent
from tests.chat import sign_for
from tests.factories import make_school, make_staff_code
from tests.handlers.posting_helpers import TEXT, announce, in_group, parent, staff
from tests.phones import Deployment, Phone, TelegramPhone, WebPhone, phone_on

GROUP = "-100777"
DATED = "Họp phụ huynh toàn trường vào sáng thứ Bảy ngày 11/12/2026 tại hội trường lớn của trường"


@pytest.fixture
def memory() -> MemoryChannel:
    return MemoryChannel("telegram")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Telegram's limit per group only: the overall and per-chat ones would hold up the staff's
    own steps, which `settle` does not wait out."""
    return settings.model_copy(update={"telegram_rate_per_chat": 0.0, "telegram_rate_overall": 0.0})


async def test_seen_taps_in_a_busy_group_are_answered_at_once_and_counted_once(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    async with app.db.transaction() as session:
        now = clock.now()
        session.add(
            ClassGroup(
                channel=memory.name,
                chat_id=GROUP,
                title="Phụ huynh Lá 1",
                class_id=setup.classes["Lá 1"].id,
                active=True,
                added_at=now,
                linked_at=now,
            )
        )
    teacher = await staff(app, memory, clock, setup, "t1", "teacher", "Lá 1")
    await announce(teacher, seen=True)
    await teacher.taps(texts.SEND)
    await app.settle()
    [posted] = [m for m in memory.sent if m.chat_id == GROUP and m.kind == "message"]
    payload = posted.choices[0].payload
    # five parents tap within the same second: under the group's 20 a minute, the fourth
    # answer would wait 3 s behind the others; an answer to a tap is no message in the group
    for member in ("g1", "g2", "g3", "g4", "g5", "g1"):
        await in_group(app, memory, clock, GROUP, member, kind="choice", choice=payload)
    notices = [m.notice for m in memory.sent if m.chat_id == GROUP and m.kind == "ack"]
    assert notices == [texts.SEEN_THANKS] * 5 + [texts.SEEN_ALREADY]
    async with app.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(BroadcastSeen)) == 5
    # the group's message keeps its button for the others
    assert [m for m in memory.sent if m.chat_id == GROUP and m.kind == "message"] == [posted]


async def test_a_forged_seen_in_a_private_chat_is_stale_and_edits_nothing(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    member = await parent(app, memory, clock, setup, "p1")
    before = list(member.messages)
    await member.taps_payload(sign_for(app, memory.name, "p1", Seen(999).encode()))
    assert memory.acks[-1][1] == texts.STALE_BUTTON
    assert member.messages[: len(before)] == before


async def test_the_sent_list_keeps_whole_dates(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    teacher = await staff(app, memory, clock, setup, "t1", "teacher", "Lá 1")
    await parent(app, memory, clock, setup, "p1")
    await announce(teacher, DATED)
    await teacher.taps(texts.SEND)
    await app.settle()
    await teacher.says("/thongbao")
    await teacher.taps(texts.ANNOUNCE_SENT_LIST)
    [label] = teacher.choices
    # the day it went, in full, then the title cut at a word: never "… ngày 11/1"
    assert label == "23/11/2026 · Họp phụ huynh toàn trường vào…"


# On Zalo "Đã xem" is typed, not tapped: tests/handlers/test_seen_typed.py
CHANNELS = pytest.mark.parametrize("channel", ["telegram", "web"])
MARKED = "✓ " + texts.SEEN


async def notice_of(phone: Phone) -> str:
    """The short answer to the newest tap as the person sees it: Telegram's toast (the text of
    answerCallbackQuery), the web page's notice, or on Zalo a message of its own."""
    if isinstance(phone, TelegramPhone):
        return str(phone.api.last("answerCallbackQuery").params.get("text", ""))
    assert isinstance(phone, WebPhone)
    data = await phone.deployment.get(f"/api/messages?chat_id={phone.chat_id}&since=-1")
    return str((data["notice"] or {}).get("text", ""))


@CHANNELS
async def test_seen_is_marked_on_the_announcement_and_a_second_tap_changes_nothing(
    deployment: Deployment, channel: str
) -> None:
    setup = await make_school(deployment.app)
    member = phone_on(deployment, channel, 2)
    await join_and_consent(member, setup.classes["Lá 1"].invite_code)
    teacher = phone_on(deployment, channel, 1)
    await teacher.says(await make_staff_code(deployment.app, setup, "teacher", "Lá 1"))
    await teacher.says("/thongbao")
    await teacher.says(TEXT)
    await teacher.chooses(texts.SEEN_YES)
    await teacher.chooses(texts.SEND)
    await deployment.settle()
    assert (await member.screen())[-1].text.startswith("📢 Thông báo – lớp Lá 1")

    await member.chooses(texts.SEEN)
    assert await notice_of(member) == texts.SEEN_THANKS
    announcement = (await member.screen())[-1]
    assert announcement.text.startswith("📢") and announcement.choices == (MARKED,)
    before = await member.screen()
    await member.chooses(MARKED)
    assert await notice_of(member) == texts.SEEN_ALREADY
    assert await member.screen() == before
    async with deployment.app.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(BroadcastSeen)) == 1
