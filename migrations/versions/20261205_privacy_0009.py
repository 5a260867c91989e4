"""privacy: answers wait in pending_responses and are released in shuffled batches; responses lose
their day; waves.released_at; erasure keeps an open case's sender and an anonymous trail
(consent_events and sealed_senders SET NULL, tickets.sender_erased_at, erased_invites)

The responses already stored were written in the transaction of their receipt, in the order they
came: they are written again here, each wave's class in a random order under new random ids, so
neither their transaction nor their position says who gave them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 12:00:00
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_responses = sa.table(
    "responses",
    sa.column("id", sa.String),
    sa.column("wave_id", sa.Integer),
    sa.column("class_id", sa.Integer),
)
_answers = sa.table(
    "answers",
    sa.column("response_id", sa.String),
    sa.column("question_key", sa.String),
    sa.column("value", sa.Text),
)
_waves = sa.table(
    "waves",
    sa.column("closes_at", sa.DateTime(timezone=True)),
    sa.column("released_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    op.create_table(
        "pending_responses",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["classes.id"],
            name=op.f("fk_pending_responses_class_id_classes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["waves.id"],
            name=op.f("fk_pending_responses_wave_id_waves"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_responses")),
    )
    with op.batch_alter_table("pending_responses") as batch:
        batch.create_index(batch.f("ix_pending_responses_wave_id"), ["wave_id"], unique=False)
    op.create_table(
        "erased_invites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["classes.id"],
            name=op.f("fk_erased_invites_class_id_classes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["waves.id"],
            name=op.f("fk_erased_invites_wave_id_waves"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erased_invites")),
    )
    with op.batch_alter_table("erased_invites") as batch:
        batch.create_index(batch.f("ix_erased_invites_wave_id"), ["wave_id"], unique=False)
    with op.batch_alter_table("waves") as batch:
        batch.add_column(sa.Column("released_at", sa.DateTime(timezone=True), nullable=True))
    # a wave closed before this version has all its answers in `responses` already
    now = datetime.now(UTC)
    op.execute(
        _waves.update().where(_waves.c.closes_at <= now).values(released_at=_waves.c.closes_at)
    )
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("sender_erased_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("consent_events") as batch:
        batch.alter_column("person_id", existing_type=sa.Integer(), nullable=True)
        _set_on_delete(batch, "consent_events", "SET NULL")
    with op.batch_alter_table("sealed_senders") as batch:
        _set_on_delete(batch, "sealed_senders", "SET NULL")
    with op.batch_alter_table("responses") as batch:
        batch.drop_column("submitted_on")
    _redraw_responses(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("responses") as batch:
        batch.add_column(
            sa.Column("submitted_on", sa.Date(), nullable=False, server_default="2026-01-01")
        )
    with op.batch_alter_table("sealed_senders") as batch:
        _set_on_delete(batch, "sealed_senders", "CASCADE")
    op.execute(sa.text("DELETE FROM consent_events WHERE person_id IS NULL"))
    with op.batch_alter_table("consent_events") as batch:
        batch.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
        _set_on_delete(batch, "consent_events", "CASCADE")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("sender_erased_at")
    with op.batch_alter_table("waves") as batch:
        batch.drop_column("released_at")
    op.drop_table("erased_invites")
    op.drop_table("pending_responses")


def _set_on_delete(batch: BatchOperations, table: str, rule: str) -> None:
    """Re-creates the table's foreign key to people with another ON DELETE rule."""
    name = f"fk_{table}_person_id_people"
    batch.drop_constraint(name, type_="foreignkey")
    batch.create_foreign_key(name, "people", ["person_id"], ["id"], ondelete=rule)


def _redraw_responses(connection: sa.Connection) -> None:
    """Writes every stored response again: per wave and class, in a random order, new ids."""
    shuffle = random.SystemRandom().shuffle
    answers: dict[str, list[tuple[str, str]]] = {}
    for response_id, key, value in connection.execute(sa.select(_answers)):
        answers.setdefault(response_id, []).append((key, value))
    groups: dict[tuple[int, int | None], list[str]] = {}
    for response_id, wave_id, class_id in connection.execute(sa.select(_responses)):
        groups.setdefault((wave_id, class_id), []).append(response_id)
    connection.execute(_answers.delete())
    connection.execute(_responses.delete())
    for (wave_id, class_id), ids in groups.items():
        shuffle(ids)
        renamed = {old: str(uuid.uuid4()) for old in ids}
        connection.execute(
            _responses.insert(),
            [{"id": renamed[old], "wave_id": wave_id, "class_id": class_id} for old in ids],
        )
        rows = [
            {"response_id": renamed[old], "question_key": key, "value": value}
            for old in ids
            for key, value in answers.get(old, [])
        ]
        if rows:
            connection.execute(_answers.insert(), rows)
