"""A parent's phone on each channel, for transcript tests that run the same on all of them.

`Deployment` is the real app with a Telegram, a Zalo and a web channel, its HTTP server on
127.0.0.1, and loopback fakes of the Telegram and Zalo Bot APIs. A phone is one person's chat on
one of those channels: it delivers what the person types or taps the way the platform does (a
webhook POST, or the playground's JSON API), waits until the app has answered, and reads back
what the person sees. On Zalo there are no buttons, so `chooses` types the number shown beside
the label, and `choices` reads the numbered list under the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp
from aiohttp import web

from bot.app import App, create_app
from bot.channels.base import Channel
from bot.channels.telegram import TelegramChannel
from bot.channels.web import WebChannel
from bot.channels.zalo import REPLY_HINT, ZaloChannel
from bot.channels.zalo_client import ZaloBotClient
from bot.clock import FixedClock
from bot.settings import Settings
from tests.fakes.telegram_api import TOKEN as TELEGRAM_TOKEN
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import TOKEN as ZALO_TOKEN
from tests.fakes.zalo_api import FakeZalo

SECRET = "parity-Webhook_secret"
TELEGRAM_HOOK = "https://hailong.example.org/webhooks/telegram"
ZALO_HOOK = "https://hailong.example.org/zalo/bot/hoa-sen"
ZALO_ITEM = re.compile(r"(\S+)\. (.+)")
UNLIMITED = {
    f"{platform}_rate_{limit}": 0.0
    for platform in ("telegram", "zalo")
    for limit in ("overall", "per_chat", "per_group")
}


def unlimited(settings: Settings, **changes: object) -> Settings:
    """The settings without sending limits, which `settle` would otherwise wait out."""
    return settings.model_copy(update={**UNLIMITED, **changes})


@dataclass(frozen=True)
class Bubble:
    """One message as the person sees it: its text and the labels they can choose."""

    text: str
    choices: tuple[str, ...] = ()


class Phone(Protocol):
    """What a transcript test does with a person's chat, whatever the channel."""

    deployment: Deployment

    async def says(self, text: str) -> None: ...

    async def chooses(self, label: str) -> None: ...

    async def screen(self) -> list[Bubble]: ...


