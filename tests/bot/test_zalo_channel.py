"""The Zalo Bot adapter: recorded updates in, Bot API calls out, over real loopback HTTP."""

from __future__ import annotations

import asyncio
import json
import logging
import unicodedata
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.channels.base import (
    ChatGone,
    Choice,
    Inbound,
    Outbound,
    RetryLater,
    Unconfirmed,
    Undeliverable,
)
from bot.channels.zalo import (
    DOCUMENT_NOTE,
    IMAGE_NOTE,
    SECRET_HEADER,
    ZaloChannel,
    choice_lines,
    event_of,
    render_pieces,
    to_inbound,
)
from bot.channels.zalo_client import ZaloBotClient
from tests.fakes.loopback import serve
from tests.fakes.receiver import Recorder
from tests.fakes.zalo_api import TOKEN, FakeZalo

PAYLOADS = Path(__file__).parents[1] / "payloads" / "zalo"
WEBHOOK_URL = "https://hailong.example.org/zalo/bot/mam-non-hoa-sen"
SECRET = "s3cret-Zalo_webhook"
CHAT = "e4ea2cd5189df1c3a88c"


def payload(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return data


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fast_client(fake: FakeZalo, token: str = TOKEN) -> ZaloBotClient:
    return ZaloBotClient(token, fake.api_url, retry_delays=(0.0, 0.0))


@pytest.fixture
async def fake() -> AsyncIterator[FakeZalo]:
    async with FakeZalo() as server:
        yield server


@pytest.fixture
async def channel(fake: FakeZalo) -> AsyncIterator[ZaloChannel]:
    zalo = ZaloChannel(
        TOKEN,
        client=fast_client(fake),
        poll_timeout=1,
        retry_delay=0.01,
        max_retry_delay=0.05,
    )
    yield zalo
    await zalo.stop()


async def serve_channels(*channels: ZaloChannel) -> tuple[web.AppRunner, str]:
    """The channels' routes on 127.0.0.1; returns the runner and the server's base URL."""
    app = web.Application()
    for zalo in channels:
        app.add_routes(zalo.routes())
    return await serve(app)


@pytest.fixture
async def webhook(fake: FakeZalo) -> AsyncIterator[tuple[ZaloChannel, str]]:
    """A webhook-mode channel served on 127.0.0.1; yields it and the local URL to post to."""
    zalo = ZaloChannel(TOKEN, fake.api_url, WEBHOOK_URL, SECRET, name="zalo_hoasen")
    runner, base = await serve_channels(zalo)
    try:
        yield zalo, base + zalo.webhook_path
    finally:
        await zalo.stop()
        await runner.cleanup()


# --- translation, table-driven over recorded payloads --------------------------------------------

LAN = {"chat_id": "u1", "user_id": "u1", "user_name": "Chị Lan", "in_group": False}
VAN_A = {"chat_id": CHAT, "user_id": CHAT, "user_name": "Nguyen Van A", "in_group": False}

TRANSLATIONS: dict[str, dict[str, Any] | None] = {
    "text_message": {
        **VAN_A,
        "external_id": "message.text.received:16f6366b3f02645a3d15",
        "message_id": "16f6366b3f02645a3d15",
        "kind": "text",
        "text": "Xin chào",
        "received_at": datetime(2025, 12, 24, 23, 39, 57, 466000, tzinfo=UTC),
    },
    "image_photo_url": {
        **LAN,
        "external_id": "message.image.received:m2",
        "kind": "photo",
        "text": "Bé ăn trưa",
        "media": "https://photo.zdn.vn/abc.jpg",
        "received_at": datetime(2025, 6, 19, 6, 55, 31, 602000, tzinfo=UTC),
    },
    "image_photo_wrapped": {
        **LAN,
        "kind": "photo",
        "text": "",
        "media": "https://photo.zdn.vn/def.jpg",
    },
    # both fields present: photo_url (what OpenClaw and python-zalo-bot read) wins
    "image_caption_nfd": {
        **LAN,
        "kind": "photo",
        "text": "Bé đi học",
        "media": "https://photo.zdn.vn/ghi.jpg",
    },
    "image_without_url": {**LAN, "kind": "photo", "text": "Ảnh lớp", "media": None},
    "group_message": {
        "external_id": "message.text.received:m3",
        "chat_id": "g1",
        "user_id": "u2",
        "user_name": "Anh Minh",
        "in_group": True,
        "kind": "text",
        "text": "@Bot lớp Mầm 1 nghỉ lễ ngày nào?",
    },
    "group_lower_case": {"chat_id": "g2", "user_name": "Hoa", "in_group": True, "text": "/khaosat"},
    "first_name_only": {
        "chat_id": "u4",
        "user_name": "Trần Thị Bích",
        "in_group": False,
        "text": "/start inv_K7Q2M9",
    },
    "unsupported": {"kind": "unsupported", "text": "", "user_name": "Phụ huynh bé Na"},
    "sticker": {**VAN_A, "kind": "sticker", "external_id": "message.sticker.received:m8"},
    "voice": {**VAN_A, "kind": "voice", "external_id": "message.voice.received:m9"},
    "long_message_id": {
        "kind": "text",
        "external_id": "message.text.received:47625d4c5847afa42dc3ec6bec19fd65",
        "message_id": "f" * 60,
    },
    "combining_diacritics": {
        "text": "Chào cô ạ",
        "user_name": "Lê Thị Hằng",
        "received_at": datetime(2025, 12, 24, 23, 46, 40, 123000, tzinfo=UTC),
    },
    "from_bot": None,
    "unknown_event": None,
    "malformed_no_message": None,
    "malformed_no_message_id": None,
    "malformed_no_chat_id": None,
    "malformed_wrong_types": None,
    "malformed_text_not_string": None,
    "malformed_from_not_object": None,
    "no_event_name_text": {**VAN_A, "kind": "text", "text": "Xin chào"},
    "no_event_name_photo": {
        **VAN_A,
        "kind": "photo",
        "media": "https://photo.zdn.vn/abc.jpg",
        "text": "Ảnh phiếu",
    },
    "malformed_id_too_long": None,
    "malformed_not_ok": None,
    "malformed_result_list": None,
}


def test_every_recorded_payload_is_in_the_table() -> None:
    assert {p.stem for p in PAYLOADS.glob("*.json")} == set(TRANSLATIONS)


@pytest.mark.parametrize(("name", "expected"), TRANSLATIONS.items(), ids=list(TRANSLATIONS))
def test_translates_recorded_update(
    name: str, expected: dict[str, Any] | None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.channels.zalo")
    data = payload(name)
    inbound = to_inbound(data, "zalo_hoasen")
    warned = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert bool(warned) == name.startswith("malformed_")  # the ignorable ones log at DEBUG
    if expected is None:
        assert inbound is None
        return
    assert inbound is not None
    update = data.get("result", data)
    message_id = update["message"]["message_id"]
    assert inbound.channel == "zalo_hoasen"
    if name != "long_message_id":  # hashed to fit the column, see its row
        assert inbound.external_id == f"{event_of(update)}:{message_id}"
    assert len(inbound.external_id) <= 64
    assert inbound.message_id == message_id
    assert inbound.received_at.utcoffset() is not None
    assert inbound.text == nfc(inbound.text)
    assert inbound.choice is None and inbound.callback_id is None
    assert {k: getattr(inbound, k) for k in expected} == expected


def test_the_wrapped_and_flat_forms_are_the_same_update() -> None:
    flat = payload("group_message")
    assert to_inbound({"ok": True, "result": flat}, "zalo") == to_inbound(flat, "zalo")


@pytest.mark.parametrize("body", [None, [], "Xin chào", 42, {}, {"ok": True}])
def test_bodies_that_are_not_updates_are_skipped(body: object) -> None:
    assert to_inbound(body, "zalo") is None


def test_a_photo_url_is_the_media_and_stays_out_of_the_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    inbound = to_inbound(payload("image_photo_url"), "zalo")
    assert inbound is not None and inbound.media == "https://photo.zdn.vn/abc.jpg"
    assert Inbound.from_json(inbound.to_json()) == inbound  # the inbox keeps it
    assert "photo.zdn.vn" not in caplog.text  # a parent's photo is personal data
    text = to_inbound(payload("text_message"), "zalo")
    assert text is not None and text.media is None


def test_dates_out_of_range_are_malformed() -> None:
    data = payload("text_message")
    data["result"]["message"]["date"] = 10**30
    assert to_inbound(data, "zalo") is None


# --- rendering -----------------------------------------------------------------------------------

SCALE = tuple(
    Choice(f"a:r1:0:{v}", label, key=str(v))
    for v, label in enumerate(
        ["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"], 1
    )
)


def test_choices_become_a_numbered_list_with_a_hint() -> None:
    plain = (Choice("yes", "Có"), Choice("no", "Không"), Choice("later", "Để sau"))
    assert choice_lines(plain) == "1. Có\n2. Không\n3. Để sau\nTrả lời 1–3"
    assert choice_lines(SCALE).splitlines() == [
        "1. Rất không hài lòng",
        "2. Không hài lòng",
        "3. Bình thường",
        "4. Hài lòng",
        "5. Rất hài lòng",
        "Trả lời 1–5",
    ]
    assert choice_lines((Choice("ok", "Đồng ý"),)) == "1. Đồng ý\nTrả lời 1"
    unknown = (*SCALE, Choice("a:r1:0:0", "Không rõ / không trả lời", key="0"))
    assert choice_lines(unknown).splitlines()[-2:] == [
        "0. Không rõ / không trả lời",
        "Trả lời 1–5 hoặc 0",
    ]


def test_the_list_shows_the_keys_dispatch_matches() -> None:
    multi = (Choice("m:1", "Zalo", "1"), Choice("m:2", "Họp"), Choice("d", "Xong", key="Xong"))
    assert choice_lines(multi) == "1. Zalo\n2. Họp\nXong\nTrả lời 1–2 hoặc Xong"
    review = tuple(Choice(f"e:{n}", str(n), key=str(n)) for n in (1, 3, 4))
    assert choice_lines(review) == "Trả lời 1, 3, 4"  # the numbers need no list of their own


def test_the_vietnamese_copy_is_nfc() -> None:
    text = choice_lines(SCALE)
    assert text == nfc(text)
    assert "\u2013" in text  # an en dash, not a hyphen


def test_decomposed_vietnamese_is_counted_after_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Tiếng Việt ") * 180
    assert len(nfd) > 2000 >= len(nfc(nfd).strip())
    assert render_pieces(nfd, ()) == [nfc(nfd).strip()]


def test_choices_stay_with_the_last_piece() -> None:
    text = "\n".join(f"{i}. Thông báo của nhà trường về lịch học tuần này." for i in range(120))
    pieces = render_pieces(text, SCALE)
    assert len(pieces) == 4
    assert all(len(p) <= 2000 for p in pieces)
    assert [p.endswith("Trả lời 1–5") for p in pieces] == [False, False, False, True]
    assert pieces[-1].split("\n\n")[-1] == choice_lines(SCALE)


async def test_send_appends_the_numbered_list(channel: ZaloChannel, fake: FakeZalo) -> None:
    message_id = await channel.send(Outbound(CHAT, "Anh/chị hài lòng không?", choices=SCALE))
    [sent] = fake.sent
    assert sent.chat_id == CHAT
    assert sent.text == "Anh/chị hài lòng không?\n\n" + choice_lines(SCALE)
    assert message_id == sent.message_id


async def test_long_nfd_text_goes_as_nfc_pieces_of_2000(
    channel: ZaloChannel, fake: FakeZalo
) -> None:
    nfd = unicodedata.normalize("NFD", "Tiếng Việt có dấu. ") * 300
    last = await channel.send(Outbound(CHAT, nfd, choices=(Choice("ok", "Đã đọc"),)))
    texts = [s.text for s in fake.sent]
    assert len(texts) == 3
    assert all(len(t) <= 2000 and t == nfc(t) for t in texts)
    assert " ".join(texts).replace("\n\n1. Đã đọc\nTrả lời 1", "") == nfc(nfd).strip()
    assert texts[-1].endswith("1. Đã đọc\nTrả lời 1")
    assert last == fake.sent[-1].message_id


async def test_an_edit_is_sent_as_a_new_message(channel: ZaloChannel, fake: FakeZalo) -> None:
    first = await channel.send(Outbound(CHAT, "Câu 1?", choices=SCALE))
    again = await channel.send(Outbound(CHAT, "Câu 1: đã trả lời 4", edit_of=first))
    assert again is not None and again != first
    assert fake.method_names() == ["sendMessage", "sendMessage"]
    assert fake.sent[-1].text == "Câu 1: đã trả lời 4"


async def test_an_ack_without_notice_sends_nothing(channel: ZaloChannel, fake: FakeZalo) -> None:
    assert await channel.send(Outbound(CHAT, "", kind="ack", callback_id="cb-1")) is None
    assert fake.calls == []


async def test_an_ack_with_a_notice_sends_it_as_text(channel: ZaloChannel, fake: FakeZalo) -> None:
    ack = Outbound(CHAT, "", kind="ack", notice=unicodedata.normalize("NFD", "Đã ghi nhận"))
    sent_id = await channel.send(ack)
    assert [(s.chat_id, s.text) for s in fake.sent] == [(CHAT, "Đã ghi nhận")]
    assert sent_id == fake.sent[0].message_id


async def test_an_empty_message_is_undeliverable(channel: ZaloChannel, fake: FakeZalo) -> None:
    with pytest.raises(Undeliverable):
        await channel.send(Outbound(CHAT, "  "))
    assert fake.calls == []


async def test_a_photo_carries_the_caption_and_choices(
    channel: ZaloChannel, fake: FakeZalo
) -> None:
    url = "https://hailong.example.org/charts/w1.png"
    last = await channel.send(Outbound(CHAT, "Kết quả đợt 1", image=url, choices=SCALE[:2]))
    [photo] = fake.sent
    assert (photo.photo, photo.caption) == (url, "Kết quả đợt 1\n\n" + choice_lines(SCALE[:2]))
    assert fake.method_names() == ["sendPhoto"]
    assert last == photo.message_id


async def test_a_photo_with_long_text_is_followed_by_messages(
    channel: ZaloChannel, fake: FakeZalo
) -> None:
    url = "https://hailong.example.org/charts/w2.png"
    text = "Báo cáo tuần của lớp Mầm 1. " * 100
    last = await channel.send(Outbound(CHAT, text, image=url, choices=(Choice("x", "Xem"),)))
    photo, follow = fake.sent
    assert photo.photo == url and len(photo.caption) <= 2000
    assert follow.text.endswith("1. Xem\nTrả lời 1")
    assert fake.method_names() == ["sendPhoto", "sendMessage"]
    assert last == follow.message_id


async def test_a_local_image_without_a_public_link_becomes_a_note_of_where_to_see_it(
    channel: ZaloChannel, fake: FakeZalo
) -> None:
    await channel.send(Outbound(CHAT, "Biểu đồ tuần", image="/var/charts/w1.png"))
    await channel.send(
        Outbound(CHAT, "Biểu đồ", image="/var/charts/w1.png", image_text="Xem trên web.")
    )
    assert fake.method_names() == ["sendMessage", "sendMessage"]
    assert [s.text for s in fake.sent] == [
        f"Biểu đồ tuần\n\n{IMAGE_NOTE}",
        "Biểu đồ\n\nXem trên web.",
    ]  # never a caption without its picture


async def test_a_document_becomes_its_caption_and_where_to_get_the_file(
    channel: ZaloChannel, fake: FakeZalo
) -> None:
    report = Outbound(
        CHAT, "Số liệu tuần (XLSX)", document="/var/reports/x-1a2b.xlsx", document_name="tuan.xlsx"
    )
    await channel.send(report)
    assert fake.method_names() == ["sendMessage"]
    assert fake.sent[0].text == "Số liệu tuần (XLSX)\n\n" + DOCUMENT_NOTE.format(name="tuan.xlsx")
    assert "/baocao" in fake.sent[0].text


async def test_a_photo_without_text_has_no_caption(channel: ZaloChannel, fake: FakeZalo) -> None:
    await channel.send(Outbound(CHAT, "", image="https://hailong.example.org/a.png"))
    assert "caption" not in fake.last("sendPhoto").params


# --- errors → RetryLater / Undeliverable ---------------------------------------------------------


async def test_rate_limits_the_client_gave_up_on_become_retry_later(
    channel: ZaloChannel, fake: FakeZalo
) -> None:
    fake.rate_limit_next("sendMessage", retry_after=0, count=3)
    with pytest.raises(RetryLater) as caught:
        await channel.send(Outbound(CHAT, "Xin chào"))
    assert caught.value.seconds == 5.0  # a zero hint is no hint: the outbox waits a little
    assert fake.counts["sendMessage"] == 3
    fake.rate_limit_next("sendMessage", retry_after=42)
    with pytest.raises(RetryLater) as caught:
        await channel.send(Outbound(CHAT, "Xin chào"))
    assert caught.value.seconds == 42.0 and caught.value.flood  # slows the sender's pace too
    assert await channel.send(Outbound(CHAT, "Xin chào")) is not None


async def test_gateway_failures_become_retry_later(channel: ZaloChannel, fake: FakeZalo) -> None:
    fake.gateway_error_next("sendMessage", count=3)
    with pytest.raises(RetryLater) as caught:
        await channel.send(Outbound(CHAT, "Xin chào"))
    assert caught.value.seconds == 2.0


@pytest.mark.parametrize(
    ("status", "description"),
    [(400, "Bad Request: invalid chat_id"), (403, "Forbidden"), (404, "Chat not found")],
)
async def test_a_refused_chat_is_undeliverable(
    channel: ZaloChannel, fake: FakeZalo, status: int, description: str
) -> None:
    fake.fail_next("sendMessage", status=status, description=description)
    with pytest.raises(Undeliverable, match=description) as caught:
        await channel.send(Outbound(CHAT, "Xin chào"))
    assert fake.counts["sendMessage"] == 1
    # a blocked or missing chat is skipped by later broadcasts; a bad request is not about the chat
    assert isinstance(caught.value, ChatGone) == (status != 400)


async def test_a_send_answered_too_late_is_unconfirmed_not_retried(fake: FakeZalo) -> None:
    zalo = ZaloChannel(
        TOKEN, client=ZaloBotClient(TOKEN, fake.api_url, timeout=0.2, retry_delays=(0.0,))
    )
    fake.stall_next["sendMessage"] = 1.0
    try:
        with pytest.raises(Unconfirmed):
            await zalo.send(Outbound(CHAT, "Xin chào"))
        assert fake.counts["sendMessage"] == 1  # it may have gone through: never sent twice
    finally:
        await zalo.stop()


async def test_a_rejected_token_is_logged_loudly(
    fake: FakeZalo, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "999:wrong-token-for-this-fake-server-xx"
    zalo = ZaloChannel(wrong, client=fast_client(fake, wrong))
    try:
        with pytest.raises(RetryLater) as caught:
            await zalo.send(Outbound(CHAT, "Xin chào"))
    finally:
        await zalo.stop()
    assert caught.value.seconds == 60.0
    [record] = [r for r in caplog.records if "token rejected" in r.getMessage()]
    assert record.levelno == logging.ERROR
    assert "wrong-token" not in caplog.text + str(caught.value)


# --- long polling --------------------------------------------------------------------------------


async def test_polling_clears_the_webhook_and_delivers_updates(
    channel: ZaloChannel, fake: FakeZalo
) -> None:
    fake.webhook_url = "https://old.example.org/zalo"
    first = fake.queue_update(fake.text_update("u1", "/start"))
    second = fake.queue_update(fake.text_update("u1", "Xin chào"))
    receiver = Recorder()
    await channel.start(receiver)
    await receiver.wait_until(2)
    ids = [f"message.text.received:{u['message']['message_id']}" for u in (first, second)]
    assert receiver.ids == ids
    assert [i.text for i in receiver.seen] == ["/start", "Xin chào"]
    names = fake.method_names()
    assert names.index("deleteWebhook") < names.index("getUpdates")
    assert fake.last("getUpdates").params == {"timeout": "1"}


async def test_polling_carries_on_after_empty_polls(channel: ZaloChannel, fake: FakeZalo) -> None:
    receiver = Recorder()
    await channel.start(receiver)
    await fake.wait_for("getUpdates", 3)  # each ended in a 408
    fake.queue_update(fake.text_update("u1", "đến muộn"))
    await receiver.wait_until(1)
    assert receiver.seen[0].text == "đến muộn"


async def test_polling_skips_what_the_bot_ignores(channel: ZaloChannel, fake: FakeZalo) -> None:
    fake.queue_update(payload("from_bot"))
    fake.queue_update(payload("unknown_event"))
    fake.queue_update(payload("text_message")["result"])
    receiver = Recorder()
    await channel.start(receiver)
    await receiver.wait_until(1)
    await fake.wait_for("getUpdates", 4)
    assert receiver.ids == ["message.text.received:16f6366b3f02645a3d15"]


async def test_polling_survives_gateway_errors(channel: ZaloChannel, fake: FakeZalo) -> None:
    fake.gateway_error_next("getUpdates", count=4)  # more than the client's own retries
    fake.queue_update(fake.text_update("u1", "vẫn đến"))
    receiver = Recorder()
    await channel.start(receiver)
    await receiver.wait_until(1)
    assert fake.counts["getUpdates"] >= 5


async def test_polling_backs_off_while_a_webhook_is_set(
    channel: ZaloChannel, fake: FakeZalo, caplog: pytest.LogCaptureFixture
) -> None:
    fake.queue_update(fake.text_update("u1", "sau khi gỡ webhook"))
    receiver = Recorder()
    await channel.start(receiver)
    fake.webhook_url = "https://other-deployment.example.org/zalo"  # set behind our back
    await fake.wait_for("getUpdates", fake.counts["getUpdates"] + 2)
    assert "a webhook is set" in caplog.text
    fake.webhook_url = ""
    await receiver.wait_until(1)


async def test_polling_retries_a_receive_until_it_is_recorded(
    channel: ZaloChannel, fake: FakeZalo
) -> None:
    """Zalo acknowledged the update when it handed it out: it must not be dropped."""
    first = fake.queue_update(fake.text_update("u1", "một"))
    second = fake.queue_update(fake.text_update("u1", "hai"))
    key, then = (f"message.text.received:{u['message']['message_id']}" for u in (first, second))
    receiver = Recorder(fail={key: 5})  # the database is down for a while
    await channel.start(receiver)
    await receiver.wait_until(7)
    assert receiver.ids == [key] * 6 + [then]  # nothing more was taken in the meantime


async def test_stop_ends_the_poll_task(channel: ZaloChannel, fake: FakeZalo) -> None:
    await channel.start(Recorder())
    await fake.wait_for("getUpdates")
    await channel.stop()
    assert not [t for t in asyncio.all_tasks() if t.get_name() == "zalo-poll"]
    assert not channel.client.is_open
    assert channel.routes() == []
    await channel.stop()  # twice is fine


async def test_starting_twice_is_a_mistake(channel: ZaloChannel) -> None:
    await channel.start(Recorder())
    with pytest.raises(RuntimeError):
        await channel.start(Recorder())


# --- webhook -------------------------------------------------------------------------------------


def test_a_webhook_needs_a_proper_secret() -> None:
    for secret in (None, "", "short"):
        with pytest.raises(ValueError, match="secret"):
            ZaloChannel(TOKEN, webhook_url=WEBHOOK_URL, webhook_secret=secret)
    with pytest.raises(ValueError, match="token"):
        ZaloChannel("")


def test_each_bot_has_its_own_path() -> None:
    by_url = ZaloChannel(TOKEN, webhook_url=WEBHOOK_URL, webhook_secret=SECRET)
    by_name = ZaloChannel(
        TOKEN, webhook_url="https://x.example.org", webhook_secret=SECRET, name="zalo_sen"
    )
    explicit = ZaloChannel(
        TOKEN, webhook_url=WEBHOOK_URL, webhook_secret=SECRET, webhook_path="/hooks/z1"
    )
    assert by_url.webhook_path == "/zalo/bot/mam-non-hoa-sen"
    assert by_name.webhook_path == "/zalo/bot/zalo_sen"
    assert explicit.webhook_path == "/hooks/z1"
    assert [r.path for r in explicit.routes()] == ["/hooks/z1"]
    assert by_name.name == "zalo_sen" and by_url.name == "zalo"
    assert not by_url.can_edit


async def test_start_registers_the_webhook_with_its_secret(
    webhook: tuple[ZaloChannel, str], fake: FakeZalo
) -> None:
    zalo, _ = webhook
    await zalo.start(Recorder())
    assert fake.last("setWebhook").params == {"url": WEBHOOK_URL, "secret_token": SECRET}
    assert "getUpdates" not in fake.method_names()
    assert "deleteWebhook" not in fake.method_names()


@pytest.mark.parametrize("name", ["text_message", "image_photo_url"], ids=["wrapped", "flat"])
async def test_webhook_with_the_right_secret_reaches_the_receiver(
    webhook: tuple[ZaloChannel, str], fake: FakeZalo, name: str
) -> None:
    zalo, url = webhook
    receiver = Recorder()
    await zalo.start(receiver)
    assert await fake.post_update(url, payload(name), SECRET) == 200
    [inbound] = receiver.seen
    assert inbound.channel == "zalo_hoasen"
    assert inbound == to_inbound(payload(name), "zalo_hoasen")


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", SECRET + "x", SECRET.upper()])
async def test_webhook_without_the_secret_is_refused(
    webhook: tuple[ZaloChannel, str], fake: FakeZalo, secret: str | None
) -> None:
    zalo, url = webhook
    receiver = Recorder()
    await zalo.start(receiver)
    assert await fake.post_update(url, payload("text_message"), secret) == 401
    assert receiver.seen == []


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b"", "Xin chào", b"[1, 2]"])
async def test_webhook_refuses_a_body_that_is_not_a_json_object_and_says_so_once(
    webhook: tuple[ZaloChannel, str],
    fake: FakeZalo,
    body: bytes | str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No update at all: 400 (issue 12, item 4); Zalo itself never sends one."""
    zalo, url = webhook
    receiver = Recorder()
    await zalo.start(receiver)
    assert await fake.post_update(url, body, SECRET) == 400
    assert receiver.seen == []
    [warned] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert warned.levelno == logging.WARNING and "not a JSON object" in warned.getMessage()


async def test_webhook_reads_the_body_whatever_its_content_type(
    webhook: tuple[ZaloChannel, str], fake: FakeZalo
) -> None:
    """The secret proves Zalo sent it; a JSON update under another content type is not lost."""
    zalo, url = webhook
    receiver = Recorder()
    await zalo.start(receiver)
    body = json.dumps(payload("text_message"))
    assert await fake.post_update(url, body, "wrong", content_type="text/plain") == 401
    assert await fake.post_update(url, body, SECRET, content_type="text/plain") == 200
    json_utf8 = "application/json; charset=utf-8"
    assert await fake.post_update(url, body, SECRET, content_type=json_utf8) == 200
    assert receiver.ids == ["message.text.received:16f6366b3f02645a3d15"] * 2


@pytest.mark.parametrize(
    "name", ["from_bot", "unknown_event", "malformed_no_message_id", "malformed_not_ok"]
)
async def test_webhook_acknowledges_what_it_ignores(
    webhook: tuple[ZaloChannel, str], fake: FakeZalo, name: str
) -> None:
    zalo, url = webhook
    receiver = Recorder()
    await zalo.start(receiver)
    assert await fake.post_update(url, payload(name), SECRET) == 200
    assert receiver.seen == []


async def test_webhook_answers_500_when_the_update_was_not_recorded(
    webhook: tuple[ZaloChannel, str], fake: FakeZalo
) -> None:
    zalo, url = webhook
    key = "message.text.received:16f6366b3f02645a3d15"
    receiver = Recorder(fail={key: 1})
    await zalo.start(receiver)
    assert await fake.post_update(url, payload("text_message"), SECRET) == 500
    assert await fake.post_update(url, payload("text_message"), SECRET) == 200
    assert receiver.ids == [key, key]


async def test_webhook_before_start_asks_zalo_to_come_back(
    webhook: tuple[ZaloChannel, str], fake: FakeZalo
) -> None:
    _, url = webhook
    assert await fake.post_update(url, payload("text_message"), SECRET) == 503


async def test_two_schools_two_bots_one_server(fake: FakeZalo) -> None:
    other_token = "777:other-school-token-for-the-fake-zz"
    async with FakeZalo(other_token) as other:
        hoasen = ZaloChannel(TOKEN, fake.api_url, WEBHOOK_URL, SECRET, name="zalo_hoasen")
        sen = ZaloChannel(
            other_token,
            other.api_url,
            "https://hailong.example.org/zalo/bot/mam-non-sen",
            "another-secret",
            name="zalo_sen",
        )
        runner, base = await serve_channels(hoasen, sen)
        at_hoasen, at_sen = Recorder(), Recorder()
        try:
            await hoasen.start(at_hoasen)
            await sen.start(at_sen)
            to_sen = base + sen.webhook_path
            assert await fake.post_update(to_sen, payload("group_message"), SECRET) == 401
            assert await fake.post_update(to_sen, payload("group_message"), "another-secret") == 200
            assert other.webhook_secret == "another-secret"
        finally:
            await hoasen.stop()
            await sen.stop()
            await runner.cleanup()
    assert at_hoasen.seen == []
    assert [i.channel for i in at_sen.seen] == ["zalo_sen"]


def test_the_secret_header_name_is_zalos() -> None:
    assert SECRET_HEADER == "X-Bot-Api-Secret-Token"


# --- the token stays out of logs -----------------------------------------------------------------


async def test_token_never_reaches_the_logs(
    fake: FakeZalo, webhook: tuple[ZaloChannel, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret_part = TOKEN.split(":")[1]
    zalo, url = webhook
    await zalo.start(Recorder(fail={"message.text.received:16f6366b3f02645a3d15": 1}))
    assert await fake.post_update(url, payload("text_message"), SECRET) == 500

    fake.webhook_url = ""
    poller = ZaloChannel(
        TOKEN, client=fast_client(fake), poll_timeout=1, retry_delay=0.01, max_retry_delay=0.05
    )
    leak = f"Internal error at /bot{TOKEN}/getUpdates for {TOKEN}"
    fake.fail_next("getUpdates", 3, status=500, description=leak)
    await poller.start(Recorder())
    await fake.wait_for("getUpdates", 4)
    await poller.stop()

    fake.fail_next("sendMessage", status=400, description=leak)
    with pytest.raises(Undeliverable) as caught:
        await zalo.send(Outbound(CHAT, "x"))

    assert "getUpdates failed" in caplog.text
    assert "not recorded" in caplog.text
    assert secret_part not in caplog.text
    assert secret_part not in str(caught.value)
