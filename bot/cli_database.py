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


# what a database migrated by a later release than this code says, here and in doctor
NEWER_RELEASE = "which this code does not know: a newer release migrated it"
NEWER_RELEASE_FIX = "run that release (or restore the backup taken before)"


def known_migrations() -> set[str]:
    """The code's revisions, read from the migration files' names without loading alembic."""
    return {m[1] for p in VERSIONS.iterdir() if (m := _REVISION.search(p.name))}


def newest_migration() -> str:
    """The code's head revision (tests/bot/test_cli_startup.py holds it equal to alembic's)."""
    return max(known_migrations())


def refuse_newer(revisions: tuple[str, ...]) -> None:
    """OperatorError if the database is at a migration this code does not have: alembic would
    stop with "Can't locate revision"; the release that made it, or the backup, is the way."""
    unknown = sorted(set(revisions) - known_migrations())
    if unknown:
        raise OperatorError(
            f"the database is at migration {', '.join(unknown)}, {NEWER_RELEASE}",
            NEWER_RELEASE_FIX,
        )


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
