"""consent: the school's contact as the controller of parents' data; tickets past retention

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("schools") as batch:
        batch.add_column(
            sa.Column("contact_phone", sa.String(length=40), server_default="", nullable=False)
        )
        batch.add_column(
            sa.Column("contact_email", sa.String(length=200), server_default="", nullable=False)
        )
        batch.add_column(
            sa.Column("address", sa.String(length=300), server_default="", nullable=False)
        )
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("purged_at")
    with op.batch_alter_table("schools") as batch:
        batch.drop_column("address")
        batch.drop_column("contact_email")
        batch.drop_column("contact_phone")
