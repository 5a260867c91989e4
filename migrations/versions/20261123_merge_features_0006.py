"""merge the feature branches (Zalo links, tickets, delivery, reports) into one head

Revision ID: 0006
Revises: 0002, 0003, 0004, 0005
Create Date: 2026-11-23 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0006"
down_revision: str | Sequence[str] | None = ("0002", "0003", "0004", "0005")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change: the branches touch different tables, so their order does not matter."""


def downgrade() -> None:
    """Nothing to change."""
