"""The database check: it answers, and its migrations are the code's."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from bot.channels.kit.redaction import redact
from bot.cli_database import NEWER_RELEASE, NEWER_RELEASE_FIX
from bot.database_url import DatabaseAddress, UnreadableDatabaseUrl, database_address
from bot.doctor.findings import Finding, Verdict

SECONDS = 5.0  # to connect: a doctor that hangs on a dead host helps nobody
MIGRATIONS = Path(__file__).parents[2] / "migrations"


async def check_database(database_url: str, school_bots: dict[str, str]) -> list[Finding]:
    """Connects, reads the migration the database is at and compares it with the code's; with
    the schools' own Zalo bots (channel name: school code), the codes of its schools too."""
    try:
        address = database_address(database_url)
    except UnreadableDatabaseUrl as error:
        return [Finding("database", Verdict.FAIL, str(error))]
    url, where = address.url, address.place
    if address.sqlite_file and not address.sqlite_file.is_file():
        return [
            Finding("database", Verdict.FAIL, f"no database file {where}: run `hailong db upgrade`")
        ]
    connect_args = {"timeout": SECONDS} if url.get_backend_name() == "postgresql" else {}
    engine = create_async_engine(url, connect_args=connect_args)
    codes: set[str] | None = None
    try:
        async with asyncio.timeout(SECONDS + 1), engine.connect() as connection:
            found = await connection.execute(text("SELECT version_num FROM alembic_version"))
            current = {str(row[0]) for row in found}
            if school_bots and current:
                schools = await connection.execute(text("SELECT code FROM schools"))
                codes = set(schools.scalars())
    except DBAPIError as error:
        if "alembic_version" in str(error.orig):  # connected; the table is missing
            current = set()
        else:
            return [Finding("database", Verdict.FAIL, _unreachable(address, error.orig or error))]
    except (OSError, TimeoutError) as error:
        return [Finding("database", Verdict.FAIL, _unreachable(address, error))]
    finally:
        await engine.dispose()
    return [_migrations(where, current), *_bot_schools(school_bots, codes)]


def _migrations(where: str, current: set[str]) -> Finding:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(MIGRATIONS))
    heads = set(scripts.get_heads())
    if current == heads:
        return Finding("database", Verdict.OK, f"{where}, migrations at {_names(heads)}")
    if not current:
        return Finding(
            "database", Verdict.FAIL, f"{where} has no tables yet: run `hailong db upgrade`"
        )
    known = {rev.revision for rev in scripts.walk_revisions()}
    if current <= known:
        return Finding(
            "database",
            Verdict.FAIL,
            f"{where} is at migration {_names(current)}, this code needs {_names(heads)}: "
            "run `hailong db upgrade`",
        )
    return Finding(
        "database",
        Verdict.FAIL,
        f"{where} is at migration {_names(current - known)}, {NEWER_RELEASE}; {NEWER_RELEASE_FIX}",
    )


def _names(revisions: set[str]) -> str:
    return ", ".join(sorted(revisions))


def _unreachable(address: DatabaseAddress, error: BaseException) -> str:
    """Why the connection failed, on one line, with what to check."""
    url, where = address.url, address.server
    kind = type(error).__name__
    if kind == "InvalidPasswordError":
        return f"{where} refused user {url.username!r}: check the password in HAILONG_DATABASE_URL"
    if kind == "InvalidCatalogNameError":
        return (
            f"{where} has no database {url.database!r}: create it (createdb {url.database}), "
            "then run `hailong db upgrade`"
        )
    if isinstance(error, TimeoutError):
        return f"no answer from {where} within {SECONDS:g} s: is PostgreSQL running and reachable?"
    if isinstance(error, OSError):
        return (
            f"cannot connect to {where} ({kind}): is PostgreSQL running there? "
            "check HAILONG_DATABASE_URL"
        )
    first = redact(str(error)).strip().splitlines()[:1]
    return f"{where}: {kind}{': ' + first[0] if first else ''}; check HAILONG_DATABASE_URL"


def _bot_schools(bots: dict[str, str], codes: set[str] | None) -> list[Finding]:
    """Each school's own bot names a school the database has: a bot of a code no school has
    turns away every parent who writes to it. Nothing when there is no such bot, or no schools
    could be read (the database line says why)."""
    if not bots or codes is None:
        return []
    missing = {name: code for name, code in bots.items() if code not in codes}
    if not missing:
        return [Finding("school bots", Verdict.OK, "each names a school of the database")]
    return [
        Finding(
            f"{name} school",
            Verdict.FAIL,
            f"HAILONG_ZALO_BOTS gives it the school {code!r}, which the database does not have: "
            'it turns away every parent; correct its "school" (hailong school list shows the '
            "codes)",
        )
        for name, code in sorted(missing.items())
    ]
