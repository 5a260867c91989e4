"""The web chat's history through the real app: it outlives a restart, and goes when the parent
asks for their data to be deleted."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.models.messages import WebChatMessage
from handlers import texts
from tests.bot.test_channel_parity import join_and_consent
from tests.factories import make_school, open_wave
from tests.phones import Deployment, phone_on


async def kept_rows(deployment: Deployment) -> int:
    async with deployment.app.db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(WebChatMessage)) or 0)


async def test_a_restart_shows_the_same_chat_and_its_buttons_still_work(
    deployment: Deployment,
) -> None:
    setup = await make_school(deployment.app)
    await open_wave(deployment.app, setup)
    parent = phone_on(deployment, "web")
    await join_and_consent(parent, setup.classes["Lá 1"].invite_code)
    before = await parent.screen()

    await deployment.restart()

    assert await parent.screen() == before
    assert before[-1].choices  # the invitation's "Bắt đầu", tapped after the restart
    await parent.chooses("Bắt đầu")
    assert (await parent.screen())[-1].text.startswith("Câu 1/")


async def test_deleting_my_data_deletes_my_web_history(deployment: Deployment) -> None:
    setup = await make_school(deployment.app)
    parent = phone_on(deployment, "web")
    await join_and_consent(parent, setup.classes["Lá 1"].invite_code)
    assert await kept_rows(deployment) > 0
    await parent.says("/dulieu")
    await parent.chooses(texts.DELETE_ME)
    await parent.chooses(texts.DELETE_YES)
    # what is left is the goodbye itself, sent after the deletion: on the page at once
    assert [b.text for b in await parent.screen()] == [texts.DELETED]
    await deployment.restart()  # and in the database
    assert [b.text for b in await parent.screen()] == [texts.DELETED]
