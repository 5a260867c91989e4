"""deadlines: schools in remote areas (Luật Khiếu nại 2011, Điều 28), the limits a ticket was
received under, and why a denunciation's initial handling was lengthened (Luật Tố cáo 2018,
Điều 24 khoản 1)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "schools",
        sa.Column("remote_area", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "tickets",
        sa.Column("remote_area", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("tickets", sa.Column("decide_extension_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("decide_extension_reason")
        batch.drop_column("remote_area")
    with op.batch_alter_table("schools") as batch:
        batch.drop_column("remote_area")
