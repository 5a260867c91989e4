"""The web playground channel alone, over a real loopback HTTP server."""

from __future__ import annotations

import asyncio
import unicodedata
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.channels.base import Choice, Inbound, Outbound
from bot.channels.web import Persona, WebChannel
from bot.clock import FixedClock
from bot.db import Database
from bot.photos import PhotoStore
from bot.web_history import DatabaseHistory

NOW = datetime(2026, 11, 3, 1, 2, 3, tzinfo=UTC)
PARENT = "web-parent-la1"
FRESH = "web-new-k3x9q"
PERSONAS = (
    Persona(PARENT, "Phụ huynh lớp Lá 1", "Phụ huynh"),
    Persona("principal", "Hiệu trưởng", "Ban giám hiệu"),
)
ANSWERS = (Choice("a:tok:0:5", "Rất hài lòng", "5"), Choice("a:tok:0:4", "Hài lòng", "4"))

Client = TestClient[web.Request, web.Application]


class EchoBot:
    """A receiver that records each inbound and answers it at once through the channel."""

    def __init__(self, channel: WebChannel) -> None:
        self.channel = channel
        self.seen: list[Inbound] = []
        self.fail = False
        self.reply_edits = False

    async def __call__(self, inbound: Inbound) -> bool:
        if self.fail:
            raise RuntimeError("database is locked")
        self.seen.append(inbound)
        said = inbound.text or inbound.choice or ""
        edit_of = inbound.message_id if self.reply_edits else None
        await self.channel.send(Outbound(inbound.chat_id, f"Đã nhận: {said}", edit_of=edit_of))
        return True


@pytest.fixture
async def channel() -> AsyncIterator[WebChannel]:
    web_channel = WebChannel(
        PERSONAS, title="Hài Lòng <Hoa Sen>", poll_seconds=5, clock=FixedClock(NOW)
    )
    yield web_channel
    await web_channel.stop()


@pytest.fixture
async def bot(channel: WebChannel) -> EchoBot:
    receiver = EchoBot(channel)
    await channel.start(receiver)
    return receiver


@pytest.fixture
async def client(channel: WebChannel) -> AsyncIterator[Client]:
    app = web.Application()
    app.add_routes(channel.routes())
    async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as test_client:
        yield test_client


async def say(client: Client, body: Any) -> tuple[int, dict[str, Any]]:
    response = await client.post("/api/say", json=body)
    return response.status, await response.json()


async def messages(
    client: Client, chat_id: str, since: int = -1, view: str = "buttons"
) -> dict[str, Any]:
    params: dict[str, str | int] = {"chat_id": chat_id, "since": since, "view": view}
    response = await client.get("/api/messages", params=params)
    assert response.status == 200
    data: dict[str, Any] = await response.json()
    return data


def texts(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(m["from"], m["text"]) for m in data["messages"]]


async def test_typed_text_becomes_one_inbound_and_both_sides_show(
    client: Client, bot: EchoBot
) -> None:
    decomposed = unicodedata.normalize("NFD", "  Xin chào cô\x07  ")

    status, body = await say(client, {"chat_id": FRESH, "text": decomposed})

    assert (status, body) == (200, {"ok": True})
    [inbound] = bot.seen
    assert inbound == Inbound(
        channel="web",
        external_id=inbound.external_id,
        chat_id=FRESH,
        user_id=FRESH,
        received_at=NOW,
        kind="text",
        text="Xin chào cô",
        choice=None,
        callback_id=None,
        message_id=None,
    )
    assert len(inbound.external_id) == 32 and int(inbound.external_id, 16) >= 0
    assert texts(await messages(client, FRESH)) == [
        ("me", "Xin chào cô"),
        ("bot", "Đã nhận: Xin chào cô"),
    ]


async def test_every_post_is_a_distinct_inbound(client: Client, bot: EchoBot) -> None:
    for _ in range(3):
        assert (await say(client, {"chat_id": PARENT, "text": "/khaosat"}))[0] == 200

    assert [i.text for i in bot.seen] == ["/khaosat"] * 3
    assert len({i.external_id for i in bot.seen}) == 3


