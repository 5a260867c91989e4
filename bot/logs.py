"""How a deployment logs: nothing private at any level, times in its own zone, text or JSON lines.

What keeps a parent's words, names, phone numbers and the bot's secrets out of the log:

- our own code logs ids, counts and reasons, never what a person wrote or their name;
- every record of every logger is masked as it is made (bot/channels/kit/redaction.py): tokens,
  webhook secrets and the values database and validation errors quote, tracebacks included;
- libraries that log what passes through them — python-telegram-bot each request's parameters,
  aiosqlite and SQLAlchemy each statement's, aiohttp each request — are held at WARNING whatever
  HAILONG_LOG_LEVEL says (`CAPS`), and the handler drops anything below WARNING from a logger
  that is neither ours nor listed there, so a library added later cannot leak at DEBUG either;
- alembic and APScheduler, whose lines are routine (and carry nothing private), speak below
  WARNING only at DEBUG (`ROUTINE`): a start-up says its banner and nothing else;
- the engine hides SQL parameters from its error messages (bot/db.py, `hide_parameters`).
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any, Final, TextIO
from zoneinfo import ZoneInfo

from bot.channels.kit.redaction import REDACTOR

OWN: Final = frozenset({"bot", "handlers", "surveys", "bench"})
# the most each library may say; below WARNING only where its lines carry nothing private
CAPS: Final = {
    "alembic": logging.DEBUG,  # "Running upgrade 0007 -> 0008": ROUTINE
    "telegram": logging.WARNING,  # DEBUG: every request's parameters, message texts included
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiohttp": logging.WARNING,  # aiohttp.access: every request line
    "sqlalchemy": logging.WARNING,  # INFO: every statement, DEBUG: every row
    "aiosqlite": logging.WARNING,  # DEBUG: every statement with its parameters
    "asyncpg": logging.WARNING,
    "apscheduler": logging.DEBUG,  # "Added job", "Running job": ROUTINE
    "asyncio": logging.WARNING,
    "PIL": logging.WARNING,
    "matplotlib": logging.WARNING,
}
# libraries whose lines below WARNING are routine (migrations applied, jobs added and run):
# shown only when HAILONG_LOG_LEVEL=DEBUG, so a start-up says nothing but the banner
ROUTINE: Final = frozenset({"alembic", "apscheduler"})
TEXT_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# what every LogRecord has; anything else on a record came as `extra=` and goes into JSON
_STANDARD: Final = frozenset(
    {*logging.LogRecord("", 0, "", 0, "", None, None).__dict__, "message", "asctime", "taskName"}
)


def configure_logging(
    level: str, log_format: str, timezone: str, stream: TextIO | None = None
) -> logging.Handler:
    """Sends every log line to `stream` (stderr) as configured; configuring again replaces it."""
    REDACTOR.install()
    zone = ZoneInfo(timezone)
    handler = LogHandler(stream or sys.stderr)
    handler.setFormatter(JsonLines(zone) if log_format == "json" else TextLines(zone))
    handler.addFilter(ours_or_serious)
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, LogHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    wanted = logging.getLevelNamesMapping()[level.upper()]
    root.setLevel(wanted)
    for name, cap in CAPS.items():
        logging.getLogger(name).setLevel(library_level(name, cap, wanted))
    return handler


def library_level(name: str, cap: int, wanted: int) -> int:
    """A library's level: never below its cap, and a routine one's at WARNING unless DEBUG."""
    if name in ROUTINE and wanted > logging.DEBUG:
        return max(logging.WARNING, wanted)
    return max(cap, wanted)


def ours_or_serious(record: logging.LogRecord) -> bool:
    """A line below WARNING only from our own loggers, or a library's allowed at that level."""
    if record.levelno >= logging.WARNING:
        return True
    top = record.name.partition(".")[0]
    return top in OWN or record.levelno >= CAPS.get(top, logging.WARNING)


def describe_error(error: BaseException) -> str:
    """An error as a short line fit to store or show: its type, the last place in our code it
    passed through, and its first line of message with secrets and quoted values masked."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if _short(frame.filename) != Path(frame.filename).name]
    last = (ours or frames)[-1] if frames else None
    where = f" at {_short(last.filename)}:{last.lineno}" if last else ""
    message = str(error).strip().splitlines()
    first = f": {message[0][:300]}" if message else ""
    return REDACTOR.clean(f"{type(error).__name__}{where}{first}")


def _short(path: str) -> str:
    """The path from the project's package on (`bot/dispatch.py`), else the file name."""
    parts = path.replace("\\", "/").split("/")
    for i, part in enumerate(parts):
        if part in OWN:
            return "/".join(parts[i:])
    return parts[-1]


class LogHandler(logging.StreamHandler[TextIO]):
    """The one handler `configure_logging` installs (so configuring again replaces it)."""


class TextLines(logging.Formatter):
    """`2026-11-23T09:00:00.125+07:00 INFO bot.app: …`: the deployment's time, with its offset."""

    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__(TEXT_FORMAT)
        self.zone = zone

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return local_time(record, self.zone)

    def formatException(self, ei: Any) -> str:
        return REDACTOR.clean(super().formatException(ei))


class JsonLines(TextLines):
    """One JSON object a line: time, level, logger, message, any `extra=` fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": local_time(record, self.zone),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD:
                line[key] = REDACTOR.clean(value) if isinstance(value, str) else value
        if record.exc_info:
            line["exception"] = record.exc_text or self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = REDACTOR.clean(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def local_time(record: logging.LogRecord, zone: ZoneInfo) -> str:
    return datetime.fromtimestamp(record.created, zone).isoformat(timespec="milliseconds")