class Deployment:
    """The app with Telegram, Zalo and web channels, served on 127.0.0.1 with fake platforms."""

    def __init__(self, settings: Settings, clock: FixedClock) -> None:
        self.settings = unlimited(settings)
        self.clock = clock
        self.telegram_api = FakeTelegram()
        self.zalo_api = FakeZalo()
        self.http = aiohttp.ClientSession()
        self._runner: web.AppRunner | None = None
        self._app: App | None = None
        self.base = ""

    @property
    def app(self) -> App:
        assert self._app is not None, "deployment not started"
        return self._app

    @property
    def web(self) -> WebChannel:
        channel = self.app.channels["web"]
        assert isinstance(channel, WebChannel)
        return channel

    async def start(self) -> None:
        await self.telegram_api.start()
        await self.zalo_api.start()
        # the fake's CDN is the one host photos are downloaded from (HAILONG_ZALO_PHOTO_HOSTS)
        cdn = f"127.0.0.1:{self.zalo_api.port}"
        self.settings = self.settings.model_copy(update={"zalo_photo_hosts": [cdn]})
        await self._serve()

    async def restart(self) -> None:
        """Stops the app and starts a new one on the same database (a deploy, a crash)."""
        await self._shut()
        await self._serve()

    async def close(self) -> None:
        await self._shut()
        await self.http.close()
        await self.telegram_api.close()
        await self.zalo_api.close()

    async def post(self, path: str, body: object, headers: dict[str, str] | None = None) -> int:
        """POSTs JSON to the app's server as a platform (or the playground page) does."""
        async with self.http.post(self.base + path, json=body, headers=headers) as response:
            await response.read()
            return response.status

    async def get(self, path: str) -> Any:
        async with self.http.get(self.base + path) as response:
            assert response.status == 200, await response.text()
            return await response.json()

    async def settle(self) -> None:
        await self.app.settle()

    async def _serve(self) -> None:
        zalo_client = ZaloBotClient(ZALO_TOKEN, self.zalo_api.api_url, retry_delays=())
        channels: list[Channel] = [
            TelegramChannel(
                TELEGRAM_TOKEN,
                api_url=self.telegram_api.api_url,
                webhook_url=TELEGRAM_HOOK,
                webhook_secret=SECRET,
            ),
            ZaloChannel(
                ZALO_TOKEN, webhook_url=ZALO_HOOK, webhook_secret=SECRET, client=zalo_client
            ),
            WebChannel(),
        ]
        self._app = create_app(self.settings, channels=channels, clock=self.clock, jobs=[])
        self._runner = web.AppRunner(self._app.web, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        await self._app.start(scheduler=False, sender=False)

    async def _shut(self) -> None:
        if self._app is not None:
            await self._app.stop()
        if self._runner is not None:
            await self._runner.cleanup()
        self._app, self._runner = None, None


class TelegramPhone:
    """A private Telegram chat: text and button taps arrive as webhook updates."""

    def __init__(self, deployment: Deployment, chat_id: int) -> None:
        self.deployment, self.chat_id = deployment, chat_id
        self.api = deployment.telegram_api

    async def says(self, text: str) -> None:
        await self._deliver(self.api.text_update(self.chat_id, text))

    async def sends_photo(self, file_id: str) -> None:
        update = self.api.text_update(self.chat_id, "")
        message = update["message"]
        del message["text"]
        message["photo"] = [
            {"file_id": file_id, "file_unique_id": "u-" + file_id, "width": 1280, "height": 960}
        ]
        await self._deliver(update)

    async def chooses(self, label: str) -> None:
        await self.taps(label)

    async def taps(self, label: str, *, on: str = "", times: int = 1) -> None:
        """Taps `label` on the newest message with buttons whose text starts with `on`.

        `times=2` is a double tap: both arrive before the app answers either.
        """
        for message_id, message in reversed(self._messages()):
            buttons = [b for row in _keyboard(message) for b in row]
            if buttons and (message.get("text") or message.get("caption") or "").startswith(on):
                data = _pick([(b["text"], b["callback_data"]) for b in buttons], label)
                for _ in range(times):
                    update = self.api.callback_update(self.chat_id, data, message_id)
                    await self._post(update)
                await self.deployment.settle()
                return
        raise AssertionError(f"no message with buttons starting {on!r}")

    async def screen(self) -> list[Bubble]:
        return [
            Bubble(m.get("text") or m.get("caption") or "", tuple(b["text"] for r in k for b in r))
            for _, m in self._messages()
            for k in [_keyboard(m)]
        ]

    def _messages(self) -> list[tuple[int, dict[str, Any]]]:
        mine = str(self.chat_id)
        return [(mid, m) for (chat, mid), m in self.api.messages.items() if chat == mine]

    async def _deliver(self, update: dict[str, Any]) -> None:
        await self._post(update)
        await self.deployment.settle()

    async def _post(self, update: dict[str, Any]) -> None:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        assert await self.deployment.post("/webhooks/telegram", update, headers) == 200


class ZaloPhone:
    """A private Zalo chat: everything is typed text delivered by webhook; no buttons, no edits."""

    def __init__(self, deployment: Deployment, chat_id: str) -> None:
        self.deployment, self.chat_id = deployment, chat_id
        self.api = deployment.zalo_api

    async def says(self, text: str) -> None:
        await self.deliver(self.api.text_update(self.chat_id, text))

    async def sends_photo(self, url: str) -> None:
        update = self.api.text_update(self.chat_id, "", event_name="message.image.received")
        message = update["message"]
        del message["text"]
        message.update(message_type="CHAT_PHOTO", photo_url=url)
        await self.deliver(update)

    async def deliver(self, update: dict[str, Any]) -> None:
        """Zalo posts `update` to the app's webhook (this person's, or one in a group)."""
        headers = {"X-Bot-Api-Secret-Token": SECRET}
        assert await self.deployment.post("/zalo/bot/hoa-sen", update, headers) == 200
        await self.deployment.settle()

    async def chooses(self, label: str) -> None:
        """Types what the numbered list shows beside `label`: its number, or the word itself."""
        for bubble in reversed(await self.screen()):
            if bubble.choices:
                await self.says(_pick(_numbered(bubble.text), label))
                return
        raise AssertionError("no message with a numbered list")

    async def screen(self) -> list[Bubble]:
        sent = [s for s in self.api.sent if s.chat_id == self.chat_id]
        bubbles = []
        for message in sent:
            text = message.text or message.caption
            bubbles.append(Bubble(text, tuple(label for label, _ in _numbered(text))))
        return bubbles


class WebPhone:
    """A playground chat: the page's JSON API, buttons included."""

    def __init__(self, deployment: Deployment, chat_id: str) -> None:
        self.deployment, self.chat_id = deployment, chat_id

    async def says(self, text: str) -> None:
        await self._post({"chat_id": self.chat_id, "text": text})

    async def chooses(self, label: str) -> None:
        await self.taps(label)

    async def taps(self, label: str, *, on: str = "", times: int = 1) -> None:
        """Taps `label` on the newest bot message with buttons whose text starts with `on`."""
        for message in reversed(await self._messages()):
            if message["from"] == "bot" and message["choices"] and message["text"].startswith(on):
                pairs = [(c["label"], c["payload"]) for c in message["choices"]]
                body = {"chat_id": self.chat_id, "choice": _pick(pairs, label)}
                for _ in range(times):
                    await self._send({**body, "message_id": message["id"]})
                await self.deployment.settle()
                return
        raise AssertionError(f"no message with buttons starting {on!r}")

    async def screen(self) -> list[Bubble]:
        return [
            Bubble(m["text"], tuple(c["label"] for c in m["choices"]))
            for m in await self._messages()
            if m["from"] == "bot"
        ]

    async def _messages(self) -> list[dict[str, Any]]:
        data = await self.deployment.get(f"/api/messages?chat_id={self.chat_id}&since=-1")
        messages: list[dict[str, Any]] = data["messages"]
        return messages

    async def _post(self, body: dict[str, str]) -> None:
        await self._send(body)
        await self.deployment.settle()

    async def _send(self, body: dict[str, str]) -> None:
        assert await self.deployment.post("/api/say", body) == 200


def _keyboard(message: dict[str, Any]) -> list[list[dict[str, str]]]:
    keyboard: list[list[dict[str, str]]] = (message.get("reply_markup") or {}).get(
        "inline_keyboard", []
    )
    return keyboard


def _numbered(text: str) -> list[tuple[str, str]]:
    """(label, what to type) of each line of the list ending a Zalo message, if it has one."""
    lines = text.split("\n\n")[-1].splitlines()
    if not lines or not lines[-1].startswith(REPLY_HINT.split("{", 1)[0]):
        return []
    items = []
    for line in lines[:-1]:
        found = ZALO_ITEM.fullmatch(line)
        items.append((found.group(2), found.group(1)) if found else (line, line))
    return items or [(token, token) for token in _hinted(lines[-1])]


def _hinted(hint: str) -> list[str]:
    """What a hint alone offers: "Trả lời 1–17" is 1 to 17, "Trả lời 1, 3, 4" those three."""
    tokens: list[str] = []
    for part in re.split(r", | hoặc ", hint.split(" ", 2)[2]):
        low, dash, high = part.partition("–")
        tokens += [str(n) for n in range(int(low), int(high) + 1)] if dash else [part]
    return tokens


def _pick(options: list[tuple[str, str]], label: str) -> str:
    """The value of the first option whose label starts with `label` (ticks aside)."""
    for shown, value in options:
        if shown.removeprefix("✓ ").startswith(label.removeprefix("✓ ")):
            return value
    raise AssertionError(f"no choice {label!r} in {[shown for shown, _ in options]}")


def phone_on(deployment: Deployment, channel: str, person: int = 1) -> Phone:
    """Person number `person`'s private chat on `channel`."""
    if channel == "telegram":
        return TelegramPhone(deployment, 8000 + person)
    if channel == "zalo":
        return ZaloPhone(deployment, f"e4ea2cd5189df1c3a8{person:02d}")
    return WebPhone(deployment, f"web-new-parity{person}")


async def last_reply(phone: Phone) -> str:
    screen = await phone.screen()
    return screen[-1].text if screen else ""


async def choices(phone: Phone) -> list[str]:
    """The labels the newest message offers (none when it offers none)."""
    screen = await phone.screen()
    return list(screen[-1].choices) if screen else []
