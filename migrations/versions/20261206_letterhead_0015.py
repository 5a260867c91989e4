"""letterhead: each school's abbreviation in its document numbers (Số: …/BC-<abbreviation>) and
the place name (địa danh) its documents are dated at; empty means the default derived from the
school's name and its managing body

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("doc_abbreviation", sa.String(length=20), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("doc_place", sa.String(length=100), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_column("doc_place")
        batch_op.drop_column("doc_abbreviation")
