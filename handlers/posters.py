"""Who may post to parents: a teacher to the classes they teach, a principal to the whole school."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from sqlalchemy import select

from bot.channels.base import Choice
from bot.context import Context
from bot.interactions import Button, choice
from bot.models.schools import Classroom, School
from handlers import texts
from handlers.people import places_of


@dataclass(frozen=True)
class Poster:
    """A staff member who may post, and the classes they may address."""

    person_id: int
    school: School
    principal: bool
    classes: dict[int, Classroom]

    def targets(self, picked: Collection[int], whole_school: bool) -> list[int] | None:
        """The picked classes ([] = the whole school), or None if any is not this poster's."""
        if whole_school and self.principal:
            return []
        chosen = list(picked)
        return chosen if chosen and set(chosen) <= set(self.classes) else None


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


async def addressing(ctx: Context) -> Poster | None:
    """The staff member about to address classes; None once told why not: not staff, or their
    school has no class yet (a principal who joined before the classes were made)."""
    poster = await poster_of(ctx)
    if poster is None:
        ctx.reply(texts.STAFF_ONLY)
    elif not poster.classes:
        ctx.reply(texts.NO_CLASSES_YET.format(school=poster.school.name))
    else:
        return poster
    return None


def class_choices(
    poster: Poster,
    picked: Collection[int],
    whole_school: bool,
    *,
    whole: Button,
    tick: Callable[[int], Button],
    done: Choice,
) -> list[Choice]:
    """The classes a poster may address, as buttons ticked when picked: the whole school first
    (for a principal only), then each class, then `done`."""

    def marked(label: str, on: bool) -> str:
        return texts.PICKED.format(label=label) if on else label

    choices = [choice(whole, marked(texts.WHOLE_SCHOOL, whole_school))] if poster.principal else []
    choices += [
        choice(tick(class_id), marked(classroom.name, class_id in picked))
        for class_id, classroom in poster.classes.items()
    ]
    return [*choices, done]
