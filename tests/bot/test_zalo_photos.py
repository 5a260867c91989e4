"""Photos people send, copied after the commit (never while Zalo waits for the webhook's answer),
only from the allowed hosts; a Telegram announcement's photo reaches Zalo by link once copied."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import select

from bot.media import host_allowed
from bot.models.schools import School
from bot.models.tickets import Ticket
from bot.photos import PhotoRefused
from bot.settings import Settings
from handlers import texts
from tests.bot.test_channel_parity import join_and_consent
from tests.bot.test_zalo_first_class import JPEG, complaint_until_photo
from tests.factories import SchoolSetup, make_school, make_staff_code
from tests.fakes.loopback import serve
from tests.phones import SECRET, Deployment, TelegramPhone, ZaloPhone, last_reply, phone_on

FILE_ID = "AgACAgUAAxkBAAIBs2VmZmFrZS1waG90by1pZA"


def photo_update(parent: ZaloPhone, url: str) -> dict[str, Any]:
    update = parent.api.text_update(parent.chat_id, "", event_name="message.image.received")
    del update["message"]["text"]
    update["message"].update(message_type="CHAT_PHOTO", photo_url=url)
    return update


async def ticket_photos(deployment: Deployment) -> list[str]:
    async with deployment.app.db.sessions() as session:
        return list((await session.scalars(select(Ticket))).one().photos)


# --- the copy is made after the commit -----------------------------------------------------------


async def test_the_webhook_is_answered_while_the_cdn_holds_the_photo_and_the_copy_follows(
    deployment: Deployment,
) -> None:
    api = deployment.zalo_api
    parent = await complaint_until_photo(deployment)
    api.cdn_gate = asyncio.Event()  # the CDN answers nothing until the gate opens
    url = api.cdn_photo(JPEG)
    headers = {"X-Bot-Api-Secret-Token": SECRET}
    # recorded and answered at once: before, the download ran first and this waited on the CDN
    post = deployment.post("/zalo/bot/hoa-sen", photo_update(parent, url), headers)
    assert await asyncio.wait_for(post, timeout=10) == 200
    await deployment.app.dispatcher.idle()  # handled and committed, the CDN still holding
    assert api.cdn_requests == 0
    api.cdn_gate.set()
    await deployment.settle()  # the queued copy runs
    assert api.cdn_requests == 1
    assert await last_reply(parent) == texts.FEEDBACK_PHOTO_ADDED.format(count=1, limit=5)
    await parent.says("Nhà trường thu tiền máy lạnh không có trong danh mục các khoản thu.")
    await parent.chooses(texts.FEEDBACK_SEND)
    [photo] = await ticket_photos(deployment)
    assert Path(photo).read_bytes() == JPEG and "://" not in photo


async def test_a_copy_that_fails_after_the_ticket_is_filed_is_a_note_for_staff(
    deployment: Deployment,
) -> None:
    api = deployment.zalo_api
    parent = await complaint_until_photo(deployment)
    await parent.says("Nhà trường thu tiền máy lạnh không có trong danh mục các khoản thu.")
    await parent.chooses(texts.FEEDBACK_SEND)
    await parent.says("/theodoi")
    await parent.chooses("PA-")
    await parent.chooses(texts.ADD_INFO)
    await parent.sends_photo(api.cdn_photo(JPEG, not_found_first=99))  # expired on the CDN
    assert await last_reply(parent) == texts.PHOTO_NOT_FETCHED
    [lost] = await ticket_photos(deployment)
    assert deployment.app.services.photos.failed(lost)

    async with deployment.app.db.sessions() as session:
        school = await session.scalar(select(School))
    assert school is not None
    code = await make_staff_code(deployment.app, SchoolSetup(school, {}), "principal")
    principal = phone_on(deployment, "telegram", 9)
    assert isinstance(principal, TelegramPhone)
    await principal.says(code)
    await principal.says("/phieu")
    await principal.taps("PA-")
    await principal.taps(texts.SHOW_PHOTOS.format(count=1))
    caption = texts.STAFF_PHOTO.format(index=1, count=1, number="PA-2026-0001")
    assert await last_reply(principal) == f"{caption}\n{texts.STAFF_PHOTO_MISSING}"
    assert principal.api.counts["sendPhoto"] == 0


# --- only the allowed hosts are fetched ----------------------------------------------------------


async def test_a_photo_url_off_the_allowed_hosts_is_never_requested(
    deployment: Deployment, caplog: pytest.LogCaptureFixture
) -> None:
    hits: list[str] = []

    async def inside(request: web.Request) -> web.Response:
        hits.append(request.path)
        return web.Response(body=JPEG, content_type="image/jpeg")

    other = web.Application()
    other.router.add_get("/{tail:.*}", inside)
    runner, base = await serve(other)  # 127.0.0.1, another port: not in the allowed list
    try:
        api = deployment.zalo_api
        parent = await complaint_until_photo(deployment)
        for url in (
            f"{base}/admin/photo.jpg?sig=insideSecret",
            api.cdn_photo(JPEG).replace("127.0.0.1", "localhost"),  # the CDN under a new name
            "file:///etc/passwd",
        ):
            await parent.sends_photo(url)
            assert await last_reply(parent) == texts.PHOTO_NOT_FETCHED
        assert hits == [] and api.cdn_requests == 0
        assert caplog.text.count("host not allowed") == 3
        assert "insideSecret" not in caplog.text and "cdnSecret" not in caplog.text
    finally:
        await runner.cleanup()


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://photo.zdn.vn/a.jpg?sig=x", True),
        ("https://f20-zpc.zdn.vn/a.jpg", True),
        ("https://s120-ava-talk.zadn.vn/a.jpg", True),
        ("https://zdn.vn/a.jpg", True),
        ("https://PHOTO.ZDN.VN./a.jpg", True),
        ("https://evilzdn.vn/a.jpg", False),
        ("https://zdn.vn.evil.example/a.jpg", False),
        ("https://127.0.0.1/a.jpg", False),
        ("https://photo.zdn.vn@127.0.0.1/a.jpg", False),
        ("ftp://photo.zdn.vn/a.jpg", False),
        ("https://photo.zdn.vn:99999/a.jpg", False),
        ("not a url", False),
    ],
)
def test_the_host_list_allows_its_hosts_and_their_subdomains_only(url: str, allowed: bool) -> None:
    assert host_allowed(url, ["zdn.vn", "zadn.vn"]) is allowed


def test_a_port_in_the_list_allows_that_port_only() -> None:
    assert host_allowed("http://127.0.0.1:8080/x.jpg", ["127.0.0.1:8080"])
    assert not host_allowed("http://127.0.0.1:8081/x.jpg", ["127.0.0.1:8080"])
    assert not host_allowed("http://127.0.0.1/x.jpg", ["127.0.0.1:8080"])


def test_settings_default_to_zalos_cdn_hosts(settings: Settings) -> None:
    assert settings.zalo_photo_hosts == ["zdn.vn", "zadn.vn"]


# --- a Telegram announcement's photo reaches Zalo ------------------------------------------------


async def announce_with_photo(deployment: Deployment) -> tuple[ZaloPhone, TelegramPhone]:
    """A Telegram teacher's announcement with a photo, to a Zalo and a Telegram parent."""
    deployment.telegram_api.files[FILE_ID] = JPEG
    setup = await make_school(deployment.app)
    teacher = phone_on(deployment, "telegram", 1)
    assert isinstance(teacher, TelegramPhone)
    await teacher.says(await make_staff_code(deployment.app, setup, "teacher", "Lá 1"))
    zalo_parent, telegram_parent = (
        phone_on(deployment, "zalo", 2),
        phone_on(deployment, "telegram", 3),
    )
    assert isinstance(zalo_parent, ZaloPhone) and isinstance(telegram_parent, TelegramPhone)
    for parent in (zalo_parent, telegram_parent):
        await join_and_consent(parent, setup.classes["Lá 1"].invite_code)
    await teacher.says("/thongbao")
    await teacher.sends_photo(FILE_ID)
    assert await last_reply(teacher) == texts.ANNOUNCE_PHOTO_ADDED
    await teacher.says("Thứ Sáu lớp Lá 1 đi dã ngoại, anh/chị cho bé mặc đồ thể thao ạ.")
    await teacher.chooses(texts.SEEN_NO)
    await teacher.chooses(texts.SEND)
    await deployment.settle()
    return zalo_parent, telegram_parent


