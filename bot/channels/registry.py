"""The chat platforms a deployment can run: one list, read by the composition root.

Each entry maps a settings group (HAILONG_TELEGRAM_*, HAILONG_ZALO_* with the schools' own bots
in HAILONG_ZALO_BOTS) to the channels it configures and to the sending limits of each of their
bot tokens. `bot/app.py` builds channels and rate limiters from `PLATFORMS` alone.

Adding a channel is:
1. one adapter module, bot/channels/<platform>.py: its `translate` (platform payload → Inbound)
   and rendering (Outbound → platform calls) plus its client; receiving (webhook, long poll,
   backoff, redaction) comes from bot/channels/kit;
2. its recorded payloads in tests/payloads/<platform>/, run through the adapter's table-driven
   test and the garbage fuzz test;
3. one `Platform` entry below (and its fields in bot/settings.py, the one typed settings object).

A channel's name is its platform's name, or `<platform>-<suffix>` for a second bot of the same
platform (a school's own Zalo bot): `base.platform_of` reads the platform back from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from pydantic import SecretStr

from bot.channels.base import Channel, platform_of
from bot.ratelimit import Limits, RateLimiter

if TYPE_CHECKING:
    from bot.settings import Settings


@dataclass(frozen=True)
class Platform:
    """One chat platform: its settings group's channels (none when switched off) and limits."""

    name: str
    channels: Callable[[Settings], list[Channel]]
    limits: Callable[[Settings], Limits]


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


def _telegram_channels(settings: Settings) -> list[Channel]:
    """The bot of HAILONG_TELEGRAM_TOKEN, if set."""
    if settings.telegram_token is None:
        return []
    from bot.channels.telegram import TelegramChannel  # PTB is loaded only when Telegram is on

    return [
        TelegramChannel(
            token=settings.telegram_token.get_secret_value(),
            api_url=settings.telegram_api_url,
            webhook_url=settings.telegram_webhook_url,
            webhook_secret=_secret(settings.telegram_webhook_secret),
            username=settings.telegram_bot_username,
        )
    ]


def _zalo_channels(settings: Settings) -> list[Channel]:
    """The shared bot of HAILONG_ZALO_TOKEN, then each school's own of HAILONG_ZALO_BOTS."""
    from bot.channels.zalo import ZaloChannel

    return [
        ZaloChannel(
            e.token,
            e.api_url,
            e.webhook_url,
            e.webhook_secret,
            name=e.name,
            webhook_path=e.webhook_path,
        )
        for e in settings.zalo_endpoints()
    ]


PLATFORMS: Final = (
    Platform(
        "telegram",
        _telegram_channels,
        lambda s: Limits(
            s.telegram_rate_overall, s.telegram_rate_per_chat, s.telegram_rate_per_group
        ),
    ),
    Platform(
        "zalo",
        _zalo_channels,
        lambda s: Limits(s.zalo_rate_overall, s.zalo_rate_per_chat, s.zalo_rate_per_group),
    ),
)


def configured_channels(settings: Settings) -> list[Channel]:
    """The channels of every platform whose settings are filled in, in `PLATFORMS` order."""
    return [channel for platform in PLATFORMS for channel in platform.channels(settings)]


def rate_limiters(settings: Settings, channels: Iterable[str]) -> dict[str, RateLimiter]:
    """One limiter per bot token, i.e. per channel of a listed platform (Zalo limits each bot);
    channels of no listed platform (the web page, tests' memory) send unlimited."""
    limits = {platform.name: platform.limits(settings) for platform in PLATFORMS}
    return {
        name: RateLimiter(limits[platform_of(name)], settings.delivery_pace)
        for name in channels
        if platform_of(name) in limits
    }
