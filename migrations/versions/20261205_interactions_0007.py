"""app_keys: the server's own secrets (the key that signs buttons), shared by every replica;
survey_runs.state: where a run stands (the engine's RunState) instead of selecting/reviewing

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_keys",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.String(128), nullable=False),
    )
    with op.batch_alter_table("survey_runs") as batch:
        batch.add_column(sa.Column("state", sa.JSON(), nullable=False, server_default="{}"))
        batch.drop_column("selecting")
        batch.drop_column("reviewing")


def downgrade() -> None:
    with op.batch_alter_table("survey_runs") as batch:
        batch.add_column(sa.Column("selecting", sa.String(500), nullable=False, server_default=""))
        batch.add_column(sa.Column("reviewing", sa.Boolean(), nullable=False, server_default="0"))
        batch.drop_column("state")
    op.drop_table("app_keys")
