"""Creating schools, classes and staff invite codes (CLI, roster import, demo seed)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.column_fit import fitting
from bot.models.people import StaffInvite
from bot.models.schools import Authority, Classroom, School
from handlers.codes import CLASS_CODE_LENGTH, STAFF_CODE_LENGTH, new_code
from surveys.text import tidy

STAFF_ROLES = ("teacher", "principal")  # an officer's invite: authorities.officers


async def create_school(
    session: AsyncSession,
    *,
    code: str,
    name: str,
    now: datetime,
    authority: Authority | None = None,
    target_percent: int = 90,
) -> School:
    """A school under its managing authority; its satisfaction target is what reports mark each
    index against."""
    school = School(
        code=fitting(tidy(code), School.code, "a school code"),
        name=fitting(tidy(name), School.name, "a school name"),
        authority_id=authority.id if authority is not None else None,
        target_percent=target_percent,
        created_at=now,
    )
    session.add(school)
    await session.flush()
    return school


async def create_class(
    session: AsyncSession, *, school: School, name: str, grade: str = ""
) -> Classroom:
    """A class with its reusable parent invite code."""
    classroom = Classroom(
        school_id=school.id,
        name=fitting(tidy(name), Classroom.name, "a class name"),
        grade=grade,
        invite_code=new_code(CLASS_CODE_LENGTH),
    )
    session.add(classroom)
    await session.flush()
    return classroom


async def create_staff_invite(
    session: AsyncSession,
    *,
    school: School,
    role: str,
    now: datetime,
    ttl: timedelta,
    classroom: Classroom | None = None,
) -> StaffInvite:
    """A single-use code granting a staff role; teachers are bound to a class."""
    if role not in STAFF_ROLES:
        raise ValueError(f"unknown staff role {role!r}")
    if role == "teacher" and classroom is None:
        raise ValueError("a teacher invite needs a class")
    invite = StaffInvite(
        code=new_code(STAFF_CODE_LENGTH),
        school_id=school.id,
        class_id=classroom.id if classroom else None,
        role=role,
        expires_at=now + ttl,
    )
    session.add(invite)
    await session.flush()
    return invite


async def find_school(session: AsyncSession, code: str) -> School | None:
    """The school of a code, if there is one."""
    found: School | None = await session.scalar(select(School).where(School.code == tidy(code)))
    return found


async def school_by_code(session: AsyncSession, code: str) -> School:
    """The school of a code; else what the codes are, so a typo is seen at once."""
    school = await find_school(session, code)
    if school is None:
        codes = list(await session.scalars(select(School.code).order_by(School.code)))
        if not codes:
            raise LookupError(
                f"no school with code {code!r}: there is none yet (hailong school create makes one)"
            )
        raise LookupError(
            f"no school with code {code!r}; the school codes: {_first(codes)} (hailong school list)"
        )
    return school


async def find_class(session: AsyncSession, school: School, name: str) -> Classroom | None:
    """The class of a school by its name, if there is one."""
    found: Classroom | None = await session.scalar(
        select(Classroom).where(Classroom.school_id == school.id, Classroom.name == tidy(name))
    )
    return found


async def class_by_name(session: AsyncSession, school: School, name: str) -> Classroom:
    """The class of a school by its name; else the names it has ("La 1" is not "Lá 1")."""
    classroom = await find_class(session, school, name)
    if classroom is None:
        names = list(
            await session.scalars(select(Classroom.name).where(Classroom.school_id == school.id))
        )
        if not names:
            raise LookupError(
                f"no class {name!r} in {school.code}: it has none yet "
                "(hailong class create or hailong roster import makes them)"
            )
        classes = _first(sorted(names, key=in_order))
        raise LookupError(
            f"no class {name!r} in {school.code}; its classes: {classes} "
            f"(hailong class list --school {school.code})"
        )
    return classroom


SHOWN_KEYS = 10  # a code or name not found lists at most this many of those there are


def _first(keys: list[str]) -> str:
    """ "A, B and 3 more": what a code or name not found could have been."""
    more = f" and {len(keys) - SHOWN_KEYS} more" if len(keys) > SHOWN_KEYS else ""
    return ", ".join(keys[:SHOWN_KEYS]) + more


def in_order(name: str) -> tuple[str | int, ...]:
    """A class name's sort key: "Lá 2" before "Lá 10"."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name))


PHONE = re.compile(r"\+?[0-9][0-9 .()-]{5,38}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class SchoolContact:
    """How parents reach a school as the controller of their data; None leaves one as it is,
    "" clears it."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None


def set_school_contact(school: School, contact: SchoolContact) -> None:
    """Sets the school's name and contact (the notice on parents' data shows them)."""
    phone = _checked(contact.phone, PHONE, "--phone: digits, spaces, + . - ( ), e.g. 028 3822 1234")
    email = _checked(contact.email, EMAIL, "--email: an address such as mn.hoasen@example.edu.vn")
    if contact.name is not None:
        if not tidy(contact.name):
            raise ValueError("--name: the school's full name")
        school.name = fitting(tidy(contact.name), School.name, "--name")
    if phone is not None:
        school.contact_phone = phone
    if email is not None:
        school.contact_email = fitting(email, School.contact_email, "--email")
    if contact.address is not None:
        school.address = fitting(" ".join(contact.address.split()), School.address, "--address")


def _checked(value: str | None, pattern: re.Pattern[str], problem: str) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    if value and not pattern.fullmatch(value):
        raise ValueError(problem)
    return value
