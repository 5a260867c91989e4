"""The Alembic migrations build exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from bot.db import Base
from bot.migrate import upgrade


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        assert await connection.run_sync(_diff) == []
        tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    assert {"inbound_messages", "outbox_messages", "responses", "completion_receipts"} <= tables


def test_the_migrations_form_one_line() -> None:
    """Every revision has one parent in the chain after the early merge, so there is one head."""
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parents[2] / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, heads


async def test_upgrading_twice_is_harmless(database_url: str) -> None:
    await upgrade(database_url)
    await upgrade(database_url)


def test_answers_carry_no_person() -> None:
    answer_columns = set(Base.metadata.tables["answers"].columns.keys())
    response_columns = set(Base.metadata.tables["responses"].columns.keys())
    assert answer_columns == {"response_id", "question_key", "value"}
    assert "person_id" not in response_columns and "submitted_at" not in response_columns


async def test_the_privacy_migration_writes_the_stored_responses_again(tmp_path: Path) -> None:
    """Responses written before it (in their receipt's transaction, in the order they came) are
    written again per wave and class under new ids, their answers intact; a closed wave is
    released, an open one not; consents and sealed senders outlive their person."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    await upgrade(url, "0008")
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        for statement in OLD_ROWS:
            await connection.execute(text(statement))
    await upgrade(url)
    async with engine.begin() as connection:
        await connection.execute(text("PRAGMA foreign_keys=ON"))
        responses = (await connection.execute(text("SELECT id, wave_id FROM responses"))).all()
        answers = (
            await connection.execute(
                text("SELECT response_id, question_key, value FROM answers ORDER BY value")
            )
        ).all()
        released = (await connection.execute(text("SELECT id, released_at FROM waves"))).all()
        await connection.execute(text("DELETE FROM people WHERE id = 1"))
        kept = (await connection.execute(text("SELECT person_id FROM consent_events"))).all()
    await engine.dispose()
    assert len(responses) == 3 and not {row.id for row in responses} & {"r1", "r2", "r3"}
    by_id = {row.id: row.wave_id for row in responses}
    assert [(by_id[a.response_id], a.value) for a in answers] == [(1, "3"), (1, "4"), (2, "5")]
    assert {row.id: row.released_at is not None for row in released} == {1: True, 2: False}
    assert kept == [(None,)]


OLD_ROWS = (
    "INSERT INTO schools (id, code, name, district, target_percent, created_at) "
    "VALUES (1, 'MN-OLD', 'Trường cũ', '', 90, '2026-01-01 00:00:00')",
    "INSERT INTO classes (id, school_id, name, grade, invite_code) "
    "VALUES (1, 1, 'Lá 1', '', 'OLD1')",
    "INSERT INTO waves (id, school_id, survey_key, survey_version, title, opens_at, closes_at, "
    "created_at) VALUES (1, 1, 'pulse', 1, 'Cũ', '2026-01-01 00:00:00', '2026-01-08 00:00:00', "
    "'2026-01-01 00:00:00'), (2, 1, 'pulse', 1, 'Mở', '2026-01-01 00:00:00', "
    "'2999-01-08 00:00:00', '2026-01-01 00:00:00')",
    "INSERT INTO responses (id, wave_id, class_id, submitted_on) VALUES ('r1', 1, 1, "
    "'2026-01-02'), ('r2', 1, 1, '2026-01-03'), ('r3', 2, 1, '2026-01-03')",
    "INSERT INTO answers (response_id, question_key, value) VALUES ('r1', 'overall', '4'), "
    "('r2', 'overall', '3'), ('r3', 'overall', '5')",
    "INSERT INTO people (id, display_name, created_at) VALUES (1, 'PH', '2026-01-01 00:00:00')",
    "INSERT INTO consent_events (id, person_id, purpose, granted, notice_version, at) "
    "VALUES (1, 1, 'surveys', 1, 'v1', '2026-01-01 00:00:00')",
)
