"""Keeping bot tokens, webhook secrets and the values SQL errors quote out of every log line and
every error text.

A Bot API URL is `<base>/bot<token>/<method>`, and HTTP clients (aiohttp, PTB's own loggers,
httpx) name URLs in their debug lines and errors; PTB logs the parameters of `setWebhook`, secret
included. A database error quotes the row it refused (PostgreSQL's `DETAIL: Failing row contains
(…)`, `Key (…)=(…)`), asyncpg the argument it could not encode, pydantic the input it rejected —
a parent's words, as often as not. Rather than guard a list of loggers (a filter on `telegram`
does not see the records of `telegram.Bot`), the redactor wraps the logging record factory once:
every record of every logger is masked as it is made, its message and its traceback both.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Final
from urllib.parse import quote

MASK: Final = "<token>"
# the path segment of a Bot API URL, and the shape of a Telegram-style token, known or not
TOKEN_IN_URL: Final = re.compile(r"/bot[^/\s'\"]+")
TOKEN_SHAPE: Final = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")
HIDDEN: Final = "<hidden>"
# where errors quote values: (pattern, replacement); SQL text itself holds only placeholders
QUOTED_VALUES: Final = (
    (re.compile(r"^(\s*DETAIL:).*$", re.M), r"\1 " + HIDDEN),  # PostgreSQL's row or key
    (re.compile(r"^\[parameters: .*$", re.M), "[parameters: " + HIDDEN + "]"),  # SQLAlchemy's
    (re.compile(r"(invalid input for query argument \$\d+:).*$", re.M), r"\1 " + HIDDEN),
    (re.compile(r"(input_value=).*?(, input_type=)"), r"\1" + HIDDEN + r"\2"),  # pydantic's
    (re.compile(r'(for (?:type|enum) [\w ."]+: )".*"$', re.M), r'\1"' + HIDDEN + '"'),
    (re.compile(r'(value )".*"( is out of range)', re.M), r'\1"' + HIDDEN + r'"\2'),
)


class Redactor:
    """Masks every secret it was given, and anything shaped like a token, in text and logs."""

    def __init__(self) -> None:
        self._secrets: tuple[str, ...] = ()
        self._installed = False

    def protect(self, *secrets: str | None) -> None:
        """Masks these secrets (plain or URL-quoted) from now on, in logs and in `clean`."""
        forms = {f for s in secrets if s for f in (s, quote(s, safe=""), quote(s))}
        # longest first: a secret that contains another is masked whole
        self._secrets = tuple(sorted(forms | set(self._secrets), key=len, reverse=True))
        self.install()

    def clean(self, text: str) -> str:
        """`text` with every protected secret, token-shaped string and quoted value masked."""
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        for pattern, replacement in QUOTED_VALUES:
            text = pattern.sub(replacement, text)
        return TOKEN_SHAPE.sub(MASK, TOKEN_IN_URL.sub("/bot" + MASK, text))

    def describe(self, exc: BaseException) -> str:
        """An exception as `Type: message`, masked: what a log line or a RetryLater may say."""
        return self.clean(f"{type(exc).__name__}: {exc}")

    def install(self) -> None:
        """Masks every log record from now on (once per process; `protect` calls it too)."""
        if self._installed:
            return
        make_record = logging.getLogRecordFactory()

        def make_masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = make_record(*args, **kwargs)
            self._mask(record)
            return record

        logging.setLogRecordFactory(make_masked_record)
        self._installed = True

    def _mask(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: logging reports it when the record is emitted
            return
        masked = self.clean(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.clean(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = self.clean(record.stack_info)


# One per process, like the logging it guards.
REDACTOR: Final = Redactor()
protect = REDACTOR.protect
redact = REDACTOR.clean
describe = REDACTOR.describe
