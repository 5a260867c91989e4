"""`hailong school list` and `hailong class list`: what is set up, and the codes to hand out.

Counts of people only, never who they are: how many parents and teachers have joined a class is
what an operator checks after sending its code around.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from bot.cli_words import plural

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.settings import Settings


def add_commands(school: Any, classes: Any) -> None:
    """Adds `list` to the `hailong school` and `hailong class` subcommands."""
    school.add_parser(
        "list", help="every school: its classes, parents joined and managing authority"
    ).set_defaults(command=cmd_school_list)
    listing = classes.add_parser(
        "list", help="a school's classes: grade, parent code, parents and teachers joined"
    )
    listing.add_argument("--school", required=True, help="school code")
    listing.set_defaults(command=cmd_class_list)


async def cmd_school_list(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import func, select

    from bot.cli import _database
    from bot.models.schools import Authority, Classroom, School

    async with _database(settings) as db, db.sessions() as session:
        schools = (
            await session.execute(
                select(School.id, School.code, School.name, Authority.name)
                .outerjoin(Authority, School.authority_id == Authority.id)
                .order_by(School.code)
            )
        ).all()
        counted = select(Classroom.school_id, func.count()).group_by(Classroom.school_id)
        classes: dict[int, int] = {key: n for key, n in await session.execute(counted)}
        parents = await _joined(session, "parent", by_class=False)
    if not schools:
        print("no school yet: hailong school create --code CODE --name NAME")
    for school_id, code, name, authority in schools:
        print(
            f"{code}\t{name}\t{plural(classes.get(school_id, 0), 'class', 'classes')}\t"
            f"{plural(parents.get(school_id, 0), 'parent')}\t"
            f"{authority or 'no managing authority (hailong school move)'}"
        )
    return 0


async def cmd_class_list(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from bot.cli import _database
    from bot.models.schools import Classroom
    from bot.school_terms import GRADES
    from handlers.setup import in_order, school_by_code

    async with _database(settings) as db, db.sessions() as session:
        school = await school_by_code(session, args.school)
        found = await session.scalars(select(Classroom).where(Classroom.school_id == school.id))
        rows = [(c.id, c.name, c.grade, c.invite_code) for c in found]
        parents = await _joined(session, "parent", by_class=True)
        teachers = await _joined(session, "teacher", by_class=True)
    if not rows:
        print(
            f"{school.code} has no class yet: hailong class create --school {school.code} "
            "--name NAME, or hailong roster import FILE"
        )
    grade_order = {grade: place for place, grade in enumerate(GRADES)}
    for class_id, name, grade, code in sorted(
        rows, key=lambda row: (grade_order.get(row[2], len(GRADES)), in_order(row[1]))
    ):
        print(
            f"{name}\t{grade or '–'}\tcode {code}\t{plural(parents.get(class_id, 0), 'parent')}"
            f"\t{plural(teachers.get(class_id, 0), 'teacher')}"
        )
    return 0


async def _joined(session: AsyncSession, role: str, *, by_class: bool) -> dict[int | None, int]:
    """How many people hold `role`, by school or by class (each person once)."""
    from sqlalchemy import distinct, func, select

    from bot.models.people import Membership

    per = Membership.class_id if by_class else Membership.school_id
    counted = (
        select(per, func.count(distinct(Membership.person_id)))
        .where(Membership.role == role, per.is_not(None))
        .group_by(per)
    )
    return {key: count for key, count in await session.execute(counted)}
