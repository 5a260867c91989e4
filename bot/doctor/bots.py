"""The bot checks: each configured bot's token (getMe) and webhook (getWebhookInfo).

Plain calls on the doctor's one HTTP session, not the channels' clients: they would load PTB and
retry, where the doctor wants one quick answer. A webhook's secret cannot be read back from
either platform; Telegram shows a wrong one as its last delivery error (our 401).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

import aiohttp

from bot.channels.kit.redaction import protect, redact
from bot.doctor.findings import Finding, Verdict
from bot.settings import Settings

Platform = Literal["telegram", "zalo"]
TOKEN_FIX = {
    "telegram": "copy the token again from @BotFather (/mybots, API Token)",
    "zalo": "copy the token again from Zalo Bot Manager (a reset makes the old one invalid)",
}


@dataclass(frozen=True)
class Bot:
    """One bot to check, and the settings that configure it (named in every fix)."""

    name: str  # the channel's: telegram, zalo, zalo-<school>
    platform: Platform
    api_url: str
    token: str = field(repr=False)
    token_setting: str
    webhook_url: str | None
    webhook_setting: str
    username: str | None = None  # HAILONG_TELEGRAM_BOT_USERNAME, when set


@dataclass(frozen=True)
class Answer:
    """A Bot API answer: its error code (else the HTTP status) and its envelope."""

    code: int
    ok: bool
    result: Any
    description: str


def bots_of(settings: Settings) -> list[Bot]:
    """The Telegram bot and every Zalo bot the settings configure."""
    bots = []
    if settings.telegram_token is not None:
        bots.append(
            Bot(
                "telegram",
                "telegram",
                settings.telegram_api_url,
                settings.telegram_token.get_secret_value(),
                "HAILONG_TELEGRAM_TOKEN",
                settings.telegram_webhook_url,
                "HAILONG_TELEGRAM_WEBHOOK_URL",
                settings.telegram_bot_username,
            )
        )
    for endpoint in settings.zalo_endpoints():
        school = endpoint.school
        bots.append(
            Bot(
                endpoint.name,
                "zalo",
                endpoint.api_url,
                endpoint.token,
                f"HAILONG_ZALO_BOTS (token of {school})" if school else "HAILONG_ZALO_TOKEN",
                endpoint.webhook_url,
                f"HAILONG_ZALO_BOTS (webhook_url of {school})"
                if school
                else "HAILONG_ZALO_WEBHOOK_URL",
            )
        )
    return bots


async def check_bots(settings: Settings, http: aiohttp.ClientSession) -> list[Finding]:
    """Two lines per bot (its token, then its webhook), all bots at once."""
    bots = bots_of(settings)
    if not bots:
        return [
            Finding(
                "bots",
                Verdict.SKIP,
                "no HAILONG_TELEGRAM_TOKEN, HAILONG_ZALO_TOKEN or HAILONG_ZALO_BOTS: "
                "only the web chat can run",
            )
        ]
    protect(*(bot.token for bot in bots))
    found = await asyncio.gather(*(check_bot(bot, http) for bot in bots))
    return [finding for pair in found for finding in pair]


async def check_bot(bot: Bot, http: aiohttp.ClientSession) -> list[Finding]:
    """The token first: without a valid one the webhook cannot be asked about."""
    try:
        me = await _call(bot, http, "getMe")
    except (aiohttp.ClientError, TimeoutError) as error:
        return [Finding(f"{bot.name} token", Verdict.FAIL, _unreachable(bot, error))]
    token = _token(bot, me)
    if token.verdict is Verdict.FAIL:
        return [token]
    try:
        info = await _call(bot, http, "getWebhookInfo")
    except (aiohttp.ClientError, TimeoutError) as error:
        return [token, Finding(f"{bot.name} webhook", Verdict.FAIL, _unreachable(bot, error))]
    return [token, _webhook(bot, info)]


async def _call(bot: Bot, http: aiohttp.ClientSession, method: str) -> Answer:
    async with http.post(f"{bot.api_url}{bot.token}/{method}", json={}) as response:
        status = response.status
        try:
            body = await response.json(content_type=None)
        except ValueError:
            body = None
    if not isinstance(body, dict) or not isinstance(body.get("ok"), bool):
        return Answer(status, False, None, f"HTTP {status} without a Bot API answer")
    code = body.get("error_code")
    status = code if isinstance(code, int) and not isinstance(code, bool) and code > 0 else status
    description = redact(str(body.get("description") or ""))
    return Answer(status, body["ok"], body.get("result"), description)


def _token(bot: Bot, me: Answer) -> Finding:
    check = f"{bot.name} token"
    if me.ok and isinstance(me.result, dict):
        if bot.platform == "zalo":
            return Finding(check, Verdict.OK, f"{me.result.get('account_name')} answers getMe")
        username = me.result.get("username")
        if bot.username and bot.username.lstrip("@").lower() != str(username).lower():
            return Finding(
                check,
                Verdict.WARN,
                f"the token is @{username}'s, but HAILONG_TELEGRAM_BOT_USERNAME says "
                f"{bot.username}: invite links would open the wrong bot; fix or unset it",
            )
        return Finding(check, Verdict.OK, f"@{username} answers getMe")
    if me.code in (401, 404):  # Telegram answers 404 to a token of the wrong shape
        return Finding(
            check,
            Verdict.FAIL,
            f"{bot.token_setting} is refused ({me.code} {me.description or 'Unauthorized'}): "
            f"{TOKEN_FIX[bot.platform]}",
        )
    return Finding(
        check,
        Verdict.FAIL,
        f"getMe answered {me.code} {me.description}: try again later; if it stays, "
        f"check {_api_setting(bot)}",
    )


def _webhook(bot: Bot, info: Answer) -> Finding:
    """Where the platform delivers updates, against where this deployment wants them."""
    check = f"{bot.name} webhook"
    none_set = bot.platform == "zalo" and info.code == 404  # Zalo's answer when none is set
    if not info.ok and not none_set:
        return Finding(
            check, Verdict.FAIL, f"getWebhookInfo answered {info.code} {info.description}"
        )
    result = info.result if isinstance(info.result, dict) else {}
    registered = "" if none_set else str(result.get("url") or "")
    wanted = bot.webhook_url
    if not wanted:
        if not registered:
            return Finding(check, Verdict.OK, "none registered (long polling)")
        return Finding(
            check,
            Verdict.FAIL,
            f"registered at {registered}, but {bot.webhook_setting} is unset (long polling, "
            "which gets nothing while a webhook is set): another deployment may use this token; "
            f"stop it, or set {bot.webhook_setting}={registered} if it is this one "
            "(`hailong run` removes a webhook when it starts polling)",
        )
    if not registered:
        return Finding(
            check,
            Verdict.WARN,
            f"none registered yet: `hailong run` registers {wanted} when it starts",
        )
    if registered != wanted:
        return Finding(
            check,
            Verdict.FAIL,
            f"registered at {registered}, not at {bot.webhook_setting}={wanted}: another "
            "deployment with this token set it, or the setting changed; stop the other one and "
            f"restart `hailong run`, which registers {wanted}",
        )
    return _deliveries(check, wanted, result)


def _deliveries(check: str, url: str, info: dict[str, Any]) -> Finding:
    """Telegram's last delivery error, while updates wait: the webhook is not reached."""
    waiting = info.get("pending_update_count") or 0
    error = redact(str(info.get("last_error_message") or ""))
    if info.get("has_custom_certificate"):
        return Finding(
            check,
            Verdict.WARN,
            f"registered at {url} with a self-signed certificate this bot never sends: "
            "restart `hailong run` to register it again without one",
        )
    if error and waiting:
        since = info.get("last_error_date")
        ago = f", {int((time.time() - since) // 60)} min ago" if isinstance(since, int) else ""
        fix = (
            "the secret differs from HAILONG_TELEGRAM_WEBHOOK_SECRET: restart `hailong run` to "
            "register it again"
            if "401" in error
            else f"check that {url} reaches this server (DNS, TLS certificate, reverse proxy "
            "to HAILONG_HTTP_HOST:HAILONG_HTTP_PORT)"
        )
        return Finding(
            check,
            Verdict.FAIL,
            f"{waiting} updates waiting; the last delivery failed ({error}{ago}): {fix}",
        )
    return Finding(check, Verdict.OK, f"registered at {url} ({waiting} updates waiting)")


def _unreachable(bot: Bot, error: BaseException) -> str:
    parts = urlsplit(bot.api_url)
    return (
        f"cannot reach {parts.scheme}://{parts.netloc} ({type(error).__name__}): check the "
        f"network, a proxy or firewall, and {_api_setting(bot)}"
    )


def _api_setting(bot: Bot) -> str:
    return "HAILONG_TELEGRAM_API_URL" if bot.platform == "telegram" else "HAILONG_ZALO_API_URL"