async def test_tapping_a_button_posts_the_choice_of_that_message(
    client: Client, channel: WebChannel, bot: EchoBot
) -> None:
    asked = await channel.send(Outbound(PARENT, "Câu 1/15. Nhà trường…", ANSWERS))
    assert asked is not None

    status, _ = await say(client, {"chat_id": PARENT, "choice": "a:tok:0:4", "message_id": asked})

    assert status == 200
    [inbound] = bot.seen
    assert (inbound.kind, inbound.choice, inbound.message_id) == ("choice", "a:tok:0:4", asked)
    assert (inbound.text, inbound.callback_id, inbound.user_id) == ("", None, PARENT)
    data = await messages(client, PARENT)
    assert texts(data) == [
        ("bot", "Câu 1/15. Nhà trường…"),
        ("me", "Hài lòng"),
        ("bot", "Đã nhận: a:tok:0:4"),
    ]
    assert shown_choices(data["messages"][0]) == [
        {"payload": "a:tok:0:5", "label": "Rất hài lòng", "key": "5"},
        {"payload": "a:tok:0:4", "label": "Hài lòng", "key": "4"},
    ]


async def test_a_button_never_shown_on_that_message_is_refused(
    client: Client, channel: WebChannel, bot: EchoBot
) -> None:
    asked = await channel.send(Outbound(PARENT, "Câu 1/15.", ANSWERS))
    plain = await channel.send(Outbound(PARENT, "Cảm ơn anh/chị!"))

    for payload, message_id in [("w:new", asked), ("a:tok:0:5", plain), ("a:tok:0:5", "nope")]:
        body = {"chat_id": PARENT, "choice": payload, "message_id": message_id}
        assert (await say(client, body))[0] == 409
    assert (await say(client, {"chat_id": FRESH, "choice": "a:tok:0:5", "message_id": asked}))[
        0
    ] == 409

    assert bot.seen == []
    assert [m["from"] for m in (await messages(client, PARENT))["messages"]] == ["bot", "bot"]


BAD_BODIES: list[Any] = [
    [PARENT, "xin chào"],
    "xin chào",
    None,
    {"text": "xin chào"},
    {"chat_id": "123456", "text": "xin chào"},
    {"chat_id": "web-Parent", "text": "xin chào"},
    {"chat_id": "web-" + "a" * 41, "text": "xin chào"},
    {"chat_id": "web-a b", "text": "xin chào"},
    {"chat_id": 7, "text": "xin chào"},
    {"chat_id": PARENT},
    {"chat_id": PARENT, "text": 12},
    {"chat_id": PARENT, "text": " \x07\n "},
    {"chat_id": PARENT, "text": "a" * 4001},
    {"chat_id": PARENT, "choice": "", "message_id": "1"},
    {"chat_id": PARENT, "choice": "a:tok:0:5"},
    {"chat_id": PARENT, "choice": ["a:tok:0:5"], "message_id": "1"},
    {"chat_id": PARENT, "choice": "a" * 257, "message_id": "1"},
]


@pytest.mark.parametrize("body", BAD_BODIES)
async def test_bad_posts_are_refused_and_nothing_is_recorded(
    client: Client, bot: EchoBot, body: Any
) -> None:
    status, answer = await say(client, body)

    assert status == 400
    assert answer["ok"] is False and answer["error"]
    assert bot.seen == []
    assert (await messages(client, PARENT))["messages"] == []


async def test_broken_json_and_other_content_types_are_refused(
    client: Client, bot: EchoBot
) -> None:
    broken = await client.post(
        "/api/say", data=b'{"chat_id": "web-x", ', headers={"Content-Type": "application/json"}
    )
    form = await client.post("/api/say", data={"chat_id": PARENT, "text": "xin chào"})
    latin1 = await client.post(
        "/api/say",
        data=b'{"chat_id": "web-x", "text": "\xe0"}',
        headers={"Content-Type": "application/json"},
    )

    assert [broken.status, form.status, latin1.status] == [400, 400, 400]
    assert bot.seen == []


async def test_lone_surrogates_are_replaced_so_the_inbox_can_store_them(
    client: Client, bot: EchoBot
) -> None:
    """Valid JSON (an escaped half of a pair), invalid UTF-8: the kit's checks, as on webhooks."""
    assert (await say(client, {"chat_id": FRESH, "text": "bé \ud83d ốm"}))[0] == 200
    [inbound] = bot.seen
    assert inbound.text == "bé \ufffd ốm"
    inbound.text.encode()  # storable


