"""Guessing codes: 5 wrong ones per chat in 10 minutes, then one "try later" and silence."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from sqlalchemy import select

from bot.app import App, create_app
from bot.channels.memory import MemoryChannel, inbound_from
from bot.clock import FixedClock
from bot.models.people import CodeAttempts
from bot.settings import Settings
from handlers import texts
from tests.chat import ChatUser
from tests.factories import make_school

WRONG = ("ABCD-EFGH", "HJKL-MNPQ", "RSTU-VWXY", "ZZZZ-2345", "6789-ABCD")
TRY_LATER = texts.CODE_TRY_LATER.format(minutes=10)


def confirm_text(app_class_name: str) -> str:
    return texts.CONFIRM_CLASS.format(
        class_name=app_class_name, school_name="Trường Mầm non MN-TEST"
    )


async def test_five_wrong_codes_then_one_try_later_then_silence_until_ten_minutes_pass(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    setup = await make_school(app)
    class_code = setup.classes["Lá 1"].invite_code
    guesser = ChatUser(app, memory, clock, "4001")
    for code in WRONG[:4]:
        await guesser.says(code)
        assert guesser.last_reply == texts.CODE_UNKNOWN.format(code=code)
        clock.advance(minutes=2)
    await guesser.says(WRONG[4])  # the fifth within 10 minutes of the first
    assert guesser.last_reply == TRY_LATER
    told = len(guesser.messages)

    # a script goes on guessing: no answer at all, not even to the right code or a /start link
    clock.advance(minutes=9)
    for typed in ("QQQQ-QQQQ", class_code, f"/start {class_code}", *WRONG):
        await guesser.says(typed)
    assert len(guesser.messages) == told
    await guesser.says("xin chào")  # words that are no code are answered as ever
    assert guesser.last_reply == texts.FIRST_CONTACT

    # another chat guesses on its own count
    other = ChatUser(app, memory, clock, "4002")
    await other.says(WRONG[0])
    assert other.last_reply == texts.CODE_UNKNOWN.format(code=WRONG[0])

    clock.advance(minutes=1)  # 10 minutes since the fifth wrong code: the right one works
    await guesser.says(class_code)
    assert guesser.last_reply == confirm_text("Lá 1")


async def test_wrong_codes_spread_wider_than_the_window_are_never_refused(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    """A parent who mistypes now and then is never locked out: each window starts afresh."""
    await make_school(app)
    parent = ChatUser(app, memory, clock, "4003")
    for n in range(12):
        await parent.says(WRONG[n % 5])
        assert parent.last_reply == texts.CODE_UNKNOWN.format(code=WRONG[n % 5]), n
        clock.advance(minutes=4 if n % 4 < 3 else 10)  # at most 4 in any 10 minutes


async def test_three_hundred_guesses_get_five_answers_and_leave_one_row(
    app: App, memory: MemoryChannel, clock: FixedClock
) -> None:
    """The issue's probe (12,561 guesses in 30 s, each checked and answered), scaled down."""
    await make_school(app)
    script = ChatUser(app, memory, clock, "4004")
    for n in range(300):
        await memory.deliver(inbound_from(memory, "4004", clock.now(), text=f"GUESS{n:04d}"))
        if n % 50 == 49:
            await app.settle()
    await app.settle()
    answers = [m.text for m in script.messages]
    assert answers == [texts.CODE_UNKNOWN.format(code=f"GUESS{n:04d}") for n in range(4)] + [
        TRY_LATER
    ]
    async with app.db.sessions() as session:
        (row,) = await session.scalars(select(CodeAttempts))
    assert (row.channel, row.chat_id, row.failures) == (memory.name, "4004", 5)


@pytest.fixture
async def replica(
    settings: Settings, clock: FixedClock
) -> AsyncIterator[tuple[App, MemoryChannel]]:
    """A second app on the same database, as a second `hailong run` would be."""
    channel = MemoryChannel()
    second = create_app(settings, channels=[channel], clock=clock, jobs=[])
    await second.start(scheduler=False, sender=False)
    yield second, channel
    await second.stop()


async def test_the_count_is_in_the_database_so_every_replica_keeps_it(
    app: App,
    memory: MemoryChannel,
    clock: FixedClock,
    replica: tuple[App, MemoryChannel],
) -> None:
    setup = await make_school(app)
    second, second_channel = replica
    apps = [(app, memory), (second, second_channel)]
    for n, typed in enumerate([*WRONG, setup.classes["Lá 1"].invite_code]):
        handler, channel = apps[n % 2]  # the webhooks alternate between the replicas
        inbound = inbound_from(channel, "4005", clock.now(), text=typed)
        await handler.receive(replace(inbound, external_id=f"guess-{n}"))
        await handler.settle()
    answers = [m.text for ch in (memory, second_channel) for m in ch.chats.get("4005", [])]
    unknown = [texts.CODE_UNKNOWN.format(code=code) for code in WRONG[:4]]
    assert sorted(answers) == sorted(
        [*unknown, TRY_LATER]
    )  # the right code, on the replica: nothing
