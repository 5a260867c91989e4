"""The Alembic migrations build exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from bot.migrate import emptied, upgrade
from bot.models.schema import metadata


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


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
    answer_columns = set(metadata.tables["answers"].columns.keys())
    response_columns = set(metadata.tables["responses"].columns.keys())
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


async def test_the_authorities_migration_turns_district_texts_into_authorities(
    database_url: str, tmp_path: Path
) -> None:
    """On a copy of a database as it was before (at 0011): each distinct district text becomes
    one authority holding its schools, a school with a district officer but no text gets one of
    its own, district officers become officers (once each), an unused district invite an
    officer invite, a denunciation the district handled the authority's; nothing is lost, and
    going back down gives the texts and the district officers back."""
    url = await _migrated_to(database_url, tmp_path, "0015")  # before the authorities
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        for statement in PRE_AUTHORITY_ROWS:
            await connection.execute(text(statement))
    await upgrade(url)
    async with engine.begin() as connection:
        authorities = (
            await connection.execute(
                text("SELECT id, name, kind, parent_id FROM authorities ORDER BY id")
            )
        ).all()
        ids = {row.name: row.id for row in authorities}
        found = await connection.execute(text("SELECT code, authority_id FROM schools"))
        schools: dict[str, int | None] = {row.code: row.authority_id for row in found}
        officers = (
            await connection.execute(
                text(
                    "SELECT person_id, authority_id FROM officers ORDER BY person_id, authority_id"
                )
            )
        ).all()
        roles = (await connection.execute(text("SELECT role FROM memberships ORDER BY id"))).all()
        invites = (
            await connection.execute(
                text("SELECT code, role, school_id, authority_id FROM staff_invites ORDER BY id")
            )
        ).all()
        handled = (
            await connection.execute(text("SELECT handled_by FROM tickets ORDER BY id"))
        ).all()
        actors = (await connection.execute(text("SELECT actor_role FROM ticket_events"))).all()
    await engine.dispose()
    own = "Cơ quan quản lý của Trường Mầm non Không Ghi"
    assert [(row.name, row.kind, row.parent_id) for row in authorities] == [
        ("Phòng GD&ĐT Quận 1", "other", None),  # no district level any more: the operator says
        ("UBND phường Bến Thành", "commune", None),
        (own, "other", None),
        ("Sở GD&ĐT Thành phố Hồ Chí Minh", "province", None),
    ]
    assert schools == {
        "MN-A": ids["Phòng GD&ĐT Quận 1"],
        "MN-B": ids["Phòng GD&ĐT Quận 1"],  # the same text, trimmed: one authority
        "MN-C": ids["UBND phường Bến Thành"],
        "MN-D": ids[own],
        "MN-E": None,  # no text, no officer: nothing to make
        "MN-F": ids["Sở GD&ĐT Thành phố Hồ Chí Minh"],
    }
    assert [tuple(row) for row in officers] == [
        (2, ids["Phòng GD&ĐT Quận 1"]),  # an officer of MN-A and MN-B: once
        (3, ids["UBND phường Bến Thành"]),
        (3, ids[own]),
    ]
    assert [row.role for row in roles] == ["principal", "parent"]
    assert [tuple(row) for row in invites] == [
        ("OLD-DISTRICT", "officer", None, ids["UBND phường Bến Thành"]),
        ("OLD-TEACHER", "teacher", 1, None),
    ]
    assert [row.handled_by for row in handled] == ["authority", "staff"]
    assert sorted(row.actor_role for row in actors) == ["officer", "principal"]

    await _downgrade(url, "0015")
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        found = await connection.execute(text("SELECT code, district FROM schools"))
        back: dict[str, str] = {row.code: row.district for row in found}
        district_roles = (
            await connection.execute(
                text(
                    "SELECT person_id, school_id FROM memberships WHERE role = 'district' "
                    "ORDER BY person_id, school_id"
                )
            )
        ).all()
    await engine.dispose()
    assert back["MN-B"] == "Phòng GD&ĐT Quận 1" and back["MN-E"] == ""
    assert back["MN-D"] == own
    assert [tuple(row) for row in district_roles] == [(2, 1), (2, 2), (3, 3), (3, 4)]
    await upgrade(url)


async def _migrated_to(database_url: str, tmp_path: Path, revision: str) -> str:
    """A database migrated to `revision` only: a new SQLite file, or the PostgreSQL one started
    over (the test leaves it at the head again, as every other test expects)."""
    if database_url.startswith("sqlite"):
        url = f"sqlite+aiosqlite:///{tmp_path / 'before.db'}"
    else:
        url = database_url
        await emptied(url)
    await upgrade(url, revision)
    return url


async def _downgrade(url: str, revision: str) -> None:
    from alembic import command

    from bot.migrate import alembic_config

    def run(connection: Connection) -> None:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)

    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(run)
    await engine.dispose()


_T = "'2026-01-01 00:00:00+00:00'"
PRE_AUTHORITY_ROWS = (
    "INSERT INTO schools (id, code, name, district, target_percent, created_at) VALUES "
    f"(1, 'MN-A', 'Trường Mầm non A', 'Phòng GD&ĐT Quận 1', 90, {_T}), "
    f"(2, 'MN-B', 'Trường Mầm non B', ' Phòng GD&ĐT Quận 1 ', 90, {_T}), "
    f"(3, 'MN-C', 'Trường Mầm non C', 'UBND phường Bến Thành', 90, {_T}), "
    f"(4, 'MN-D', 'Trường Mầm non Không Ghi', '', 90, {_T}), "
    f"(5, 'MN-E', 'Trường Mầm non E', '', 90, {_T}), "
    f"(6, 'MN-F', 'Trường Mầm non F', 'Sở GD&ĐT Thành phố Hồ Chí Minh', 90, {_T})",
    "INSERT INTO classes (id, school_id, name, grade, invite_code) VALUES (1, 1, 'Lá 1', '', 'C1')",
    "INSERT INTO people (id, display_name, created_at) VALUES "
    f"(1, 'Hiệu trưởng', {_T}), (2, 'Cán bộ quận', {_T}), (3, 'Cán bộ hai nơi', {_T}), "
    f"(4, 'Phụ huynh', {_T})",
    # (no ids: PostgreSQL's sequence must give the next ones, as the downgrade inserts some)
    "INSERT INTO memberships (person_id, school_id, class_id, role, created_at) VALUES "
    f"(1, 1, NULL, 'principal', {_T}), (2, 1, NULL, 'district', {_T}), "
    f"(2, 2, NULL, 'district', {_T}), (3, 3, NULL, 'district', {_T}), "
    f"(3, 4, NULL, 'district', {_T}), (4, 1, 1, 'parent', {_T})",
    "INSERT INTO staff_invites (id, code, school_id, class_id, role, expires_at) VALUES "
    f"(1, 'OLD-DISTRICT', 3, NULL, 'district', {_T}), (2, 'OLD-TEACHER', 1, 1, 'teacher', {_T})",
    "INSERT INTO tickets (id, school_id, year, seq, lookup_code, kind, topic, anonymous, "
    "handled_by, channel, text, photos, status, received_at, decide_due, extensions) VALUES "
    f"(1, 1, 2026, 1, 'LK1', 'to_cao', 'khac', FALSE, 'district', 'web', 'Tố cáo', '[]', "
    f"'received', {_T}, '2026-01-12', 0), "
    f"(2, 1, 2026, 2, 'LK2', 'gop_y', 'bua_an', FALSE, 'staff', 'web', 'Góp ý', '[]', "
    f"'received', {_T}, '2026-01-08', 0)",
    "INSERT INTO ticket_events (id, ticket_id, at, actor_id, actor_role, action, status, note, "
    f"public) VALUES (1, 1, {_T}, 2, 'district', 'accepted', 'accepted', '', TRUE), "
    f"(2, 2, {_T}, 1, 'principal', 'resolved', 'resolved', '', TRUE)",
)


async def test_a_migration_that_fails_part_way_leaves_the_database_as_it_was(
    database_url: str, tmp_path: Path
) -> None:
    """All the migrations are one transaction, on SQLite too (its driver would commit each
    CREATE by itself): the newest one fails on a table that is in its way, and none of the
    seventeen before it is left behind — as after a kill part-way (bot/stopping.py)."""
    url = (
        f"sqlite+aiosqlite:///{tmp_path / 'new.db'}"
        if database_url.startswith("sqlite")
        else database_url
    )
    if not url.startswith("sqlite"):
        await emptied(url)
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE web_chat_messages (in_the_way integer)"))
    try:
        with pytest.raises(DBAPIError):
            await upgrade(url)
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert tables == {"web_chat_messages"}
    finally:
        async with engine.begin() as connection:
            await connection.execute(text("DROP TABLE web_chat_messages"))
        await engine.dispose()
        await upgrade(url)  # PostgreSQL's is the session's: at the head again for the others


async def test_the_tidy_names_migration_makes_old_names_findable_and_merges_nothing(
    database_url: str, tmp_path: Path
) -> None:
    """Names stored untidily before 0019 (spaces, decomposed marks) are tidy after it, so the
    CLI finds them as typed now; one whose tidy form another row has already is left alone."""
    url = await _migrated_to(database_url, tmp_path, "0018")
    untidy_class = unicodedata.normalize("NFD", " Lá  1 ")
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        for code, name in (("MN-A ", "Trường  A"), ("MN-B", "Trường B"), ("MN-B ", "Trường B2")):
            await connection.execute(
                text(
                    "INSERT INTO schools (code, name, target_percent, created_at, remote_area) "
                    "VALUES (:code, :name, 90, '2026-01-05 00:00:00', false)"
                ),
                {"code": code, "name": name},
            )
        for school, name, invite in ((1, untidy_class, "AAAA1111"), (1, "Chồi 1", "AAAA2222"),
                                     (1, "Chồi  1", "AAAA3333")):  # fmt: skip
            await connection.execute(
                text(
                    "INSERT INTO classes (school_id, name, grade, invite_code) "
                    "VALUES (:school, :name, '', :invite)"
                ),
                {"school": school, "name": name, "invite": invite},
            )
    await upgrade(url)
    async with engine.begin() as connection:
        schools = (
            await connection.execute(text("SELECT code, name FROM schools ORDER BY id"))
        ).all()
        classes = (await connection.execute(text("SELECT name FROM classes ORDER BY id"))).all()
    await engine.dispose()
    if not database_url.startswith("sqlite"):
        await emptied(url)
        await upgrade(url)
    assert [tuple(row) for row in schools] == [
        ("MN-A", "Trường A"),
        ("MN-B", "Trường B"),
        ("MN-B ", "Trường B2"),  # "MN-B" is another school's code: not merged into it
    ]
    assert [row.name for row in classes] == ["Lá 1", "Chồi 1", "Chồi  1"]
