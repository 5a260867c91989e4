"""grades: each response keeps the grade of its class (nhà trẻ, mầm, chồi, lá) when released

Reports break the answers down by grade. A response released with its class gets the class's
grade; one released without its class (a small class, at close) keeps its grade only when that
grade's group is big enough (handlers/release.py). Responses already stored take their class's
grade now; those without a class stay without a grade.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("responses") as table:
        table.add_column(sa.Column("grade", sa.String(20), nullable=False, server_default=""))
    op.execute(
        "UPDATE responses SET grade = (SELECT classes.grade FROM classes"
        " WHERE classes.id = responses.class_id) WHERE class_id IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("responses") as table:
        table.drop_column("grade")