async def test_the_longest_text_allowed_goes_through(client: Client, bot: EchoBot) -> None:
    assert (await say(client, {"chat_id": PARENT, "text": "ạ" * 4000}))[0] == 200
    assert bot.seen[0].text == "ạ" * 4000


async def test_a_persona_outside_the_web_pattern_is_allowed(client: Client, bot: EchoBot) -> None:
    assert (await say(client, {"chat_id": "principal", "text": "/khaosat"}))[0] == 200
    assert [i.chat_id for i in bot.seen] == ["principal"]
    assert (await client.get("/api/messages", params={"chat_id": "principal2"})).status == 400


async def test_a_failed_record_takes_the_echo_back(client: Client, bot: EchoBot) -> None:
    bot.fail = True

    status, _ = await say(client, {"chat_id": PARENT, "text": "xin chào"})

    assert status == 503
    assert (await messages(client, PARENT))["messages"] == []
    assert (await messages(client, PARENT, view="zalo"))["messages"] == []


async def test_posts_before_start_are_refused(channel: WebChannel, client: Client) -> None:
    assert (await say(client, {"chat_id": PARENT, "text": "xin chào"}))[0] == 503
    assert channel.chats.get(PARENT) is None or channel.chats[PARENT].messages == []


async def wait_for_poll(channel: WebChannel, count: int = 1) -> None:
    async with asyncio.timeout(2):
        while channel.open_polls < count:
            await asyncio.sleep(0.005)


async def test_a_long_poll_answers_as_soon_as_something_is_sent(
    client: Client, channel: WebChannel
) -> None:
    first = await channel.send(Outbound(PARENT, "Kính chào quý phụ huynh!"))
    seen = await messages(client, PARENT)
    poll = asyncio.create_task(messages(client, PARENT, since=seen["version"]))
    await wait_for_poll(channel)
    assert not poll.done()

    second = await channel.send(Outbound(PARENT, "Mời anh/chị nhập mã lớp."))

    async with asyncio.timeout(2):
        data = await poll
    assert data["version"] > seen["version"]
    assert [m["id"] for m in data["messages"]] == [first, second]
    assert channel.open_polls == 0


async def test_a_long_poll_gives_up_after_its_time(client: Client, channel: WebChannel) -> None:
    channel.poll_seconds = 0.05
    await channel.send(Outbound(PARENT, "Kính chào quý phụ huynh!"))
    seen = await messages(client, PARENT)

    again = await messages(client, PARENT, since=seen["version"])

    assert again == seen


async def test_a_page_from_before_a_restart_catches_up_at_once(
    client: Client, channel: WebChannel
) -> None:
    await channel.send(Outbound(PARENT, "Kính chào quý phụ huynh!"))
    async with asyncio.timeout(1):
        data = await messages(client, PARENT, since=999)
    assert data["version"] == 1 and len(data["messages"]) == 1


async def test_an_edit_replaces_the_message_and_brings_it_below_the_tap(
    client: Client, channel: WebChannel, bot: EchoBot
) -> None:
    channel.poll_seconds = 5
    asked = await channel.send(Outbound(PARENT, "Câu 1/15.", ANSWERS))
    before = await messages(client, PARENT)
    poll = asyncio.create_task(messages(client, PARENT, since=before["version"]))
    await wait_for_poll(channel)

    edited = await channel.send(
        Outbound(PARENT, "Câu 2/15.", (Choice("a:tok:1:5", "Rất hài lòng", "5"),), edit_of=asked)
    )

    data = await poll
    assert edited == asked
    assert data["version"] == before["version"] + 1
    assert [(m["id"], m["text"], m["edits"]) for m in data["messages"]] == [(asked, "Câu 2/15.", 1)]
    assert shown_choices(data["messages"][0]) == [
        {"payload": "a:tok:1:5", "label": "Rất hài lòng", "key": "5"}
    ]

    # the tap's echo comes after the question; the answer (an edit) moves below the echo
    bot.reply_edits = True
    assert (await say(client, {"chat_id": PARENT, "choice": "a:tok:1:5", "message_id": asked}))[
        0
    ] == 200
    data = await messages(client, PARENT)
    assert [(m["id"], m["from"], m["text"], m["edits"]) for m in data["messages"]] == [
        (data["messages"][0]["id"], "me", "Rất hài lòng", 0),
        (asked, "bot", "Đã nhận: a:tok:1:5", 2),
    ]


