"""The Alembic migrations build exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
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


async def test_upgrading_twice_is_harmless(database_url: str) -> None:
    await upgrade(database_url)
    await upgrade(database_url)


def test_answers_carry_no_person() -> None:
    answer_columns = set(Base.metadata.tables["answers"].columns.keys())
    response_columns = set(Base.metadata.tables["responses"].columns.keys())
    assert answer_columns == {"response_id", "question_key", "value"}
    assert "person_id" not in response_columns and "submitted_at" not in response_columns
