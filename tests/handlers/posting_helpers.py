"""People and steps the announcement, news and reminder transcripts share."""

from __future__ import annotations

from dataclasses import replace

from bot.app import App
from bot.channels.memory import MemoryChannel, inbound_from
from bot.clock import FixedClock
from handlers import texts
from handlers.deliveries import report_finished
from handlers.posting import release_broadcasts
from handlers.reminders import remind_waves
from tests.chat import ChatUser
from tests.factories import SchoolSetup, make_staff_code

TEXT = "Thứ Sáu này lớp đi tham quan Thảo Cầm Viên, phụ huynh cho con mặc đồng phục và mang nón."


async def staff(
    app: App,
    memory: MemoryChannel,
    clock: FixedClock,
    setup: SchoolSetup,
    chat_id: str,
    role: str,
    *classes: str,
) -> ChatUser:
    """A teacher of the classes given (one code each), or a principal."""
    member = ChatUser(app, memory, clock, chat_id)
    for class_name in classes or (None,):
        await member.says(await make_staff_code(app, setup, role, class_name))
        assert member.last_reply.startswith("Chào thầy/cô!")
    return member


async def parent(
    app: App,
    memory: MemoryChannel,
    clock: FixedClock,
    setup: SchoolSetup,
    chat_id: str,
    class_name: str = "Lá 1",
    *,
    news: bool = True,
) -> ChatUser:
    """A parent who joined the class and answered the three consent questions."""
    member = ChatUser(app, memory, clock, chat_id)
    await member.says(setup.classes[class_name].invite_code)
    await member.taps(texts.YES_CLASS)
    await member.taps(texts.AGREE)  # surveys
    await member.taps(texts.AGREE if news else texts.DISAGREE)
    await member.taps(texts.AGREE)  # feedback
    return member


async def in_group(
    app: App, memory: MemoryChannel, clock: FixedClock, group: str, user: str, **fields: object
) -> None:
    """Someone (`user`) does something in a group chat."""
    inbound = inbound_from(memory, group, clock.now(), text=str(fields.pop("text", "")))
    await memory.deliver(replace(inbound, user_id=user, in_group=True, **fields))  # type: ignore[arg-type]
    await app.settle()


async def announce(teacher: ChatUser, text: str = TEXT, *, seen: bool = False) -> str:
    """/thongbao with one class: text, seen button or not; returns the preview."""
    await teacher.says("/thongbao")
    await teacher.says(text)
    await teacher.taps(texts.SEEN_YES if seen else texts.SEEN_NO)
    return teacher.last_reply


async def run_jobs(app: App) -> None:
    """The broadcast jobs, as the scheduler runs them, then everything due is sent."""
    job = app.job_context
    await release_broadcasts(job)
    await remind_waves(job)
    await app.settle()
    await report_finished(job)
    await app.settle()


def shown(user: ChatUser) -> list[str]:
    return [m.text for m in user.messages]