async def test_a_telegram_photo_is_copied_after_commit_and_zalo_shows_it_by_link(
    deployment: Deployment,
) -> None:
    deployment.app.media.public_url = deployment.base  # where Zalo (the fake) can reach it
    zalo_api, telegram_api = deployment.zalo_api, deployment.telegram_api
    zalo_api.fetch_photos = True
    zalo_parent, telegram_parent = await announce_with_photo(deployment)
    assert telegram_api.counts["getFile"] == 1 and telegram_api.file_downloads == 1

    [photo] = [s for s in zalo_api.sent if s.chat_id == zalo_parent.chat_id and s.photo]
    assert "dã ngoại" in photo.caption and photo.photo.startswith(f"{deployment.base}/media/")
    assert zalo_api.fetched[photo.photo] == (200, "image/jpeg", JPEG)
    assert texts.PHOTO_ELSEWHERE not in photo.caption
    # Telegram parents still get it by its file id: nothing uploaded again
    sent = [c.params for c in telegram_api.calls_of("sendPhoto")]
    assert [p["photo"] for p in sent if str(p["chat_id"]) == str(telegram_parent.chat_id)] == [
        FILE_ID
    ]


async def test_without_a_public_address_a_telegram_photo_is_not_copied_and_zalo_gets_a_note(
    deployment: Deployment,
) -> None:
    zalo_api, telegram_api = deployment.zalo_api, deployment.telegram_api
    zalo_parent, _ = await announce_with_photo(deployment)
    assert telegram_api.counts["getFile"] == 0 and telegram_api.file_downloads == 0
    [message] = [s for s in zalo_api.sent if s.chat_id == zalo_parent.chat_id and "📢" in s.text]
    assert message.text.endswith(texts.PHOTO_ELSEWHERE) and zalo_api.counts["sendPhoto"] == 0


async def test_a_telegram_file_over_the_limit_is_refused_before_it_is_downloaded(
    deployment: Deployment,
) -> None:
    telegram = deployment.app.channels["telegram"]
    deployment.telegram_api.files[FILE_ID] = JPEG + bytes(100)
    with pytest.raises(PhotoRefused):
        await telegram.download_photo(FILE_ID, 50)  # type: ignore[attr-defined]
    assert deployment.telegram_api.file_downloads == 0
    assert await telegram.download_photo(FILE_ID, 1000) == JPEG + bytes(100)  # type: ignore[attr-defined]
