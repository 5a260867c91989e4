"""A way out of every step: "menu" (the web chat's "☰ Menu" sends it) or "trợ giúp" typed while a
flow waits for text shows the menu and keeps the step; and a principal whose school has no class
yet is told so, not that the command is for staff. The same transcript on Telegram, Zalo and the
web chat."""

from __future__ import annotations

from bot.models.tickets import Ticket
from handlers import texts
from tests.bot.test_channel_parity import CHANNELS, count, join_and_consent
from tests.factories import make_school, make_staff_code
from tests.phones import Deployment, Phone, choices, last_reply, phone_on

PARENT_MENU = [texts.MENU_LABELS[item] for item in ("khaosat", "phananh", "theodoi", "dulieu")]
STAFF_MENU = ["khaosat", "phieu", "thongbao", "tin", "baocao", "dulieu", "trogiup"]


async def shows_the_menu(phone: Phone, word: str, menu: list[str], intro: str) -> None:
    await phone.says(word)
    assert (await last_reply(phone)).startswith(intro), word
    assert await choices(phone) == menu, word


async def joined_parent(deployment: Deployment, channel: str) -> Phone:
    """A parent of Lá 1 who has joined and consented, with no survey open."""
    setup = await make_school(deployment.app)
    parent = phone_on(deployment, channel)
    await join_and_consent(parent, setup.classes["Lá 1"].invite_code)
    return parent


async def at_the_complaint_text(parent: Phone) -> None:
    """/phananh, then the first kind, topic and way of sending: the step asks for the text."""
    await parent.says("/phananh")
    for _ in range(3):
        await parent.chooses((await choices(parent))[0])


@CHANNELS
async def test_a_parent_writing_a_complaint_opens_the_menu_and_goes_on_writing(
    deployment: Deployment, channel: str
) -> None:
    parent = await joined_parent(deployment, channel)
    await at_the_complaint_text(parent)
    assert (await last_reply(parent)).startswith("Anh/chị vui lòng viết nội dung")
    await shows_the_menu(
        parent, "menu", [*PARENT_MENU, texts.MENU_LABELS["trogiup"]], "Anh/chị chọn việc cần làm:"
    )
    await parent.says("Lớp Lá 1 nóng quá, nhờ nhà trường xem lại quạt trần ạ")
    review = await last_reply(parent)
    assert review.startswith("Anh/chị xem lại trước khi gửi:"), review
    assert "quạt trần" in review


@CHANNELS
async def test_the_consents_end_with_the_menu_when_no_survey_is_open(
    deployment: Deployment, channel: str
) -> None:
    """The next step is a tap away: it said "Khảo sát: /khaosat; hướng dẫn: /trogiup"."""
    parent = await joined_parent(deployment, channel)
    done = await last_reply(parent)
    assert done.startswith("Cảm ơn anh/chị! Lựa chọn đã được lưu (theo thông báo ngày 05/12/2026).")
    assert "Anh/chị chọn việc cần làm:" in done and "/khaosat" not in done
    assert await choices(parent) == [*PARENT_MENU, texts.MENU_LABELS["trogiup"]]


@CHANNELS
async def test_a_parent_drops_a_draft_by_a_tap_at_any_step(
    deployment: Deployment, channel: str
) -> None:
    """No slash command needed to leave: "Thôi, không gửi" under every step drops the draft."""
    parent = await joined_parent(deployment, channel)
    await parent.says("/phananh")
    assert "(Gõ “menu” để làm việc khác hoặc xem hướng dẫn.)" in await last_reply(parent)
    await parent.chooses("Thôi, không gửi")  # at the first step
    assert await last_reply(parent) == "Đã hủy, nội dung đang soạn không được gửi."
    await at_the_complaint_text(parent)
    await parent.says("Lớp Lá 1 nóng quá, nhờ nhà trường xem lại quạt trần ạ")
    assert await choices(parent) == ["Gửi", "Thôi, không gửi"]  # at the review
    await parent.chooses("Thôi, không gửi")
    assert await last_reply(parent) == "Đã hủy, nội dung đang soạn không được gửi."
    assert await count(deployment, Ticket) == 0


@CHANNELS
async def test_a_principal_mid_step_opens_the_menu_and_the_step_waits(
    deployment: Deployment, channel: str
) -> None:
    setup = await make_school(deployment.app)
    principal = phone_on(deployment, channel, person=2)
    await principal.says(await make_staff_code(deployment.app, setup, "principal"))
    staff_menu = [texts.MENU_LABELS[item] for item in STAFF_MENU]

    await principal.says("/baocao")
    await principal.chooses(texts.REPORT_PICK_RANGE)
    await shows_the_menu(principal, "Trợ giúp", staff_menu, "Thầy/cô chọn việc cần làm:")
    await principal.says("01/11/2026 - 20/11/2026")
    assert "01/11/2026" in (await principal.screen())[-2].text  # the files are on their way

    await principal.says("/thongbao")
    await shows_the_menu(principal, "menu", staff_menu, "Thầy/cô chọn việc cần làm:")
    await principal.says("Thứ Sáu này các cháu nghỉ học.")
    assert (await last_reply(principal)).startswith(texts.ANNOUNCE_PICK_CLASSES)


@CHANNELS
async def test_a_principal_of_a_school_without_classes_is_told_so(
    deployment: Deployment, channel: str
) -> None:
    setup = await make_school(deployment.app, classes=())
    principal = phone_on(deployment, channel, person=2)
    await principal.says(await make_staff_code(deployment.app, setup, "principal"))
    none_yet = texts.NO_CLASSES_YET.format(school=setup.school.name)
    await principal.says("/khaosat")
    await principal.chooses(texts.STAFF_NEW_WAVE)
    assert await last_reply(principal) == none_yet  # not "for school staff"
    await principal.says("/thongbao")
    assert await last_reply(principal) == none_yet
