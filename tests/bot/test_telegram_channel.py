"""The Telegram adapter: recorded updates in, Bot API calls out, over real loopback HTTP."""

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
from telegram import Update
from telegram.error import NetworkError, TimedOut

from bot.channels.aiohttp_request import AiohttpRequest
from bot.channels.base import ChatGone, Choice, Outbound, RetryLater, Unconfirmed, Undeliverable
from bot.channels.kit.redaction import redact
from bot.channels.telegram import TelegramChannel, split_text, to_inbound
from tests.fakes.flood import FloodControl
from tests.fakes.loopback import free_port, serve
from tests.fakes.receiver import Recorder
from tests.fakes.telegram_api import TOKEN, FakeTelegram, Upload

PAYLOADS = Path(__file__).parents[1] / "payloads" / "telegram"
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
JAN_1 = datetime(2026, 1, 1, tzinfo=UTC)
WEBHOOK_URL = "https://hailong.example.org/webhooks/telegram"
SECRET = "s3cret-Webhook_token"
CHAT = "5123456789"


def payload(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def channel(fake: FakeTelegram) -> AsyncIterator[TelegramChannel]:
    tg = TelegramChannel(
        TOKEN, api_url=fake.api_url, poll_timeout=1, retry_delay=0.01, max_retry_delay=0.05
    )
    yield tg
    await tg.stop()


@pytest.fixture
async def webhook(fake: FakeTelegram) -> AsyncIterator[tuple[TelegramChannel, str]]:
    """A webhook-mode channel served on 127.0.0.1; yields it and the local URL to post to."""
    tg = TelegramChannel(TOKEN, fake.api_url, WEBHOOK_URL, SECRET)
    app = web.Application()
    app.add_routes(tg.routes())
    runner, base = await serve(app)
    try:
        yield tg, base + "/webhooks/telegram"
    finally:
        await tg.stop()
        await runner.cleanup()


# --- translation, table-driven over recorded payloads --------------------------------------------

PERSON = {"chat_id": CHAT, "user_id": CHAT, "user_name": "Lan Nguyễn", "in_group": False}

TRANSLATIONS: dict[str, dict[str, Any] | None] = {
    "text_message": {
        **PERSON,
        "kind": "text",
        "text": "Cô ơi, hôm nay bé có ăn trưa không ạ?",
        "message_id": "11",
        "received_at": JAN_1,
    },
    "start_with_payload": {**PERSON, "kind": "text", "text": "/start inv_K7Q2M9"},
    "callback_query": {
        **PERSON,
        "kind": "choice",
        "choice": "a:r12:q3:2",
        "callback_id": "4382bfdwdsb323b2d9",
        "message_id": "57",
        "received_at": NOW,
        "text": "",
    },
    "photo": {
        **PERSON,
        "kind": "photo",
        "text": "Ảnh bé ở nhà",
        "media": "AgACAgUAAxkBAAIBQ2Y-large",
    },
    "sticker": {**PERSON, "kind": "sticker", "text": "👍"},
    "voice": {**PERSON, "kind": "voice", "text": ""},
    "location": {**PERSON, "kind": "unsupported", "text": ""},
    "group_message": {
        "kind": "text",
        "text": "/khaosat@hailong_test_bot",
        "chat_id": "-1001987654321",
        "user_id": "6234567890",
        "user_name": "Minh Trần",
        "in_group": True,
    },
    "small_group_message": {"chat_id": "-4123456789", "in_group": True, "user_name": "Hoa"},
    "combining_diacritics": {
        "text": unicodedata.normalize("NFC", "Cha\u0300o co\u0302 a\u0323"),
        "user_name": "Lan Nguyễn",
    },
    "edited_message": None,
    "channel_post": None,
    "message_from_bot": None,
    "unknown_type": None,
    "my_chat_member": None,  # a person blocked the bot: seen at the next send instead
    "bot_added_to_group": {
        "kind": "joined",
        "text": "Phụ huynh lớp Lá 1",
        "chat_id": "-1001987654321",
        "user_id": "6234567890",
        "user_name": "Minh Trần",
        "in_group": True,
    },
    "bot_removed_from_group": {"kind": "left", "chat_id": "-1001987654321", "in_group": True},
    "bot_made_group_admin": None,  # still a member: nothing changes for the class group
}


def test_every_recorded_payload_is_in_the_table() -> None:
    assert {p.stem for p in PAYLOADS.glob("*.json")} == set(TRANSLATIONS)


@pytest.mark.parametrize(("name", "expected"), TRANSLATIONS.items(), ids=list(TRANSLATIONS))
def test_translates_recorded_update(name: str, expected: dict[str, Any] | None) -> None:
    data = payload(name)
    inbound = to_inbound(Update.de_json(data, None), now=NOW)
    if expected is None:
        assert inbound is None
        return
    assert inbound is not None
    assert inbound.channel == "telegram"
    assert inbound.external_id == str(data["update_id"])
    assert inbound.received_at.utcoffset() is not None
    assert {k: getattr(inbound, k) for k in expected} == expected


def test_text_is_nfc_and_free_of_control_characters() -> None:
    raw = payload("combining_diacritics")["message"]["text"]
    inbound = to_inbound(Update.de_json(payload("combining_diacritics"), None), now=NOW)
    assert inbound is not None
    assert inbound.text != raw
    assert inbound.text == unicodedata.normalize("NFC", inbound.text)
    assert "\x00" not in inbound.text


# --- splitting -----------------------------------------------------------------------------------


def test_split_leaves_short_text_alone() -> None:
    """At Telegram's own limit; how a text is cut is tested in test_splitting.py."""
    assert split_text("Xin chào") == ["Xin chào"]


def test_redact_masks_the_token_in_any_form() -> None:
    TelegramChannel(TOKEN)  # a channel protects its token from the moment it is built
    url = f"http://127.0.0.1:1/bot{TOKEN}/getMe"
    for text in (url, url.replace(":", "%3A"), f"token {TOKEN} leaked"):
        assert TOKEN.split(":")[1] not in redact(text)


# --- sending -------------------------------------------------------------------------------------


async def test_short_labels_share_rows_of_eight(
    channel: TelegramChannel, fake: FakeTelegram
) -> None:
    choices = tuple(Choice(payload=f"a:r1:q1:{i}", label=str(i)) for i in range(1, 11))
    message_id = await channel.send(Outbound(CHAT, "Bé có vui không?", choices=choices))
    call = fake.last("sendMessage")
    rows = call.params["reply_markup"]["inline_keyboard"]
    assert [len(row) for row in rows] == [8, 2]
    assert rows[0][0] == {"text": "1", "callback_data": "a:r1:q1:1"}
    assert call.params["chat_id"] == CHAT
    assert message_id == str(max(m for _, m in fake.messages))


async def test_long_labels_get_a_row_each(channel: TelegramChannel, fake: FakeTelegram) -> None:
    choices = (Choice("yes", "Có"), Choice("no", "Không"), Choice("later", "Để sau"))
    await channel.send(Outbound(CHAT, "Tham gia?", choices=choices))
    rows = fake.last("sendMessage").params["reply_markup"]["inline_keyboard"]
    assert [[b["text"] for b in row] for row in rows] == [["Có"], ["Không"], ["Để sau"]]


async def test_oversized_callback_data_is_refused(channel: TelegramChannel) -> None:
    with pytest.raises(Undeliverable):
        await channel.send(Outbound(CHAT, "?", choices=(Choice("ồ" * 30, "x"),)))


async def test_edit_in_place(channel: TelegramChannel, fake: FakeTelegram) -> None:
    first = await channel.send(Outbound(CHAT, "Câu 1?", choices=(Choice("a:1", "1"),)))
    assert first is not None
    again = await channel.send(Outbound(CHAT, "Câu 1: đã trả lời 1", edit_of=first))
    assert again == first
    edit = fake.last("editMessageText")
    assert edit.params["message_id"] == int(first)
    assert "reply_markup" not in edit.params  # the answered question loses its buttons
    assert fake.messages[(CHAT, int(first))]["text"] == "Câu 1: đã trả lời 1"
    assert fake.counts["sendMessage"] == 1


async def test_edit_with_same_content_counts_as_done(
    channel: TelegramChannel, fake: FakeTelegram
) -> None:
    first = await channel.send(Outbound(CHAT, "Cảm ơn!"))
    assert first is not None
    assert await channel.send(Outbound(CHAT, "Cảm ơn!", edit_of=first)) == first
    assert fake.counts["editMessageText"] == 1
    assert fake.counts["sendMessage"] == 1


async def test_edit_falls_back_to_a_new_message(
    channel: TelegramChannel, fake: FakeTelegram
) -> None:
    sent = await channel.send(Outbound(CHAT, "Câu 2?", edit_of="999999"))
    assert fake.method_names() == ["editMessageText", "sendMessage"]
    assert sent is not None and sent != "999999"
    assert fake.messages[(CHAT, int(sent))]["text"] == "Câu 2?"


async def test_long_text_is_split_with_keyboard_on_the_last_part(
    channel: TelegramChannel, fake: FakeTelegram
) -> None:
    text = "\n".join(f"{i}. Thông báo của nhà trường về lịch học tuần này." for i in range(200))
    assert len(text) > 4096 * 2
    last = await channel.send(Outbound(CHAT, text, choices=(Choice("ok", "OK"),)))
    calls = fake.calls_of("sendMessage")
    assert len(calls) == 3
    assert all(len(c.params["text"]) <= 4096 for c in calls)
    assert "\n".join(c.params["text"] for c in calls) == text
    assert ["reply_markup" in c.params for c in calls] == [False, False, True]
    assert last == str(max(m for _, m in fake.messages))


async def test_ack_only_answers_the_callback(channel: TelegramChannel, fake: FakeTelegram) -> None:
    ack = Outbound(CHAT, "", kind="ack", callback_id="cbq-1", notice="Đã ghi nhận")
    assert await channel.send(ack) is None
    assert fake.method_names() == ["answerCallbackQuery"]
    assert fake.last("answerCallbackQuery").params == {
        "callback_query_id": "cbq-1",
        "text": "Đã ghi nhận",
    }


async def test_reply_to_a_tap_answers_it_first_and_survives_an_expired_query(
    channel: TelegramChannel, fake: FakeTelegram
) -> None:
    fake.fail_next("answerCallbackQuery", description="Bad Request: query is too old")
    sent = await channel.send(Outbound(CHAT, "Câu tiếp theo", callback_id="cbq-2"))
    assert fake.method_names() == ["answerCallbackQuery", "sendMessage"]
    assert sent is not None


async def test_flood_control_becomes_retry_later(
    channel: TelegramChannel, fake: FakeTelegram
) -> None:
    fake.rate_limit_next("sendMessage", retry_after=7)
    with pytest.raises(RetryLater) as caught:
        await channel.send(Outbound(CHAT, "Xin chào"))
    assert caught.value.seconds == 7.0
    assert await channel.send(Outbound(CHAT, "Xin chào")) is not None


@pytest.mark.parametrize(
    ("status", "description"),
    [(403, "Forbidden: bot was blocked by the user"), (400, "Bad Request: chat not found")],
)
async def test_blocked_or_missing_chat_is_undeliverable(
    channel: TelegramChannel, fake: FakeTelegram, status: int, description: str
) -> None:
    fake.fail_next("sendMessage", status=status, description=description)
    with pytest.raises(ChatGone, match="(?i)" + description.split(": ")[1]):
        await channel.send(Outbound(CHAT, "Xin chào"))


async def test_a_bad_message_is_undeliverable_but_its_chat_is_not_gone(
    channel: TelegramChannel, fake: FakeTelegram
) -> None:
    fake.fail_next("sendMessage", description="Bad Request: can't parse entities")
    with pytest.raises(Undeliverable) as caught:
        await channel.send(Outbound(CHAT, "Xin chào"))
    assert not isinstance(caught.value, ChatGone)


async def test_no_answer_after_sending_is_unconfirmed_not_retried(fake: FakeTelegram) -> None:
    flood = FloodControl()
    fake.flood = flood
    flood.hold_after(0)  # Telegram takes the message, the answer never comes
    tg = TelegramChannel(fake.token, api_url=fake.api_url, request=AiohttpRequest(read_timeout=0.2))
    try:
        with pytest.raises(Unconfirmed):
            await tg.send(Outbound(CHAT, "Xin chào"))
        assert flood.delivered[CHAT] == 1
    finally:
        flood.release()
        await tg.stop()


async def test_blocked_bot_script_answers_403(channel: TelegramChannel, fake: FakeTelegram) -> None:
    fake.block_next("sendMessage")
    with pytest.raises(Undeliverable, match="blocked"):
        await channel.send(Outbound(CHAT, "Xin chào"))


async def test_unreachable_api_is_retry_later_without_the_token() -> None:
    tg = TelegramChannel(TOKEN, api_url=f"http://127.0.0.1:{free_port()}/bot")
    try:
        with pytest.raises(RetryLater) as caught:
            await tg.send(Outbound(CHAT, "Xin chào"))
    finally:
        await tg.stop()
    assert caught.value.seconds == 2.0
    assert TOKEN not in str(caught.value)


async def test_photo_by_url_carries_the_caption_and_keyboard(
    channel: TelegramChannel, fake: FakeTelegram
) -> None:
    url = "https://hailong.example.org/charts/w1.png"
    message = Outbound(CHAT, "Kết quả đợt 1", image=url, choices=(Choice("more", "Xem"),))
    await channel.send(message)
    call = fake.last("sendPhoto")
    assert call.params["photo"] == url
    assert call.params["caption"] == "Kết quả đợt 1"
    assert "reply_markup" in call.params


async def test_photo_from_a_file_is_uploaded_and_long_text_follows(
    channel: TelegramChannel, fake: FakeTelegram, tmp_path: Path
) -> None:
    chart = tmp_path / "chart.png"
    chart.write_bytes(b"\x89PNG\r\n\x1a\nfake-chart")
    text = "Báo cáo tuần. " * 120  # about 1,700 characters
    last = await channel.send(Outbound(CHAT, text, image=str(chart), choices=(Choice("x", "X"),)))
    photo = fake.last("sendPhoto")
    assert isinstance(photo.params["photo"], Upload)
    assert photo.params["photo"].data == chart.read_bytes()
    assert len(photo.params["caption"]) <= 1024
    assert "reply_markup" not in photo.params
    follow = fake.last("sendMessage")
    assert "reply_markup" in follow.params
    assert (photo.params["caption"] + " " + follow.params["text"]) == text.strip()
    assert last == str(max(m for _, m in fake.messages))


async def test_a_photo_a_parent_sent_is_forwarded_by_its_file_id(
    channel: TelegramChannel, fake: FakeTelegram
) -> None:
    file_id = "AgACAgIAAxkBAAIBY2Zparent-photo_file-id"
    await channel.send(Outbound(CHAT, "Ảnh 1/1 của phiếu PA-2026-0001", image=file_id))
    assert fake.last("sendPhoto").params["photo"] == file_id


async def test_missing_image_file_is_undeliverable(channel: TelegramChannel) -> None:
    with pytest.raises(Undeliverable):
        await channel.send(Outbound(CHAT, "x", image="/nonexistent/chart.png"))


async def test_a_report_file_is_uploaded_as_a_document_under_its_own_name(
    channel: TelegramChannel, fake: FakeTelegram, tmp_path: Path
) -> None:
    stored = tmp_path / "MN-HOASEN-week-3f9a1c2e.xlsx"
    stored.write_bytes(b"PK\x03\x04fake-xlsx")
    name = "bao-cao-MN-HOASEN-2026-11-16.xlsx"
    sent = await channel.send(
        Outbound(CHAT, "Số liệu tuần 16/11–22/11/2026 (XLSX)", document=str(stored),
                 document_name=name)
    )  # fmt: skip
    call = fake.last("sendDocument")
    assert isinstance(call.params["document"], Upload)
    assert call.params["document"].filename == name
    assert call.params["document"].data == stored.read_bytes()
    assert call.params["caption"] == "Số liệu tuần 16/11–22/11/2026 (XLSX)"
    assert sent == str(max(m for _, m in fake.messages))


async def test_a_missing_report_file_is_undeliverable(channel: TelegramChannel) -> None:
    with pytest.raises(Undeliverable, match="document file not found"):
        await channel.send(Outbound(CHAT, "x", document="/nonexistent/report.xlsx"))


async def test_username_is_asked_once(channel: TelegramChannel, fake: FakeTelegram) -> None:
    assert await channel.username() == "hailong_test_bot"
    assert await channel.username() == "hailong_test_bot"
    assert fake.counts["getMe"] == 1


# --- long polling --------------------------------------------------------------------------------


async def test_polling_delivers_updates_and_advances_the_offset(
    channel: TelegramChannel, fake: FakeTelegram
) -> None:
    first = fake.queue_update(fake.text_update(42, "/start"))
    second = fake.queue_update(fake.text_update(42, "Xin chào"))
    receiver = Recorder()
    await channel.start(receiver)
    await receiver.wait_until(2)
    assert receiver.ids == [str(first["update_id"]), str(second["update_id"])]
    assert [i.text for i in receiver.seen] == ["/start", "Xin chào"]
    await fake.wait_for("getUpdates", fake.counts["getUpdates"] + 1)
    assert fake.last("getUpdates").params["offset"] == second["update_id"] + 1
    names = fake.method_names()
    assert names.index("deleteWebhook") < names.index("getUpdates")
    assert fake.calls_of("getUpdates")[0].params["allowed_updates"] == [
        "message",
        "callback_query",
        "my_chat_member",
    ]


async def test_polling_redelivers_an_update_whose_receive_failed(
    channel: TelegramChannel, fake: FakeTelegram
) -> None:
    first = fake.queue_update(fake.text_update(42, "một"))
    second = fake.queue_update(fake.text_update(42, "hai"))
    ids = [str(first["update_id"]), str(second["update_id"])]
    receiver = Recorder(fail={ids[1]: 1})
    await channel.start(receiver)
    await receiver.wait_until(3)
    assert receiver.ids == [ids[0], ids[1], ids[1]]
    await fake.wait_for("getUpdates", fake.counts["getUpdates"] + 1)
    assert fake.confirmed_offset == second["update_id"] + 1


async def test_polling_survives_network_errors(
    channel: TelegramChannel, fake: FakeTelegram
) -> None:
    fake.fail_next("getUpdates", 2, status=502, description="Bad Gateway")
    update = fake.queue_update(fake.text_update(42, "vẫn đến"))
    receiver = Recorder()
    await channel.start(receiver)
    await receiver.wait_until(1)
    assert receiver.ids == [str(update["update_id"])]
    assert fake.counts["getUpdates"] >= 3


async def test_stop_ends_the_poll_task(channel: TelegramChannel, fake: FakeTelegram) -> None:
    await channel.start(Recorder())
    await fake.wait_for("getUpdates")
    await channel.stop()
    assert not [t for t in asyncio.all_tasks() if t.get_name() == "telegram-poll"]
    assert channel.routes() == []


# --- webhook -------------------------------------------------------------------------------------


@pytest.mark.parametrize("secret", [None, "", "short", "with spaces ok?", "x" * 257])
def test_a_webhook_needs_a_secret_telegram_accepts(secret: str | None) -> None:
    """Issue 12: a webhook without one took updates from anyone, as any parent or principal."""
    with pytest.raises(ValueError, match="secret of 8 to 256 characters"):
        TelegramChannel(TOKEN, webhook_url=WEBHOOK_URL, webhook_secret=secret)
    assert TelegramChannel(TOKEN, webhook_secret=secret).routes() == []  # polling needs none


async def test_webhook_is_registered_with_secret_and_update_types(
    webhook: tuple[TelegramChannel, str], fake: FakeTelegram
) -> None:
    tg, _ = webhook
    await tg.start(Recorder())
    params = fake.last("setWebhook").params
    assert params["url"] == WEBHOOK_URL
    assert params["secret_token"] == SECRET
    assert params["allowed_updates"] == ["message", "callback_query", "my_chat_member"]
    assert "getUpdates" not in fake.method_names()


async def test_webhook_with_the_right_secret_reaches_the_receiver(
    webhook: tuple[TelegramChannel, str], fake: FakeTelegram
) -> None:
    tg, url = webhook
    receiver = Recorder()
    await tg.start(receiver)
    assert await fake.post_update(url, payload("callback_query"), SECRET) == 200
    assert receiver.ids == ["731000003"]
    assert receiver.seen[0].choice == "a:r12:q3:2"


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x"])
async def test_webhook_without_the_secret_is_refused(
    webhook: tuple[TelegramChannel, str], fake: FakeTelegram, secret: str | None
) -> None:
    tg, url = webhook
    receiver = Recorder()
    await tg.start(receiver)
    assert await fake.post_update(url, payload("text_message"), secret) == 401
    assert receiver.seen == []


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),  # no update at all
        (b"[1, 2]", 400),
        (b"\xff\xfe", 400),
        (b'{"message": {}}', 200),  # an object of an unknown shape: skipped, said once
        (b'{"update_id": 1, "message": {"message_id": 1, "date": 1, "chat": {"id": 1e3}}}', 200),
    ],
)
async def test_webhook_refuses_what_is_no_update_and_skips_an_unknown_shape(
    webhook: tuple[TelegramChannel, str],
    fake: FakeTelegram,
    body: bytes,
    status: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    tg, url = webhook
    receiver = Recorder()
    await tg.start(receiver)
    assert await fake.post_update(url, body, SECRET) == status
    assert receiver.seen == []
    [warned] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert warned.levelno == logging.WARNING and warned.exc_info is None


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("update_id", 2**63),
        ("chat", 2**63),
        ("chat", -(2**63) - 1),
        ("from", 10**30),
        ("message_id", 2**64),
        ("chat", "12ab"),
    ],
)
async def test_webhook_skips_an_update_whose_ids_are_out_of_range(
    webhook: tuple[TelegramChannel, str],
    fake: FakeTelegram,
    where: str,
    value: object,
    caplog: pytest.LogCaptureFixture,
) -> None:
    tg, url = webhook
    receiver = Recorder()
    await tg.start(receiver)
    update = payload("text_message")
    if where == "update_id":
        update["update_id"] = value
    elif where == "message_id":
        update["message"]["message_id"] = value
    else:
        update["message"][where]["id"] = value
    assert await fake.post_update(url, json.dumps(update).encode(), SECRET) == 200
    assert receiver.seen == []
    [warned] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "64-bit integer" in warned.getMessage()


