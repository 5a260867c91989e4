"""Who a school's post reaches: its classes' linked groups and/or each consenting parent privately.

The school's policy (`schools.audience`, default HAILONG_AUDIENCE) decides:
- `groups`: a class with a linked group gets the post there; its parents get no private copy
  (they read it in the group); a class without a group gets private messages;
- `private`: every consenting parent privately, groups never;
- `both`: the group and every consenting parent privately.

A private message needs the parent's consent to "news": the notice a parent agrees to names
"thông báo" (announcements) with news, so a teacher's announcement needs it as well (silence or a
"no" is not consent, Law 91/2025 art. 9). A group post processes no one parent's data, so it goes
to the group whatever its members chose. A parent is one recipient however many of their children
are in the classes, on their most recent chat account (like every message to a person).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery.broadcasts import Recipient, unreachable_among
from bot.models.broadcasts import ClassGroup
from bot.models.people import ChatAccount, Membership
from bot.models.schools import Classroom, School
from bot.settings import Settings
from handlers.people import consenting

NEWS = "news"


@dataclass(frozen=True)
class Audience:
    """The recipients of a post, and who of the classes' parents it cannot reach privately."""

    recipients: list[Recipient]
    without_consent: int
    unreachable: int

    @property
    def parents(self) -> int:
        return sum(1 for r in self.recipients if not r.to_group)

    @property
    def groups(self) -> int:
        return sum(1 for r in self.recipients if r.to_group)


def policy_of(school: School, settings: Settings) -> str:
    return school.audience or settings.audience


def quiet_hours_of(school: School, settings: Settings) -> str:
    return settings.quiet_hours if school.quiet_hours is None else school.quiet_hours


async def audience_of(
    session: AsyncSession, school: School, class_ids: Sequence[int], settings: Settings
) -> Audience:
    """The recipients of a post to these classes of the school (all of them when none given)."""
    policy = policy_of(school, settings)
    groups = await linked_groups(session, class_ids) if policy != "private" else []
    grouped = {g.class_id for g in groups}
    private_classes = [c for c in class_ids if policy == "both" or c not in grouped]
    class_of = await parents_of(session, private_classes)
    allowed = await consenting(session, list(class_of), NEWS) if class_of else set()
    accounts = await latest_accounts(session, sorted(allowed))
    recipients = [
        Recipient(g.channel, g.chat_id, class_id=g.class_id, to_group=True) for g in groups
    ]
    recipients += [
        Recipient(channel, chat_id, person_id=person_id, class_id=class_of[person_id])
        for person_id, (channel, chat_id) in accounts.items()
    ]
    gone = await unreachable_among(session, recipients)
    return Audience(recipients, len(class_of) - len(allowed), len(gone))


async def linked_groups(session: AsyncSession, class_ids: Collection[int]) -> list[ClassGroup]:
    """The active groups linked to these classes, one per (channel, chat)."""
    found = await session.scalars(
        select(ClassGroup)
        .where(ClassGroup.class_id.in_(list(class_ids)), ClassGroup.active.is_(True))
        .order_by(ClassGroup.id)
    )
    return list(found)


async def parents_of(session: AsyncSession, class_ids: Collection[int]) -> dict[int, int]:
    """Each parent of these classes, once, with the first of their classes among them."""
    rows = await session.execute(
        select(Membership.person_id, Membership.class_id)
        .where(Membership.class_id.in_(list(class_ids)), Membership.role == "parent")
        .order_by(Membership.id)
    )
    class_of: dict[int, int] = {}
    for person_id, class_id in rows:
        if class_id is not None:
            class_of.setdefault(person_id, class_id)
    return class_of


async def latest_accounts(
    session: AsyncSession, person_ids: Sequence[int]
) -> dict[int, tuple[str, str]]:
    """Each person's most recent chat account as (channel, chat id), in one query."""
    if not person_ids:
        return {}
    rows = await session.execute(
        select(ChatAccount.person_id, ChatAccount.channel, ChatAccount.chat_id)
        .where(ChatAccount.person_id.in_(list(person_ids)))
        .order_by(ChatAccount.id)
    )
    return {person_id: (channel, chat_id) for person_id, channel, chat_id in rows}


async def school_class_ids(session: AsyncSession, school_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(Classroom.id).where(Classroom.school_id == school_id).order_by(Classroom.id)
        )
    )
