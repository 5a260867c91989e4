"""The one start-up line block: what runs, where it listens, which database, channels and zone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from zoneinfo import ZoneInfo

from bot.app import App
from bot.channels.base import Channel
from bot.channels.web import WebChannel
from bot.database_url import database_address
from bot.settings import Settings

STOP_HINT = "Ctrl+C or SIGTERM: finishes what is under way, at most 10 s"


@dataclass(frozen=True)
class Banner:
    """What a person starting the bot wants to see once; `fields` are its JSON keys too."""

    command: str  # "run" or "demo"
    version: str
    listening: str
    database: str
    channels: Sequence[str]
    timezone: str
    jobs: Sequence[str]
    note: str = ""  # the demo's word on its own database

    def text(self) -> str:
        rows = [
            ("listening", self.listening),
            ("database", self.database),
            ("channels", ", ".join(self.channels) or "none"),
            ("time zone", self.timezone),
            ("jobs", f"{len(self.jobs)}: {', '.join(self.jobs)}" if self.jobs else "none"),
            ("stop", STOP_HINT),
        ]
        if self.note:
            rows.insert(2, ("", self.note))
        lines = [f"Hài Lòng {self.version} — hailong {self.command}"]
        lines += [f"  {label:<10} {value}".rstrip() for label, value in rows]
        return "\n".join(lines)

    def fields(self) -> dict[str, Any]:
        """The banner's parts as `extra=` of its log record (keys of the JSON line)."""
        return {"banner": asdict(self)}


def banner_for(command: str, app: App, note: str = "") -> Banner:
    """The banner of a started deployment (`hailong run`) or demo."""
    settings = app.settings
    return Banner(
        command=command,
        version=_version(),
        listening=f"http://{settings.http_host}:{settings.http_port}/",
        database=where(settings.database_url),
        channels=[_receiving(channel, settings) for channel in app.channels.values()],
        timezone=_zone(settings.timezone),
        jobs=[job.name for job in app.jobs],
        note=note,
    )


def where(database_url: str) -> str:
    """A database as a person names it: the SQLite file, else the URL without its password."""
    address = database_address(database_url)
    if address.sqlite_file is not None:
        return str(address.sqlite_file)
    return address.url.render_as_string(hide_password=True)


def _receiving(channel: Channel, settings: Settings) -> str:
    """A channel and how its updates come: a webhook's URL, long polling, or the web page."""
    if isinstance(channel, WebChannel):
        return f"{channel.name} (the chat page at /)"
    webhooks = {"telegram": settings.telegram_webhook_url}
    webhooks.update((e.name, e.webhook_url) for e in settings.zalo_endpoints())
    if channel.name not in webhooks:
        return channel.name
    url = webhooks[channel.name]
    return f"{channel.name} (webhook {url})" if url else f"{channel.name} (long polling)"


def _zone(name: str) -> str:
    offset = datetime.now(ZoneInfo(name)).strftime("%z")
    return f"{name} (UTC{offset[:3]}:{offset[3:]})"


def _version() -> str:
    try:
        return version("hailong")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "(source)"