async def test_an_edit_of_a_message_not_shown_becomes_a_new_one(
    client: Client, channel: WebChannel
) -> None:
    gone = await channel.send(Outbound(PARENT, "Cảm ơn!", edit_of="from-before-a-restart"))

    assert gone is not None and gone != "from-before-a-restart"
    assert texts(await messages(client, PARENT)) == [("bot", "Cảm ơn!")]


async def test_an_ack_shows_nothing_and_a_notice_shows_once(
    client: Client, channel: WebChannel
) -> None:
    assert await channel.send(Outbound(PARENT, "", kind="ack", callback_id="cb")) is None
    assert await channel.send(Outbound(PARENT, "", kind="ack", notice="Đã lưu")) is None

    data = await messages(client, PARENT)

    assert data["messages"] == []
    assert data["notice"] == {"id": 1, "text": "Đã lưu"}
    assert data["version"] == 1


async def test_stop_wakes_every_waiting_page(client: Client, channel: WebChannel) -> None:
    channel.poll_seconds = 30
    polls = [asyncio.create_task(messages(client, chat, since=0)) for chat in (PARENT, FRESH)]
    await wait_for_poll(channel, 2)

    async with asyncio.timeout(2):
        await channel.stop()
        results = await asyncio.gather(*polls)

    assert [r["version"] for r in results] == [0, 0]
    refused = await client.get("/api/messages", params={"chat_id": PARENT, "since": 0})
    assert refused.status == 503


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"chat_id": "12345"},
        {"chat_id": PARENT, "since": "abc"},
        {"chat_id": "web-"},
        {"chat_id": PARENT, "view": "viber"},
    ],
)
async def test_bad_polls_are_refused(client: Client, params: dict[str, str]) -> None:
    response = await client.get("/api/messages", params=params)
    assert response.status == 400
    assert (await response.json())["ok"] is False


async def test_the_page_and_the_personas_are_served(client: Client, channel: WebChannel) -> None:
    page = await client.get("/")
    html = await page.text()

    assert page.status == 200 and page.content_type == "text/html"
    assert "Content-Security-Policy" in page.headers
    assert "Hài Lòng &lt;Hoa Sen&gt;" in html and "<Hoa Sen>" not in html
    for marker in ['id="persona"', 'id="view"', 'id="text"', 'id="log"', "dữ liệu demo", "Zalo"]:
        assert marker in html
    assert unicodedata.is_normalized("NFC", html)
    assert "http://" not in html and "https://" not in html  # nothing from a CDN

    listed = await (await client.get("/api/personas")).json()
    assert listed == [
        {"chat_id": PARENT, "label": "Phụ huynh lớp Lá 1", "group": "Phụ huynh"},
        {"chat_id": "principal", "label": "Hiệu trưởng", "group": "Ban giám hiệu"},
    ]
    channel.set_personas([Persona("web-teacher-la1", "Cô Lan", "Giáo viên")])
    assert [p["chat_id"] for p in await (await client.get("/api/personas")).json()] == [
        "web-teacher-la1"
    ]


async def test_the_zalo_view_numbers_the_choices_and_never_edits(
    client: Client, channel: WebChannel, bot: EchoBot
) -> None:
    asked = await channel.send(Outbound(PARENT, "Câu 1/15. Nhà trường…", ANSWERS))
    await say(client, {"chat_id": PARENT, "text": "1"})  # as typed on Zalo
    await channel.send(Outbound(PARENT, "Câu 2/15. Giáo viên…", ANSWERS, edit_of=asked))

    zalo = await messages(client, PARENT, view="zalo")
    assert zalo["view"] == "zalo" and zalo["notice"] is None
    assert texts(zalo) == [
        ("bot", "Câu 1/15. Nhà trường…\n\n5. Rất hài lòng\n4. Hài lòng\nTrả lời 4–5"),
        ("me", "1"),
        ("bot", "Đã nhận: 1"),
        ("bot", "Câu 2/15. Giáo viên…\n\n5. Rất hài lòng\n4. Hài lòng\nTrả lời 4–5"),
    ]
    assert all(m["choices"] == [] for m in zalo["messages"])
    # the view with buttons edited the question in place instead
    buttons = await messages(client, PARENT)
    assert texts(buttons) == [
        ("me", "1"),
        ("bot", "Đã nhận: 1"),
        ("bot", "Câu 2/15. Giáo viên…"),
    ]
    assert buttons["version"] == zalo["version"]


