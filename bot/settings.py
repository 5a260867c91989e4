"""The one typed settings object.

Precedence: explicit keyword arguments > environment variables (HAILONG_*) > `.env` file > defaults.
It is loaded once by the CLI and passed down; nothing deeper reads the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of a deployment; each field is one HAILONG_* variable (see README)."""

    model_config = SettingsConfigDict(env_prefix="HAILONG_", env_file=".env", extra="ignore")

    database_url: str = Field(
        "sqlite+aiosqlite:///var/hailong.db", description="SQLAlchemy async URL of the database."
    )
    http_host: str = Field("127.0.0.1", description="Address the HTTP server listens on.")
    http_port: int = Field(8080, description="Port of the HTTP server (playground, webhooks).")
    timezone: str = Field("Asia/Ho_Chi_Minh", description="Time zone for schedules and dates.")
    language: Literal["vi", "en"] = Field("vi", description="Default language of the copy.")
    log_level: str = Field("INFO", description="Python logging level.")

    telegram_token: SecretStr | None = Field(None, description="Bot token from @BotFather.")
    telegram_api_url: str = Field(
        "https://api.telegram.org/bot", description="Bot API base URL (the token is appended)."
    )
    telegram_webhook_url: str | None = Field(
        None, description="Public HTTPS URL for updates; unset means long polling."
    )
    telegram_webhook_secret: SecretStr | None = Field(
        None, description="Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token."
    )
    telegram_bot_username: str | None = Field(
        None, description="Bot username for t.me links; asked from getMe when unset."
    )
    telegram_rate_overall: float = Field(
        30.0, description="Messages per second for the whole token (0 = no limit)."
    )
    telegram_rate_per_chat: float = Field(1.0, description="Messages per second to one chat.")
    telegram_rate_per_group: float = Field(20.0, description="Messages per minute to one group.")

    zalo_token: SecretStr | None = Field(None, description="Zalo Bot Platform token.")
    zalo_api_url: str = Field(
        "https://bot-api.zaloplatforms.com/bot", description="Zalo Bot API base URL."
    )
    zalo_webhook_url: str | None = Field(None, description="Public URL for Zalo webhooks.")
    zalo_webhook_secret: SecretStr | None = Field(
        None, description="Secret Zalo sends in X-Bot-Api-Secret-Token."
    )

    survey_dirs: list[Path] = Field(
        default_factory=list, description="Extra folders of survey YAML files (JSON list)."
    )
    scoring_method: Literal["mean", "pooled"] = Field(
        "mean", description="Element index: mean of item indices, or pooled answers."
    )
    min_group_size: int = Field(5, description="Groups with fewer respondents are suppressed.")
    invite_ttl_hours: int = Field(72, description="Hours a staff invite code stays valid.")
    outbox_max_attempts: int = Field(8, description="Send attempts before a message is dead.")


def load_settings(**overrides: object) -> Settings:
    """Reads the settings once, from the environment, `.env` and overrides."""
    return Settings(**overrides)  # type: ignore[arg-type]
