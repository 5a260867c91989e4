"""web history: the web chat's bubbles, so a reload or a restart shows the whole conversation

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 01:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_chat_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("view", sa.String(length=10), nullable=False),
        sa.Column("message_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("shown", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_chat_messages")),
        sa.UniqueConstraint(
            "chat_id",
            "view",
            "message_id",
            name=op.f("uq_web_chat_messages_chat_id_view_message_id"),
        ),
    )
    with op.batch_alter_table("web_chat_messages") as batch:
        batch.create_index(
            "ix_web_chat_messages_chat", ["chat_id", "view", "position"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("web_chat_messages") as batch:
        batch.drop_index("ix_web_chat_messages_chat")
    op.drop_table("web_chat_messages")
