"""`hailong doctor`: what is wrong with this deployment, and how to fix it, one line per check.

It reads the settings, then checks at once (each within a few seconds) the database and its
migrations, each configured bot's token and webhook, the public address and the disk under the
app's folders; it changes nothing anywhere. Exit status: 0 when every check passes (a warning
passes), 1 when one fails, 2 when the settings cannot be loaded (nothing else is checked then:
every other check reads them). Light on purpose: no PTB, no app, no report renderers.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Sequence
from difflib import get_close_matches
from pathlib import Path

import aiohttp
from pydantic import AliasChoices, ValidationError
from pydantic_settings import SettingsError

from bot.cli_words import plural
from bot.doctor.bots import check_bots
from bot.doctor.database import check_database
from bot.doctor.findings import Finding, Verdict
from bot.doctor.host import check_disks, check_public_url
from bot.settings import (
    Settings,
    UnreadableEnvFile,
    load_settings,
    settings_problems,
    unparsable_variable,
)

SECONDS = 5.0  # each HTTP check's limit: a doctor that hangs on a dead host helps nobody


def main() -> int:
    """Runs every check, prints one line each and returns the exit status."""
    ascii_only = not _encodes(sys.stdout, "✓✗")
    problems: list[str] = []
    settings = _load(problems)
    if settings is None:
        _print([Finding("settings", Verdict.FAIL, p) for p in problems], ascii_only)
        return 2
    findings = [_unknown_names(), *asyncio.run(_checks(settings))]
    _print(findings, ascii_only)
    return 1 if any(f.verdict is Verdict.FAIL for f in findings) else 0


async def _checks(settings: Settings) -> list[Finding]:
    timeout = aiohttp.ClientTimeout(total=SECONDS)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        found = await asyncio.gather(
            check_database(settings.database_url, _school_bots(settings)),
            check_bots(settings, http),
            check_public_url(settings.public_url, http),
        )
    database, bots, public = found
    return [*database, *bots, public, *check_disks(settings)]


def _school_bots(settings: Settings) -> dict[str, str]:
    """The schools' own Zalo bots: channel name to school code."""
    try:
        endpoints = settings.zalo_endpoints()
    except ValueError:  # two bots alike: the bots check says so
        return {}
    return {e.name: e.school for e in endpoints if e.school is not None}


def _print(findings: Sequence[Finding], ascii_only: bool) -> None:
    print("\n".join(f.line(ascii_only) for f in findings), flush=True)


def _encodes(stream: object, sample: str) -> bool:
    try:
        sample.encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


# --- settings -------------------------------------------------------------------------------------


def known_names() -> set[str]:
    """Every environment variable the settings read (each field's name, and its older names)."""
    names: set[str] = set()
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.update(str(choice).upper() for choice in alias.choices)
        else:
            names.add(f"HAILONG_{name.upper()}")
    return names


def _unknown_names() -> Finding:
    """A HAILONG_ variable no setting reads is most often a typo: its setting keeps its default."""
    given = {name.upper() for name in os.environ if name.upper().startswith("HAILONG_")}
    given |= {name.upper() for name in _dotenv_names() if name.upper().startswith("HAILONG_")}
    known = known_names()
    unknown = sorted(given - known - {"HAILONG_TEST_POSTGRES_URL"})  # the test suite's own
    if not unknown:
        count = plural(len(given), "HAILONG_ variable")
        return Finding("settings", Verdict.OK, f"loaded ({count} set)")
    guesses = []
    for name in unknown:
        close = get_close_matches(name, sorted(known), n=1)
        guesses.append(f"{name} (did you mean {close[0]}?)" if close else name)
    return Finding(
        "settings",
        Verdict.WARN,
        f"not a setting, so ignored: {', '.join(guesses)}; rename or remove it",
    )


def _dotenv_names() -> list[str]:
    """The names set in `.env` (the settings read it from the working folder)."""
    from dotenv import dotenv_values

    return list(dotenv_values(".env")) if Path(".env").is_file() else []


def _load(problems: list[str]) -> Settings | None:
    """The settings, or None and every problem in `problems`. A value that is not even JSON
    stops pydantic-settings before it checks the others: it is set aside and the load tried
    again, so that one run names every wrong variable."""
    aside: dict[str, str] = {}
    try:
        while True:
            try:
                settings = load_settings()
            except (ValidationError, UnreadableEnvFile) as error:
                problems.extend(settings_problems(error))
                return None
            except SettingsError as error:
                problems.extend(settings_problems(error))
                variable = unparsable_variable(error)
                given = [n for n in os.environ if variable and n.upper() == variable]
                if not given:  # from .env: nothing to set aside
                    return None
                aside[given[0]] = os.environ.pop(given[0])
            else:
                return None if problems else settings
    finally:
        os.environ.update(aside)
