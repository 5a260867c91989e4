"""Issue 14 on Telegram, Zalo and the web: the first contact, free text offered to the school as a
question, and the tappable main menu — one transcript per channel through the real app."""

from __future__ import annotations

from sqlalchemy import select

from bot.models.tickets import Ticket
from handlers import texts
from tests.bot.test_channel_parity import CHANNELS, count, join_and_consent
from tests.factories import make_school, make_staff_code, open_wave
from tests.phones import Deployment, choices, last_reply, phone_on

QUESTION = "Cô ơi cho em hỏi lịch nghỉ Tết của các cháu ạ"
PARENT_MENU = [texts.MENU_LABELS[item] for item in ("khaosat", "phananh", "theodoi", "dulieu")]


@CHANNELS
async def test_a_stranger_saying_hello_is_asked_for_the_class_code(
    deployment: Deployment, channel: str
) -> None:
    setup = await make_school(deployment.app)
    stranger = phone_on(deployment, channel)
    await stranger.says("Xin chào")
    assert (await last_reply(stranger)).startswith(texts.FIRST_CONTACT)
    assert await choices(stranger) == [texts.MENU_LABELS["trogiup"]]
    await stranger.says("Xin chao")  # without diacritics it looks like a code, but is none
    assert (await last_reply(stranger)).startswith(texts.FIRST_CONTACT)
    await stranger.chooses(texts.MENU_LABELS["trogiup"])
    assert (await last_reply(stranger)).startswith("Trợ lý Hài Lòng")
    # a staff invite code still works from a first contact
    await stranger.says(await make_staff_code(deployment.app, setup, "principal"))
    assert (await last_reply(stranger)).startswith("Chào thầy/cô! Đã ghi nhận vai trò hiệu trưởng")


@CHANNELS
async def test_free_text_outside_a_flow_is_offered_and_filed_as_a_question(
    deployment: Deployment, channel: str
) -> None:
    setup = await make_school(deployment.app)
    principal = phone_on(deployment, channel, person=2)
    await principal.says(await make_staff_code(deployment.app, setup, "principal"))
    parent = phone_on(deployment, channel)
    await join_and_consent(parent, setup.classes["Lá 1"].invite_code)

    await parent.says("ok ạ")  # too short to be a question: the menu
    assert (await last_reply(parent)).startswith(texts.NOT_UNDERSTOOD_MENU)
    assert await choices(parent) == [*PARENT_MENU, texts.MENU_LABELS["trogiup"]]

    await parent.says(QUESTION)
    assert (await last_reply(parent)).startswith("Trợ lý Hài Lòng chưa hiểu đây là việc gì.")
    assert QUESTION in await last_reply(parent)
    assert await choices(parent) == [texts.ASK_SEND, texts.ASK_KEEP]
    await parent.chooses(texts.ASK_KEEP)
    assert await last_reply(parent) == texts.ASK_DROPPED
    assert await count(deployment, Ticket) == 0

    await parent.says(QUESTION)
    await parent.chooses(texts.ASK_SEND)
    receipt = await last_reply(parent)
    assert receipt.startswith("Nhà trường đã tiếp nhận góp ý – hỏi đáp của anh/chị.")
    async with deployment.app.db.sessions() as session:
        ticket = (await session.scalars(select(Ticket))).one()
    assert (ticket.kind, ticket.topic, ticket.text) == ("gop_y", "khac", QUESTION)
    assert f"{ticket.year}" in receipt

    await principal.says("/phieu")
    assert (await last_reply(principal)).startswith(texts.QUEUE_HEADER.format(count=1))
    assert "Góp ý – hỏi đáp" in await last_reply(principal)


@CHANNELS
async def test_the_menu_opens_on_typed_words_and_runs_the_commands(
    deployment: Deployment, channel: str
) -> None:
    setup = await make_school(deployment.app)
    parent = phone_on(deployment, channel)
    await join_and_consent(parent, setup.classes["Lá 1"].invite_code)
    for word in ("menu", "0", "Trợ giúp", "tro giup", "HELP"):
        await parent.says(word)
        assert (await last_reply(parent)).startswith(texts.MENU), word
        assert await choices(parent) == [*PARENT_MENU, texts.MENU_LABELS["trogiup"]], word
    await parent.chooses(texts.MENU_LABELS["khaosat"])
    assert await last_reply(parent) == texts.SURVEYS_NONE
    # /trogiup: the list, each item a button that runs its command
    await parent.says("/trogiup")
    assert (await last_reply(parent)).startswith("Trợ lý Hài Lòng")
    assert await choices(parent) == PARENT_MENU
    await parent.chooses(texts.MENU_LABELS["phananh"])
    assert await last_reply(parent) == (await _after(deployment, channel, "/phananh"))


