"""The one typed settings object.

Precedence: explicit keyword arguments > environment variables (HAILONG_*) > `.env` file > defaults.
It is loaded once by the CLI and passed down; nothing deeper reads the environment.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal, Self
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict, SettingsError

from bot.delivery.quiet import normalise as normalise_quiet_hours
from bot.web_address import is_web_address
from surveys.text import tidy

ZALO_CHANNEL = "zalo"
# "zalo" or "zalo-<school>": the part before the dash names the platform (base.platform_of)
_CHANNEL_NAME = re.compile(r"zalo(-[a-z0-9]+)*")
_CHANNEL_NAME_LIMIT = 20  # the width of the channel columns
# a database URL's scheme as people copy it (psql, Docker, Heroku) and the async driver meant
_DATABASE_DRIVERS = {
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
}
_WEBHOOK_SECRET_LENGTH = range(8, 257)  # what Zalo's setWebhook accepts
# what Telegram's setWebhook accepts as secret_token (1-256 of these; we ask for 8 at least)
_TELEGRAM_SECRET = re.compile(r"[A-Za-z0-9_-]{8,256}")


class ZaloBot(BaseModel):
    """One school's own Zalo bot: an entry of the JSON list HAILONG_ZALO_BOTS."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    school: str = Field(min_length=1, description="Code of the only school the bot enrols into.")
    token: SecretStr = Field(description="The bot's token from Zalo Bot Manager.")
    webhook_url: str | None = Field(None, description="Public URL; unset means long polling.")
    webhook_secret: SecretStr | None = Field(None, description="8-256 characters.")
    name: str | None = Field(
        None, description="Channel name, zalo-…; default zalo-<school code in lower case>."
    )
    api_url: str | None = Field(None, description="Bot API base URL; default HAILONG_ZALO_API_URL.")

    @field_validator("webhook_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        return _web_address_or_none(value)

    @field_validator("api_url")
    @classmethod
    def _bot_api(cls, value: str | None) -> str | None:
        return None if value is None or not value.strip() else _bot_api_address(value)

    @field_validator("school")
    @classmethod
    def _school_as_stored(cls, value: str) -> str:
        """The code as schools are stored (NFC, single spaces): "HS " is the school HS."""
        if not tidy(value):
            raise ValueError("the code of a school, e.g. MN-HOASEN")
        return tidy(value)


def _web_address_or_none(value: str | None) -> str | None:
    """A public address as the platforms and phones open it, blank for none; never echoed (a
    webhook's path may be its secret)."""
    if value is None or not value.strip():
        return None
    if not is_web_address(value):
        raise ValueError("must be a web address such as https://hailong.truong.edu.vn/…")
    return value.strip()


def _bot_api_address(value: str) -> str:
    """A Bot API's base address, as the token is put right after it: http(s)://host/…/bot (a
    server of the deployment's own may be a host without a dot, http://bot-api:8081/bot)."""
    parts = urlsplit(value.strip())
    if not (
        parts.scheme in ("http", "https")
        and parts.hostname
        and parts.path.endswith("/bot")
        and not (parts.query or parts.fragment)
    ):
        raise ValueError(
            "must be the Bot API's address ending in /bot, as the default is (the token follows "
            "it): unset it unless the bot talks to another Bot API server"
        )
    return value.strip()


@dataclass(frozen=True)
class ZaloEndpoint:
    """A Zalo bot as the app runs it: channel name, school (None: every school), secrets."""

    name: str
    school: str | None
    api_url: str
    token: str = field(repr=False)
    webhook_url: str | None
    webhook_secret: str | None = field(repr=False)
    webhook_path: str


class Settings(BaseSettings):
    """Every knob of a deployment; each field is one HAILONG_* variable (see README)."""

    model_config = SettingsConfigDict(
        env_prefix="HAILONG_", env_file=".env", extra="ignore", populate_by_name=True
    )

    database_url: str = Field(
        "sqlite+aiosqlite:///var/hailong.db", description="SQLAlchemy async URL of the database."
    )
    http_host: str = Field("127.0.0.1", description="Address the HTTP server listens on.")
    http_port: int = Field(
        8080, ge=1, le=65535, description="Port of the HTTP server (playground, webhooks)."
    )
    timezone: str = Field("Asia/Ho_Chi_Minh", description="Time zone for schedules and dates.")
    language: Literal["vi", "en"] = Field("vi", description="Default language of the copy.")
    log_level: str = Field("INFO", description="Python logging level.")
    log_format: Literal["text", "json"] = Field(
        "text", description="Log lines as text, or one JSON object per line."
    )
    button_key: SecretStr | None = Field(
        None,
        description="Key that signs buttons; unset: one made once and kept in the database.",
    )

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
    zalo_bots: list[ZaloBot] = Field(
        default_factory=list,
        description="Schools' own Zalo bots: JSON list of {school, token, webhook_url, ...}.",
    )
    zalo_rate_overall: float = Field(
        5.0, description="Messages per second for one Zalo bot (0 = no limit)."
    )
    zalo_rate_per_chat: float = Field(1.0, description="Messages per second to one Zalo chat.")
    zalo_rate_per_group: float = Field(20.0, description="Messages per minute to one Zalo group.")

    survey_dirs: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description="Extra folders of survey YAML files: one path, several joined by the "
        "system's path separator (':' on Linux), or a JSON list.",
    )
    scoring_method: Literal["mean", "pooled"] = Field(
        "mean", description="Element index: mean of item indices, or pooled answers."
    )
    min_group_size: int = Field(5, description="Groups with fewer respondents are suppressed.")
    invite_ttl_hours: int = Field(72, ge=1, description="Hours a staff invite code stays valid.")
    outbox_max_attempts: int = Field(
        8,
        ge=1,
        description="Tries of a message that fails with an unexpected error of the bot's own "
        "before it is given up (platform failures are tried until the time limit).",
    )
    outbox_give_up_hours: float = Field(
        24.0,
        gt=0,
        description="Hours a reply, or a broadcast after its release, is tried before it is "
        "given up.",
    )
    delivery_pace: float = Field(
        0.96, gt=0, le=1, description="Fraction of each platform limit the sender aims at."
    )
    delivery_concurrency: int = Field(
        48, ge=1, le=64, description="Messages in flight at once (at most the HTTP pool's 64)."
    )
    quiet_hours: str = Field(
        "21:00-06:30", description="Default quiet hours of a school, local time; '' for none."
    )
    audience: Literal["groups", "private", "both"] = Field(
        "groups",
        description="Default audience of a school's posts: class groups (else privately), "
        "private messages, or both.",
    )
    survey_reminders: int = Field(
        2, ge=0, description="Reminders at most to a parent who has not answered an open wave."
    )
    survey_reminder_days: int = Field(3, ge=1, description="Days between a wave's reminders.")

    workdays_file: Path | None = Field(
        None, description="YAML of each year's extra days off and working days (default: shipped)."
    )
    ticket_answer_days: int = Field(
        5, ge=1, description="Working days to answer a suggestion or question (school policy)."
    )
    ticket_resolve_days: int = Field(
        10, ge=1, description="Working days to resolve an accepted petition (school policy)."
    )
    ticket_rating_days: int = Field(
        3,
        ge=0,
        description=(
            "Days a ticket whose closing was asked waits for the sender's rating before it "
            "closes by itself (0: closes at once)."
        ),
    )
    # (named when the school's managing authority was a district office; kept for compatibility)
    ticket_escalate_district: bool = Field(
        False,
        description="Also tell the officers of the school's managing authority (the nearest "
        "with officers) about overdue tickets.",
    )

    digest_day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = Field(
        "mon", description="Day of the week the principals' weekly digest goes out."
    )
    digest_time: str = Field("07:00", description="Local time (HH:MM) of the weekly digest.")
    reports_dir: Path = Field(
        Path("var/reports"), description="Folder of generated report files (PNG, XLSX, DOCX)."
    )
    public_url: str | None = Field(
        None,
        description="The deployment's public https address (e.g. https://hailong.truong.edu.vn): "
        "pictures go to Zalo as signed links under it; unset: Zalo gets a note instead.",
    )
    media_dir: Path = Field(
        Path("var/media"), description="Folder of the copies of photos people sent."
    )
    photo_max_bytes: int = Field(
        5 * 1024 * 1024, ge=1, description="Largest photo (bytes) that is downloaded and stored."
    )
    zalo_photo_hosts: list[str] = Field(
        default_factory=lambda: ["zdn.vn", "zadn.vn"],
        description="Hosts (and their subdomains) the photos people send on Zalo are downloaded "
        'from (JSON list; "host:port" for one port); a photo URL elsewhere is refused.',
    )
    media_link_minutes: int = Field(
        60, ge=1, description="Minutes a signed picture link (/media/...) stays valid."
    )
    satisfaction_target: int = Field(
        90, ge=1, le=100, description="Satisfaction target (%) a new school starts with."
    )
    report_survey: str = Field(
        "preschool_parents",
        description="Survey whose indices the quarterly report and the authority view compare.",
    )

    # how long each kind of personal data is kept (handlers/retention.py, README "Retention")
    retention_code_days: int = Field(
        7, ge=1, description="Days after expiry an unused invite, link or group code is deleted."
    )
    retention_draft_days: int = Field(
        30, ge=1, description="Days a conversation left unfinished (a draft) is kept."
    )
    retention_days: int = Field(
        30,
        ge=1,
        # read under its first name too (HAILONG_RETENTION_MESSAGE_DAYS, before issue 15)
        validation_alias=AliasChoices("hailong_retention_days", "hailong_retention_message_days"),
        description="Days the messages received, the replies sent, the web chat's history and "
        "the report files are kept.",
    )
    retention_survey_days: int = Field(
        365,
        ge=1,
        description="Days after a wave closes that its invitations and receipts become counts.",
    )
    retention_delivery_days: int = Field(
        365, ge=1, description="Days after a broadcast that its recipients and taps are kept."
    )
    retention_question_years: int = Field(
        2, ge=1, description="Years after closing a suggestion or question keeps its content."
    )
    retention_case_years: int = Field(
        10,
        ge=1,
        description="Years after closing a petition, complaint or denunciation keeps its content.",
    )

    @field_validator("survey_dirs", mode="before")
    @classmethod
    def _survey_dirs_parse(cls, value: object) -> object:
        """A plain path and a PATH-like list, as a shell user writes them; JSON as before."""
        if not isinstance(value, str):
            return value
        if value.lstrip().startswith("["):
            return json.loads(value)
        return [part for part in value.split(os.pathsep) if part.strip()]

    @field_validator("database_url")
    @classmethod
    def _database_url_async(cls, value: str) -> str:
        return async_database_url(value)

    @field_validator("public_url", "telegram_webhook_url", "zalo_webhook_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        return _web_address_or_none(value)

    @field_validator("telegram_api_url", "zalo_api_url")
    @classmethod
    def _bot_api(cls, value: str) -> str:
        return _bot_api_address(value)

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours_parse(cls, value: str) -> str:
        return normalise_quiet_hours(value)

    @field_validator("digest_time")
    @classmethod
    def _digest_time_parse(cls, value: str) -> str:
        hour, _, minute = value.strip().partition(":")
        if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
            raise ValueError(f"digest_time must be HH:MM, not {value!r}")
        return f"{int(hour):02d}:{int(minute):02d}"

    @field_validator("log_level")
    @classmethod
    def _log_level_known(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError(
                f"log_level must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {value!r}"
            )
        return level

    @field_validator("timezone")
    @classmethod
    def _timezone_known(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ValueError, ZoneInfoNotFoundError):
            raise ValueError(
                f"timezone must be an IANA zone such as Asia/Ho_Chi_Minh, not {value!r}"
            ) from None
        return value

    @model_validator(mode="after")
    def _webhooks_have_secrets(self) -> Self:
        """A webhook without a secret would take updates from anyone, as any parent or principal."""
        secret = _plain(self.telegram_webhook_secret)
        if self.telegram_webhook_url and not _TELEGRAM_SECRET.fullmatch(secret or ""):
            raise ValueError(
                "HAILONG_TELEGRAM_WEBHOOK_URL is set, so HAILONG_TELEGRAM_WEBHOOK_SECRET must be "
                "8 to 256 characters of A-Z, a-z, 0-9, _ and - "
                "(without it anyone could post updates)"
            )
        secret = _plain(self.zalo_webhook_secret)
        if self.zalo_webhook_url and len(secret or "") not in _WEBHOOK_SECRET_LENGTH:
            raise ValueError(
                "HAILONG_ZALO_WEBHOOK_URL is set, so HAILONG_ZALO_WEBHOOK_SECRET must be "
                "8 to 256 characters (without it anyone could post updates)"
            )
        self.zalo_endpoints()  # each school's bot: the same rule, and no two bots clash
        return self

    def zalo_endpoints(self) -> list[ZaloEndpoint]:
        """Every Zalo bot to run: the default one (HAILONG_ZALO_TOKEN), then the schools' own."""
        found: list[ZaloEndpoint] = []
        if self.zalo_token is not None:
            found.append(
                _endpoint(
                    ZALO_CHANNEL,
                    None,
                    self.zalo_api_url,
                    self.zalo_token,
                    self.zalo_webhook_url,
                    self.zalo_webhook_secret,
                )
            )
        for bot in self.zalo_bots:
            name = bot.name or "zalo-" + re.sub(r"[^a-z0-9]+", "-", bot.school.lower()).strip("-")
            api_url = bot.api_url or self.zalo_api_url
            found.append(
                _endpoint(name, bot.school, api_url, bot.token, bot.webhook_url, bot.webhook_secret)
            )
        for label, values in (
            ("channel name", [e.name for e in found]),
            ("token", [e.token for e in found]),
            ("school", [e.school for e in found if e.school is not None]),
            ("webhook path", [e.webhook_path for e in found if e.webhook_url]),
        ):
            if len(set(values)) < len(values):
                raise ValueError(f"two Zalo bots have the same {label}")
        return found

    def school_of_channel(self, channel: str) -> str | None:
        """The school code a channel is bound to (a school's own bot), or None for any school."""
        for endpoint in self.zalo_endpoints():
            if endpoint.name == channel:
                return endpoint.school
        return None


def _endpoint(
    name: str,
    school: str | None,
    api_url: str,
    token: SecretStr,
    webhook_url: str | None,
    webhook_secret: SecretStr | None,
) -> ZaloEndpoint:
    """A checked Zalo endpoint; its webhook path is the URL's, else /zalo/bot/<name>."""
    if not _CHANNEL_NAME.fullmatch(name) or len(name) > _CHANNEL_NAME_LIMIT:
        raise ValueError(
            f"Zalo bot name {name!r}: 'zalo-' and a-z, 0-9 or '-', at most 20 characters "
            '(set "name" in HAILONG_ZALO_BOTS)'
        )
    secret = _plain(webhook_secret)
    if webhook_url and len(secret or "") not in _WEBHOOK_SECRET_LENGTH:
        raise ValueError(
            f"HAILONG_ZALO_BOTS: the Zalo bot {name!r} has a webhook_url, so its webhook_secret "
            "must be a secret of 8 to 256 characters (without it anyone could post updates)"
        )
    path = urlsplit(webhook_url).path if webhook_url else ""
    return ZaloEndpoint(
        name=name,
        school=school,
        api_url=api_url,
        token=token.get_secret_value(),
        webhook_url=webhook_url or None,
        webhook_secret=secret,
        webhook_path=path if path not in ("", "/") else f"/zalo/bot/{name}",
    )


def _plain(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


def async_database_url(value: str) -> str:
    """postgres:// and sqlite:// as people copy them, with the async driver they mean here;
    ValueError naming the scheme alone for another (never the URL: it may hold a password)."""
    scheme, found, rest = value.strip().partition("://")
    driver = _DATABASE_DRIVERS.get(scheme.lower()) if found else None
    if driver is None:
        given = f"not {scheme}://" if found else "it has no scheme://"
        raise ValueError(
            "a database URL must be postgresql+asyncpg://user:password@host:5432/name or "
            f"sqlite+aiosqlite:///path/to/file.db ({given})"
        )
    return f"{driver}://{rest}"


class UnreadableEnvFile(ValueError):
    """Lines of `.env` that are no NAME=value: python-dotenv would skip them, and the settings
    in them, with a warning that names neither the file nor the setting."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


# what a settings load raises for a wrong setting (settings_problems says each one)
SETTINGS_ERRORS = (ValidationError, SettingsError, UnreadableEnvFile)
SettingsFailure = ValidationError | SettingsError | UnreadableEnvFile


def load_settings(**overrides: object) -> Settings:
    """Reads the settings once, from the environment, `.env` and overrides; one of
    SETTINGS_ERRORS when a setting is wrong or a line of `.env` cannot be read."""
    env_file = Path(str(Settings.model_config.get("env_file")))
    unreadable = _unreadable_lines(env_file)
    if unreadable:
        raise UnreadableEnvFile(
            [
                f"{env_file}:{line}: not a NAME=value line; correct or remove it"
                for line in unreadable
            ]
        )
    return Settings(**overrides)  # type: ignore[arg-type]


def _unreadable_lines(env_file: Path) -> list[int]:
    """The numbers of the lines of the file that python-dotenv cannot read."""
    if not env_file.is_file():
        return []
    from dotenv.parser import parse_stream

    with env_file.open(encoding="utf-8", errors="replace") as stream:
        return [binding.original.line for binding in parse_stream(stream) if binding.error]


def settings_problem(error: SettingsFailure) -> str:
    """What is wrong with the settings, on one line: each variable and its problem, never the
    values given (pydantic's own text repeats every input, tokens included)."""
    return "; ".join(settings_problems(error))


def settings_problems(error: SettingsFailure) -> list[str]:
    """Each variable that is wrong and its problem, one line each, without the values given."""
    if isinstance(error, UnreadableEnvFile):
        return error.problems
    if isinstance(error, SettingsError):
        return [unparsable_problem(error)]
    problems = []
    for found in error.errors(include_url=False, include_input=False, include_context=False):
        message = str(found["msg"]).removeprefix("Value error, ")
        names = [str(part) for part in found["loc"]]
        where = (
            "HAILONG_" + names[0].upper().removeprefix("HAILONG_")
            + "".join(f"[{n}]" for n in names[1:])
            if names
            else ""
        )  # fmt: skip
        problems.append(" ".join((f"{where}: {message}" if where else message).split()))
    return problems


# how a setting whose value must be JSON is written (README, Settings)
JSON_EXAMPLES = {"HAILONG_ZALO_BOTS": '[{"school": "MN-HOASEN", "token": "…"}]'}


def unparsable_variable(error: SettingsError) -> str | None:
    """The variable whose value is not even JSON: pydantic-settings names its field in its text
    ('... for field "zalo_bots" ...'), never the value."""
    for name in Settings.model_fields:
        if f'"{name}"' in str(error):
            return f"HAILONG_{name.upper()}"
    return None


def unparsable_problem(error: SettingsError) -> str:
    """What a value that is not even JSON says: the variable and how it is written."""
    variable = unparsable_variable(error)
    if variable is None:
        return " ".join(str(error).split())
    example = JSON_EXAMPLES.get(variable, '["a", "b"]')
    return f"{variable}: not valid JSON; it is written like {example} (README, Settings)"
