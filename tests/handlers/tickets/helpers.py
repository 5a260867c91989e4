"""People and steps the ticket transcripts share."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App, create_app
from bot.channels.memory import MemoryChannel
from bot.clock import FixedClock
from bot.models.schools import Authority
from bot.models.tickets import Ticket
from handlers import texts
from handlers.tickets.escalation import watch_deadlines
from tests.chat import ChatUser
from tests.factories import SchoolSetup, make_officer_code, make_school, make_staff_code
from tests.handlers.test_survey_conversation import join_and_consent

MEAL_TEXT = (
    "Bữa trưa hôm nay của lớp Lá 1 bị nguội, các cháu ăn rất ít. Đề nghị nhà trường kiểm tra."
)


async def parent_of(
    app: App, memory: MemoryChannel, clock: FixedClock, setup: SchoolSetup, chat_id: str
) -> ChatUser:
    parent = ChatUser(app, memory, clock, chat_id)
    await join_and_consent(parent, setup)
    return parent


async def staff_of(
    app: App,
    memory: MemoryChannel,
    clock: FixedClock,
    setup: SchoolSetup,
    role: str,
    chat_id: str,
    class_name: str | None = None,
) -> ChatUser:
    member = ChatUser(app, memory, clock, chat_id)
    await member.says(await make_staff_code(app, setup, role, class_name))
    assert member.last_reply.startswith("Chào thầy/cô!")
    return member


async def officer_of(
    app: App, memory: MemoryChannel, clock: FixedClock, authority: Authority, chat_id: str
) -> ChatUser:
    """An officer of the authority, who typed the code of an officer invite."""
    member = ChatUser(app, memory, clock, chat_id)
    await member.says(await make_officer_code(app, authority))
    assert member.last_reply.startswith("Chào anh/chị! Đã ghi nhận anh/chị là cán bộ của")
    return member


async def parent_and_principal(
    app: App,
    channel: MemoryChannel,
    clock: FixedClock,
    parent_chat: str,
    principal_chat: str,
    authority: Authority | None = None,
) -> tuple[SchoolSetup, ChatUser, ChatUser]:
    """A new school (under `authority`), a parent of its Lá 1 who has consented, its principal."""
    setup = await make_school(app, authority=authority)
    parent = await parent_of(app, channel, clock, setup, parent_chat)
    principal = await staff_of(app, channel, clock, setup, "principal", principal_chat)
    return setup, parent, principal


async def submit(
    parent: ChatUser,
    kind: str,
    topic: str,
    text: str = MEAL_TEXT,
    *,
    anonymous: bool = False,
    name: str = "",
    contact: str = "",
    concerns: str = "",
) -> str:
    """Goes through /phananh with buttons and returns the receipt."""
    await parent.says("/phananh")
    assert parent.last_reply.startswith(texts.FEEDBACK_PICK_KIND)
    await parent.taps(kind)
    await parent.taps(topic)
    if concerns:
        await parent.taps(concerns)
    await parent.taps(texts.SEND_ANONYMOUS if anonymous else texts.SEND_NAMED)
    if name:
        await parent.says(name)
        await parent.says(contact)
    await parent.says(text)
    assert parent.last_reply.startswith("Anh/chị xem lại trước khi gửi:")
    await parent.taps(texts.FEEDBACK_SEND)
    return parent.last_reply


async def restart(app: App, memory: MemoryChannel, clock: FixedClock, *users: ChatUser) -> App:
    """A new app on the same database, as after a crash or a deploy."""
    await app.stop()
    restarted = create_app(app.settings, channels=[memory], clock=clock, jobs=[])
    await restarted.start(scheduler=False, sender=False)
    for user in users:
        user.app = restarted
    return restarted


async def run_deadline_watch(app: App) -> None:
    await watch_deadlines(app.job_context)
    await app.settle()


async def tickets(app: App) -> list[Ticket]:
    async with app.db.sessions() as session:
        return list(await session.scalars(select(Ticket).order_by(Ticket.id)))


def texts_to(user: ChatUser) -> str:
    """Everything a chat has been shown, edits included."""
    return "\n".join(t for m in user.messages for t in [*m.history, m.text])