async def _after(deployment: Deployment, channel: str, command: str) -> str:
    """What the same parent's command gives typed (the menu must do the very same)."""
    parent = phone_on(deployment, channel)
    await parent.says("/huy")
    await parent.says(command)
    return await last_reply(parent)


@CHANNELS
async def test_a_question_typed_during_a_survey_is_offered_and_the_survey_goes_on(
    deployment: Deployment, channel: str
) -> None:
    setup = await make_school(deployment.app)
    await open_wave(deployment.app, setup)
    parent = phone_on(deployment, channel)
    await join_and_consent(parent, setup.classes["Lá 1"].invite_code)
    await parent.chooses(texts.SURVEY_START)
    await parent.chooses("Mẹ")
    assert (await last_reply(parent)).startswith("Câu 2/")

    await parent.says("xyz")  # no answer and no sentence: only the re-ask
    assert (await last_reply(parent)).startswith("Câu 2/")
    await parent.says(QUESTION)  # a sentence: the re-ask, then the offer
    screen = await parent.screen()
    assert screen[-2].text.startswith("Câu 2/")
    # the re-ask said it was no answer; the offer does not apologise a second time
    assert screen[-1].text.startswith("Gửi câu hỏi này tới nhà trường?")
    await parent.chooses(texts.ASK_SEND)
    assert await last_reply(parent) == texts.ASK_GO_ON
    assert (await parent.screen())[-2].text.startswith("Nhà trường đã tiếp nhận góp ý – hỏi đáp")
    async with deployment.app.db.sessions() as session:
        ticket = (await session.scalars(select(Ticket))).one()
    assert (ticket.kind, ticket.text) == ("gop_y", QUESTION)

    await parent.says("menu")  # a way out mid-survey: the menu, the run kept
    assert (await last_reply(parent)).startswith(texts.MENU)
    await parent.chooses("Khảo sát")  # back in through the menu
    await parent.chooses(texts.SURVEY_RESUME)
    assert (await last_reply(parent)).startswith("Câu 2/")
    await parent.says("3")  # the survey goes on where it was: "Zalo, nhóm lớp"
    assert (await last_reply(parent)).startswith("Câu 3/")


async def test_telegram_command_menus_follow_the_roles(deployment: Deployment) -> None:
    api = deployment.telegram_api
    everyone = [c for c in api.calls_of("setMyCommands") if c.params["scope"]["type"] == "default"]
    assert {c.params.get("language_code") for c in everyone} == {"vi", None}
    names = [c["command"] for c in everyone[0].params["commands"]]
    assert names == ["khaosat", "phananh", "theodoi", "dulieu", "trogiup", "huy"]

    setup = await make_school(deployment.app)
    principal = phone_on(deployment, "telegram", person=2)
    await principal.says(await make_staff_code(deployment.app, setup, "principal"))
    # the chat's menu is set as the default one is: in Vietnamese, and for apps in any other
    # language, so a principal whose Telegram is in English sees the staff menu too
    chats = [c for c in api.calls_of("setMyCommands") if c.params["scope"]["type"] == "chat"]
    assert [c.params.get("language_code") for c in chats] == ["vi", None]
    assert {c.params["scope"]["chat_id"] for c in chats} == {8002}
    staff = ["khaosat", "phieu", "thongbao", "tin", "baocao", "dulieu", "trogiup", "huy"]
    assert [[c["command"] for c in chat.params["commands"]] for chat in chats] == [staff, staff]
    for language in ("vi", "en", ""):
        assert api.menu_shown(8002, language) == staff, language
    # a parent's app (no chat menu of its own) shows everyone's, whatever its language
    assert api.menu_shown(8001, "en") == names

    # on Zalo and the web the same grant sends only the welcome: they have no command menu
    zalo = phone_on(deployment, "zalo", person=3)
    await zalo.says(await make_staff_code(deployment.app, setup, "teacher", "Lá 1"))
    assert (await last_reply(zalo)).startswith("Chào thầy/cô!")
    assert len(api.calls_of("setMyCommands")) == len(everyone) + 2