async def test_webhook_skips_ignored_update_types_with_200(
    webhook: tuple[TelegramChannel, str], fake: FakeTelegram
) -> None:
    tg, url = webhook
    receiver = Recorder()
    await tg.start(receiver)
    assert await fake.post_update(url, payload("edited_message"), SECRET) == 200
    assert receiver.seen == []


async def test_webhook_answers_500_when_the_update_was_not_recorded(
    webhook: tuple[TelegramChannel, str], fake: FakeTelegram
) -> None:
    tg, url = webhook
    receiver = Recorder(fail={"731000001": 1})
    await tg.start(receiver)
    assert await fake.post_update(url, payload("text_message"), SECRET) == 500
    assert await fake.post_update(url, payload("text_message"), SECRET) == 200
    assert receiver.ids == ["731000001", "731000001"]


async def test_webhook_before_start_asks_telegram_to_come_back(
    webhook: tuple[TelegramChannel, str], fake: FakeTelegram
) -> None:
    _, url = webhook
    assert await fake.post_update(url, payload("text_message"), SECRET) == 503


# --- the token stays out of logs -----------------------------------------------------------------


async def test_token_never_reaches_the_logs(
    fake: FakeTelegram, webhook: tuple[TelegramChannel, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret_part = TOKEN.split(":")[1]
    tg, url = webhook
    await tg.start(Recorder(fail={"731000001": 1}))
    assert await fake.post_update(url, payload("text_message"), SECRET) == 500

    poller = TelegramChannel(
        TOKEN, api_url=fake.api_url, poll_timeout=1, retry_delay=0.01, max_retry_delay=0.05
    )
    fake.webhook_url = ""  # the webhook test above registered one; polling needs it gone
    fake.fail_next("getUpdates", status=500, description=f"Internal error at /bot{TOKEN}/x")
    await poller.start(Recorder())
    await fake.wait_for("getUpdates", 2)
    await poller.stop()

    wrong = TelegramChannel("999:wrong-token-for-this-fake-server-xx", api_url=fake.api_url)
    with pytest.raises(RetryLater) as caught:
        await wrong.send(Outbound(CHAT, "x"))
    await wrong.stop()

    assert "Set Bot API URL" in caplog.text  # PTB's own debug line, now masked
    assert "Calling Bot API endpoint `setWebhook`" in caplog.text  # with the secret, masked
    assert SECRET not in caplog.text
    assert "getUpdates failed" in caplog.text
    assert "not recorded" in caplog.text
    assert secret_part not in caplog.text
    assert secret_part not in str(caught.value)


# --- the request backend on its own --------------------------------------------------------------


async def test_request_backend_maps_timeouts_and_hides_the_url() -> None:
    release = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        await release.wait()
        return web.Response(text="{}")

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", slow)
    runner, base = await serve(app)
    url = f"{base}/bot{TOKEN}/getMe"
    request = AiohttpRequest(pool_size=2)
    try:
        await request.initialize()
        assert request.read_timeout == 5.0
        with pytest.raises(TimedOut) as caught:
            await request.do_request(url, "POST", read_timeout=0.05)
        assert TOKEN not in str(caught.value)
    finally:
        release.set()
        await request.shutdown()
        await request.shutdown()  # twice is fine
        await runner.cleanup()


async def test_request_backend_reports_network_errors_without_the_token() -> None:
    request = AiohttpRequest()
    try:
        with pytest.raises(NetworkError) as caught:
            await request.do_request(f"http://127.0.0.1:{free_port()}/bot{TOKEN}/getMe", "POST")
    finally:
        await request.shutdown()
    assert TOKEN.split(":")[1] not in str(caught.value)


async def test_many_concurrent_calls_share_one_pool(fake: FakeTelegram) -> None:
    tg = TelegramChannel(TOKEN, api_url=fake.api_url, request=AiohttpRequest(pool_size=4))
    try:
        ids = await asyncio.gather(*(tg.send(Outbound(CHAT, f"tin {i}")) for i in range(50)))
    finally:
        await tg.stop()
    assert len(set(ids)) == 50
    assert fake.counts["sendMessage"] == 50
