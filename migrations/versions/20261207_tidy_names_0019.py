"""tidy names: school codes and names and class names as they are now stored and looked up (NFC,
single spaces, none at the ends), so a name typed untidily before is found as typed now

A name whose tidy form another row of its kind has already (a school code, a class name in its
school) is left as it was: the two are not merged.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 00:30:00
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHOOLS = sa.table("schools", sa.column("id"), sa.column("code"), sa.column("name"))
CLASSES = sa.table("classes", sa.column("id"), sa.column("school_id"), sa.column("name"))


def _tidy(text: str) -> str:
    # surveys.text.tidy as of this migration, frozen here as migrations are
    return unicodedata.normalize("NFC", " ".join(text.split()))


def upgrade() -> None:
    bind = op.get_bind()
    schools = bind.execute(sa.select(SCHOOLS.c.id, SCHOOLS.c.code, SCHOOLS.c.name)).all()
    codes = {code for _, code, _ in schools}
    for id_, code, name in schools:
        tidy_code = _tidy(code)
        if tidy_code != code and tidy_code not in codes:
            codes.add(tidy_code)
        else:
            tidy_code = code
        if (tidy_code, _tidy(name)) != (code, name):
            bind.execute(
                SCHOOLS.update().where(SCHOOLS.c.id == id_).values(code=tidy_code, name=_tidy(name))
            )
    classes = bind.execute(sa.select(CLASSES.c.id, CLASSES.c.school_id, CLASSES.c.name)).all()
    names = {(school, name) for _, school, name in classes}
    for id_, school, name in classes:
        tidy_name = _tidy(name)
        if tidy_name != name and (school, tidy_name) not in names:
            names.add((school, tidy_name))
            bind.execute(CLASSES.update().where(CLASSES.c.id == id_).values(name=tidy_name))


def downgrade() -> None:
    """The names stay tidy: the untidy spellings are not kept anywhere to go back to."""