async def test_the_zalo_view_cuts_long_text_at_2000(channel: WebChannel, client: Client) -> None:
    await channel.send(Outbound(PARENT, "Thông báo của nhà trường. " * 150))
    pieces = [m["text"] for m in (await messages(client, PARENT, view="zalo"))["messages"]]
    assert len(pieces) == 2 and all(len(p) <= 2000 for p in pieces)
    assert len((await messages(client, PARENT))["messages"]) == 1


async def test_a_report_file_is_a_download_link_and_a_chart_is_shown(
    channel: WebChannel, client: Client, tmp_path: Path
) -> None:
    stored = tmp_path / "MN-HOASEN-week-3f9a1c2e.xlsx"
    stored.write_bytes(b"PK\x03\x04fake-xlsx")
    chart = tmp_path / "chart.png"
    chart.write_bytes(b"\x89PNG\r\n\x1a\nfake-chart")
    name = "bao-cao-tuan-16-11.xlsx"
    await channel.send(Outbound(PARENT, "Biểu đồ", image=str(chart)))
    await channel.send(Outbound(PARENT, "Số liệu", document=str(stored), document_name=name))

    shown = (await messages(client, PARENT))["messages"]
    image, document = shown[0]["file"], shown[1]["file"]
    assert (image["image"], image["name"]) == (True, "chart.png")
    assert (document["image"], document["name"]) == (False, name)
    download = await client.get(document["url"])
    assert download.status == 200 and await download.read() == stored.read_bytes()
    assert "attachment" in download.headers["Content-Disposition"]
    assert (await client.get(image["url"])).headers["Content-Disposition"].startswith("inline")
    # only what was sent is served, by its token; never a path
    assert (await client.get("/api/files/..%2F..%2Fetc%2Fpasswd")).status == 404
    zalo = [m["text"] for m in (await messages(client, PARENT, view="zalo"))["messages"]]
    assert zalo[1].startswith("Số liệu\n\n📎 Zalo chưa cho gửi tệp") and name in zalo[1]


async def test_the_page_learns_which_message_takes_a_photo(
    client: Client, channel: WebChannel, bot: EchoBot
) -> None:
    """The photo button follows `Outbound.takes_photo` of our newest message, in both views: on
    Zalo the question ends the last piece, so only that piece says it; an edit carries it too."""
    ask = "Anh/chị vui lòng viết nội dung. Có thể gửi kèm ảnh. " * 50  # two Zalo pieces
    asked = await channel.send(Outbound(PARENT, ask, takes_photo=True))
    assert [m["photo"] for m in (await messages(client, PARENT))["messages"]] == [True]
    zalo = (await messages(client, PARENT, view="zalo"))["messages"]
    assert [m["photo"] for m in zalo] == [False, True]
    await channel.send(Outbound(PARENT, "Chọn loại phản ánh:", ANSWERS, edit_of=asked))
    assert [m["photo"] for m in (await messages(client, PARENT))["messages"]] == [False]
    await channel.send(Outbound(PARENT, "Đã nhận ảnh (1/5).", takes_photo=True))
    shown = (await messages(client, PARENT))["messages"]
    assert [(m["text"], m["photo"]) for m in shown] == [
        ("Chọn loại phản ánh:", False),
        ("Đã nhận ảnh (1/5).", True),
    ]


def shown_choices(message: dict[str, Any]) -> list[dict[str, str]]:
    """What the page reads of each button (the JSON may carry more)."""
    return [{k: c[k] for k in ("payload", "label", "key")} for c in message["choices"]]


