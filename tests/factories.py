"""Builders for the rows a test needs: an authority, a school, classes, staff, a wave."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.app import App
from bot.models.schools import Authority, Classroom, School
from bot.models.waves import Wave
from handlers.authorities.officers import create_officer_invite
from handlers.authorities.tree import create_authority
from handlers.setup import create_class, create_school, create_staff_invite
from handlers.waves import launch_wave
from surveys.catalog import Catalog


@dataclass
class SchoolSetup:
    school: School
    classes: dict[str, Classroom]


async def make_authority(
    app: App, name: str, kind: str = "commune", parent: Authority | None = None
) -> Authority:
    async with app.db.transaction() as session:
        return await create_authority(
            session, name=name, kind=kind, now=app.services.clock.now(), parent=parent
        )


async def make_officer_code(app: App, authority: Authority, hours: int = 72) -> str:
    now = app.services.clock.now()
    async with app.db.transaction() as session:
        invite = await create_officer_invite(
            session, authority=authority, now=now, ttl=timedelta(hours=hours)
        )
        return invite.code


async def make_school(
    app: App,
    code: str = "MN-TEST",
    classes: tuple[str, ...] = ("Lá 1", "Chồi 1"),
    authority: Authority | None = None,
) -> SchoolSetup:
    now = app.services.clock.now()
    async with app.db.transaction() as session:
        school = await create_school(
            session, code=code, name=f"Trường Mầm non {code}", now=now, authority=authority
        )
        made = {name: await create_class(session, school=school, name=name) for name in classes}
    return SchoolSetup(school, made)


async def make_staff_code(
    app: App, setup: SchoolSetup, role: str, class_name: str | None = None, hours: int = 72
) -> str:
    now = app.services.clock.now()
    async with app.db.transaction() as session:
        school = await session.get(School, setup.school.id)
        assert school is not None
        classroom = setup.classes[class_name] if class_name else None
        invite = await create_staff_invite(
            session,
            school=school,
            role=role,
            classroom=classroom,
            now=now,
            ttl=timedelta(hours=hours),
        )
        return invite.code


async def open_wave(
    app: App,
    setup: SchoolSetup,
    survey_key: str = "preschool_parents",
    days: int = 14,
    class_names: tuple[str, ...] = (),
    version: int | None = None,
) -> Wave:
    """A wave of the survey's newest version, or of `version` as if no newer one were installed
    yet (the app's catalogue keeps every version; a wave keeps the one it was opened with)."""
    now = app.services.clock.now()
    catalog = app.services.catalog
    if version is not None:
        catalog = Catalog(s for s in catalog.versions(survey_key) if s.version <= version)
    async with app.db.transaction() as session:
        wave, _ = await launch_wave(
            session,
            catalog,
            school_id=setup.school.id,
            survey_key=survey_key,
            opens_at=now,
            closes_at=now + timedelta(days=days),
            now=now,
            settings=app.services.settings,
            class_ids=[setup.classes[n].id for n in class_names],
        )
    await app.settle()
    return wave
