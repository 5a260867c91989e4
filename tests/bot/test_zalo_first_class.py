"""Zalo as a first-class channel (issue 14): a 404 retried before a chat is called gone, images
sent from signed expiring URLs, group mentions, updates without event_name, stored ticket photos."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st
from sqlalchemy import select

from bot.app import App, create_app
from bot.channels.base import Outbound
from bot.channels.zalo import ZaloChannel, to_inbound
from bot.clock import FixedClock
from bot.delivery.broadcasts import tally
from bot.models.broadcasts import ClassGroup, UnreachableChat
from bot.models.tickets import Ticket
from bot.photos import PhotoRefused, PhotoStore
from bot.settings import Settings
from handlers import texts
from handlers.retention import remove_stored_photos
from tests.bot.test_channel_parity import join_and_consent
from tests.bot.test_delivery import broadcast_to
from tests.factories import make_school, make_staff_code
from tests.fakes.zalo_api import TOKEN, FakeZalo
from tests.phones import Deployment, ZaloPhone, last_reply, phone_on, unlimited


@pytest.fixture
async def fake() -> AsyncIterator[FakeZalo]:
    async with FakeZalo() as api:
        yield api


async def zalo_app(settings: Settings, fake: FakeZalo, clock: FixedClock) -> App:
    channel = ZaloChannel(TOKEN, api_url=fake.api_url, poll_timeout=1, retry_delay=0.01)
    app = create_app(unlimited(settings), channels=[channel], clock=clock, jobs=[])
    await app.start(scheduler=False, sender=False)
    return app


async def unreachable(app: App) -> list[str]:
    async with app.db.sessions() as session:
        return list(await session.scalars(select(UnreachableChat.chat_id)))


# --- 4. a 404 is tried again before the chat is called gone ---------------------------------------


async def test_one_404_is_tried_again_and_the_chat_stays_reachable(
    settings: Settings, fake: FakeZalo, clock: FixedClock
) -> None:
    app = await zalo_app(settings, fake, clock)
    try:
        fake.fail_next("sendMessage", status=404, description="Not Found")
        broadcast = await broadcast_to(app, ["u1"], channel="zalo")
        await app.settle()
        assert fake.sent == [] and await unreachable(app) == []
        clock.advance(seconds=61)  # the second try waits a minute
        await app.settle()
        assert [s.chat_id for s in fake.sent] == ["u1"]
        assert await unreachable(app) == []
        async with app.db.sessions() as session:
            assert (await tally(session, broadcast)).counts == {"sent": 1}
    finally:
        await app.stop()


async def test_three_404s_over_minutes_call_the_chat_gone(
    settings: Settings, fake: FakeZalo, clock: FixedClock
) -> None:
    app = await zalo_app(settings, fake, clock)
    try:
        fake.fail_next("sendMessage", 3, status=404, description="Not Found")
        broadcast = await broadcast_to(app, ["u1"], channel="zalo")
        await app.settle()
        for _ in range(2):
            assert await unreachable(app) == []
            clock.advance(seconds=61)
            await app.settle()
        assert fake.counts["sendMessage"] == 3
        assert await unreachable(app) == ["u1"]
        async with app.db.sessions() as session:
            report = await tally(session, broadcast)
        assert report.counts == {"failed": 1} and [f.gone for f in report.failures] == [True]
    finally:
        await app.stop()


# --- 3. updates without event_name are typed by their fields --------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=12,
)
_FIELD = st.sampled_from(["text", "photo", "photo_url", "sticker", "voice_url", "caption", "x"])
_MESSAGE = st.fixed_dictionaries(
    {},
    optional={
        "message_id": st.text(max_size=70) | st.integers(),
        "date": st.integers() | st.floats() | st.text(max_size=4),
        "from": st.fixed_dictionaries({}, optional={"id": _JSON, "is_bot": _JSON}) | _JSON,
        "chat": st.fixed_dictionaries({}, optional={"id": _JSON, "chat_type": _JSON}) | _JSON,
    },
).flatmap(lambda m: st.dictionaries(_FIELD, _JSON, max_size=3).map(lambda f: {**m, **f}))


@examples(max_examples=300, deadline=None)
@given(message=_MESSAGE, event=st.none() | st.just("message.text.received") | _JSON)
def test_the_update_typer_never_raises(message: dict[str, object], event: object) -> None:
    update: dict[str, object] = {"message": message}
    if event is not None:
        update["event_name"] = event
    for body in (update, {"ok": True, "result": update}):
        inbound = to_inbound(body, "zalo")
        kinds = {"text", "photo", "sticker", "voice", "unsupported"}
        assert inbound is None or inbound.kind in kinds


def test_an_update_without_event_name_is_typed_by_its_fields() -> None:
    base = {"message_id": "m1", "date": 1766619597466, "from": {"id": "u1"}, "chat": {"id": "u1"}}
    kinds = {
        "text": "Xin chào",
        "photo_url": "https://photo.zdn.vn/a.jpg",
        "photo": "https://photo.zdn.vn/b.jpg",
        "sticker": "abc",
        "voice_url": "https://v.zdn.vn/c.aac",
    }
    found = {}
    for field_name, value in kinds.items():
        inbound = to_inbound({"message": {**base, field_name: value}}, "zalo")
        assert inbound is not None
        found[field_name] = inbound.kind
    assert found == {
        "text": "text",
        "photo_url": "photo",
        "photo": "photo",
        "sticker": "sticker",
        "voice_url": "voice",
    }
    bare = to_inbound({"message": base}, "zalo")
    assert bare is not None and bare.kind == "unsupported"


# --- 2. group mentions ----------------------------------------------------------------------------


async def test_a_mention_in_a_zalo_group_links_it_and_a_personal_command_is_sent_private(
    deployment: Deployment,
) -> None:
    setup = await make_school(deployment.app)
    teacher = phone_on(deployment, "zalo")
    assert isinstance(teacher, ZaloPhone)
    await teacher.says(await make_staff_code(deployment.app, setup, "teacher", "Lá 1"))
    await teacher.says("/thongbao")
    await teacher.chooses(texts.GROUP_LINK)
    code = (await last_reply(teacher)).split("/lienket ", 1)[1].split()[0]
    api = deployment.zalo_api

    async def in_group(text: str) -> str:
        update = api.text_update("g-la1", text, user_id=teacher.chat_id, chat_type="GROUP")
        await teacher.deliver(update)
        return [s.text for s in api.sent if s.chat_id == "g-la1"][-1]

    linked = texts.GROUP_LINKED.format(class_name="Lá 1", school="Trường Mầm non MN-TEST")
    assert await in_group(f"@Bot Hài Lòng /lienket {code}") == linked
    async with deployment.app.db.sessions() as session:
        group = await session.scalar(select(ClassGroup).where(ClassGroup.chat_id == "g-la1"))
    assert group is not None and group.class_id == setup.classes["Lá 1"].id
    assert await in_group("@Bot /khaosat") == texts.IN_GROUP
    before = len(api.sent)
    await teacher.deliver(
        api.text_update("g-la1", "@Bot cảm ơn", user_id=teacher.chat_id, chat_type="GROUP")
    )
    assert len(api.sent) == before  # group chatter that names the bot is not answered


# --- 1. pictures by signed, expiring links ---------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF\x00" + bytes(200)


def zalo_of(deployment: Deployment) -> ZaloChannel:
    [channel] = [c for c in deployment.app.channels.values() if isinstance(c, ZaloChannel)]
    return channel


def chart(settings: Settings, data: bytes = PNG, name: str = "bao-cao-w1.png") -> Path:
    settings.reports_dir.mkdir(parents=True, exist_ok=True)
    path = settings.reports_dir / name
    path.write_bytes(data)
    return path


async def status_of(deployment: Deployment, path: str) -> tuple[int, str, bytes]:
    async with deployment.http.get(deployment.base + path) as response:
        return response.status, response.content_type, await response.read()


async def test_a_chart_goes_to_zalo_as_a_photo_zalo_fetches_from_the_signed_link(
    deployment: Deployment,
) -> None:
    deployment.app.media.public_url = deployment.base  # where Zalo (the fake) can reach it
    api = deployment.zalo_api
    api.fetch_photos = True
    path = chart(deployment.settings)
    caption = "Biểu đồ tuần"
    outbound = Outbound("u1", caption, image=str(path), image_text=texts.CHART_ELSEWHERE)
    await zalo_of(deployment).send(outbound)
    [sent] = api.sent
    assert sent.caption == caption and sent.photo.startswith(f"{deployment.base}/media/")
    assert api.fetched[sent.photo] == (200, "image/png", PNG)
    assert str(path) not in sent.photo and "bao-cao" not in sent.photo  # names no path


async def test_a_signed_link_serves_only_the_apps_own_pictures_until_it_expires(
    deployment: Deployment, clock: FixedClock, tmp_path: Path
) -> None:
    links = deployment.app.media
    links.public_url = "https://hailong.truong.edu.vn"
    path = chart(deployment.settings)
    url = links.url_for(str(path))
    assert url is not None and url.startswith("https://hailong.truong.edu.vn/media/")
    route = url.removeprefix(links.public_url)
    assert await status_of(deployment, route) == (200, "image/png", PNG)

    tag, name, expires, mac = route.removeprefix("/media/").split(".")
    forged = [
        f"/media/{tag}.{name}.{int(expires) + 3600}.{mac}",  # a later expiry
        f"/media/{tag}.{name}.{expires}.{'A' * len(mac)}",  # a made-up signature
        f"/media/p.{name}.{expires}.{mac}",  # signed for the other folder
    ]
    for bad in forged:
        assert (await status_of(deployment, bad))[0] == 403, bad
    traversal = base64.urlsafe_b64encode(b"../media/x.png").decode().rstrip("=")
    for missing in ["/media/r.%2E%2E.1.x", f"/media/r.{traversal}.{expires}.{mac}", "/media/x"]:
        assert (await status_of(deployment, missing))[0] == 404, missing

    outside = tmp_path / "secret.png"
    outside.write_bytes(PNG)
    assert links.url_for(str(outside)) is None  # not a file the app made or stored
    assert links.url_for(str(deployment.settings.reports_dir / ".." / "secret.png")) is None
    sheet = chart(deployment.settings, b"PK\x03\x04 a spreadsheet", "bao-cao-w1.xlsx")
    sheet_route = (links.url_for(str(sheet)) or "").removeprefix(links.public_url)
    assert (await status_of(deployment, sheet_route))[0] == 404  # only pictures are served

    clock.advance(minutes=deployment.settings.media_link_minutes + 1)
    assert (await status_of(deployment, route))[0] == 403  # expired


async def test_without_a_public_url_zalo_gets_the_words_and_where_to_see_the_picture(
    deployment: Deployment,
) -> None:
    path = chart(deployment.settings)
    outbound = Outbound("u1", "Biểu đồ tuần", image=str(path), image_text=texts.CHART_ELSEWHERE)
    await zalo_of(deployment).send(outbound)
    assert [s.text for s in deployment.zalo_api.sent] == [
        f"Biểu đồ tuần\n\n{texts.CHART_ELSEWHERE}"
    ]
    assert deployment.zalo_api.counts["sendPhoto"] == 0


# --- 5. ticket photos are stored on receipt ----------------------------------------------------


async def complaint_until_photo(deployment: Deployment) -> ZaloPhone:
    setup = await make_school(deployment.app)
    parent = phone_on(deployment, "zalo")
    assert isinstance(parent, ZaloPhone)
    await join_and_consent(parent, setup.classes["Lá 1"].invite_code)
    await parent.says("/phananh")
    await parent.chooses("Khiếu nại")
    await parent.chooses("Học phí – các khoản thu")
    await parent.chooses(texts.SEND_NAMED)
    await parent.says("Lê Thị Tố")
    await parent.says("0912 345 678")
    return parent


async def test_a_zalo_ticket_photo_is_stored_and_one_that_cannot_be_had_is_asked_again(
    deployment: Deployment, caplog: pytest.LogCaptureFixture
) -> None:
    api = deployment.zalo_api
    parent = await complaint_until_photo(deployment)
    await parent.sends_photo(api.cdn_photo(JPEG, not_found_first=99))  # expired on the CDN
    assert await last_reply(parent) == texts.PHOTO_NOT_FETCHED
    await parent.sends_photo(api.cdn_photo(b"<html>not a picture</html>", content_type="text/html"))
    assert await last_reply(parent) == texts.PHOTO_NOT_FETCHED
    big = JPEG + bytes(deployment.settings.photo_max_bytes)
    await parent.sends_photo(api.cdn_photo(big))
    assert await last_reply(parent) == texts.PHOTO_NOT_FETCHED
    assert "photo not stored" in caplog.text and "cdnSecret" not in caplog.text

    await parent.sends_photo(api.cdn_photo(JPEG, not_found_first=0))
    assert await last_reply(parent) != texts.PHOTO_NOT_FETCHED
    await parent.says("Nhà trường thu tiền máy lạnh không có trong danh mục các khoản thu.")
    await parent.chooses(texts.FEEDBACK_SEND)
    assert (await last_reply(parent)).startswith("Nhà trường đã tiếp nhận khiếu nại")
    async with deployment.app.db.sessions() as session:
        # the three that could not be had (their sender was told) are not filed with the ticket
        [photo] = (await session.scalars(select(Ticket))).one().photos
    stored = Path(photo)
    assert stored.parent == deployment.settings.media_dir.resolve()
    assert stored.read_bytes() == JPEG and "://" not in photo  # the copy, not the CDN's URL


def test_purging_a_ticket_deletes_only_the_apps_own_stored_copies(tmp_path: Path) -> None:
    folder, outside = tmp_path / "media", tmp_path / "other.jpg"
    stored = PhotoStore(folder).keep(JPEG)
    outside.write_bytes(JPEG)
    escape = str(folder / ".." / "other.jpg")
    remove_stored_photos(folder, {str(stored), escape, "https://photo.zdn.vn/a.jpg", "AgACfileid"})
    assert not stored.exists() and outside.exists()


def test_a_photo_is_kept_only_when_its_bytes_are_a_picture(tmp_path: Path) -> None:
    store = PhotoStore(tmp_path, max_bytes=1000)
    webp = b"RIFF\x10\x00\x00\x00WEBPVP8 " + bytes(20)
    assert [store.keep(data).suffix for data in (JPEG, PNG, webp)] == [".jpg", ".png", ".webp"]
    for refused in (b"GIF89a" + bytes(20), b"<svg/>", b"", JPEG + bytes(1000)):
        with pytest.raises(PhotoRefused):
            store.keep(refused)


async def test_a_zalo_teachers_announcement_photo_reaches_zalo_by_link_and_telegram_by_upload(
    deployment: Deployment,
) -> None:
    """The photo a teacher sends on Zalo is stored on receipt; a Zalo parent gets it by a
    signed link Zalo fetches, a Telegram parent as an upload of the same bytes."""
    deployment.app.media.public_url = deployment.base
    zalo_api, telegram_api = deployment.zalo_api, deployment.telegram_api
    zalo_api.fetch_photos = True
    setup = await make_school(deployment.app)
    teacher = phone_on(deployment, "zalo", 1)
    assert isinstance(teacher, ZaloPhone)
    await teacher.says(await make_staff_code(deployment.app, setup, "teacher", "Lá 1"))
    zalo_parent = phone_on(deployment, "zalo", 2)
    assert isinstance(zalo_parent, ZaloPhone)
    for parent in (zalo_parent, phone_on(deployment, "telegram", 3)):
        await join_and_consent(parent, setup.classes["Lá 1"].invite_code)
    await teacher.says("/thongbao")
    await teacher.sends_photo(zalo_api.cdn_photo(JPEG))
    assert await last_reply(teacher) == texts.ANNOUNCE_PHOTO_ADDED
    await teacher.says("Thứ Sáu lớp Lá 1 đi dã ngoại, anh/chị cho bé mặc đồ thể thao ạ.")
    await teacher.chooses(texts.SEEN_NO)
    await teacher.chooses(texts.SEND)
    await deployment.settle()

    [photo] = [s for s in zalo_api.sent if s.chat_id == zalo_parent.chat_id and s.photo]
    assert "dã ngoại" in photo.caption and "cdnSecret" not in photo.photo
    assert zalo_api.fetched[photo.photo] == (200, "image/jpeg", JPEG)
    [upload] = [c.params["photo"] for c in telegram_api.calls_of("sendPhoto")]
    assert upload.data == JPEG