async def test_the_history_outlives_the_process_with_edits_buttons_and_files(
    clean_database: str, tmp_path: Path
) -> None:
    """A second channel on the same database (a restart) shows the same bubbles, in order, with
    the last message's buttons still tappable and its file still served."""
    chart = tmp_path / "chart.png"
    chart.write_bytes(b"\x89PNG\r\n\x1a\n")
    db = Database(clean_database)
    try:
        first = WebChannel(PERSONAS, clock=FixedClock(NOW), history=DatabaseHistory(db))
        bot = EchoBot(first)
        await first.start(bot)
        app = web.Application()
        app.add_routes(first.routes())
        async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as client:
            asked = await first.send(Outbound(PARENT, "Câu 1/2", choices=ANSWERS))
            await first.send(Outbound(PARENT, "Biểu đồ", image=str(chart)))
            bot.reply_edits = True
            await say(client, {"chat_id": PARENT, "choice": "a:tok:0:5", "message_id": asked})
            await first.send(Outbound(PARENT, "Câu 2/2", choices=ANSWERS, takes_photo=True))
            before = await messages(client, PARENT)
            zalo_before = await messages(client, PARENT, view="zalo")
        await first.stop()

        second = WebChannel(PERSONAS, clock=FixedClock(NOW), history=DatabaseHistory(db))
        again = EchoBot(second)
        await second.start(again)
        app = web.Application()
        app.add_routes(second.routes())
        async with TestClient(TestServer(app, host="127.0.0.1", port=0)) as client:
            after = await messages(client, PARENT)
            assert after["messages"] == before["messages"]
            assert [m["photo"] for m in after["messages"]] == [False, False, False, True]
            assert texts(after) == [
                ("bot", "Biểu đồ"),
                ("me", "Rất hài lòng"),
                ("bot", "Đã nhận: a:tok:0:5"),
                ("bot", "Câu 2/2"),
            ]
            assert (await messages(client, PARENT, view="zalo"))["messages"] == zalo_before[
                "messages"
            ]
            picture = await client.get(after["messages"][0]["file"]["url"])
            assert picture.status == 200
            last = after["messages"][-1]
            status, _ = await say(
                client, {"chat_id": PARENT, "choice": "a:tok:0:4", "message_id": last["id"]}
            )
            assert status == 200
            assert again.seen[-1].choice == "a:tok:0:4"
        await second.stop()
    finally:
        await db.dispose()


WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(20)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"\xff\xd8\xff\xe0" + bytes(100), 200),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), 200),
        (WEBP, 200),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", 415),
        (b"GIF89a" + bytes(100), 415),
        (b"RIFF\x24\x00\x00\x00WAVEfmt ", 415),
        (b"", 415),
        (b"\xff\xd8\xff" + bytes(1_000_000), 413),
    ],
)
async def test_a_photo_is_taken_by_its_first_bytes_and_its_size(
    channel: WebChannel, client: Client, bot: EchoBot, tmp_path: Path, body: bytes, status: int
) -> None:
    channel.store_photos_in(PhotoStore(tmp_path))
    # the type the browser claims is not trusted: it always says image/jpeg here
    response = await client.post(
        "/api/photo", params={"chat_id": FRESH}, data=body, headers={"Content-Type": "image/jpeg"}
    )
    assert response.status == status
    if status != 200:
        assert bot.seen == [] and list(tmp_path.iterdir()) == []
        return
    [inbound] = bot.seen
    assert (inbound.kind, inbound.text) == ("photo", "")
    assert inbound.media is not None and Path(inbound.media).read_bytes() == body
    [mine, _] = (await messages(client, FRESH))["messages"]
    assert mine["from"] == "me" and mine["file"]["image"]
    served = await client.get(mine["file"]["url"])
    assert await served.read() == body
    assert served.headers["Content-Disposition"].startswith("inline")


async def test_no_photo_without_a_folder_and_none_for_an_unknown_chat(
    channel: WebChannel, client: Client, bot: EchoBot, tmp_path: Path
) -> None:
    jpeg = b"\xff\xd8\xff\xe0" + bytes(10)
    assert (await client.post("/api/photo", params={"chat_id": FRESH}, data=jpeg)).status == 404
    channel.store_photos_in(PhotoStore(tmp_path))
    assert (await client.post("/api/photo", params={"chat_id": "../x"}, data=jpeg)).status == 400
    assert bot.seen == []
