"""The one list of platforms: which channels the settings switch on, and each token's limits."""

from __future__ import annotations

from bot.app import create_app
from bot.channels.memory import MemoryChannel
from bot.channels.registry import PLATFORMS, configured_channels, rate_limiters
from bot.channels.telegram import TelegramChannel
from bot.settings import Settings
from tests.fakes.telegram_api import TOKEN as TELEGRAM_TOKEN
from tests.fakes.zalo_api import TOKEN as ZALO_TOKEN

SCHOOL_TOKEN = "2233445566:zaloOtherSchool-token_for-tests-abcdef"


def configured(settings: Settings, **values: object) -> Settings:
    """The test settings plus values validated as the environment's would be."""
    return Settings.model_validate({**settings.model_dump(), **values})


def test_every_settings_group_is_one_entry() -> None:
    assert [platform.name for platform in PLATFORMS] == ["telegram", "zalo"]


def test_no_token_no_channel(settings: Settings) -> None:
    assert configured_channels(settings) == []


async def test_each_token_set_is_a_channel_with_its_own_limits(settings: Settings) -> None:
    full = configured(
        settings,
        telegram_token=TELEGRAM_TOKEN,
        telegram_bot_username="hailong_school_bot",
        telegram_rate_per_chat=0.5,
        zalo_token=ZALO_TOKEN,
        zalo_bots=[{"school": "MN-SEN", "token": SCHOOL_TOKEN}],
        zalo_rate_overall=4.0,
    )
    channels = configured_channels(full)
    assert [c.name for c in channels] == ["telegram", "zalo", "zalo-mn-sen"]
    telegram = channels[0]
    assert isinstance(telegram, TelegramChannel)
    assert await telegram.username() == "hailong_school_bot"  # from the settings, no getMe

    limiters = rate_limiters(full, [*(c.name for c in channels), "web", "memory"])
    assert set(limiters) == {"telegram", "zalo", "zalo-mn-sen"}  # the page sends unlimited
    assert limiters["telegram"].limits.chat_per_second == 0.5
    assert limiters["zalo"].limits.overall_per_second == 4.0
    assert limiters["zalo"] is not limiters["zalo-mn-sen"]  # Zalo limits each bot


def test_the_app_builds_its_channels_and_limiters_from_the_list(settings: Settings) -> None:
    app = create_app(configured(settings, telegram_token=TELEGRAM_TOKEN), jobs=[])
    assert list(app.channels) == ["telegram"]
    assert set(app.outbox.limiters) == {"telegram"}
    given = create_app(settings, channels=[MemoryChannel()], jobs=[])
    assert list(given.channels) == ["memory"] and given.outbox.limiters == {}
