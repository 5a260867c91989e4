"""authorities: managing authorities as a tree; each school's direct one; officers of authorities

Since 1 July 2025 there is no district level (Nghị định 142/2025/NĐ-CP): a preschool is managed
by the UBND of its xã, phường or đặc khu, under the province's Sở GD&ĐT. Each distinct district
text of `schools` becomes an authority of that name (kind guessed from the name, "other" when
unclear, no parent), and the school is put under it; a school with district officers but no
text gets an authority of its own ("Cơ quan quản lý của <trường>"), so none of them is lost.
District officers (memberships of role "district") become officers of their school's authority,
their unused invites officer invites; tickets handled by the district are handled by the
authority; the column goes.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 12:00:00
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OWN_AUTHORITY = "Cơ quan quản lý của {school}"


def upgrade() -> None:
    op.create_table(
        "authorities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["authorities.id"], name=op.f("fk_authorities_parent_id_authorities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authorities")),
        sa.UniqueConstraint("parent_id", "name", name=op.f("uq_authorities_parent_id_name")),
    )
    with op.batch_alter_table("authorities") as batch:
        batch.create_index(batch.f("ix_authorities_parent_id"), ["parent_id"], unique=False)
    op.create_table(
        "officers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authorities.id"],
            name=op.f("fk_officers_authority_id_authorities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_officers_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_officers")),
        sa.UniqueConstraint(
            "person_id", "authority_id", name=op.f("uq_officers_person_id_authority_id")
        ),
    )
    with op.batch_alter_table("officers") as batch:
        batch.create_index(batch.f("ix_officers_authority_id"), ["authority_id"], unique=False)
        batch.create_index(batch.f("ix_officers_person_id"), ["person_id"], unique=False)
    with op.batch_alter_table("schools") as batch:
        batch.add_column(sa.Column("authority_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_schools_authority_id"), ["authority_id"], unique=False)
        batch.create_foreign_key(
            batch.f("fk_schools_authority_id_authorities"),
            "authorities",
            ["authority_id"],
            ["id"],
        )
    with op.batch_alter_table("staff_invites") as batch:
        batch.add_column(sa.Column("authority_id", sa.Integer(), nullable=True))
        batch.alter_column("school_id", existing_type=sa.Integer(), nullable=True)
        batch.create_foreign_key(
            batch.f("fk_staff_invites_authority_id_authorities"),
            "authorities",
            ["authority_id"],
            ["id"],
            ondelete="CASCADE",
        )
    _districts_to_authorities(op.get_bind())
    with op.batch_alter_table("schools") as batch:
        batch.drop_column("district")


def _districts_to_authorities(connection: sa.Connection) -> None:
    """One authority per distinct district text; district officers become its officers."""
    now = datetime.now(UTC)
    schools = connection.execute(sa.text("SELECT id, name, district FROM schools")).all()
    with_officers = {
        row.school_id
        for row in connection.execute(
            sa.text(
                "SELECT school_id FROM memberships WHERE role = 'district' UNION "
                "SELECT school_id FROM staff_invites WHERE role = 'district'"
            )
        )
    }
    made: dict[str, int] = {}
    for school in sorted(schools, key=lambda s: s.id):
        name = (school.district or "").strip()
        if not name and school.id in with_officers:
            name = OWN_AUTHORITY.format(school=school.name)[:200]
        if not name:
            continue
        if name not in made:
            made[name] = _insert_authority(connection, name, guess_kind(name), now)
        connection.execute(
            sa.text("UPDATE schools SET authority_id = :authority WHERE id = :school"),
            {"authority": made[name], "school": school.id},
        )
    officers = connection.execute(
        sa.text(
            "SELECT m.person_id, s.authority_id, MIN(m.created_at) AS since "
            "FROM memberships m JOIN schools s ON s.id = m.school_id "
            "WHERE m.role = 'district' GROUP BY m.person_id, s.authority_id"
        )
    ).all()
    for officer in officers:
        connection.execute(
            sa.text(
                "INSERT INTO officers (person_id, authority_id, created_at) "
                "VALUES (:person, :authority, :since)"
            ),
            {
                "person": officer.person_id,
                "authority": officer.authority_id,
                "since": officer.since,
            },
        )
    connection.execute(sa.text("DELETE FROM memberships WHERE role = 'district'"))
    connection.execute(
        sa.text(
            "UPDATE staff_invites SET role = 'officer', authority_id = "
            "(SELECT authority_id FROM schools WHERE schools.id = staff_invites.school_id), "
            "school_id = NULL WHERE role = 'district'"
        )
    )
    connection.execute(
        sa.text("UPDATE tickets SET handled_by = 'authority' WHERE handled_by = 'district'")
    )
    connection.execute(
        sa.text("UPDATE ticket_events SET actor_role = 'officer' WHERE actor_role = 'district'")
    )


def _insert_authority(connection: sa.Connection, name: str, kind: str, now: datetime) -> int:
    inserted = connection.execute(
        sa.text(
            "INSERT INTO authorities (name, kind, parent_id, created_at) "
            "VALUES (:name, :kind, NULL, :now) RETURNING id"
        ),
        {"name": name, "kind": kind, "now": now},
    )
    return int(inserted.scalar_one())


def guess_kind(name: str) -> str:
    """The kind a name says plainly; a frozen copy of handlers.authorities.tree.guess_kind, so
    that this migration does the same whatever the code becomes."""
    words = " " + _folded(name) + " "
    if " so giao duc" in words or " so gd" in words:
        return "province"
    places = (" xa ", " phuong ", " dac khu ")
    if words.startswith(places) or (
        (" ubnd " in words or " uy ban nhan dan " in words) and any(p in words for p in places)
    ):
        return "commune"
    return "other"


def _folded(text: str) -> str:
    plain = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    letters = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return " ".join("".join(c if c.isalnum() else " " for c in letters).split())


def downgrade() -> None:
    with op.batch_alter_table("schools") as batch:
        batch.add_column(
            sa.Column("district", sa.String(length=200), nullable=False, server_default="")
        )
    connection = op.get_bind()
    connection.execute(
        sa.text(
            "UPDATE schools SET district = COALESCE((SELECT name FROM authorities "
            "WHERE authorities.id = schools.authority_id), '')"
        )
    )
    # an officer becomes a district officer of each school its authority manages directly
    connection.execute(
        sa.text(
            "INSERT INTO memberships (person_id, school_id, class_id, role, created_at) "
            "SELECT o.person_id, s.id, NULL, 'district', o.created_at FROM officers o "
            "JOIN schools s ON s.authority_id = o.authority_id"
        )
    )
    connection.execute(
        sa.text(
            "UPDATE staff_invites SET role = 'district', school_id = (SELECT MIN(id) FROM schools "
            "WHERE schools.authority_id = staff_invites.authority_id) WHERE role = 'officer'"
        )
    )
    connection.execute(sa.text("DELETE FROM staff_invites WHERE school_id IS NULL"))
    connection.execute(
        sa.text("UPDATE tickets SET handled_by = 'district' WHERE handled_by = 'authority'")
    )
    connection.execute(
        sa.text("UPDATE ticket_events SET actor_role = 'district' WHERE actor_role = 'officer'")
    )
    with op.batch_alter_table("staff_invites") as batch:
        batch.drop_constraint("fk_staff_invites_authority_id_authorities", type_="foreignkey")
        batch.drop_column("authority_id")
        batch.alter_column("school_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("schools") as batch:
        batch.drop_constraint("fk_schools_authority_id_authorities", type_="foreignkey")
        batch.drop_index(batch.f("ix_schools_authority_id"))
        batch.drop_column("authority_id")
    op.drop_table("officers")
    op.drop_table("authorities")
