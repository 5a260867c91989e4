"""Keeping bot tokens out of logs: they are part of every Bot API URL."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from urllib.parse import quote

Redact = Callable[[str, str], str]

# A Bot API URL is <base>/bot<token>/<method>, and HTTP clients name URLs in some of their errors.
TOKEN_IN_URL = re.compile(r"/bot[^/\s'\"]+")


def mask_token(text: str, token: str) -> str:
    """`text` with `token` (plain or URL-quoted) and any /bot<token> URL segment masked."""
    if token:
        for form in {token, quote(token, safe=""), quote(token)}:
            text = text.replace(form, "<token>")
    return TOKEN_IN_URL.sub("/bot<token>", text)


class TokenFilter(logging.Filter):
    """Masks known tokens, with a platform's `redact`, in records and tracebacks of its loggers."""

    def __init__(self, redact: Redact) -> None:
        super().__init__()
        self.tokens: set[str] = set()
        self._redact = redact

    def guard(self, token: str, *loggers: str) -> None:
        """Masks `token` from now on in everything the named loggers write."""
        self.tokens.add(token)
        for name in loggers:
            logger = logging.getLogger(name)
            if self not in logger.filters:
                logger.addFilter(self)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self._clean(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._clean(logging.Formatter().formatException(record.exc_info))
        return True

    def _clean(self, text: str) -> str:
        for token in self.tokens:
            text = self._redact(text, token)
        return text
