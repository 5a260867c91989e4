"""Whether the command line's database answers, said in one line an operator can act on."""

from __future__ import annotations

from sqlalchemy import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from bot.cli_errors import OperatorError

_FIX = "check HAILONG_DATABASE_URL, that the server runs and that it lets this user in"


async def reachable(database_url: str) -> None:
    """Connects once; OperatorError naming host:port (never the password) if that fails."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect():
            pass
    except (OSError, DBAPIError) as error:
        raise OperatorError(
            f"cannot reach the database at {server_of(database_url)}: {_reason(error)}", _FIX
        ) from None
    finally:
        await engine.dispose()


def server_of(database_url: str) -> str:
    """host:port/database of a server's URL, the file of a SQLite one: never the password."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return f"the SQLite file {url.database}"
    port = url.port or (5432 if url.get_backend_name() == "postgresql" else None)
    server = f"{url.host or 'localhost'}:{port}" if port else url.host or "localhost"
    return f"{server}/{url.database or ''}"


def _reason(error: OSError | DBAPIError) -> str:
    """What the driver said, without the SQL or the link sqlalchemy adds."""
    cause = error.orig if isinstance(error, DBAPIError) else error
    text = str(cause).strip().splitlines()
    found = text[0] if text else type(cause).__name__
    if isinstance(cause, OSError) and cause.strerror:
        found = cause.strerror
    return found
