"""Whether the command line's database answers, said in one line an operator can act on."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

import migrations
from bot.cli_errors import OperatorError
from bot.database_url import database_address

_FIX = "check HAILONG_DATABASE_URL, that the server runs and that it lets this user in"


VERSIONS = Path(migrations.__file__).parent / "versions"
_REVISION = re.compile(r"_(\d{4})\.py$")  # alembic's file_template ends with _<revision>


def newest_migration() -> str:
    """The code's head revision, read from the migration files' names without loading alembic
    (tests/bot/test_cli_startup.py holds it equal to alembic's own head)."""
    return max(m[1] for p in VERSIONS.iterdir() if (m := _REVISION.search(p.name)))


async def reachable(database_url: str) -> tuple[str, ...]:
    """Connects once and reads the revisions the database is at (none: a new database);
    OperatorError naming host:port (never the password) if that fails."""
    place = database_address(database_url).place  # UnreadableDatabaseUrl: one line too
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_revisions)
    except (OSError, DBAPIError) as error:
        raise OperatorError(
            f"cannot reach the database at {place}: {_reason(error)}", _FIX
        ) from None
    finally:
        await engine.dispose()


def _revisions(connection: Connection) -> tuple[str, ...]:
    if not inspect(connection).has_table("alembic_version"):
        return ()
    rows = connection.execute(text("SELECT version_num FROM alembic_version"))
    return tuple(sorted(rows.scalars()))


def _reason(error: OSError | DBAPIError) -> str:
    """What the driver said, without the SQL or the link sqlalchemy adds."""
    cause = error.orig if isinstance(error, DBAPIError) else error
    text = str(cause).strip().splitlines()
    found = text[0] if text else type(cause).__name__
    if isinstance(cause, OSError) and cause.strerror:
        found = cause.strerror
    return found
