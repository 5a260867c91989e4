"""Who may post to parents: a teacher to the classes they teach, a principal to the whole school."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.context import Context
from bot.models import Classroom, School
from handlers.people import places_of


@dataclass(frozen=True)
class Poster:
    """A staff member who may post, and the classes they may address."""

    person_id: int
    school: School
    principal: bool
    classes: dict[int, Classroom]


async def poster_of(ctx: Context) -> Poster | None:
    """The school and classes this person may announce to (None: not staff)."""
    if ctx.person is None:
        return None
    places = await places_of(ctx.session, ctx.person.id, "teacher", "principal")
    if not places:
        return None
    school = places[0].school
    principal = any(p.role == "principal" and p.school.id == school.id for p in places)
    if principal:
        found = await ctx.session.scalars(
            select(Classroom).where(Classroom.school_id == school.id).order_by(Classroom.id)
        )
        classes = {c.id: c for c in found}
    else:
        classes = {
            p.classroom.id: p.classroom
            for p in places
            if p.role == "teacher" and p.classroom and p.school.id == school.id
        }
    return Poster(ctx.person.id, school, principal, classes)
