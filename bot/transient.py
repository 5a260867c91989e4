"""Which failures of a transaction pass by themselves, so the work is tried again, not given up.

Transient: the database unreachable or its connection lost (connection refused, a server
restarting, `08xxx`, `57P0x`, too many connections, a pool that has no connection to give),
a serialization failure (`40001`), a deadlock (`40P01`), a lock wait cut short (`55P03`), and
SQLite's busy or locked file. Everything else — a handler's bug, a constraint violated, bad data
— fails again the same way, so it is deterministic.
"""

from __future__ import annotations

import errno
import logging
import socket
from dataclasses import dataclass

from sqlalchemy import exc

# SQLSTATE codes of PostgreSQL errors that a later attempt may not meet
_PASSING = frozenset({"40001", "40P01", "55P03", "57P01", "57P02", "57P03", "53300"})
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6
_UNREACHABLE = frozenset({errno.ENETUNREACH, errno.ENETDOWN, errno.EHOSTUNREACH, errno.EHOSTDOWN})


def is_transient(error: BaseException) -> bool:
    """True if `error` (or what it wraps) is a database failure that passes by itself."""
    seen = 0
    current: BaseException | None = error
    while current is not None and seen < 8:
        if _passes(current):
            return True
        seen += 1
        wrapped = getattr(current, "orig", None)
        current = wrapped if isinstance(wrapped, BaseException) else current.__cause__
    return False


def _passes(error: BaseException) -> bool:
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, exc.TimeoutError | exc.DisconnectionError):  # the pool's, not a query's
        return True
    if isinstance(error, ConnectionError | TimeoutError | socket.gaierror):  # refused, reset…
        return True
    if isinstance(error, OSError) and error.errno in _UNREACHABLE:  # not a file a handler missed
        return True
    code = getattr(error, "sqlstate", None)
    if isinstance(code, str) and (code in _PASSING or code.startswith("08")):
        return True
    sqlite_code = getattr(error, "sqlite_errorcode", None)
    return isinstance(sqlite_code, int) and sqlite_code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)


def describe_failure(error: BaseException) -> str:
    """The kind of a failure without its text (which may carry SQL parameters): for logs."""
    codes: list[str] = []
    current: BaseException | None = error
    while current is not None and len(codes) < 8:
        code = getattr(current, "sqlstate", None) or getattr(current, "sqlite_errorname", None)
        codes.append(f"{type(current).__name__}" + (f" {code}" if code else ""))
        wrapped = getattr(current, "orig", None)
        current = wrapped if isinstance(wrapped, BaseException) else current.__cause__
    return " ← ".join(dict.fromkeys(codes))


@dataclass
class Spell:
    """Says a spell of passing failures of one loop once when it begins and once when it ends
    (with how many tries failed meanwhile), not at every try: a minute's database outage is two
    WARNING lines per loop, not thousands of ERRORs."""

    log: logging.Logger
    what: str
    failures: int = 0

    def failed(self, error: BaseException) -> bool:
        """True (said when the spell begins) if `error` passes; False for the caller to report."""
        if not is_transient(error):
            return False
        if self.failures == 0:
            self.log.warning(
                "%s: the database is away (%s); trying again until it is back",
                self.what, describe_failure(error),
            )  # fmt: skip
        self.failures += 1
        return True

    def passed(self) -> None:
        """A try worked: ends the spell, if one was under way."""
        if self.failures:
            self.log.warning("%s: working again, after %d failed tries", self.what, self.failures)
            self.failures = 0
