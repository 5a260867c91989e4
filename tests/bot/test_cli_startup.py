"""`hailong --help` and the setup commands start fast: they never load the app, the web server,
the chat client, the scheduler or a report library (issue 15, item 6). Checked by what a fresh
interpreter has loaded, not by a timing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = [
    "bot.app",
    "aiohttp",
    "telegram",
    "apscheduler",
    "matplotlib",
    "openpyxl",
    "docx",
    "numpy",
    "PIL",
    "handlers",
]
# what --help and the parser may not load either: the database layer and the settings
PARSER_ONLY = [*HEAVY, "sqlalchemy", "alembic", "pydantic_settings", "yaml", "asyncio"]

PROBE = """
import json, sys
from bot.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def loaded_after(tmp_path: Path, *args: str) -> set[str]:
    """The modules a fresh interpreter holds after `hailong ARGS` (none at all: the import)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAILONG_")}
    env |= {
        "PYTHONPATH": str(ROOT),
        "HAILONG_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}",
        "HAILONG_LOG_LEVEL": "WARNING",
    }
    code = PROBE if args else "import json, sys, bot.cli; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def _of(modules: set[str], roots: list[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in roots or m in roots)


@pytest.mark.parametrize("args", [(), ("--help",), ("school", "--help")])
def test_the_parser_loads_neither_the_app_nor_the_database_layer(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    assert _of(loaded_after(tmp_path, *args), PARSER_ONLY) == []


@pytest.mark.parametrize(
    "args",
    [
        ("db", "upgrade"),
        ("school", "create", "--code", "A", "--name", "A"),
        ("survey", "list"),
    ],
)
def test_a_setup_command_loads_none_of_the_heavy_modules(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    loaded = loaded_after(tmp_path, *args)
    assert "sqlalchemy" in loaded or args == ("survey", "list")  # the probe ran the command
    assert _of(loaded, [m for m in HEAVY if m != "handlers"]) == []


def test_a_command_on_a_database_at_the_head_does_not_load_alembic(tmp_path: Path) -> None:
    assert "alembic" in loaded_after(tmp_path, "db", "upgrade")  # a new database: migrated
    again = loaded_after(tmp_path, "school", "create", "--code", "A", "--name", "A")
    assert "sqlalchemy" in again  # the command ran on the database
    assert _of(again, ["alembic", "mako"]) == []


def test_the_head_read_from_the_file_names_is_alembics_own() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from bot.cli_database import newest_migration
    from bot.migrate import SCRIPTS

    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    assert ScriptDirectory.from_config(config).get_heads() == [newest_migration()]


def test_a_setup_command_maps_only_the_tables_it_uses_and_loads_only_its_dialect(
    tmp_path: Path,
) -> None:
    """Mapping all 39 tables cost about a fifth of a setup command's start (issue 15, item 6)."""
    loaded_after(tmp_path, "db", "upgrade")
    for args, areas in [
        (("school", "create", "--code", "A", "--name", "A"), {"schools", "people"}),
        (("class", "create", "--school", "A", "--name", "Lá 1"), {"schools", "people"}),
        (("news", "list", "--school", "A"), {"schools", "people", "waves", "broadcasts"}),
        (("school", "list"), {"schools", "people"}),
        (("class", "list", "--school", "A"), {"schools", "people"}),
    ]:
        loaded = loaded_after(tmp_path, *args)
        assert "sqlalchemy.dialects.sqlite.aiosqlite" in loaded  # the probe ran the command
        mapped = {m.removeprefix("bot.models.") for m in loaded if m.startswith("bot.models.")}
        assert (args[:2], mapped) == (args[:2], areas)
        assert "sqlalchemy.dialects.postgresql" not in loaded
