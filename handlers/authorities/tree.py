"""Managing authorities as data: a tree of the bodies above the schools they manage.

Since 1 July 2025 local government has two tiers, province and commune (cấp tỉnh, cấp xã: xã,
phường, đặc khu); there is no district-level UBND or Phòng GD&ĐT any more. Nghị định
142/2025/NĐ-CP (12/6/2025, in force 1/7/2025) gives the founding, licensing, suspension, merger
and dissolution of preschools to the Chairman of the commune-level UBND, which so manages them,
with professional guidance from the province's Sở GD&ĐT. The tree holds that shape (Sở GD&ĐT →
UBND xã/phường/đặc khu → schools) and any other, e.g. a private school group ("other"); each
school points at its direct managing authority. A deployment has tens to a few thousand
authorities, so the tree is read whole and walked in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models.schools import Authority, School
from bot.school_terms import AUTHORITY_KINDS, AuthorityKind
from handlers import texts
from surveys.text import fold, tidy

NAME_LIMIT = 200


@dataclass(frozen=True)
class AuthorityRef:
    """An authority as reports and documents name it: in full, its kind and its parent."""

    id: int
    name: str  # in full, e.g. "Ủy ban nhân dân phường Sài Gòn"
    kind: AuthorityKind
    parent: AuthorityRef | None

    @property
    def kind_name(self) -> str:
        """The kind in Vietnamese: "Sở GD&ĐT (cấp tỉnh)", "UBND cấp xã" or "khác"."""
        return texts.AUTHORITY_KIND_NAMES[self.kind]


@dataclass(frozen=True)
class Node:
    id: int
    name: str
    kind: AuthorityKind
    parent_id: int | None


@dataclass(frozen=True)
class Tree:
    """Every authority and its parent."""

    nodes: Mapping[int, Node]

    def ref(self, authority_id: int) -> AuthorityRef:
        node = self.nodes[authority_id]
        parent = self.ref(node.parent_id) if node.parent_id is not None else None
        return AuthorityRef(node.id, node.name, node.kind, parent)

    def children(self, authority_id: int | None) -> list[Node]:
        """The authorities directly beneath one (None: the top ones), by name."""
        found = [n for n in self.nodes.values() if n.parent_id == authority_id]
        return sorted(found, key=lambda n: (fold(n.name), n.id))

    def beneath(self, authority_id: int) -> frozenset[int]:
        """The authority and every authority beneath it, however deep."""
        found, todo = {authority_id}, [authority_id]
        while todo:
            for child in self.children(todo.pop()):
                if child.id not in found:  # a cycle cannot be made, but never loop on one
                    found.add(child.id)
                    todo.append(child.id)
        return frozenset(found)

    def above(self, authority_id: int) -> Iterator[int]:
        """The authority, then its parent, and so on to the top."""
        seen: set[int] = set()
        current: int | None = authority_id
        while current is not None and current not in seen:
            seen.add(current)
            yield current
            current = self.nodes[current].parent_id

    def lines(self) -> Iterator[tuple[int, Node]]:
        """Every authority with its depth, each under its parent (for `hailong authority list`)."""

        def walk(parent: int | None, depth: int) -> Iterator[tuple[int, Node]]:
            for node in self.children(parent):
                yield depth, node
                yield from walk(node.id, depth + 1)

        return walk(None, 0)


async def load_tree(session: AsyncSession) -> Tree:
    rows = await session.execute(
        select(Authority.id, Authority.name, Authority.kind, Authority.parent_id)
    )
    nodes = {
        id_: Node(id_, name, cast(AuthorityKind, kind), parent_id)
        for id_, name, kind, parent_id in rows
    }
    return Tree(nodes)


class AuthorityExists(ValueError):
    """An authority of that name is under that parent (or at the top) already."""

    def __init__(self, twin: Authority) -> None:
        super().__init__(f"authority {twin.name!r} exists already (id {twin.id})")
        self.twin = twin


async def create_authority(
    session: AsyncSession, *, name: str, kind: str, now: datetime, parent: Authority | None = None
) -> Authority:
    """An authority under `parent` (or at the top); its name is unique among its siblings
    (AuthorityExists carries the one there)."""
    name = tidy(name)
    if not name or len(name) > NAME_LIMIT:
        raise ValueError(f"an authority's name: 1 to {NAME_LIMIT} characters")
    if kind not in AUTHORITY_KINDS:
        raise ValueError(f"unknown kind {kind!r} (one of: {', '.join(AUTHORITY_KINDS)})")
    parent_id = parent.id if parent is not None else None
    twin = await session.scalar(
        select(Authority).where(
            Authority.name == name, Authority.parent_id.is_not_distinct_from(parent_id)
        )
    )
    if twin is not None:
        raise AuthorityExists(twin)
    authority = Authority(name=name, kind=kind, parent_id=parent_id, created_at=now)
    session.add(authority)
    await session.flush()
    return authority


async def move_authority(
    session: AsyncSession, authority: Authority, parent: Authority | None
) -> None:
    """Puts an authority (and all beneath it) under another one, never under itself."""
    if parent is not None and parent.id in (await load_tree(session)).beneath(authority.id):
        raise ValueError(f"{parent.name!r} is beneath {authority.name!r}: that would be a loop")
    authority.parent_id = parent.id if parent is not None else None
    await session.flush()


async def authority_by_ref(session: AsyncSession, ref: str) -> Authority:
    """The authority a person names: its id, its exact name, or its name typed without
    diacritics or in another case when only one matches."""
    ref = tidy(ref)
    if ref.isdigit() and (found := await session.get(Authority, int(ref))) is not None:
        return found
    exact = list(await session.scalars(select(Authority).where(Authority.name == ref)))
    matches = exact or [
        a for a in await session.scalars(select(Authority)) if fold(a.name) == fold(ref)
    ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise LookupError(f"no authority {ref!r} (hailong authority list shows them)")
    ids = ", ".join(str(a.id) for a in sorted(matches, key=lambda a: a.id))
    raise LookupError(f"{len(matches)} authorities are named {ref!r} (ids {ids}): give the id")


async def managing_authority(session: AsyncSession, school_id: int) -> AuthorityRef | None:
    """The school's direct managing authority, with the chain above it; None when not set.

    The quarterly report is addressed to it ("Kính gửi: Ủy ban nhân dân phường …") and its name
    stands above the school's in the letterhead (Nghị định 30/2020/NĐ-CP, Phụ lục I).
    """
    authority_id = await session.scalar(select(School.authority_id).where(School.id == school_id))
    if authority_id is None:
        return None
    return (await load_tree(session)).ref(authority_id)


async def authority_named(session: AsyncSession, name: str, now: datetime) -> Authority:
    """The top-level authority of this name, made (its kind guessed) if there is none; for the
    old `--district` spellings, which named a district office by its text."""
    name = tidy(name)
    found = await session.scalar(
        select(Authority).where(Authority.name == name).order_by(Authority.id).limit(1)
    )
    if found is not None:
        return found
    return await create_authority(session, name=name, kind=guess_kind(name), now=now)


def guess_kind(name: str) -> AuthorityKind:
    """The kind a name says plainly ("Sở GD&ĐT …", "UBND phường …", "Xã …"), else "other".

    A former district office ("Phòng GD&ĐT Quận 1") is "other": that level no longer exists,
    and which commune now manages its schools is for the operator to say.
    """
    words = " " + " ".join("".join(c if c.isalnum() else " " for c in fold(name)).split()) + " "
    if " so giao duc" in words or " so gd" in words:
        return "province"
    places = (" xa ", " phuong ", " dac khu ")
    named = " ubnd " in words or " uy ban nhan dan " in words
    if words.startswith(places) or (named and any(place in words for place in places)):
        return "commune"
    return "other"
