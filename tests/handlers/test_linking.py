"""One parent on Telegram and Zalo: a one-time code links the accounts; a school's own bot."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from bot.app import App, create_app
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.models.people import ChatAccount, ConsentEvent, LinkCode, Membership, Person
from bot.models.waves import CompletionReceipt, SurveyRun
from bot.settings import Settings, ZaloBot
from handlers import texts
from handlers.linking import Unlink
from tests.chat import ChatUser
from tests.factories import make_school, make_staff_code, open_wave
from tests.handlers.test_survey_conversation import answer_until_review, join_and_consent
from tests.phones import unlimited


@pytest.fixture
async def two_apps(
    settings: Settings, clock: FixedClock
) -> AsyncIterator[tuple[App, MemoryChannel, MemoryChannel]]:
    """The app with a Telegram-like channel (edits) and a Zalo-like one (no edits)."""
    telegram, zalo = MemoryChannel("telegram"), MemoryChannel("zalo", can_edit=False)
    app = create_app(unlimited(settings), channels=[telegram, zalo], clock=clock, jobs=[])
    await app.start(scheduler=False, sender=False)
    yield app, telegram, zalo
    await app.stop()


async def count(app: App, model: type) -> int:
    async with app.db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def link_code_of(parent: ChatUser) -> str:
    """Asks for a link code in /dulieu and reads it from the reply."""
    await parent.says("/dulieu")
    await parent.taps(texts.LINK_ANOTHER)
    found = re.search(r"Mã liên kết của anh/chị: ([A-Z0-9]+)", parent.last_reply)
    assert found is not None, parent.last_reply
    return found.group(1)


async def test_a_telegram_parent_links_zalo_and_stays_one_respondent(
    two_apps: tuple[App, MemoryChannel, MemoryChannel], clock: FixedClock
) -> None:
    app, telegram, zalo = two_apps
    setup = await make_school(app)
    await open_wave(app, setup)
    on_telegram = ChatUser(app, telegram, clock, "5001")
    on_zalo = ChatUser(app, zalo, clock, "e4ea2cd5189df1c3a88c")
    await join_and_consent(on_telegram, setup)
    await on_telegram.taps("Bắt đầu")
    await on_telegram.taps("Mẹ")
    assert on_telegram.last_reply.startswith("Câu 2/")

    code = await link_code_of(on_telegram)
    assert "15 phút" in on_telegram.last_reply
    await on_zalo.says(code.lower())  # typed as it comes, like a class code
    assert on_zalo.last_reply == texts.LINKED
    assert on_telegram.last_reply == texts.LINKED_ELSEWHERE.format(app="Zalo")

    # the questionnaire begun on Telegram goes on on Zalo
    await on_zalo.says("/khaosat")
    assert on_zalo.choices == ["Làm tiếp: Khảo sát sự hài lòng của cha mẹ trẻ"]
    await on_zalo.says("1")
    assert on_zalo.last_reply.startswith("Câu 2/")
    await answer_until_review(on_zalo)
    await on_zalo.taps("Gửi phiếu")
    assert on_zalo.last_reply == texts.SUBMITTED
    await on_telegram.says("/khaosat")
    assert on_telegram.last_reply == texts.SURVEYS_NONE

    await on_zalo.says("/dulieu")
    assert "• Tài khoản chat: Telegram, Zalo" in on_zalo.last_reply
    assert "• Đã gửi 1 phiếu khảo sát" in on_zalo.last_reply
    assert (await count(app, Person), await count(app, ChatAccount)) == (1, 2)
    assert await count(app, CompletionReceipt) == 1
    assert await count(app, LinkCode) == 0  # spent


async def test_two_people_who_joined_apart_become_one_when_linked(
    two_apps: tuple[App, MemoryChannel, MemoryChannel], clock: FixedClock
) -> None:
    app, telegram, zalo = two_apps
    setup = await make_school(app)
    await open_wave(app, setup)
    on_telegram = ChatUser(app, telegram, clock, "5002")
    on_zalo = ChatUser(app, zalo, clock, "z5002")
    await join_and_consent(on_telegram, setup)
    await on_telegram.taps("Bắt đầu")
    await answer_until_review(on_telegram)
    await on_telegram.taps("Gửi phiếu")
    # the same parent joins again on Zalo, another class too, and starts the survey again
    await join_and_consent(on_zalo, setup)
    await on_zalo.says(setup.classes["Chồi 1"].invite_code)
    await on_zalo.taps("Đúng lớp")
    await on_zalo.says("/khaosat")
    await on_zalo.taps("Bắt đầu")
    assert await count(app, Person) == 2

    clock.advance(minutes=1)
    await on_zalo.says("/huy")  # in a questionnaire, what is typed is an answer
    await on_zalo.says(await link_code_of(on_telegram))
    assert on_zalo.last_reply == texts.LINKED
    assert await count(app, Person) == 1
    async with app.db.sessions() as session:
        classes = set(await session.scalars(select(Membership.class_id)))
        consents = await session.scalar(select(func.count()).select_from(ConsentEvent))
    assert classes == {setup.classes["Lá 1"].id, setup.classes["Chồi 1"].id}  # no twin rows
    assert consents == 6  # the consent log of both accounts is kept
    assert await count(app, CompletionReceipt) == 1
    assert await count(app, SurveyRun) == 0  # the wave is answered: nothing left to resume
    await on_zalo.says("/khaosat")
    assert on_zalo.last_reply == texts.SURVEYS_NONE


async def test_a_link_code_is_single_use_short_lived_and_not_for_this_account(
    two_apps: tuple[App, MemoryChannel, MemoryChannel], clock: FixedClock
) -> None:
    app, telegram, zalo = two_apps
    setup = await make_school(app)
    on_telegram = ChatUser(app, telegram, clock, "5003")
    await join_and_consent(on_telegram, setup)

    code = await link_code_of(on_telegram)
    await on_telegram.says(code)
    assert on_telegram.last_reply == texts.LINK_SAME_ACCOUNT
    stranger = ChatUser(app, zalo, clock, "z-stranger")
    await stranger.says(code)  # spent by the try above
    assert stranger.last_reply == texts.CODE_UNKNOWN.format(code=code)

    code = await link_code_of(on_telegram)
    clock.advance(minutes=16)
    await stranger.says(code)
    assert stranger.last_reply == texts.LINK_EXPIRED
    await stranger.says("/dulieu")
    assert stranger.last_reply == texts.MY_DATA_NONE

    first = await link_code_of(on_telegram)
    second = await link_code_of(on_telegram)  # asking again replaces the code
    await stranger.says(first)
    assert stranger.last_reply == texts.CODE_UNKNOWN.format(code=first)
    assert await count(app, LinkCode) == 1 and first != second


async def test_an_account_linked_by_mistake_is_detached_in_my_data(
    two_apps: tuple[App, MemoryChannel, MemoryChannel], clock: FixedClock
) -> None:
    app, telegram, zalo = two_apps
    setup = await make_school(app)
    on_telegram = ChatUser(app, telegram, clock, "5004")
    on_zalo = ChatUser(app, zalo, clock, "z5004")
    await join_and_consent(on_telegram, setup)
    await on_zalo.says(await link_code_of(on_telegram))

    await on_telegram.says("/dulieu")
    assert texts.UNLINK.format(app="Telegram") not in on_telegram.choices  # not this one
    await on_telegram.taps(texts.UNLINK.format(app="Zalo"))
    assert on_telegram.last_reply == texts.UNLINKED.format(app="Zalo")
    await on_zalo.says("/dulieu")
    assert on_zalo.last_reply == texts.MY_DATA_NONE
    async with app.db.sessions() as session:
        assert list(await session.scalars(select(ChatAccount.channel))) == ["telegram"]
    # a forged or stale detach button changes nothing
    await on_telegram.taps_payload(Unlink(999).encode())  # not signed
    assert on_telegram.last_reply == texts.STALE_BUTTON
    await on_telegram.taps_signed(Unlink(999).encode())  # signed, but no account of theirs
    assert on_telegram.last_reply == texts.STALE_BUTTON


async def test_a_schools_own_zalo_bot_enrols_only_into_that_school(
    settings: Settings, clock: FixedClock
) -> None:
    bot = ZaloBot(school="MN-A", token=SecretStr("42:school-a-token"))
    settings = unlimited(settings, zalo_bots=[bot])
    school_bot, telegram = MemoryChannel("zalo-mn-a", can_edit=False), MemoryChannel("telegram")
    app = create_app(settings, channels=[school_bot, telegram], clock=clock, jobs=[])
    await app.start(scheduler=False, sender=False)
    try:
        school_a = await make_school(app, "MN-A")
        school_b = await make_school(app, "MN-B")
        parent = ChatUser(app, school_bot, clock, "z6001")
        await parent.says(school_b.classes["Lá 1"].invite_code)
        assert parent.last_reply == texts.CODE_OTHER_SCHOOL
        await parent.says(await make_staff_code(app, school_b, "principal"))
        assert parent.last_reply == texts.CODE_OTHER_SCHOOL
        # a forged tap naming another school's class joins nothing either
        await parent.taps_payload(f"join:{school_b.classes['Lá 1'].id}:yes")
        assert parent.last_reply == texts.STALE_BUTTON
        await join_and_consent(parent, school_a)
        # the deployment's other channels still serve every school
        elsewhere = ChatUser(app, telegram, clock, "6002")
        await join_and_consent(elsewhere, school_b)
        async with app.db.sessions() as session:
            schools = list(await session.scalars(select(Membership.school_id)))
        assert sorted(schools) == sorted([school_a.school.id, school_b.school.id])
    finally:
        await app.stop()
